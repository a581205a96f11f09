#include "sluice/dataframe.h"

#include <fmt/format.h>
#include <iostream>

#include "api/query_execution.h"
#include "api/session_catalog.h"
#include "api/session_state.h"
#include "api/show_table.h"
#include "exec/physical_planner.h"
#include "expr/expression.h"
#include "plan/logical_plan.h"
#include "sluice/exception.h"
#include "sluice/functions.h"
#include "sluice/streaming.h"
#include "sql/parser.h"
#include "types/datetime.h"
#include "types/value_format.h"

namespace sluice {

namespace {

std::vector<ExprPtr> Exprs(const std::vector<Column>& cols) {
  std::vector<ExprPtr> out;
  for (const auto& c : cols) out.push_back(c.expr());
  return out;
}

ExprPtr ColumnRef(const PlanPtr& plan, size_t i) {
  const auto& a = plan->output[i];
  return MakeBoundColumn(static_cast<int>(i), a.type, a.name, a.nullable);
}

bool SameName(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

void RejectStreamingAction(const PlanPtr& plan, const std::string& action) {
  if (plan->is_streaming) {
    throw AnalysisError(fmt::format(
        "[UNSUPPORTED_STREAMING_OPERATION] Queries with streaming sources must be executed with "
        "writeStream.start(); {}() is not supported on a streaming DataFrame.",
        action));
  }
}

// Spark's DataType.typeName, as printSchema shows it.
std::string TypeName(const DataType& t) {
  switch (t.id()) {
    case TypeId::kByte: return "byte";
    case TypeId::kShort: return "short";
    case TypeId::kInt: return "integer";
    case TypeId::kLong: return "long";
    case TypeId::kStruct: return "struct";
    case TypeId::kArray: return "array";
    case TypeId::kMap: return "map";
    default: return t.SimpleString();
  }
}

void TreeField(const std::string& name, const TypePtr& type, const std::string& nullability,
               bool nullable, int depth, std::string* out);

void TreeChildren(const TypePtr& t, int depth, std::string* out) {
  switch (t->id()) {
    case TypeId::kStruct:
      for (const auto& f : t->fields()) TreeField(f.name, f.type, "nullable", f.nullable, depth, out);
      break;
    case TypeId::kArray:
      TreeField("element", t->element_type(), "containsNull", t->contains_null(), depth, out);
      break;
    case TypeId::kMap:
      TreeField("key", t->key_type(), "", false, depth, out);
      TreeField("value", t->value_type(), "valueContainsNull", t->contains_null(), depth, out);
      break;
    default: break;
  }
}

void TreeField(const std::string& name, const TypePtr& type, const std::string& nullability,
               bool nullable, int depth, std::string* out) {
  std::string indent;
  for (int i = 0; i < depth; ++i) indent += " |   ";
  *out += fmt::format("{} |-- {}: {}", indent, name, TypeName(*type));
  if (!nullability.empty()) *out += fmt::format(" ({} = {})", nullability, nullable ? "true" : "false");
  *out += "\n";
  TreeChildren(type, depth + 1, out);
}

}  // namespace

DataFrame::DataFrame(std::shared_ptr<SessionState> session, std::shared_ptr<LogicalPlan> plan)
    : session_(std::move(session)), plan_(std::move(plan)) {
  if (!plan_->resolved) plan_ = AnalyzePlan(*session_, plan_);
}

DataFrame DataFrame::WithPlan(std::shared_ptr<LogicalPlan> plan) const {
  return DataFrame(session_, AnalyzePlan(*session_, plan));
}

DataFrame DataFrame::select(const std::vector<Column>& cols) const {
  auto p = MakePlan(PlanKind::kProject, {plan_});
  p->exprs = Exprs(cols);
  return WithPlan(p);
}

DataFrame DataFrame::select(const std::vector<std::string>& names) const {
  std::vector<Column> cols;
  for (const auto& n : names) cols.push_back(functions::col(n));
  return select(cols);
}

DataFrame DataFrame::selectExpr(const std::vector<std::string>& exprs) const {
  std::vector<Column> cols;
  for (const auto& e : exprs) cols.push_back(functions::expr(e));
  return select(cols);
}

DataFrame DataFrame::filter(const Column& condition) const {
  auto p = MakePlan(PlanKind::kFilter, {plan_});
  p->condition = condition.expr();
  return WithPlan(p);
}

DataFrame DataFrame::filter(const std::string& condition) const {
  return filter(functions::expr(condition));
}

DataFrame DataFrame::withColumn(const std::string& name, const Column& c) const {
  return withColumns({{name, c}});
}

DataFrame DataFrame::withColumns(const std::map<std::string, Column>& cols) const {
  auto p = MakePlan(PlanKind::kProject, {plan_});
  std::map<std::string, bool> used;
  for (size_t i = 0; i < plan_->output.size(); ++i) {
    bool replaced = false;
    for (const auto& [name, c] : cols) {
      if (SameName(name, plan_->output[i].name)) {
        p->exprs.push_back(MakeAlias(c.expr(), name));
        used[name] = true;
        replaced = true;
        break;
      }
    }
    if (!replaced) p->exprs.push_back(ColumnRef(plan_, i));
  }
  for (const auto& [name, c] : cols) {
    if (!used[name]) p->exprs.push_back(MakeAlias(c.expr(), name));
  }
  return WithPlan(p);
}

DataFrame DataFrame::withColumnRenamed(const std::string& existing, const std::string& renamed) const {
  auto p = MakePlan(PlanKind::kProject, {plan_});
  for (size_t i = 0; i < plan_->output.size(); ++i) {
    ExprPtr ref = ColumnRef(plan_, i);
    if (SameName(plan_->output[i].name, existing)) ref = MakeAlias(ref, renamed);
    p->exprs.push_back(ref);
  }
  return WithPlan(p);
}

DataFrame DataFrame::drop(const std::vector<std::string>& names) const {
  auto p = MakePlan(PlanKind::kProject, {plan_});
  for (size_t i = 0; i < plan_->output.size(); ++i) {
    bool dropped = false;
    for (const auto& n : names) dropped |= SameName(plan_->output[i].name, n);
    if (!dropped) p->exprs.push_back(ColumnRef(plan_, i));
  }
  return WithPlan(p);
}

DataFrame DataFrame::alias(const std::string& a) const {
  auto p = MakePlan(PlanKind::kSubqueryAlias, {plan_});
  p->alias = a;
  return WithPlan(p);
}

GroupedData DataFrame::groupBy(const std::vector<Column>& cols) const { return GroupedData(*this, cols); }

GroupedData DataFrame::groupBy(const std::vector<std::string>& names) const {
  std::vector<Column> cols;
  for (const auto& n : names) cols.push_back(functions::col(n));
  return GroupedData(*this, cols);
}

DataFrame DataFrame::agg(const std::vector<Column>& aggs) const { return GroupedData(*this, {}).agg(aggs); }

DataFrame GroupedData::agg(const std::vector<Column>& aggs) const {
  auto p = MakePlan(PlanKind::kAggregate, {df_.plan()});
  for (const auto& k : keys_) {
    p->group_by.push_back(k.expr());
    p->exprs.push_back(k.expr());
  }
  for (const auto& a : aggs) p->exprs.push_back(a.expr());
  return DataFrame(df_.session_state(), AnalyzePlan(*df_.session_state(), p));
}

DataFrame GroupedData::count() const { return agg({functions::count("*").alias("count")}); }

namespace {
std::vector<Column> AggOver(const std::vector<std::string>& names, const std::string& fn) {
  std::vector<Column> out;
  for (const auto& n : names) out.push_back(functions::call_function(fn, {functions::col(n)}));
  return out;
}
}  // namespace

DataFrame GroupedData::sum(const std::vector<std::string>& n) const { return agg(AggOver(n, "sum")); }
DataFrame GroupedData::avg(const std::vector<std::string>& n) const { return agg(AggOver(n, "avg")); }
DataFrame GroupedData::min(const std::vector<std::string>& n) const { return agg(AggOver(n, "min")); }
DataFrame GroupedData::max(const std::vector<std::string>& n) const { return agg(AggOver(n, "max")); }

DataFrame DataFrame::join(const DataFrame& other, const Column& on, const std::string& how) const {
  auto p = MakePlan(PlanKind::kJoin, {plan_, other.plan_});
  p->join_type = ParseJoinType(how);
  p->condition = on.expr();
  p->broadcast_hint = other.plan_->broadcast_hint;
  return WithPlan(p);
}

DataFrame DataFrame::join(const DataFrame& other, const std::vector<std::string>& on,
                          const std::string& how) const {
  auto p = MakePlan(PlanKind::kJoin, {plan_, other.plan_});
  p->join_type = ParseJoinType(how);
  p->using_columns = on;
  p->broadcast_hint = other.plan_->broadcast_hint;
  return WithPlan(p);
}

DataFrame DataFrame::crossJoin(const DataFrame& other) const {
  auto p = MakePlan(PlanKind::kJoin, {plan_, other.plan_});
  p->join_type = JoinType::kCross;
  return WithPlan(p);
}

DataFrame DataFrame::union_(const DataFrame& other) const {
  return WithPlan(MakePlan(PlanKind::kUnion, {plan_, other.plan_}));
}

DataFrame DataFrame::unionByName(const DataFrame& other, bool allow_missing) const {
  auto p = MakePlan(PlanKind::kProject, {other.plan_});
  for (const auto& a : plan_->output) {
    int found = -1;
    for (size_t i = 0; i < other.plan_->output.size(); ++i) {
      if (SameName(other.plan_->output[i].name, a.name)) found = static_cast<int>(i);
    }
    if (found < 0) {
      if (!allow_missing) {
        throw AnalysisError(fmt::format(
            "[NUM_COLUMNS_MISMATCH] UNION by name: column `{}` is missing in the second input.", a.name));
      }
      p->exprs.push_back(MakeAlias(MakeCast(MakeLiteral(Value::Null(DataType::Null())), a.type), a.name));
    } else {
      p->exprs.push_back(ColumnRef(other.plan_, found));
    }
  }
  return union_(DataFrame(session_, AnalyzePlan(*session_, p)));
}

DataFrame DataFrame::distinct() const { return WithPlan(MakePlan(PlanKind::kDistinct, {plan_})); }

DataFrame DataFrame::dropDuplicates(const std::vector<std::string>& subset) const {
  auto p = MakePlan(PlanKind::kDeduplicate, {plan_});
  p->column_names = subset;
  return WithPlan(p);
}

DataFrame DataFrame::dropDuplicatesWithinWatermark(const std::vector<std::string>& subset) const {
  auto p = MakePlan(PlanKind::kDeduplicate, {plan_});
  p->column_names = subset;
  p->within_watermark = true;
  bool has_watermark = false;
  for (const auto& a : plan_->output) has_watermark |= a.is_event_time;
  if (plan_->is_streaming && !has_watermark) {
    throw AnalysisError(
        "[STREAMING_OUTPUT_MODE] dropDuplicatesWithinWatermark is not supported on streaming "
        "DataFrames/DataSets without watermark; call withWatermark() first.");
  }
  return WithPlan(p);
}

DataFrame DataFrame::orderBy(const std::vector<Column>& cols) const {
  auto p = MakePlan(PlanKind::kSort, {plan_});
  p->exprs = Exprs(cols);
  return WithPlan(p);
}

DataFrame DataFrame::orderBy(const std::vector<std::string>& names) const {
  std::vector<Column> cols;
  for (const auto& n : names) cols.push_back(functions::col(n));
  return orderBy(cols);
}

DataFrame DataFrame::limit(int64_t n) const {
  auto p = MakePlan(PlanKind::kLimit, {plan_});
  p->limit = n;
  return WithPlan(p);
}

DataFrame DataFrame::withWatermark(const std::string& event_time_col, const std::string& delay) const {
  int64_t d = ParseDurationMicros(delay);
  if (d < 0) {
    throw AnalysisError(fmt::format(
        "[INVALID_WATERMARK] delay threshold ({}) should not be negative.", delay));
  }
  auto p = MakePlan(PlanKind::kWatermark, {plan_});
  p->exprs = {MakeColumn(event_time_col)};
  p->alias = "";
  p->delay_micros = d;
  return WithPlan(p);
}

DataFrame DataFrame::hintBroadcast() const {
  auto p = std::make_shared<LogicalPlan>(*plan_);
  p->broadcast_hint = true;
  return DataFrame(session_, p);
}

bool DataFrame::isStreaming() const { return plan_->is_streaming; }
TypePtr DataFrame::schema() const { return plan_->Schema(); }

std::vector<std::string> DataFrame::columns() const {
  std::vector<std::string> out;
  for (const auto& a : plan_->output) out.push_back(a.name);
  return out;
}

std::string DataFrame::schemaTreeString() const {
  std::string out = "root\n";
  TreeChildren(schema(), 0, &out);
  return out;
}

void DataFrame::printSchema() const { std::cout << schemaTreeString() << std::flush; }

std::string DataFrame::explainString(bool extended) const {
  std::string out;
  if (extended) out += "== Analyzed Logical Plan ==\n" + plan_->ToString() + "\n";
  out += "== Physical Plan ==\n" + PlanPhysical(plan_).root->TreeString();
  return out;
}

void DataFrame::explain(bool extended) const { std::cout << explainString(extended) << std::flush; }

std::vector<Row> DataFrame::collect() const {
  RejectStreamingAction(plan_, "collect");
  RecordBatchPtr b = ExecuteBatchPlan(*session_, plan_);
  std::vector<Row> rows;
  rows.reserve(b->num_rows());
  for (size_t i = 0; i < b->num_rows(); ++i) rows.emplace_back(b->schema(), b->GetRow(i));
  return rows;
}

int64_t DataFrame::count() const {
  RejectStreamingAction(plan_, "count");
  auto rows = agg({functions::count("*")}).collect();
  return rows.at(0)[0].GetInt64();
}

std::vector<Row> DataFrame::take(int64_t n) const { return limit(n).collect(); }

std::string DataFrame::showString(int num_rows, int truncate) const {
  RejectStreamingAction(plan_, "show");
  auto rows = limit(num_rows + 1).collect();
  bool more = static_cast<int>(rows.size()) > num_rows;
  if (more) rows.erase(rows.begin() + num_rows, rows.end());
  std::string out = RenderShowTable(columns(), rows, session_->MakeEvalContext().time_zone, truncate);
  if (more) out += fmt::format("only showing top {} row{}\n", num_rows, num_rows == 1 ? "" : "s");
  return out;
}

void DataFrame::show(int num_rows, int truncate) const {
  std::cout << showString(num_rows, truncate) << std::flush;
}

void DataFrame::createOrReplaceTempView(const std::string& name) const {
  session_->CreateTempView(name, plan_, /*replace=*/true);
}

void DataFrame::createTempView(const std::string& name) const {
  session_->CreateTempView(name, plan_, /*replace=*/false);
}

DataFrameWriter DataFrame::write() const {
  RejectStreamingAction(plan_, "write");
  return DataFrameWriter(*this);
}

DataStreamWriter DataFrame::writeStream() const {
  if (!plan_->is_streaming) {
    throw AnalysisError("'writeStream' can be called only on streaming Dataset/DataFrame");
  }
  return DataStreamWriter(*this);
}

}  // namespace sluice
