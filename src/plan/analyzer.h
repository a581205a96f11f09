// Analyzer: resolves a LogicalPlan built by the parser or the DataFrame API. Replaces relation
// names by sources and views, binds column references to input indices (kBoundColumn), resolves
// functions and types (with Spark's implicit coercions), expands stars, turns SELECT lists with
// aggregates into aggregations, and computes every node's output attributes.
// Already-resolved subtrees (`resolved` = true) are kept as they are, so the DataFrame API can
// analyze one new node at a time. Errors are AnalysisError with Spark's error classes in spirit.
// Thread-compatible.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "plan/catalog.h"
#include "plan/logical_plan.h"

namespace sluice {

class Analyzer {
 public:
  explicit Analyzer(const Catalog& catalog);

  PlanPtr Analyze(const PlanPtr& plan);

  /// Resolves an expression against the output of a resolved plan (no aggregates allowed).
  ExprPtr ResolveExpression(const ExprPtr& expr, const PlanPtr& input);

  /// The output column name Spark gives an (unresolved) select-list expression.
  static std::string OutputName(const ExprPtr& unresolved);

 private:
  struct Scope;
  PlanPtr Resolve(const PlanPtr& plan);
  PlanPtr ResolveProject(const PlanPtr& plan, const PlanPtr& child);
  PlanPtr ResolveAggregate(const PlanPtr& plan, const PlanPtr& child);
  PlanPtr ResolveFilter(const PlanPtr& plan, const PlanPtr& child);
  PlanPtr ResolveHaving(const PlanPtr& plan);
  PlanPtr ResolveJoin(const PlanPtr& plan);
  PlanPtr ResolveUnion(const PlanPtr& plan);
  PlanPtr ResolveSort(const PlanPtr& plan, const PlanPtr& child);
  PlanPtr ResolveWatermark(const PlanPtr& plan, const PlanPtr& child);
  PlanPtr ResolveInlineTable(const PlanPtr& plan);
  PlanPtr ResolveRelation(const PlanPtr& plan);
  /// Rewrites window(...) calls in `plan` (a Project/Aggregate over resolved `child`) into a
  /// kWindowExpand below it; returns the new child and updates plan's expressions in place.
  PlanPtr RewriteTimeWindows(const PlanPtr& plan, const PlanPtr& child);

  ExprPtr ResolveExpr(const ExprPtr& e, const std::vector<Attribute>& scope, bool allow_aggregates);
  ExprPtr ResolveColumn(const Expr& e, const std::vector<Attribute>& scope);
  /// Expands `*`, `t.*`, `struct_col.*` into (name, expr) pairs; other expressions pass through.
  std::vector<ExprPtr> ExpandStars(const std::vector<ExprPtr>& exprs,
                                   const std::vector<Attribute>& scope);

  const Catalog& catalog_;
  EvalContext ctx_;
  std::vector<std::map<std::string, PlanPtr>> ctes_;  // innermost last
};

/// True if the resolved expression contains an aggregate call.
bool ContainsAggregate(const ExprPtr& e);
/// A stable text identity of a resolved expression, for matching grouping expressions.
std::string ExprFingerprint(const ExprPtr& e);

}  // namespace sluice
