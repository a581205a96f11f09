// Expr: the expression tree shared by the SQL parser, the DataFrame API and the analyzer.
//
// The parser and the DataFrame API build *unresolved* trees (column references by name, functions by
// name). The analyzer (src/plan/analyzer.h) turns them into *resolved* trees: every kColumn becomes a
// kBoundColumn with an input index and every node gets its result `type`, with Spark's implicit
// coercions inserted as kCast nodes. Resolved trees are compiled for vectorized evaluation
// (src/expr/evaluator.h).
//
// Operators are kCall nodes with canonical names:
//   arithmetic "+", "-", "*", "/", "%", "div", unary "negative"; comparison "=", "<=>", "!=", "<",
//   "<=", ">", ">="; boolean "and", "or", "not"; "isnull", "isnotnull"; "like", "rlike"; "in"
//   (children[0] IN children[1..]); string concatenation "||" is "concat"; bitwise "&", "|", "^", "~".
//   BETWEEN is parsed to ("and" (">=" x lo) ("<=" x hi)); x NOT ... wraps in "not".
// Other function calls keep their lower-cased SQL name ("lower", "count", "window", "from_json"...).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sluice/types.h"
#include "sluice/value.h"

namespace sluice {

enum class ExprKind : uint8_t {
  kLiteral,      // literal: `literal` (its type is literal.type())
  kColumn,       // unresolved column: name_parts, e.g. {"c", "user_id"} or {"data", "amount"}
  kStar,         // `*` or `qual.*`: name_parts holds the qualifier (empty for plain `*`)
  kBoundColumn,  // resolved column: `index` into the input row, `type`
  kAlias,        // children[0] AS `name`
  kCall,         // function or operator call: `name`, children = arguments, `distinct` for aggregates
  kCast,         // CAST(children[0] AS `type`); `is_try` for try_cast
  kCase,         // CASE WHEN c1 THEN v1 ... [ELSE e] END: children = {c1, v1, c2, v2, ..., [e]},
                 // `has_else`. The simple form CASE x WHEN a ... is parsed into x = a conditions.
  kGetField,     // children[0] is a STRUCT; `index` is the field, `name` its name (resolved only)
  kSortOrder,    // ORDER BY item: children[0], `ascending`, `nulls_first`
};

struct ScalarFunction;  // src/expr/function_registry.h
struct Expr;
using ExprPtr = std::shared_ptr<Expr>;

struct Expr {
  ExprKind kind;
  std::vector<ExprPtr> children;

  std::vector<std::string> name_parts;  // kColumn, kStar
  std::string name;                     // kCall function name, kAlias name, kGetField field name
  Value literal;                        // kLiteral
  TypePtr type;                         // result type once resolved; target type for kCast
  int index = -1;                       // kBoundColumn input index, kGetField field index
  bool distinct = false;                // kCall: aggregate with DISTINCT
  bool is_try = false;                  // kCast: try_cast
  bool has_else = false;                // kCase
  bool ascending = true;                // kSortOrder
  bool nulls_first = true;              // kSortOrder (Spark: NULLS FIRST for ASC, LAST for DESC)
  bool nullable = true;                 // resolved: may produce NULL
  const ScalarFunction* function = nullptr;  // kCall, resolved: the bound function
  std::shared_ptr<void> function_state;              // kCall, resolved: ScalarFunction::prepare's

  explicit Expr(ExprKind k) : kind(k) {}

  /// Spark's auto-generated column name for this expression: `amount`, `(amount * 2)`, `count(1)`,
  /// `hour(ts)`, `CAST(x AS INT)`, `CASE WHEN ... END`, `data.amount` -> `amount`.
  std::string ToSql() const;
  /// Debug rendering of the tree.
  std::string ToString() const;
};

// ---- construction helpers ----
ExprPtr MakeLiteral(Value v);
ExprPtr MakeColumn(std::vector<std::string> name_parts);
/// Splits "a.b" on dots (backquoted parts may contain dots) into a column reference.
ExprPtr MakeColumn(const std::string& dotted_name);
ExprPtr MakeStar(std::vector<std::string> qualifier = {});
ExprPtr MakeBoundColumn(int index, TypePtr type, std::string name, bool nullable = true);
ExprPtr MakeAlias(ExprPtr child, std::string name);
ExprPtr MakeCall(std::string name, std::vector<ExprPtr> args, bool distinct = false);
ExprPtr MakeCast(ExprPtr child, TypePtr type, bool is_try = false);
ExprPtr MakeSortOrder(ExprPtr child, bool ascending, bool nulls_first);

/// Deep copy.
ExprPtr CloneExpr(const ExprPtr& e);

}  // namespace sluice
