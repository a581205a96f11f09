// LogicalPlan helpers: join type names, schema and the explain() tree rendering.
#include "plan/logical_plan.h"

#include <algorithm>
#include <cctype>

#include "sluice/exception.h"
#include "types/datetime.h"

namespace sluice {

JoinType ParseJoinType(const std::string& how) {
  // As Spark's JoinType.apply: lower-case, underscores removed.
  std::string s;
  for (char c : how) {
    if (c != '_') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (s == "inner") return JoinType::kInner;
  if (s == "outer" || s == "full" || s == "fullouter") return JoinType::kFullOuter;
  if (s == "left" || s == "leftouter") return JoinType::kLeftOuter;
  if (s == "right" || s == "rightouter") return JoinType::kRightOuter;
  if (s == "semi" || s == "leftsemi") return JoinType::kLeftSemi;
  if (s == "anti" || s == "leftanti") return JoinType::kLeftAnti;
  if (s == "cross") return JoinType::kCross;
  throw AnalysisError("[UNSUPPORTED_JOIN_TYPE] Unsupported join type '" + how +
                      "'. Supported join types include: 'inner', 'outer', 'full', 'fullouter', "
                      "'full_outer', 'leftouter', 'left', 'left_outer', 'rightouter', 'right', "
                      "'right_outer', 'leftsemi', 'left_semi', 'semi', 'leftanti', 'left_anti', "
                      "'anti', 'cross'.");
}

std::string JoinTypeName(JoinType t) {
  switch (t) {
    case JoinType::kInner:
      return "Inner";
    case JoinType::kLeftOuter:
      return "LeftOuter";
    case JoinType::kRightOuter:
      return "RightOuter";
    case JoinType::kFullOuter:
      return "FullOuter";
    case JoinType::kLeftSemi:
      return "LeftSemi";
    case JoinType::kLeftAnti:
      return "LeftAnti";
    case JoinType::kCross:
      return "Cross";
  }
  return "?";
}

TypePtr LogicalPlan::Schema() const {
  std::vector<StructField> fields;
  fields.reserve(output.size());
  for (const Attribute& a : output) fields.emplace_back(a.name, a.type, a.nullable);
  return DataType::Struct(std::move(fields));
}

namespace {

std::string ExprList(const std::vector<ExprPtr>& exprs) {
  std::string out = "[";
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (i > 0) out += ", ";
    out += exprs[i] ? exprs[i]->ToString() : "?";
  }
  return out + "]";
}

std::string NameList(const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  return out + "]";
}

std::string OutputList(const std::vector<Attribute>& output) {
  std::string out = "[";
  for (size_t i = 0; i < output.size(); ++i) {
    if (i > 0) out += ", ";
    out += output[i].name;
    if (output[i].type) out += ": " + output[i].type->SimpleString();
  }
  return out + "]";
}

std::string NodeLine(const LogicalPlan& p) {
  switch (p.kind) {
    case PlanKind::kUnresolvedRelation:
      return "'UnresolvedRelation " + NameList(p.name_parts);
    case PlanKind::kInlineTable: {
      std::string s = "InlineTable ";
      s += p.column_names.empty() ? "" : NameList(p.column_names) + ", ";
      return s + std::to_string(p.rows.size()) + " row(s)";
    }
    case PlanKind::kProject:
      return "Project " + ExprList(p.exprs);
    case PlanKind::kFilter:
      return "Filter " + (p.condition ? p.condition->ToString() : "?");
    case PlanKind::kAggregate:
      return "Aggregate " + ExprList(p.group_by) + ", " + ExprList(p.exprs);
    case PlanKind::kJoin: {
      std::string s = "Join " + JoinTypeName(p.join_type);
      if (p.condition) s += ", " + p.condition->ToString();
      if (!p.using_columns.empty()) s += ", USING " + NameList(p.using_columns);
      return s;
    }
    case PlanKind::kUnion:
      return p.distinct ? "Union distinct" : "Union";
    case PlanKind::kSort:
      return "Sort " + ExprList(p.exprs);
    case PlanKind::kLimit:
      return "Limit " + std::to_string(p.limit);
    case PlanKind::kDistinct:
      return "Distinct";
    case PlanKind::kSubqueryAlias:
      return "SubqueryAlias " + p.alias +
             (p.column_names.empty() ? "" : " " + NameList(p.column_names));
    case PlanKind::kWatermark:
      return "EventTimeWatermark " +
             (p.exprs.empty() || !p.exprs[0] ? "?" : p.exprs[0]->ToString()) + " AS " + p.alias +
             ", " + FormatInterval(p.delay_micros);
    case PlanKind::kWith: {
      std::vector<std::string> names;
      for (const auto& cte : p.ctes) names.push_back(cte.first);
      return "WithCTE " + NameList(names);
    }
    case PlanKind::kTableFunction:
      return "'UnresolvedTableValuedFunction " + p.name + ", " + ExprList(p.exprs);
    case PlanKind::kDeduplicate:
      return std::string(p.within_watermark ? "DeduplicateWithinWatermark " : "Deduplicate ") +
             NameList(p.column_names);
    case PlanKind::kSource:
      return std::string(p.is_streaming ? "StreamingRelation " : "Relation ") +
             OutputList(p.output);
    case PlanKind::kLocalRelation:
      return "LocalRelation " + OutputList(p.output) + ", " + std::to_string(p.local_rows.size()) +
             " row(s)";
    case PlanKind::kFlatMapGroupsWithState:
      return "FlatMapGroupsWithState " + ExprList(p.group_by) + " -> " + OutputList(p.output);
    case PlanKind::kWindowExpand:
      return "WindowExpand " + (p.exprs.empty() ? "?" : p.exprs[0]->ToString()) + ", " +
             FormatInterval(p.window_micros) + ", " + FormatInterval(p.slide_micros);
  }
  return "?";
}

// Spark's treeString: ":- " before every child but the last, "+- " before the last.
void Render(const LogicalPlan& p, const std::string& prefix, const std::string& child_prefix,
            std::string* out) {
  *out += prefix + NodeLine(p);
  if (p.broadcast_hint) *out += " (broadcast)";
  *out += "\n";
  std::vector<const LogicalPlan*> kids;
  if (p.kind == PlanKind::kWith) {
    for (const auto& cte : p.ctes) {
      if (cte.second) kids.push_back(cte.second.get());
    }
  }
  for (const PlanPtr& c : p.children) {
    if (c) kids.push_back(c.get());
  }
  for (size_t i = 0; i < kids.size(); ++i) {
    bool last = i + 1 == kids.size();
    Render(*kids[i], child_prefix + (last ? "+- " : ":- "), child_prefix + (last ? "   " : ":  "),
           out);
  }
}

}  // namespace

std::string LogicalPlan::ToString(int indent) const {
  std::string pad(static_cast<size_t>(std::max(indent, 0)), ' ');
  std::string out;
  Render(*this, pad, pad, &out);
  return out;
}

PlanPtr MakePlan(PlanKind kind, std::vector<PlanPtr> children) {
  auto p = std::make_shared<LogicalPlan>(kind);
  p->children = std::move(children);
  return p;
}

}  // namespace sluice
