#include "plan/analyzer.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <functional>
#include <set>

#include "expr/aggregate_signature.h"
#include "expr/evaluator.h"
#include "plan/relation_source.h"
#include "sluice/exception.h"
#include "types/ascii.h"
#include "types/datetime.h"

namespace sluice {

namespace {

bool NameEq(const std::string& a, const std::string& b, bool case_sensitive) {
  return case_sensitive ? a == b : AsciiLower(a) == AsciiLower(b);
}

std::string Quote(const std::string& s) { return "`" + s + "`"; }

std::string JoinNames(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += ".";
    out += parts[i];
  }
  return out;
}

std::string Suggestions(const std::vector<Attribute>& scope) {
  std::string out = "[";
  for (size_t i = 0; i < scope.size(); ++i) {
    if (i) out += ", ";
    std::string q = scope[i].qualifier.empty() ? "" : Quote(scope[i].qualifier.back()) + ".";
    out += q + Quote(scope[i].name);
  }
  return out + "]";
}

bool IsAggregateCall(const ExprPtr& e) {
  return e->kind == ExprKind::kCall && e->function == nullptr && IsAggregateFunctionName(e->name);
}

ExprPtr MakeGetField(ExprPtr base, int index) {
  const auto& f = base->type->fields()[index];
  auto e = std::make_shared<Expr>(ExprKind::kGetField);
  e->name = f.name;
  e->index = index;
  e->type = f.type;
  e->nullable = base->nullable || f.nullable;
  e->children.push_back(std::move(base));
  return e;
}

Attribute AttributeFor(const std::string& name, const ExprPtr& resolved) {
  Attribute a;
  a.name = name;
  a.type = resolved->type;
  a.nullable = resolved->nullable;
  return a;
}

PlanPtr NewResolved(PlanKind kind, std::vector<PlanPtr> children) {
  auto p = MakePlan(kind, std::move(children));
  p->resolved = true;
  for (const auto& c : p->children) p->is_streaming = p->is_streaming || c->is_streaming;
  return p;
}

}  // namespace

bool ContainsAggregate(const ExprPtr& e) {
  if (IsAggregateCall(e)) return true;
  for (const auto& c : e->children) {
    if (ContainsAggregate(c)) return true;
  }
  return false;
}

std::string ExprFingerprint(const ExprPtr& e) {
  std::string s;
  switch (e->kind) {
    case ExprKind::kLiteral:
      s = "lit:" + e->literal.type()->SimpleString() + ":" +
          (e->literal.is_null() ? "null" : e->literal.ToString());
      break;
    case ExprKind::kBoundColumn: s = fmt::format("col#{}", e->index); break;
    case ExprKind::kAlias: return ExprFingerprint(e->children[0]);
    case ExprKind::kCall: s = "call:" + e->name + (e->distinct ? ":distinct" : ""); break;
    case ExprKind::kCast: s = "cast:" + e->type->SimpleString() + (e->is_try ? ":try" : ""); break;
    case ExprKind::kGetField: s = fmt::format("field:{}", e->index); break;
    case ExprKind::kCase: s = e->has_else ? "case:else" : "case"; break;
    case ExprKind::kSortOrder: s = fmt::format("sort:{}:{}", e->ascending, e->nulls_first); break;
    default: s = "?" + e->ToSql(); break;
  }
  s += "(";
  for (size_t i = 0; i < e->children.size(); ++i) {
    if (i) s += ",";
    s += ExprFingerprint(e->children[i]);
  }
  return s + ")";
}

Analyzer::Analyzer(const Catalog& catalog) : catalog_(catalog), ctx_(catalog.eval_context()) {}

std::string Analyzer::OutputName(const ExprPtr& e) {
  if (e->kind == ExprKind::kCall && (e->name == "window" || e->name == "session_window")) return e->name;
  switch (e->kind) {
    case ExprKind::kAlias: return e->name;
    case ExprKind::kColumn: return e->name_parts.back();
    case ExprKind::kBoundColumn:
    case ExprKind::kGetField: return e->name;
    default: return e->ToSql();
  }
}

PlanPtr Analyzer::Analyze(const PlanPtr& plan) { return Resolve(plan); }

ExprPtr Analyzer::ResolveExpression(const ExprPtr& expr, const PlanPtr& input) {
  return ResolveExpr(expr, input->output, /*allow_aggregates=*/false);
}

ExprPtr Analyzer::ResolveColumn(const Expr& e, const std::vector<Attribute>& scope) {
  const auto& parts = e.name_parts;
  bool cs = ctx_.case_sensitive;
  // 1. qualifier.name[.field...]
  std::vector<int> matches;
  size_t consumed = 0;
  if (parts.size() >= 2) {
    for (size_t i = 0; i < scope.size(); ++i) {
      const auto& q = scope[i].qualifier;
      if (!q.empty() && NameEq(q.back(), parts[0], cs) && NameEq(scope[i].name, parts[1], cs))
        matches.push_back(static_cast<int>(i));
    }
    consumed = 2;
  }
  // 2. name[.field...]
  if (matches.empty()) {
    for (size_t i = 0; i < scope.size(); ++i) {
      if (NameEq(scope[i].name, parts[0], cs)) matches.push_back(static_cast<int>(i));
    }
    // Exact-case matches win over case-insensitive ones.
    if (matches.size() > 1 && !cs) {
      std::vector<int> exact;
      for (int m : matches) {
        if (scope[m].name == parts[0]) exact.push_back(m);
      }
      if (exact.size() == 1) matches = exact;
    }
    consumed = 1;
  }
  if (matches.empty()) {
    throw AnalysisError(fmt::format(
        "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name "
        "{} cannot be resolved. Did you mean one of the following? {}.",
        Quote(JoinNames(parts)), Suggestions(scope)));
  }
  if (matches.size() > 1) {
    throw AnalysisError(fmt::format(
        "[AMBIGUOUS_REFERENCE] Reference {} is ambiguous, could be: {}.", Quote(JoinNames(parts)),
        Suggestions([&] {
          std::vector<Attribute> m;
          for (int i : matches) m.push_back(scope[i]);
          return m;
        }())));
  }
  const Attribute& a = scope[matches[0]];
  ExprPtr out = MakeBoundColumn(matches[0], a.type, a.name, a.nullable);
  for (size_t i = consumed; i < parts.size(); ++i) {
    if (out->type->id() != TypeId::kStruct) {
      throw AnalysisError(fmt::format(
          "[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from {}. Need a complex type "
          "[STRUCT, ARRAY, MAP] but got \"{}\".",
          Quote(JoinNames(std::vector<std::string>(parts.begin(), parts.begin() + i))),
          out->type->Sql()));
    }
    int idx = out->type->FieldIndex(parts[i]);
    if (idx < 0) {
      std::vector<std::string> names;
      for (const auto& f : out->type->fields()) names.push_back(Quote(f.name));
      throw AnalysisError(fmt::format(
          "[FIELD_NOT_FOUND] No such struct field {} in {}.", Quote(parts[i]),
          [&] {
            std::string s;
            for (size_t k = 0; k < names.size(); ++k) s += (k ? ", " : "") + names[k];
            return s;
          }()));
    }
    out = MakeGetField(out, idx);
  }
  return out;
}

ExprPtr Analyzer::ResolveExpr(const ExprPtr& e, const std::vector<Attribute>& scope,
                              bool allow_aggregates) {
  switch (e->kind) {
    case ExprKind::kLiteral: {
      auto r = std::make_shared<Expr>(*e);
      r->type = e->literal.type();
      r->nullable = e->literal.is_null();
      return r;
    }
    case ExprKind::kBoundColumn:
      if (e->type) return e;
      break;
    case ExprKind::kColumn: return ResolveColumn(*e, scope);
    case ExprKind::kStar:
      if (!allow_aggregates) {
        throw AnalysisError(
            "[INVALID_USAGE_OF_STAR_OR_REGEX] Invalid usage of '*' in this expression.");
      }
      return e;  // count(*) is handled by BindAggregateCall
    default: break;
  }
  auto r = std::make_shared<Expr>(*e);
  bool agg = e->kind == ExprKind::kCall && IsAggregateFunctionName(e->name);
  for (auto& c : r->children) {
    if (agg && c->kind == ExprKind::kStar) continue;
    c = ResolveExpr(c, scope, allow_aggregates && !agg);
  }
  if (agg) {
    if (!allow_aggregates) {
      throw AnalysisError(fmt::format(
          "[UNSUPPORTED_EXPR_FOR_OPERATOR] Aggregate function {} is not allowed here; aggregate "
          "functions are only allowed in SELECT lists, HAVING and agg().",
          e->ToSql()));
    }
    for (const auto& c : r->children) {
      if (c->kind != ExprKind::kStar && ContainsAggregate(c)) {
        throw AnalysisError(fmt::format(
            "[NESTED_AGGREGATE_FUNCTION] It is not allowed to use an aggregate function in the "
            "argument of another aggregate function: {}.",
            e->ToSql()));
      }
    }
    BindAggregateCall(*r, ctx_);
    return r;
  }
  if (r->kind == ExprKind::kAlias) {
    r->type = r->children[0]->type;
    r->nullable = r->children[0]->nullable;
    return r;
  }
  if (r->kind == ExprKind::kCall && r->name == "session_window") {
    // A grouping key computed by the session-window aggregation itself (never evaluated alone).
    if (r->children.size() != 2) {
      throw AnalysisError(fmt::format(
          "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `session_window` requires 2 parameters but the "
          "actual number is {}.",
          r->children.size()));
    }
    const TypePtr& t = r->children[0]->type;
    if (t->id() != TypeId::kTimestamp && t->id() != TypeId::kTimestampNtz) {
      throw AnalysisError(fmt::format(
          "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"{}\" due to data type "
          "mismatch: The first parameter requires the \"TIMESTAMP\" type, however \"{}\" has the "
          "type \"{}\".",
          e->ToSql(), e->children[0]->ToSql(), t->Sql()));
    }
    TypeId g = r->children[1]->type->id();
    if (g != TypeId::kString && g != TypeId::kInterval) {
      throw AnalysisError(fmt::format(
          "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"{}\" due to data type "
          "mismatch: the gap duration must be a STRING or an INTERVAL.",
          e->ToSql()));
    }
    if (r->children[1]->kind == ExprKind::kLiteral && !r->children[1]->literal.is_null() && g == TypeId::kString)
      ParseDurationMicros(r->children[1]->literal.GetString());  // reject bad constants early
    r->type = DataType::Struct({StructField("start", t), StructField("end", t)});
    r->nullable = false;
    return r;
  }
  if (r->kind == ExprKind::kSortOrder) {
    r->type = r->children[0]->type;
    return r;
  }
  // An aggregate call below makes this node's inputs unknown until the aggregation is planned;
  // binding still works because aggregate calls carry their result types.
  return BindExpression(r, ctx_);
}

std::vector<ExprPtr> Analyzer::ExpandStars(const std::vector<ExprPtr>& exprs,
                                           const std::vector<Attribute>& scope) {
  std::vector<ExprPtr> out;
  for (const auto& e : exprs) {
    if (e->kind != ExprKind::kStar) {
      out.push_back(e);
      continue;
    }
    if (e->name_parts.empty()) {
      for (size_t i = 0; i < scope.size(); ++i)
        out.push_back(MakeBoundColumn(static_cast<int>(i), scope[i].type, scope[i].name,
                                      scope[i].nullable));
      continue;
    }
    // t.* (relation qualifier) or s.* (struct column).
    bool found = false;
    for (size_t i = 0; i < scope.size(); ++i) {
      const auto& q = scope[i].qualifier;
      if (!q.empty() && NameEq(q.back(), e->name_parts.back(), ctx_.case_sensitive)) {
        out.push_back(MakeBoundColumn(static_cast<int>(i), scope[i].type, scope[i].name,
                                      scope[i].nullable));
        found = true;
      }
    }
    if (found) continue;
    Expr col(ExprKind::kColumn);
    col.name_parts = e->name_parts;
    ExprPtr base = ResolveColumn(col, scope);
    if (base->type->id() != TypeId::kStruct) {
      throw AnalysisError(fmt::format(
          "[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve {}.* given input columns {}.",
          Quote(JoinNames(e->name_parts)), Suggestions(scope)));
    }
    for (size_t f = 0; f < base->type->fields().size(); ++f)
      out.push_back(MakeGetField(base, static_cast<int>(f)));
  }
  return out;
}

PlanPtr Analyzer::Resolve(const PlanPtr& plan) {
  if (plan->resolved) return plan;
  switch (plan->kind) {
    case PlanKind::kUnresolvedRelation: return ResolveRelation(plan);
    case PlanKind::kInlineTable: return ResolveInlineTable(plan);
    case PlanKind::kTableFunction: {
      std::vector<ExprPtr> args;
      for (const auto& a : plan->exprs) args.push_back(a);
      return catalog_.ResolveTableFunction(plan->name, args);
    }
    case PlanKind::kWith: {
      ctes_.emplace_back();
      for (const auto& [name, cte] : plan->ctes) {
        PlanPtr r = Resolve(cte);
        auto alias = MakePlan(PlanKind::kSubqueryAlias, {r});
        alias->alias = name;
        ctes_.back()[AsciiLower(name)] = Resolve(alias);
      }
      PlanPtr out = Resolve(plan->children[0]);
      ctes_.pop_back();
      return out;
    }
    case PlanKind::kJoin: return ResolveJoin(plan);
    case PlanKind::kUnion: return ResolveUnion(plan);
    case PlanKind::kFilter:
      if (!plan->children[0]->resolved && plan->children[0]->kind == PlanKind::kAggregate)
        return ResolveHaving(plan);
      break;
    case PlanKind::kSort: {
      const PlanPtr& below = plan->children[0];
      if (below->resolved || (below->kind != PlanKind::kProject && below->kind != PlanKind::kAggregate))
        break;
      try {
        return ResolveSort(plan, Resolve(below));
      } catch (const AnalysisError&) {
        // ORDER BY columns or aggregates that the SELECT list does not output: add them as hidden
        // columns below the sort and project them away above it (Spark's ResolveMissingReferences).
        auto extended = std::make_shared<LogicalPlan>(*below);
        size_t visible = Resolve(below)->output.size();
        std::vector<ExprPtr> orders;
        for (size_t i = 0; i < plan->exprs.size(); ++i) {
          ExprPtr o = plan->exprs[i]->kind == ExprKind::kSortOrder ? plan->exprs[i]
                                                                    : MakeSortOrder(plan->exprs[i], true, true);
          std::string hidden = fmt::format("__sort_{}", i);
          extended->exprs.push_back(MakeAlias(o->children[0], hidden));
          orders.push_back(MakeSortOrder(MakeColumn(std::vector<std::string>{hidden}), o->ascending,
                                         o->nulls_first));
        }
        PlanPtr child = Resolve(extended);
        auto sort = MakePlan(PlanKind::kSort, {child});
        sort->exprs = orders;
        PlanPtr sorted = ResolveSort(sort, child);
        auto proj = NewResolved(PlanKind::kProject, {sorted});
        for (size_t i = 0; i < visible; ++i) {
          const auto& a = sorted->output[i];
          proj->exprs.push_back(MakeBoundColumn(static_cast<int>(i), a.type, a.name, a.nullable));
          proj->output.push_back(a);
        }
        return proj;
      }
    }
    default: break;
  }
  PlanPtr child = Resolve(plan->children.at(0));
  switch (plan->kind) {
    case PlanKind::kProject: return ResolveProject(plan, child);
    case PlanKind::kAggregate: return ResolveAggregate(plan, child);
    case PlanKind::kFilter: return ResolveFilter(plan, child);
    case PlanKind::kSort: return ResolveSort(plan, child);
    case PlanKind::kWatermark: return ResolveWatermark(plan, child);
    case PlanKind::kSubqueryAlias: {
      auto out = NewResolved(PlanKind::kSubqueryAlias, {child});
      out->alias = plan->alias;
      out->output = child->output;
      if (!plan->column_names.empty()) {
        if (plan->column_names.size() != child->output.size()) {
          throw AnalysisError(fmt::format(
              "[ASSIGNMENT_ARITY_MISMATCH] Number of column aliases ({}) does not match the number "
              "of columns ({}) of {}.",
              plan->column_names.size(), child->output.size(), plan->alias));
        }
        for (size_t i = 0; i < out->output.size(); ++i) out->output[i].name = plan->column_names[i];
      }
      for (auto& a : out->output) a.qualifier = {plan->alias};
      return out;
    }
    case PlanKind::kLimit: {
      auto out = NewResolved(PlanKind::kLimit, {child});
      out->limit = plan->limit;
      out->output = child->output;
      return out;
    }
    case PlanKind::kDistinct: {
      // DISTINCT is an aggregation over every column (as Spark plans it).
      auto agg = NewResolved(PlanKind::kAggregate, {child});
      for (size_t i = 0; i < child->output.size(); ++i) {
        const auto& a = child->output[i];
        agg->group_by.push_back(MakeBoundColumn(static_cast<int>(i), a.type, a.name, a.nullable));
        agg->exprs.push_back(MakeBoundColumn(static_cast<int>(i), a.type, a.name, a.nullable));
      }
      agg->output = child->output;
      return agg;
    }
    case PlanKind::kDeduplicate: {
      auto out = NewResolved(PlanKind::kDeduplicate, {child});
      out->within_watermark = plan->within_watermark;
      out->output = child->output;
      std::vector<std::string> names = plan->column_names;
      if (names.empty()) {
        for (const auto& a : child->output) names.push_back(a.name);
      }
      for (const auto& n : names) {
        Expr col(ExprKind::kColumn);
        col.name_parts = {n};
        ExprPtr r = ResolveColumn(col, child->output);
        if (r->kind != ExprKind::kBoundColumn) {
          throw AnalysisError(fmt::format("[UNRESOLVED_COLUMN] Cannot resolve column name \"{}\" "
                                          "among ({})",
                                          n, Suggestions(child->output)));
        }
        out->group_by.push_back(r);
        out->column_names.push_back(r->name);
      }
      return out;
    }
    default:
      throw InternalError(fmt::format("cannot analyze plan node {}", static_cast<int>(plan->kind)));
  }
}

PlanPtr Analyzer::ResolveRelation(const PlanPtr& plan) {
  const auto& parts = plan->name_parts;
  if (parts.size() == 1) {
    for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
      auto f = it->find(AsciiLower(parts[0]));
      if (f != it->end()) return f->second;
    }
  }
  if (!plan->relation_options.empty() && !(parts.size() == 2 && AsciiLower(parts[0]) == "delta")) {
    throw AnalysisError(fmt::format(
        "[UNSUPPORTED_FEATURE.TIME_TRAVEL] Time travel on the relation {} is not supported: only "
        "delta.`path` tables can be read AS OF a version or timestamp.",
        Quote(JoinNames(parts))));
  }
  if (parts.size() == 2) {
    static const std::set<std::string> kFormats = {"json", "csv", "text", "parquet", "delta", "orc"};
    if (kFormats.count(AsciiLower(parts[0])) &&
        (parts[1].find('/') != std::string::npos || parts[1].find('.') != std::string::npos)) {
      PlanPtr src = catalog_.ResolvePathTable(AsciiLower(parts[0]), parts[1], plan->relation_options);
      auto alias = NewResolved(PlanKind::kSubqueryAlias, {src});
      alias->alias = parts[1];
      alias->output = src->output;
      for (auto& a : alias->output) a.qualifier = {parts[1]};
      return alias;
    }
  }
  PlanPtr view = catalog_.LookupView(parts.back());
  if (!view) {
    throw AnalysisError(fmt::format(
        "[TABLE_OR_VIEW_NOT_FOUND] The table or view {} cannot be found. Verify the spelling and "
        "correctness of the schema and catalog.",
        Quote(JoinNames(parts))));
  }
  auto alias = NewResolved(PlanKind::kSubqueryAlias, {view});
  alias->alias = parts.back();
  alias->output = view->output;
  for (auto& a : alias->output) a.qualifier = {parts.back()};
  return alias;
}

PlanPtr Analyzer::ResolveInlineTable(const PlanPtr& plan) {
  size_t ncols = plan->rows.empty() ? 0 : plan->rows[0].size();
  std::vector<std::vector<ExprPtr>> resolved;
  std::vector<TypePtr> types(ncols, DataType::Null());
  for (const auto& row : plan->rows) {
    if (row.size() != ncols) {
      throw AnalysisError(
          "[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Invalid inline table. Inline table expected "
          "the same number of columns in every row.");
    }
    std::vector<ExprPtr> r;
    for (size_t c = 0; c < ncols; ++c) {
      ExprPtr e = ResolveExpr(row[c], {}, false);
      TypePtr w = FindWiderType(types[c], e->type);
      if (!w) {
        throw AnalysisError(fmt::format(
            "[INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE] Invalid inline table. Found "
            "incompatible types in the column col{} for inline table: {} and {}.",
            c + 1, types[c]->Sql(), e->type->Sql()));
      }
      types[c] = w;
      r.push_back(e);
    }
    resolved.push_back(std::move(r));
  }
  auto out = NewResolved(PlanKind::kLocalRelation, {});
  for (size_t c = 0; c < ncols; ++c) {
    Attribute a;
    a.name = c < plan->column_names.size() ? plan->column_names[c] : fmt::format("col{}", c + 1);
    a.type = types[c]->id() == TypeId::kNull ? DataType::Null() : types[c];
    a.nullable = false;
    out->output.push_back(a);
  }
  if (!plan->column_names.empty() && plan->column_names.size() != ncols) {
    throw AnalysisError(fmt::format(
        "[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Inline table expected {} columns but found {} "
        "values per row.",
        plan->column_names.size(), ncols));
  }
  for (const auto& row : resolved) {
    std::vector<Value> vals;
    for (size_t c = 0; c < ncols; ++c) {
      ExprPtr e = row[c];
      if (!e->type->Equals(*types[c])) e = BindExpression(MakeCast(e, types[c]), ctx_);
      Value v = EvaluateConstant(*e, ctx_);
      if (v.is_null()) out->output[c].nullable = true;
      vals.push_back(std::move(v));
    }
    out->local_rows.push_back(std::move(vals));
  }
  return out;
}

namespace {

constexpr const char* kWindowColumn = "__window";

bool IsWindowCall(const ExprPtr& e) {
  return e->kind == ExprKind::kCall && e->name == "window";
}

void FindWindowCalls(const ExprPtr& e, std::vector<ExprPtr>* out) {
  if (IsWindowCall(e)) {
    out->push_back(e);
    return;
  }
  for (const auto& c : e->children) FindWindowCalls(c, out);
}

ExprPtr ReplaceWindowCalls(const ExprPtr& e, bool top) {
  if (IsWindowCall(e)) {
    ExprPtr ref = MakeColumn(std::vector<std::string>{kWindowColumn});
    return top ? MakeAlias(ref, "window") : ref;
  }
  auto r = std::make_shared<Expr>(*e);
  for (auto& c : r->children) c = ReplaceWindowCalls(c, false);
  return r;
}

int64_t WindowDuration(const ExprPtr& arg, const char* what) {
  if (arg->kind != ExprKind::kLiteral || arg->literal.is_null() ||
      arg->literal.type()->id() != TypeId::kString) {
    throw AnalysisError(fmt::format(
        "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] window(): the {} must be a constant string such as "
        "'10 minutes'",
        what));
  }
  return ParseDurationMicros(arg->literal.GetString());
}

}  // namespace

PlanPtr Analyzer::RewriteTimeWindows(const PlanPtr& plan, const PlanPtr& child) {
  std::vector<ExprPtr> calls;
  for (const auto& e : plan->group_by) FindWindowCalls(e, &calls);
  for (const auto& e : plan->exprs) FindWindowCalls(e, &calls);
  if (calls.empty()) return child;
  std::string first = calls[0]->ToSql();
  for (const auto& c : calls) {
    if (c->ToSql() != first) {
      throw AnalysisError(
          "[MULTIPLE_TIME_TRAVEL_SPEC] Multiple time/session window expressions would result in a "
          "cartesian product of rows, therefore they are currently not supported.");
    }
  }
  const ExprPtr& call = calls[0];
  if (call->children.size() < 2 || call->children.size() > 4) {
    throw AnalysisError(fmt::format(
        "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `window` requires [2, 4] parameters but the actual "
        "number is {}.",
        call->children.size()));
  }
  ExprPtr time = ResolveExpr(call->children[0], child->output, false);
  if (time->type->id() != TypeId::kTimestamp && time->type->id() != TypeId::kTimestampNtz) {
    throw AnalysisError(fmt::format(
        "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"{}\" due to data type mismatch: "
        "The first parameter requires the \"TIMESTAMP\" type, however \"{}\" has the type \"{}\".",
        call->ToSql(), call->children[0]->ToSql(), time->type->Sql()));
  }
  int64_t window = WindowDuration(call->children[1], "window duration");
  int64_t slide = call->children.size() > 2 ? WindowDuration(call->children[2], "slide duration") : window;
  int64_t start = call->children.size() > 3 ? WindowDuration(call->children[3], "start time") : 0;
  if (window <= 0 || slide <= 0) {
    throw AnalysisError("[DATATYPE_MISMATCH] window(): the window and slide durations must be positive");
  }
  if (slide > window) {
    throw AnalysisError(fmt::format(
        "[DATATYPE_MISMATCH.PARAMETER_CONSTRAINT_VIOLATION] The slide duration ({}) must be less "
        "than or equal to the windowDuration ({}).",
        FormatInterval(slide), FormatInterval(window)));
  }
  if (std::abs(start) >= slide) {
    throw AnalysisError("[DATATYPE_MISMATCH] window(): the absolute value of the start time must be "
                        "less than the slide duration");
  }
  auto expand = NewResolved(PlanKind::kWindowExpand, {child});
  expand->exprs = {time};
  expand->window_micros = window;
  expand->slide_micros = slide;
  expand->window_start_micros = start;
  expand->output = child->output;
  Attribute w;
  w.name = kWindowColumn;
  w.type = DataType::Struct({StructField("start", time->type), StructField("end", time->type)});
  w.nullable = false;
  if (time->kind == ExprKind::kBoundColumn && child->output[time->index].is_event_time) {
    w.is_event_time = true;
    w.watermark_delay_micros = child->output[time->index].watermark_delay_micros;
  }
  expand->output.push_back(w);
  for (auto& e : plan->group_by) e = ReplaceWindowCalls(e, false);
  for (auto& e : plan->exprs) e = ReplaceWindowCalls(e, true);
  return expand;
}

PlanPtr Analyzer::ResolveProject(const PlanPtr& plan_in, const PlanPtr& child_in) {
  auto plan = std::make_shared<LogicalPlan>(*plan_in);
  PlanPtr child = RewriteTimeWindows(plan, child_in);
  std::vector<ExprPtr> items = ExpandStars(plan->exprs, child->output);
  std::vector<ExprPtr> resolved;
  bool has_agg = false;
  for (const auto& e : items) {
    ExprPtr r = ResolveExpr(e, child->output, /*allow_aggregates=*/true);
    has_agg = has_agg || ContainsAggregate(r);
    resolved.push_back(r);
  }
  if (has_agg) {
    // A SELECT list with aggregates and no GROUP BY is a global aggregation.
    auto agg = MakePlan(PlanKind::kAggregate, {child});
    agg->exprs = plan->exprs;
    return ResolveAggregate(agg, child);
  }
  auto out = NewResolved(PlanKind::kProject, {child});
  for (size_t i = 0; i < resolved.size(); ++i) {
    Attribute a = AttributeFor(OutputName(items[i]), resolved[i]);
    // A plain column keeps its qualifier and watermark metadata.
    if (resolved[i]->kind == ExprKind::kBoundColumn) {
      const Attribute& in = child->output[resolved[i]->index];
      a.qualifier = in.qualifier;
      a.is_event_time = in.is_event_time;
      a.watermark_delay_micros = in.watermark_delay_micros;
    } else {
      // An alias of an event-time column, or window_time(window), stays event time (Spark keeps
      // the watermark metadata so that chained stateful operators can use it).
      ExprPtr base = resolved[i]->kind == ExprKind::kAlias ? resolved[i]->children[0] : resolved[i];
      if (base->kind == ExprKind::kCall && base->name == "window_time" && !base->children.empty())
        base = base->children[0];
      if (base->kind == ExprKind::kBoundColumn) {
        const Attribute& in = child->output[base->index];
        a.is_event_time = in.is_event_time;
        a.watermark_delay_micros = in.watermark_delay_micros;
      }
    }
    out->output.push_back(a);
    out->exprs.push_back(resolved[i]);
  }
  return out;
}

PlanPtr Analyzer::ResolveAggregate(const PlanPtr& plan_in, const PlanPtr& child_in) {
  auto plan = std::make_shared<LogicalPlan>(*plan_in);
  PlanPtr child = RewriteTimeWindows(plan, child_in);
  // Grouping expressions may name select-list aliases or ordinals (GROUP BY 1).
  std::vector<ExprPtr> select_items = ExpandStars(plan->exprs, child->output);
  // GROUP BY ALL: every select item without an aggregate (unless a column is really named ALL).
  if (plan->group_by.size() == 1 && plan->group_by[0]->kind == ExprKind::kColumn &&
      plan->group_by[0]->name_parts.size() == 1 && NameEq(plan->group_by[0]->name_parts[0], "all", false)) {
    bool is_column = false;
    for (const auto& a : child->output) is_column |= NameEq(a.name, "all", ctx_.case_sensitive);
    if (!is_column) {
      plan->group_by.clear();
      for (const auto& item : select_items) {
        ExprPtr r = ResolveExpr(item, child->output, /*allow_aggregates=*/true);
        if (!ContainsAggregate(r)) plan->group_by.push_back(item->kind == ExprKind::kAlias ? item->children[0] : item);
      }
    }
  }
  std::vector<ExprPtr> keys;
  for (const auto& g : plan->group_by) {
    ExprPtr src = g;
    if (g->kind == ExprKind::kLiteral && g->literal.type()->IsIntegral() && !g->literal.is_null()) {
      int64_t ord = g->literal.GetInt64();
      if (ord < 1 || ord > static_cast<int64_t>(select_items.size())) {
        throw AnalysisError(fmt::format(
            "[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position {} is not in select list (valid range is "
            "[1, {}]).",
            ord, select_items.size()));
      }
      src = select_items[ord - 1];
      if (src->kind == ExprKind::kAlias) src = src->children[0];
    } else if (g->kind == ExprKind::kColumn && g->name_parts.size() == 1) {
      // Prefer an input column; fall back to a select alias.
      bool is_input = false;
      for (const auto& a : child->output) {
        if (NameEq(a.name, g->name_parts[0], ctx_.case_sensitive)) is_input = true;
      }
      if (!is_input) {
        for (const auto& s : select_items) {
          if (s->kind == ExprKind::kAlias && NameEq(s->name, g->name_parts[0], ctx_.case_sensitive))
            src = s->children[0];
        }
      }
    }
    ExprPtr r = ResolveExpr(src, child->output, /*allow_aggregates=*/true);
    if (ContainsAggregate(r)) {
      throw AnalysisError(fmt::format(
          "[GROUP_BY_AGGREGATE] Aggregate functions are not allowed in GROUP BY, but found {}.",
          g->ToSql()));
    }
    if (r->kind == ExprKind::kAlias) r = r->children[0];
    keys.push_back(r);
  }
  std::vector<std::string> key_prints;
  for (const auto& k : keys) key_prints.push_back(ExprFingerprint(k));

  auto out = NewResolved(PlanKind::kAggregate, {child});
  out->group_by = keys;
  std::vector<std::string> agg_prints;

  // Rewrites a resolved select expression over [keys..., aggregates...].
  std::function<ExprPtr(const ExprPtr&)> rewrite = [&](const ExprPtr& e) -> ExprPtr {
    std::string fp = ExprFingerprint(e);
    for (size_t k = 0; k < keys.size(); ++k) {
      if (key_prints[k] == fp)
        return MakeBoundColumn(static_cast<int>(k), keys[k]->type, Analyzer::OutputName(e),
                               keys[k]->nullable);
    }
    if (IsAggregateCall(e)) {
      size_t idx = std::find(agg_prints.begin(), agg_prints.end(), fp) - agg_prints.begin();
      if (idx == agg_prints.size()) {
        agg_prints.push_back(fp);
        out->aggregate_calls.push_back(e);
      }
      return MakeBoundColumn(static_cast<int>(keys.size() + idx), e->type, e->ToSql(), e->nullable);
    }
    if (e->kind == ExprKind::kBoundColumn) {
      throw AnalysisError(fmt::format(
          "[MISSING_AGGREGATION] The non-aggregating expression \"{}\" is based on columns which "
          "are not participating in the GROUP BY clause. Add the columns or the expression to the "
          "GROUP BY, aggregate the expression, or use \"any_value({})\" if you do not care which of "
          "the values within a group is returned.",
          e->name, e->name));
    }
    auto r = std::make_shared<Expr>(*e);
    for (auto& c : r->children) c = rewrite(c);
    return r;
  };

  for (const auto& item : select_items) {
    ExprPtr r = ResolveExpr(item, child->output, /*allow_aggregates=*/true);
    ExprPtr bound = rewrite(r);
    Attribute a = AttributeFor(OutputName(item), bound);
    // A grouping column keeps its watermark metadata (needed for append-mode eviction checks).
    ExprPtr base = r->kind == ExprKind::kAlias ? r->children[0] : r;
    if (base->kind == ExprKind::kBoundColumn) {
      const Attribute& in = child->output[base->index];
      a.is_event_time = in.is_event_time;
      a.watermark_delay_micros = in.watermark_delay_micros;
      a.qualifier = r->kind == ExprKind::kAlias ? std::vector<std::string>{} : in.qualifier;
    } else if (base->kind == ExprKind::kCall &&
               (base->name == "window" || base->name == "session_window")) {
      for (const auto& c : base->children) {
        if (c->kind == ExprKind::kBoundColumn && child->output[c->index].is_event_time) {
          a.is_event_time = true;
          a.watermark_delay_micros = child->output[c->index].watermark_delay_micros;
        }
      }
    }
    out->output.push_back(a);
    out->exprs.push_back(bound);
  }
  return out;
}

PlanPtr Analyzer::ResolveFilter(const PlanPtr& plan, const PlanPtr& child) {
  ExprPtr cond = ResolveExpr(plan->condition, child->output, /*allow_aggregates=*/false);
  if (cond->type->id() != TypeId::kBoolean && cond->type->id() != TypeId::kNull) {
    throw AnalysisError(fmt::format(
        "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] Cannot resolve \"{}\" due to data type mismatch: "
        "Filter expression \"{}\" of type \"{}\" is not a boolean.",
        plan->condition->ToSql(), plan->condition->ToSql(), cond->type->Sql()));
  }
  auto out = NewResolved(PlanKind::kFilter, {child});
  out->condition = cond;
  out->output = child->output;
  return out;
}

PlanPtr Analyzer::ResolveHaving(const PlanPtr& plan) {
  // HAVING over an aggregation: the condition may use select aliases and aggregates. It is planned
  // as a hidden column of the aggregation, filtered on, then projected away.
  const PlanPtr& agg = plan->children[0];
  std::function<ExprPtr(const ExprPtr&)> subst = [&](const ExprPtr& e) -> ExprPtr {
    if (e->kind == ExprKind::kColumn && e->name_parts.size() == 1) {
      for (const auto& item : agg->exprs) {
        if (item->kind == ExprKind::kAlias && NameEq(item->name, e->name_parts[0], ctx_.case_sensitive))
          return item->children[0];
      }
      return e;
    }
    auto r = std::make_shared<Expr>(*e);
    for (auto& c : r->children) c = subst(c);
    return r;
  };
  auto extended = std::make_shared<LogicalPlan>(*agg);
  extended->exprs.push_back(MakeAlias(subst(plan->condition), "__having_condition"));
  PlanPtr child = Resolve(extended->children[0]);
  PlanPtr resolved_agg = ResolveAggregate(extended, child);
  size_t n = resolved_agg->output.size() - 1;
  const Attribute& hidden = resolved_agg->output[n];
  if (hidden.type->id() != TypeId::kBoolean && hidden.type->id() != TypeId::kNull) {
    throw AnalysisError(fmt::format(
        "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] Cannot resolve \"{}\" due to data type mismatch: "
        "Filter expression \"{}\" of type \"{}\" is not a boolean.",
        plan->condition->ToSql(), plan->condition->ToSql(), hidden.type->Sql()));
  }
  auto filter = NewResolved(PlanKind::kFilter, {resolved_agg});
  filter->condition = MakeBoundColumn(static_cast<int>(n), hidden.type, hidden.name, true);
  filter->output = resolved_agg->output;
  auto proj = NewResolved(PlanKind::kProject, {filter});
  for (size_t i = 0; i < n; ++i) {
    const auto& a = resolved_agg->output[i];
    proj->exprs.push_back(MakeBoundColumn(static_cast<int>(i), a.type, a.name, a.nullable));
    proj->output.push_back(a);
  }
  return proj;
}

PlanPtr Analyzer::ResolveJoin(const PlanPtr& plan) {
  PlanPtr left = Resolve(plan->children[0]);
  PlanPtr right = Resolve(plan->children[1]);
  auto out = NewResolved(PlanKind::kJoin, {left, right});
  out->join_type = plan->join_type;
  out->broadcast_hint = plan->broadcast_hint;
  std::vector<Attribute> scope = left->output;
  scope.insert(scope.end(), right->output.begin(), right->output.end());
  bool left_nullable = plan->join_type == JoinType::kRightOuter || plan->join_type == JoinType::kFullOuter;
  bool right_nullable = plan->join_type == JoinType::kLeftOuter || plan->join_type == JoinType::kFullOuter;

  if (!plan->using_columns.empty()) {
    // USING (a, b): equality on each name; output = using columns, then the rest of left, then
    // the rest of right (Spark's order). The result is projected on top of the join.
    ExprPtr cond;
    std::vector<int> lidx, ridx;
    for (const auto& n : plan->using_columns) {
      Expr lc(ExprKind::kColumn);
      lc.name_parts = {n};
      ExprPtr l = ResolveColumn(lc, left->output);
      ExprPtr r = ResolveColumn(lc, right->output);
      ExprPtr rr = MakeBoundColumn(r->index + static_cast<int>(left->output.size()), r->type, r->name,
                                   r->nullable);
      ExprPtr eq = BindExpression(MakeCall("=", {l, rr}), ctx_);
      cond = cond ? BindExpression(MakeCall("and", {cond, eq}), ctx_) : eq;
      lidx.push_back(l->index);
      ridx.push_back(r->index);
    }
    out->condition = cond;
    out->output = scope;
    for (size_t i = 0; i < left->output.size(); ++i) out->output[i].nullable |= left_nullable;
    for (size_t i = left->output.size(); i < scope.size(); ++i) out->output[i].nullable |= right_nullable;
    if (plan->join_type == JoinType::kLeftSemi || plan->join_type == JoinType::kLeftAnti) {
      out->output = left->output;
      return out;
    }
    auto proj = NewResolved(PlanKind::kProject, {out});
    for (size_t k = 0; k < lidx.size(); ++k) {
      const Attribute& la = left->output[lidx[k]];
      int ri = ridx[k] + static_cast<int>(left->output.size());
      ExprPtr e;
      if (plan->join_type == JoinType::kRightOuter) {
        e = MakeBoundColumn(ri, scope[ri].type, la.name, true);
      } else if (plan->join_type == JoinType::kFullOuter) {
        e = BindExpression(MakeCall("coalesce", {MakeBoundColumn(lidx[k], la.type, la.name, true),
                                                 MakeBoundColumn(ri, scope[ri].type, la.name, true)}),
                           ctx_);
        e = MakeAlias(e, la.name);
        e->type = e->children[0]->type;
      } else {
        e = MakeBoundColumn(lidx[k], la.type, la.name, la.nullable);
      }
      proj->exprs.push_back(e);
      Attribute a = la;
      a.nullable = plan->join_type == JoinType::kInner ? la.nullable : true;
      proj->output.push_back(a);
    }
    for (size_t i = 0; i < scope.size(); ++i) {
      bool is_key = i < left->output.size()
                        ? std::find(lidx.begin(), lidx.end(), static_cast<int>(i)) != lidx.end()
                        : std::find(ridx.begin(), ridx.end(),
                                    static_cast<int>(i - left->output.size())) != ridx.end();
      if (is_key) continue;
      proj->exprs.push_back(MakeBoundColumn(static_cast<int>(i), out->output[i].type,
                                            out->output[i].name, out->output[i].nullable));
      proj->output.push_back(out->output[i]);
    }
    return proj;
  }
  if (plan->condition) {
    out->condition = ResolveExpr(plan->condition, scope, /*allow_aggregates=*/false);
    if (out->condition->type->id() != TypeId::kBoolean) {
      throw AnalysisError(fmt::format(
          "[DATATYPE_MISMATCH] join condition {} of type {} is not a boolean",
          plan->condition->ToSql(), out->condition->type->Sql()));
    }
  }
  if (plan->join_type == JoinType::kLeftSemi || plan->join_type == JoinType::kLeftAnti) {
    out->output = left->output;
  } else {
    out->output = scope;
    for (size_t i = 0; i < left->output.size(); ++i) out->output[i].nullable |= left_nullable;
    for (size_t i = left->output.size(); i < scope.size(); ++i) out->output[i].nullable |= right_nullable;
  }
  return out;
}

PlanPtr Analyzer::ResolveUnion(const PlanPtr& plan) {
  std::vector<PlanPtr> children;
  for (const auto& c : plan->children) children.push_back(Resolve(c));
  size_t n = children[0]->output.size();
  std::vector<TypePtr> types;
  for (const auto& a : children[0]->output) types.push_back(a.type);
  for (size_t k = 1; k < children.size(); ++k) {
    if (children[k]->output.size() != n) {
      throw AnalysisError(fmt::format(
          "[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the same number of "
          "columns, but the first input has {} columns and the {} input has {} columns.",
          n, k == 1 ? "second" : fmt::format("{}th", k + 1), children[k]->output.size()));
    }
    for (size_t c = 0; c < n; ++c) {
      TypePtr w = FindWiderType(types[c], children[k]->output[c].type);
      if (!w) {
        throw AnalysisError(fmt::format(
            "[INCOMPATIBLE_COLUMN_TYPE] UNION can only be performed on inputs with compatible column "
            "types. The {} column of the {} table is \"{}\" type which is not compatible with \"{}\" "
            "at the same column of the first table.",
            c + 1, k + 1, children[k]->output[c].type->Sql(), types[c]->Sql()));
      }
      types[c] = w;
    }
  }
  // Cast each side to the common types where needed.
  for (auto& ch : children) {
    bool need = false;
    for (size_t c = 0; c < n; ++c) need |= !ch->output[c].type->Equals(*types[c]);
    if (!need) continue;
    auto proj = NewResolved(PlanKind::kProject, {ch});
    for (size_t c = 0; c < n; ++c) {
      const auto& a = ch->output[c];
      ExprPtr e = MakeBoundColumn(static_cast<int>(c), a.type, a.name, a.nullable);
      if (!a.type->Equals(*types[c])) e = BindExpression(MakeCast(e, types[c]), ctx_);
      proj->exprs.push_back(e);
      Attribute na = a;
      na.type = types[c];
      proj->output.push_back(na);
    }
    ch = proj;
  }
  auto out = NewResolved(PlanKind::kUnion, children);
  out->output = children[0]->output;
  for (auto& a : out->output) a.qualifier.clear();
  for (size_t c = 0; c < n; ++c) {
    for (const auto& ch : children) out->output[c].nullable |= ch->output[c].nullable;
  }
  if (!plan->distinct) return out;
  auto d = MakePlan(PlanKind::kDistinct, {out});
  return Resolve(d);
}

PlanPtr Analyzer::ResolveSort(const PlanPtr& plan, const PlanPtr& child) {
  auto out = NewResolved(PlanKind::kSort, {child});
  out->output = child->output;
  for (const auto& o : plan->exprs) {
    ExprPtr order = o->kind == ExprKind::kSortOrder ? o : MakeSortOrder(o, true, true);
    ExprPtr target = order->children[0];
    // ORDER BY ordinal.
    if (target->kind == ExprKind::kLiteral && target->literal.type()->IsIntegral()) {
      int64_t ord = target->literal.GetInt64();
      if (ord < 1 || ord > static_cast<int64_t>(child->output.size())) {
        throw AnalysisError(fmt::format(
            "[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position {} is not in select list (valid range is "
            "[1, {}]).",
            ord, child->output.size()));
      }
      const auto& a = child->output[ord - 1];
      target = MakeBoundColumn(static_cast<int>(ord - 1), a.type, a.name, a.nullable);
    }
    ExprPtr r = ResolveExpr(target, child->output, false);
    auto so = MakeSortOrder(r, order->ascending, order->nulls_first);
    so->type = r->type;
    out->exprs.push_back(so);
  }
  return out;
}

PlanPtr Analyzer::ResolveWatermark(const PlanPtr& plan, const PlanPtr& child) {
  ExprPtr et = ResolveExpr(plan->exprs[0], child->output, false);
  if (et->type->id() != TypeId::kTimestamp && et->type->id() != TypeId::kTimestampNtz) {
    throw AnalysisError(fmt::format(
        "[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time {} has the invalid type \"{}\", but "
        "expected \"TIMESTAMP\".",
        Quote(Analyzer::OutputName(plan->exprs[0])), et->type->Sql()));
  }
  std::string name = plan->alias.empty() ? Analyzer::OutputName(plan->exprs[0]) : plan->alias;
  PlanPtr input = child;
  int index = -1;
  if (et->kind == ExprKind::kBoundColumn && (plan->alias.empty() || NameEq(plan->alias, et->name, ctx_.case_sensitive))) {
    index = et->index;
  } else {
    // WATERMARK expr AS name: the expression becomes a column `name` (replacing one of that name).
    auto proj = NewResolved(PlanKind::kProject, {child});
    bool replaced = false;
    for (size_t i = 0; i < child->output.size(); ++i) {
      const auto& a = child->output[i];
      if (NameEq(a.name, name, ctx_.case_sensitive)) {
        proj->exprs.push_back(MakeAlias(et, name));
        proj->exprs.back()->type = et->type;
        Attribute na = AttributeFor(name, et);
        na.qualifier = a.qualifier;
        proj->output.push_back(na);
        index = static_cast<int>(i);
        replaced = true;
      } else {
        proj->exprs.push_back(MakeBoundColumn(static_cast<int>(i), a.type, a.name, a.nullable));
        proj->output.push_back(a);
      }
    }
    if (!replaced) {
      proj->exprs.push_back(MakeAlias(et, name));
      proj->exprs.back()->type = et->type;
      Attribute na = AttributeFor(name, et);
      if (!child->output.empty()) na.qualifier = child->output[0].qualifier;
      proj->output.push_back(na);
      index = static_cast<int>(child->output.size());
    }
    input = proj;
  }
  auto out = NewResolved(PlanKind::kWatermark, {input});
  out->delay_micros = plan->delay_micros;
  out->alias = input->output[index].name;
  out->exprs = {MakeBoundColumn(index, input->output[index].type, out->alias, true)};
  out->output = input->output;
  // Only one event-time column is live per input: a new watermark replaces older ones (as Spark).
  for (auto& a : out->output) a.is_event_time = false;
  out->output[index].is_event_time = true;
  out->output[index].watermark_delay_micros = plan->delay_micros;
  return out;
}

}  // namespace sluice
