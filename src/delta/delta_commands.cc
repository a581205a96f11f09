#include "delta/delta_commands.h"

#include <fmt/format.h>

#include <cctype>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "api/query_execution.h"
#include "api/session_catalog.h"
#include "api/session_state.h"
#include "connectors/file/file_listing.h"
#include "connectors/file/file_scan.h"
#include "delta/delta_log.h"
#include "delta/delta_optimize.h"
#include "delta/delta_vacuum.h"
#include "expr/evaluator.h"
#include "sluice/exception.h"
#include "types/ascii.h"

namespace sluice {

using J = nlohmann::json;

namespace {

PlanPtr LocalRelation(const TypePtr& schema, std::vector<std::vector<Value>> rows) {
  PlanPtr p = MakePlan(PlanKind::kLocalRelation);
  for (const StructField& f : schema->fields()) {
    Attribute a;
    a.name = f.name;
    a.type = f.type;
    a.nullable = f.nullable;
    p->output.push_back(std::move(a));
  }
  p->local_rows = std::move(rows);
  p->resolved = true;
  return p;
}

std::string TablePath(const Statement& st) {
  if (st.table_is_path_string && st.table.size() == 1) return AbsolutePath(st.table[0]).string();
  if (st.table.size() == 2 && AsciiLower(st.table[0]) == "delta")
    return AbsolutePath(st.table[1]).string();
  std::string name;
  for (const std::string& p : st.table) name += (name.empty() ? "" : ".") + p;
  throw AnalysisError(fmt::format(
      "[TABLE_OR_VIEW_NOT_FOUND] The table {} cannot be found: Sluice has no catalog tables; name "
      "a Delta table by path as delta.`/path/to/table` or '/path/to/table'.",
      name));
}

void CollectColumns(const ExprPtr& e, std::vector<std::string>* out) {
  if (!e) return;
  if (e->kind == ExprKind::kColumn && !e->name_parts.empty()) out->push_back(e->name_parts.back());
  for (const ExprPtr& c : e->children) CollectColumns(c, out);
}

// Partition values that satisfy OPTIMIZE's WHERE, evaluated by the engine over one row per
// distinct partition of the table.
std::function<bool(const DeltaPartitionValues&)> PartitionFilter(SessionState& session,
                                                                 const std::string& path,
                                                                 const Statement& st) {
  DeltaSnapshot snap = LoadDeltaSnapshot(path);
  std::vector<std::string> cols;
  CollectColumns(st.where, &cols);
  for (const std::string& c : cols) {
    bool ok = false;
    for (const std::string& p : snap.partition_columns) ok = ok || AsciiLower(p) == AsciiLower(c);
    if (!ok) {
      throw AnalysisError(fmt::format(
          "[DELTA_NON_PARTITION_COLUMN_REFERENCE] Predicate references non-partition column '{}'. "
          "Only the partition columns may be referenced: [{}]",
          c, fmt::join(snap.partition_columns, ", ")));
    }
  }
  std::vector<StructField> fields;
  for (const std::string& p : snap.partition_columns) {
    fields.push_back(snap.schema->fields()[static_cast<size_t>(snap.schema->FieldIndex(p))]);
  }
  fields.emplace_back("__sluice_partition_index", LongType(), false);
  TypePtr schema = StructType(fields);
  EvalContext ctx = session.MakeEvalContext();
  std::vector<std::string> keys;
  std::map<std::string, size_t> index;
  std::vector<std::vector<Value>> rows;
  // Captures by value: the returned filter outlives this function.
  auto key_of = [partition_columns = snap.partition_columns](const DeltaPartitionValues& values) {
    std::string key;
    for (const std::string& p : partition_columns) {
      std::optional<std::string> v;
      for (const auto& [k, pv] : values) {
        if (AsciiLower(k) == AsciiLower(p)) v = pv;
      }
      key += v ? "1" + *v : "0";
      key.push_back('\0');
    }
    return key;
  };
  for (const DeltaFile& f : snap.files) {
    std::string key = key_of(f.partition_values);
    if (index.contains(key)) continue;
    index[key] = rows.size();
    std::vector<Value> row;
    for (size_t i = 0; i + 1 < fields.size(); ++i) {
      std::optional<std::string> v;
      for (const auto& [k, pv] : f.partition_values) {
        if (AsciiLower(k) == AsciiLower(fields[i].name)) v = pv;
      }
      if (!v) {
        row.push_back(Value::Null(fields[i].type));
        continue;
      }
      auto text = std::make_shared<Vector>(StringType());
      text->AppendString(*v);
      row.push_back(CastVector(text, fields[i].type, ctx)->GetValue(0));
    }
    row.push_back(Value::Long(static_cast<int64_t>(rows.size())));
    rows.push_back(std::move(row));
  }
  PlanPtr filter = MakePlan(PlanKind::kFilter, {LocalRelation(schema, rows)});
  filter->condition = st.where;
  RecordBatchPtr result = ExecuteBatchPlan(session, AnalyzePlan(session, filter));
  std::set<int64_t> selected;
  const Vector& idx = *result->column(result->num_columns() - 1);
  for (size_t r = 0; r < result->num_rows(); ++r) selected.insert(idx.GetValue(r).GetInt64());
  std::set<std::string> selected_keys;
  for (const auto& [key, i] : index) {
    if (selected.contains(static_cast<int64_t>(i))) selected_keys.insert(key);
  }
  return [selected_keys, key_of](const DeltaPartitionValues& values) {
    return selected_keys.contains(key_of(values));
  };
}

Value StrMap(const J& obj) {
  TypePtr t = MapType(StringType(), StringType());
  if (!obj.is_object()) return Value::Null(t);
  std::vector<Value> keys, values;
  for (const auto& [k, v] : obj.items()) {
    keys.push_back(Value::String(k));
    values.push_back(v.is_string() ? Value::String(v.get<std::string>()) : Value::String(v.dump()));
  }
  return Value::Map(t, std::move(keys), std::move(values));
}

}  // namespace

PlanPtr DeltaHistoryPlan(const std::string& path, int64_t limit) {
  if (!LatestDeltaVersion(path)) {
    throw AnalysisError(
        fmt::format("[DELTA_MISSING_DELTA_TABLE] file:{} is not a Delta table.", path));
  }
  TypePtr schema = ParseSchema(
      "version BIGINT, timestamp TIMESTAMP, userId STRING, userName STRING, operation STRING, "
      "operationParameters MAP<STRING, STRING>, clusterId STRING, readVersion BIGINT, "
      "isolationLevel STRING, isBlindAppend BOOLEAN, operationMetrics MAP<STRING, STRING>, "
      "userMetadata STRING, engineInfo STRING");
  auto commits = ListDeltaCommits(path);
  std::vector<std::vector<Value>> rows;
  for (auto it = commits.rbegin(); it != commits.rend(); ++it) {
    if (limit >= 0 && static_cast<int64_t>(rows.size()) >= limit) break;
    J ci = J::object();
    for (const std::string& line : ReadDeltaCommitLines(it->second)) {
      J a = J::parse(line);
      if (a.contains("commitInfo") && a["commitInfo"].is_object()) ci = a["commitInfo"];
    }
    auto str = [&](const char* k) {
      return ci.contains(k) && ci[k].is_string() ? Value::String(ci[k].get<std::string>())
                                                 : Value::Null(StringType());
    };
    rows.push_back(
        {Value::Long(it->first), Value::Timestamp(DeltaCommitTimestamp(it->second) * 1000),
         str("userId"), str("userName"), str("operation"),
         StrMap(ci.value("operationParameters", J())), str("clusterId"),
         ci.contains("readVersion") && ci["readVersion"].is_number()
             ? Value::Long(ci["readVersion"].get<int64_t>())
             : Value::Null(LongType()),
         str("isolationLevel"),
         ci.contains("isBlindAppend") && ci["isBlindAppend"].is_boolean()
             ? Value::Boolean(ci["isBlindAppend"].get<bool>())
             : Value::Null(BooleanType()),
         StrMap(ci.value("operationMetrics", J())), str("userMetadata"), str("engineInfo")});
  }
  return LocalRelation(schema, std::move(rows));
}

PlanPtr RunDeltaStatement(SessionState& session, const Statement& st) {
  std::string path = TablePath(st);
  switch (st.kind) {
    case StatementKind::kDescribeHistory:
      return DeltaHistoryPlan(path, st.limit);
    case StatementKind::kDeltaVacuum: {
      DeltaVacuumSpec spec;
      spec.path = path;
      if (st.has_retain) spec.retain_hours = st.retain_hours;
      spec.dry_run = st.dry_run;
      DeltaVacuumResult r = VacuumDelta(session, spec);
      std::vector<std::vector<Value>> rows;
      if (st.dry_run) {
        for (const std::string& f : r.files) rows.push_back({Value::String("file:" + f)});
      } else {
        rows.push_back({Value::String("file:" + path)});
      }
      return LocalRelation(ParseSchema("path STRING"), std::move(rows));
    }
    case StatementKind::kDeltaOptimize: {
      DeltaOptimizeSpec spec;
      spec.path = path;
      spec.zorder_by = st.zorder_by;
      spec.predicate_text = st.where_text;
      spec.max_file_bytes = ParseByteSize(
          session.GetConf("spark.databricks.delta.optimize.maxFileSize", "1073741824"),
          "spark.databricks.delta.optimize.maxFileSize");
      if (st.where) spec.partition_filter = PartitionFilter(session, path, st);
      DeltaOptimizeResult r = OptimizeDelta(session, spec);
      TypePtr metrics = ParseDataType(
          "STRUCT<numFilesAdded: BIGINT, numFilesRemoved: BIGINT, numBytesAdded: BIGINT, "
          "numBytesRemoved: BIGINT, partitionsOptimized: BIGINT, totalConsideredFiles: BIGINT, "
          "totalFilesSkipped: BIGINT>");
      TypePtr schema =
          StructType({StructField("path", StringType()), StructField("metrics", metrics)});
      Value m = Value::Struct(
          metrics, {Value::Long(r.num_files_added), Value::Long(r.num_files_removed),
                    Value::Long(r.num_bytes_added), Value::Long(r.num_bytes_removed),
                    Value::Long(r.partitions_optimized), Value::Long(r.total_considered_files),
                    Value::Long(r.total_files_skipped)});
      return LocalRelation(schema, {{Value::String("file:" + path), m}});
    }
    default:
      throw InternalError("RunDeltaStatement: not a Delta maintenance statement");
  }
}

}  // namespace sluice
