#include "sluice/session.h"

#include <fmt/format.h>

#include "api/session_catalog.h"
#include "api/session_state.h"
#include "connectors/file/file_relation.h"
#include "connectors/kafka/kafka_source.h"
#include "connectors/memory/memory_stream.h"
#include "delta/delta_commands.h"
#include "plan/logical_plan.h"
#include "sluice/exception.h"
#include "sql/parser.h"
#include "streaming/stream_execution.h"

namespace sluice {

// ---- RuntimeConfig ----
void RuntimeConfig::set(const std::string& key, const std::string& value) const {
  session_->SetConf(key, value);
}
std::string RuntimeConfig::get(const std::string& key) const {
  auto v = session_->GetConf(key);
  if (!v) throw AnalysisError(fmt::format("[SQL_CONF_NOT_FOUND] The SQL config \"{}\" cannot be found.", key));
  return *v;
}
std::string RuntimeConfig::get(const std::string& key, const std::string& default_value) const {
  return session_->GetConf(key, default_value);
}
void RuntimeConfig::unset(const std::string& key) const { session_->UnsetConf(key); }
std::map<std::string, std::string> RuntimeConfig::getAll() const { return session_->AllConf(); }

// ---- DataFrameReader ----
DataFrameReader& DataFrameReader::format(const std::string& source) & {
  format_ = source;
  return *this;
}
DataFrameReader& DataFrameReader::option(const std::string& key, const std::string& value) & {
  options_[key] = value;
  return *this;
}
DataFrameReader& DataFrameReader::option(const std::string& key, int64_t value) & {
  return option(key, std::to_string(value));
}
DataFrameReader& DataFrameReader::option(const std::string& key, bool value) & {
  return option(key, std::string(value ? "true" : "false"));
}
DataFrameReader& DataFrameReader::options(const std::map<std::string, std::string>& opts) & {
  for (const auto& [k, v] : opts) options_[k] = v;
  return *this;
}
DataFrameReader& DataFrameReader::schema(const TypePtr& s) & {
  schema_ = s;
  return *this;
}
DataFrameReader& DataFrameReader::schema(const std::string& ddl) & { return schema(ParseSchema(ddl)); }
DataFrame DataFrameReader::load(const std::string& path) {
  return DataFrame(session_, MakeFileRelationPlan(*session_, format_, path, options_, schema_, false));
}
DataFrame DataFrameReader::load() {
  if (format_ == "kafka") return DataFrame(session_, MakeKafkaPlan(*session_, options_, /*streaming=*/false));
  auto it = options_.find("path");
  if (it == options_.end()) {
    throw AnalysisError("[UNABLE_TO_INFER_SCHEMA] 'path' is not specified for load()");
  }
  return load(it->second);
}
DataFrame DataFrameReader::table(const std::string& name) const {
  auto p = MakePlan(PlanKind::kUnresolvedRelation);
  p->name_parts = {name};
  return DataFrame(session_, p);
}

// ---- Session ----
Session::Builder& Session::Builder::appName(const std::string& name) {
  app_name_ = name;
  return *this;
}
Session::Builder& Session::Builder::config(const std::string& key, const std::string& value) {
  conf_[key] = value;
  return *this;
}
Session::Builder& Session::Builder::clock(std::shared_ptr<Clock> c) {
  clock_ = std::move(c);
  return *this;
}
Session Session::Builder::getOrCreate() {
  return Session(std::make_shared<SessionState>(app_name_, conf_, clock_));
}

DataFrame Session::sql(const std::string& statement) const {
  auto statements = ParseStatements(statement);
  if (statements.size() != 1) {
    throw ParseError(fmt::format(
        "[PARSE_SYNTAX_ERROR] session.sql() runs one statement; got {} (use the sluice sql command "
        "for scripts)",
        statements.size()));
  }
  const Statement& s = statements[0];
  auto empty = [&] {
    auto p = MakePlan(PlanKind::kLocalRelation);
    p->resolved = true;
    return DataFrame(state_, p);
  };
  switch (s.kind) {
    case StatementKind::kQuery: return DataFrame(state_, AnalyzePlan(*state_, s.plan));
    case StatementKind::kCreateView: {
      PlanPtr plan = AnalyzePlan(*state_, s.plan);
      if (!s.column_names.empty()) {
        auto alias = MakePlan(PlanKind::kSubqueryAlias, {plan});
        alias->alias = s.view_name;
        alias->column_names = s.column_names;
        plan = AnalyzePlan(*state_, alias);
      }
      state_->CreateTempView(s.view_name, plan, s.replace);
      return empty();
    }
    case StatementKind::kSet: {
      std::vector<std::vector<Value>> rows;
      if (s.has_value) {
        state_->SetConf(s.key, s.value);
        rows.push_back({Value::String(s.key), Value::String(s.value)});
      } else if (!s.key.empty()) {
        rows.push_back({Value::String(s.key), Value::String(state_->GetConf(s.key, "<undefined>"))});
      } else {
        for (const auto& [k, v] : state_->AllConf()) rows.push_back({Value::String(k), Value::String(v)});
      }
      return createDataFrame(rows, "key STRING, value STRING");
    }
    case StatementKind::kExplain: {
      DataFrame df(state_, AnalyzePlan(*state_, s.plan));
      return createDataFrame({{Value::String(df.explainString(s.extended))}}, "plan STRING");
    }
    case StatementKind::kDeltaOptimize:
    case StatementKind::kDeltaVacuum:
    case StatementKind::kDescribeHistory:
      return DataFrame(state_, RunDeltaStatement(*state_, s));
    default: break;
  }
  throw AnalysisError("[UNSUPPORTED_FEATURE] statement not supported: " + s.text);
}

DataFrame Session::table(const std::string& name) const { return read().table(name); }

DataFrame Session::createDataFrame(const std::vector<std::vector<Value>>& rows,
                                   const TypePtr& schema) const {
  auto p = MakePlan(PlanKind::kLocalRelation);
  for (const auto& f : schema->fields()) {
    Attribute a;
    a.name = f.name;
    a.type = f.type;
    a.nullable = f.nullable;
    p->output.push_back(a);
  }
  for (const auto& r : rows) {
    if (r.size() != schema->fields().size()) {
      throw AnalysisError(fmt::format("[AXIS_LENGTH_MISMATCH] a row has {} values but the schema has {} fields",
                                      r.size(), schema->fields().size()));
    }
  }
  p->local_rows = rows;
  p->resolved = true;
  return DataFrame(state_, p);
}

DataFrame Session::createDataFrame(const std::vector<std::vector<Value>>& rows,
                                   const std::string& ddl) const {
  return createDataFrame(rows, ParseSchema(ddl));
}

DataFrame Session::range(int64_t start, int64_t end, int64_t step) const {
  if (step == 0) throw AnalysisError("[INVALID_PARAMETER_VALUE] range step must not be 0");
  std::vector<std::vector<Value>> rows;
  for (int64_t i = start; step > 0 ? i < end : i > end; i += step) rows.push_back({Value::Long(i)});
  auto df = createDataFrame(rows, "id BIGINT");
  df.plan()->output[0].nullable = false;
  return df;
}

MemoryStream Session::memoryStream(const TypePtr& schema, int num_partitions) const {
  return MemoryStream(state_, schema, num_partitions);
}

void Session::dropTempView(const std::string& name) const { state_->DropTempView(name); }

void Session::stop() const {
  for (const auto& q : state_->ActiveQueries()) q->Stop();
}

}  // namespace sluice
