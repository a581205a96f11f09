// DataStreamReader, DataStreamWriter, StreamingQuery, StreamingQueryManager and Trigger.
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "api/session_catalog.h"
#include "api/session_state.h"
#include "connectors/console/console_sink.h"
#include "connectors/file/file_relation.h"
#include "connectors/file/file_sink.h"
#include "connectors/foreach_sink.h"
#include "connectors/kafka/kafka_sink.h"
#include "connectors/kafka/kafka_source.h"
#include "connectors/memory/memory_sink.h"
#include "connectors/rate/rate_source.h"
#include "delta/delta_sink.h"
#include "plan/logical_plan.h"
#include "platform/file_system.h"
#include "platform/uuid.h"
#include "sluice/exception.h"
#include "sluice/session.h"
#include "streaming/stream_execution.h"
#include "types/ascii.h"
#include "types/datetime.h"

namespace sluice {

namespace {

// The late-rows dead-letter sink of a query (options lateRowsPath, lateRowsFormat), or null. It is
// a file sink of its own (with its own _spark_metadata manifest, so re-run batches are skipped).
std::shared_ptr<Sink> MakeLateRowsSink(const SessionState& session,
                                       const std::map<std::string, std::string>& options) {
  std::optional<std::string> path;
  std::string format = "json";
  for (const auto& [k, v] : options) {
    if (AsciiLower(k) == "laterowspath") path = v;
    if (AsciiLower(k) == "laterowsformat") format = AsciiLower(v);
  }
  if (!path) {
    if (options.count("lateRowsFormat")) throw AnalysisError("lateRowsFormat is set but lateRowsPath is not");
    return nullptr;
  }
  if (path->empty()) throw AnalysisError("lateRowsPath must not be empty");
  if (format != "json" && format != "parquet" && format != "csv") {
    throw AnalysisError(fmt::format("lateRowsFormat must be json, parquet or csv, got '{}'", format));
  }
  auto sink_path = options.find("path");
  if (sink_path != options.end() &&
      std::filesystem::absolute(sink_path->second).lexically_normal() ==
          std::filesystem::absolute(*path).lexically_normal()) {
    throw AnalysisError("lateRowsPath must differ from the sink's path: " + *path);
  }
  std::map<std::string, std::string> sink_options;
  if (format == "csv") sink_options["header"] = "true";
  return std::make_shared<FileSink>(session, format, *path, sink_options, std::vector<std::string>{});
}
}  // namespace

Trigger Trigger::ProcessingTime(const std::string& interval) {
  int64_t us = ParseDurationMicros(interval);
  if (us < 0) throw AnalysisError("[INVALID_TRIGGER] interval must not be negative: " + interval);
  if (us == 0) return Default();
  return Trigger(Kind::kProcessingTime, us / 1000);
}

// ---- DataStreamReader ----
DataStreamReader& DataStreamReader::format(const std::string& source) & {
  format_ = source;
  return *this;
}
DataStreamReader& DataStreamReader::option(const std::string& key, const std::string& value) & {
  options_[key] = value;
  return *this;
}
DataStreamReader& DataStreamReader::option(const std::string& key, int64_t value) & {
  return option(key, std::to_string(value));
}
DataStreamReader& DataStreamReader::option(const std::string& key, bool value) & {
  return option(key, std::string(value ? "true" : "false"));
}
DataStreamReader& DataStreamReader::options(const std::map<std::string, std::string>& opts) & {
  for (const auto& [k, v] : opts) options_[k] = v;
  return *this;
}
DataStreamReader& DataStreamReader::schema(const TypePtr& s) & {
  schema_ = s;
  return *this;
}
DataStreamReader& DataStreamReader::schema(const std::string& ddl) & { return schema(ParseSchema(ddl)); }

DataFrame DataStreamReader::load() const {
  std::string fmt_name = AsciiLower(format_);
  if (fmt_name == "rate" || fmt_name == "rate-micro-batch") {
    if (schema_) throw AnalysisError(fmt::format("The {} source does not support a user-specified schema.", fmt_name));
    return DataFrame(session_, MakeRatePlan(*session_, fmt_name, options_));
  }
  if (fmt_name == "kafka") {
    if (schema_) throw AnalysisError("Kafka source has a fixed schema and cannot be set with a custom one");
    return DataFrame(session_, MakeKafkaPlan(*session_, options_, /*streaming=*/true));
  }
  auto it = options_.find("path");
  if (it == options_.end()) {
    throw AnalysisError(fmt::format("[UNSUPPORTED_DATA_SOURCE] Data source {} needs a path: use load(path)",
                                    format_.empty() ? "(none)" : format_));
  }
  return DataFrame(session_, MakeFileRelationPlan(*session_, fmt_name, it->second, options_, schema_, true));
}

DataFrame DataStreamReader::load(const std::string& path) {
  options_["path"] = path;
  return static_cast<const DataStreamReader&>(*this).load();
}

DataFrame DataStreamReader::table(const std::string& name) const {
  auto view = session_->LookupTempView(name);
  if (!view || !view->is_streaming) {
    throw AnalysisError(fmt::format(
        "[TABLE_OR_VIEW_NOT_FOUND] The streaming table or view `{}` cannot be found.", name));
  }
  return DataFrame(session_, view);
}

// ---- DataStreamWriter ----
DataStreamWriter& DataStreamWriter::format(const std::string& sink) & {
  format_ = sink;
  return *this;
}
DataStreamWriter& DataStreamWriter::outputMode(const std::string& mode) & {
  ParseOutputMode(mode);
  output_mode_ = mode;
  return *this;
}
DataStreamWriter& DataStreamWriter::option(const std::string& key, const std::string& value) & {
  options_[key] = value;
  return *this;
}
DataStreamWriter& DataStreamWriter::option(const std::string& key, int64_t value) & {
  return option(key, std::to_string(value));
}
DataStreamWriter& DataStreamWriter::option(const std::string& key, bool value) & {
  return option(key, std::string(value ? "true" : "false"));
}
DataStreamWriter& DataStreamWriter::options(const std::map<std::string, std::string>& opts) & {
  for (const auto& [k, v] : opts) options_[k] = v;
  return *this;
}
DataStreamWriter& DataStreamWriter::queryName(const std::string& name) & {
  query_name_ = name;
  return *this;
}
DataStreamWriter& DataStreamWriter::trigger(const Trigger& t) & {
  trigger_ = t;
  return *this;
}
DataStreamWriter& DataStreamWriter::partitionBy(const std::vector<std::string>& cols) & {
  partition_by_ = cols;
  return *this;
}
DataStreamWriter& DataStreamWriter::foreachBatch(std::function<void(const DataFrame&, int64_t)> fn) & {
  foreach_batch_ = std::move(fn);
  format_ = "foreachBatch";
  return *this;
}
DataStreamWriter& DataStreamWriter::foreach(std::function<std::shared_ptr<ForeachWriter>()> factory) & {
  foreach_writer_ = std::move(factory);
  format_ = "foreach";
  return *this;
}

StreamingQuery DataStreamWriter::start(const std::string& path) {
  options_["path"] = path;
  return start();
}

StreamingQuery DataStreamWriter::toTable(const std::string& table_name) {
  throw AnalysisError(fmt::format(
      "[UNSUPPORTED_FEATURE] toTable(`{}`): catalog tables are not supported yet; use start(path) "
      "with a file format",
      table_name));
}

StreamingQuery DataStreamWriter::start() {
  auto session = df_.session_state();
  StreamQuerySpec spec;
  spec.plan = df_.plan();
  spec.output_mode = ParseOutputMode(output_mode_);
  spec.trigger = trigger_;
  spec.name = query_name_;
  std::string fmt_name = AsciiLower(format_.empty() ? "parquet" : format_);

  // Checkpoint location: option, then the session default root, then a temporary folder for sinks
  // that allow it (memory, console, foreach*, noop).
  bool temp_ok = fmt_name == "memory" || fmt_name == "console" || fmt_name == "foreachbatch" ||
                 fmt_name == "foreach" || fmt_name == "noop";
  auto cp = options_.find("checkpointLocation");
  if (cp != options_.end()) {
    spec.checkpoint_location = std::filesystem::absolute(cp->second).string();
  } else if (auto root = session->GetConf("spark.sql.streaming.checkpointLocation"); root && !root->empty()) {
    spec.checkpoint_location =
        (std::filesystem::absolute(*root) / (query_name_.empty() ? GenerateUuid() : query_name_)).string();
  } else if (temp_ok) {
    spec.checkpoint_location = MakeTempDirectory("sluice-checkpoint-").string();
    spec.temporary_checkpoint = true;
  } else {
    throw AnalysisError(
        "checkpointLocation must be specified either through option(\"checkpointLocation\", ...) "
        "or SparkSession.conf.set(\"spark.sql.streaming.checkpointLocation\", ...)");
  }

  if (fmt_name == "memory") {
    if (query_name_.empty()) throw AnalysisError("queryName must be specified for memory sink");
    spec.sink = session->GetOrCreateMemorySink(query_name_, spec.checkpoint_location);
  } else if (fmt_name == "console") {
    int64_t n = 20;
    if (auto it = options_.find("numRows"); it != options_.end()) n = std::stoll(it->second);
    bool truncate = true;
    if (auto it = options_.find("truncate"); it != options_.end()) truncate = AsciiLower(it->second) != "false";
    spec.sink = std::make_shared<ConsoleSink>(session, static_cast<int>(n), truncate);
  } else if (fmt_name == "foreachbatch") {
    spec.sink = std::make_shared<ForeachBatchSink>(session, foreach_batch_);
  } else if (fmt_name == "foreach") {
    spec.sink = std::make_shared<ForeachSink>(foreach_writer_);
  } else if (fmt_name == "noop") {
    spec.sink = std::make_shared<NoopSink>();
  } else if (fmt_name == "kafka") {
    spec.sink = MakeKafkaSink(options_, spec.plan->Schema(), spec.checkpoint_location);
  } else if (fmt_name == "delta") {
    auto it = options_.find("path");
    if (it == options_.end()) throw AnalysisError("'path' is not specified");
    spec.sink = std::make_shared<DeltaSink>(session, it->second, options_, partition_by_,
                                            spec.checkpoint_location, spec.output_mode);
  } else if (fmt_name == "json" || fmt_name == "csv" || fmt_name == "text" || fmt_name == "parquet") {
    auto it = options_.find("path");
    if (it == options_.end()) throw AnalysisError("'path' is not specified");
    if (spec.output_mode != OutputMode::kAppend) {
      throw AnalysisError(fmt::format("Data source {} does not support {} output mode", fmt_name,
                                      OutputModeName(spec.output_mode)));
    }
    spec.sink = std::make_shared<FileSink>(*session, fmt_name, it->second, options_, partition_by_);
  } else {
    throw AnalysisError(fmt::format(
        "[UNSUPPORTED_DATA_SOURCE] Data source {} does not support streamed writing (in this "
        "version of Sluice).",
        format_));
  }
  spec.late_rows_sink = MakeLateRowsSink(*session, options_);
  auto exec = StreamExecution::Start(session, std::move(spec));
  return StreamingQuery(exec);
}

// ---- StreamingQuery ----
std::string StreamingQuery::id() const { return exec_->id(); }
std::string StreamingQuery::runId() const { return exec_->run_id(); }
std::string StreamingQuery::name() const { return exec_->name(); }
bool StreamingQuery::isActive() const { return exec_->IsActive(); }
StreamingQueryStatus StreamingQuery::status() const { return exec_->Status(); }
std::optional<StreamingQueryProgress> StreamingQuery::lastProgress() const { return exec_->LastProgress(); }
std::vector<StreamingQueryProgress> StreamingQuery::recentProgress() const { return exec_->RecentProgress(); }
void StreamingQuery::awaitTermination() const { exec_->AwaitTermination(-1); }
bool StreamingQuery::awaitTermination(int64_t timeout_ms) const { return exec_->AwaitTermination(timeout_ms); }
void StreamingQuery::processAllAvailable() const { exec_->ProcessAllAvailable(); }
void StreamingQuery::stop() const { exec_->Stop(); }
std::optional<std::string> StreamingQuery::exception() const { return exec_->Exception(); }
std::string StreamingQuery::explainString(bool extended) const { return exec_->Explain(extended); }
void StreamingQuery::explain(bool extended) const { std::cout << explainString(extended) << std::flush; }

// ---- StreamingQueryManager ----
std::vector<StreamingQuery> StreamingQueryManager::active() const {
  std::vector<StreamingQuery> out;
  for (const auto& q : session_->ActiveQueries()) out.emplace_back(q);
  return out;
}
std::optional<StreamingQuery> StreamingQueryManager::get(const std::string& id) const {
  for (const auto& q : session_->ActiveQueries()) {
    if (q->id() == id) return StreamingQuery(q);
  }
  return std::nullopt;
}
void StreamingQueryManager::awaitAnyTermination() const { session_->AwaitAnyTermination(-1); }
bool StreamingQueryManager::awaitAnyTermination(int64_t timeout_ms) const {
  return session_->AwaitAnyTermination(timeout_ms);
}
void StreamingQueryManager::resetTerminated() const { session_->ResetTerminated(); }
void StreamingQueryManager::addListener(std::shared_ptr<StreamingQueryListener> l) const {
  session_->AddListener(std::move(l));
}
void StreamingQueryManager::removeListener(const std::shared_ptr<StreamingQueryListener>& l) const {
  session_->RemoveListener(l);
}

}  // namespace sluice
