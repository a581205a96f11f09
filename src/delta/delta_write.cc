#include "delta/delta_write.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <mutex>
#include <set>

#include "api/session_state.h"
#include "connectors/file/file_listing.h"
#include "connectors/file/file_scan.h"
#include "delta/delta_checkpoint.h"
#include "delta/delta_commit.h"
#include "delta/delta_file_writer.h"
#include "delta/delta_optimize.h"
#include "delta/delta_schema.h"
#include "formats/parquet/parquet_schema.h"
#include "platform/file_system.h"
#include "platform/thread_pool.h"
#include "platform/uuid.h"
#include "sluice/exception.h"
#include "types/ascii.h"

namespace sluice {

namespace fs = std::filesystem;
using J = nlohmann::json;

namespace {

bool ParseBoolText(const std::string& text, const std::string& key) {
  std::string l = AsciiLower(text);
  if (l == "true") return true;
  if (l == "false") return false;
  throw AnalysisError(fmt::format(
      "[DELTA_INVALID_TABLE_PROPERTY] {} must be 'true' or 'false', got '{}'.", key, text));
}

// Table properties Sluice knows: canonical key -> validator.
const std::map<std::string, std::string>& KnownProperties() {
  // value kind: b = boolean, i = positive integer, n = integer >= -1, d = interval, s = string
  static const std::map<std::string, std::string> kKnown = {
      {"delta.appendOnly", "b"},
      {"delta.enableChangeDataFeed", "b"},
      {"delta.checkpointInterval", "i"},
      {"delta.dataSkippingNumIndexedCols", "n"},
      {"delta.autoOptimize.optimizeWrite", "b"},
      {"delta.autoOptimize.autoCompact", "b"},
      {"delta.logRetentionDuration", "d"},
      {"delta.deletedFileRetentionDuration", "d"},
      {"delta.checkpoint.writeStatsAsJson", "b"},
      {"delta.checkpoint.writeStatsAsStruct", "b"},
      {"delta.columnMapping.mode", "s"},
      {"delta.enableDeletionVectors", "b"},
      {"delta.isolationLevel", "s"},
      {"delta.compatibility.symlinkFormatManifest.enabled", "b"},
  };
  return kKnown;
}

// Validates the `delta.*` keys of `given` and returns them under their canonical names.
std::map<std::string, std::string> TableProperties(
    const std::map<std::string, std::string>& given) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : given) {
    if (AsciiLower(key).rfind("delta.", 0) != 0) continue;
    std::string canonical;
    for (const auto& [known, kind] : KnownProperties()) {
      if (AsciiLower(known) == AsciiLower(key)) canonical = known;
    }
    if (canonical.empty()) {
      throw AnalysisError(fmt::format(
          "[DELTA_UNKNOWN_CONFIGURATION] Unknown configuration was specified: {}", key));
    }
    const std::string& kind = KnownProperties().at(canonical);
    if (kind == "b") {
      ParseBoolText(value, canonical);
    } else if (kind == "i" || kind == "n") {
      int64_t n = 0;
      try {
        size_t used = 0;
        n = std::stoll(value, &used);
        if (used != value.size()) throw std::invalid_argument(value);
      } catch (const std::exception&) {
        throw AnalysisError(fmt::format(
            "[DELTA_INVALID_TABLE_PROPERTY] {} must be an integer, got '{}'.", canonical, value));
      }
      if ((kind == "i" && n <= 0) || (kind == "n" && n < -1)) {
        throw AnalysisError(fmt::format("[DELTA_INVALID_TABLE_PROPERTY] {} must be {}, got '{}'.",
                                        canonical, kind == "i" ? "positive" : "-1 or more", value));
      }
    } else if (kind == "d") {
      ParseDeltaIntervalMs(value, canonical);
    }
    if (canonical == "delta.columnMapping.mode" && AsciiLower(value) != "none") {
      throw AnalysisError(
          "[DELTA_UNSUPPORTED_FEATURE] unsupported Delta table feature columnMapping: Sluice "
          "writes tables without column mapping only (delta.columnMapping.mode = none).");
    }
    if (canonical == "delta.enableDeletionVectors" && AsciiLower(value) == "true") {
      throw AnalysisError(
          "[DELTA_UNSUPPORTED_FEATURE] unsupported Delta table feature deletionVectors: Sluice "
          "does not write deletion vectors.");
    }
    out[canonical] = value;
  }
  return out;
}

bool HasType(const TypePtr& t, TypeId id) {
  if (t->id() == id) return true;
  switch (t->id()) {
    case TypeId::kStruct:
      for (const StructField& f : t->fields()) {
        if (HasType(f.type, id)) return true;
      }
      return false;
    case TypeId::kArray:
      return HasType(t->element_type(), id);
    case TypeId::kMap:
      return HasType(t->key_type(), id) || HasType(t->value_type(), id);
    default:
      return false;
  }
}

J RequiredProtocol(const TypePtr& schema, const std::map<std::string, std::string>& config) {
  bool cdf = config.contains("delta.enableChangeDataFeed") &&
             AsciiLower(config.at("delta.enableChangeDataFeed")) == "true";
  if (HasType(schema, TypeId::kTimestampNtz)) {
    J writer = J::array({"appendOnly", "invariants", "timestampNtz"});
    if (cdf) writer.push_back("changeDataFeed");
    return J{{"minReaderVersion", 3},
             {"minWriterVersion", 7},
             {"readerFeatures", J::array({"timestampNtz"})},
             {"writerFeatures", writer}};
  }
  return J{{"minReaderVersion", 1}, {"minWriterVersion", cdf ? 4 : 2}};
}

bool ConfBool(const SessionState& session, const std::string& key, bool fallback) {
  auto v = session.GetConf(key);
  return v ? AsciiLower(*v) == "true" : fallback;
}

std::string ModeName(DeltaSaveMode m) {
  switch (m) {
    case DeltaSaveMode::kAppend:
      return "Append";
    case DeltaSaveMode::kOverwrite:
      return "Overwrite";
    case DeltaSaveMode::kErrorIfExists:
      return "ErrorIfExists";
    case DeltaSaveMode::kIgnore:
      return "Ignore";
  }
  return "Append";
}

}  // namespace

std::optional<std::pair<std::string, int64_t>> IdempotentWriteTxn(const OptionMap& options) {
  auto app_id = GetOptionalString(options, "txnAppId");
  auto version = GetOptionalString(options, "txnVersion");
  if (!app_id && !version) return std::nullopt;
  if (!app_id || !version || app_id->empty()) {
    throw AnalysisError(
        "[DELTA_INVALID_IDEMPOTENT_WRITES_OPTIONS] Invalid options for idempotent Dataframe "
        "writes: Both options (txnAppId and txnVersion) must be specified for idempotent Delta "
        "writes, and txnAppId must not be empty.");
  }
  const std::string& t = *version;
  bool digits = !t.empty() && t.size() < 19 &&
                std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) {
    throw AnalysisError(fmt::format(
        "[DELTA_INVALID_IDEMPOTENT_WRITES_OPTIONS] Invalid options for idempotent Dataframe "
        "writes: txnVersion must be a non-negative integer, got '{}'.",
        t));
  }
  return std::make_pair(*app_id, std::stoll(t));
}

DeltaSaveMode ParseDeltaSaveMode(const std::string& mode) {
  std::string m = AsciiLower(mode);
  if (m == "append") return DeltaSaveMode::kAppend;
  if (m == "overwrite") return DeltaSaveMode::kOverwrite;
  if (m.empty() || m == "error" || m == "errorifexists" || m == "default") {
    return DeltaSaveMode::kErrorIfExists;
  }
  if (m == "ignore") return DeltaSaveMode::kIgnore;
  throw AnalysisError(fmt::format(
      "Unknown save mode: {}. Accepted save modes are 'overwrite', 'append', 'ignore', 'error', "
      "'errorifexists', 'default'.",
      mode));
}

void CheckDeltaWritable(const DeltaSnapshot& s) {
  auto unsupported = [&](const std::string& feature) {
    throw AnalysisError(fmt::format(
        "[DELTA_UNSUPPORTED_FEATURE] unsupported Delta table feature {} (table {}): Sluice cannot "
        "write to this table.",
        feature, s.table_path));
  };
  if (s.min_writer_version > 7) unsupported(fmt::format("writer version {}", s.min_writer_version));
  static const std::set<std::string> kWriterFeatures = {
      "appendOnly", "invariants", "changeDataFeed", "timestampNtz", "vacuumProtocolCheck"};
  for (const std::string& f : s.writer_features) {
    if (!kWriterFeatures.contains(f)) unsupported(f);
  }
  if (s.column_mapping_mode != "none") unsupported("columnMapping");
  for (const auto& [k, v] : s.configuration) {
    if (k.rfind("delta.constraints.", 0) == 0) unsupported("checkConstraints");
  }
  if (s.schema_string.find("delta.invariants") != std::string::npos) unsupported("invariants");
  if (s.schema_string.find("delta.generationExpression") != std::string::npos) {
    unsupported("generatedColumns");
  }
  if (s.schema_string.find("delta.identity.") != std::string::npos) unsupported("identityColumns");
  for (const DeltaFile& f : s.files) {
    if (f.has_deletion_vector) unsupported("deletionVectors");
  }
}

DeltaWriteResult WriteDelta(const SessionState& session, const DeltaWriteRequest& req) {
  if (req.path.empty()) throw AnalysisError("'path' is not specified");
  std::string path = AbsolutePath(req.path).lexically_normal().string();
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  EvalContext ctx = session.MakeEvalContext();
  OptionMap options(req.options.begin(), req.options.end());
  DeltaWriteResult result;
  std::optional<std::pair<std::string, int64_t>> app_txn = req.txn;
  if (!app_txn) app_txn = IdempotentWriteTxn(options);

  DeltaTransaction txn(path, session.clock());
  const std::optional<DeltaSnapshot>& snap = txn.snapshot();
  // An idempotent write (streaming batch, or txnAppId / txnVersion) that the table already has is
  // skipped before anything else, as Delta does.
  if (app_txn && snap) {
    auto it = snap->app_transactions.find(app_txn->first);
    if (it != snap->app_transactions.end() && it->second.first >= app_txn->second) {
      result.skipped = true;  // this write is already in the table
      return result;
    }
  }
  bool exists = snap.has_value();
  if (exists && req.mode == DeltaSaveMode::kErrorIfExists) {
    throw AnalysisError(fmt::format(
        "[DELTA_PATH_EXISTS] Cannot write to already existent path file:{} without setting "
        "OVERWRITE = 'true'.",
        path));
  }
  if (exists && req.mode == DeltaSaveMode::kIgnore) {
    result.skipped = true;
    return result;
  }

  if (snap) CheckDeltaWritable(*snap);
  bool overwrite = req.mode == DeltaSaveMode::kOverwrite;
  bool merge_schema =
      GetBool(options, "mergeSchema",
              ConfBool(session, "spark.databricks.delta.schema.autoMerge.enabled", false));
  bool overwrite_schema = overwrite && GetBool(options, "overwriteSchema", false);
  if (snap && overwrite &&
      AsciiLower(DeltaTableProperty(*snap, "delta.appendOnly", "false")) == "true") {
    throw AnalysisError(
        "[DELTA_CANNOT_MODIFY_APPEND_ONLY] This table is configured to only allow appends. If you "
        "would like to permit updates or deletes, use 'ALTER TABLE <table_name> SET TBLPROPERTIES "
        "(delta.appendOnly=false)'.");
  }

  // Schema, partitioning, metadata.
  TypePtr table_schema;
  std::vector<std::string> partition_cols;
  std::map<std::string, std::string> config;
  bool new_metadata = false;
  if (!snap || overwrite_schema) {
    CheckDeltaSchemaWritable(req.schema, path);
    table_schema = AsNullableSchema(req.schema);
    for (const std::string& c : req.partition_by) {
      int idx = table_schema->FieldIndex(c);
      partition_cols.push_back(idx < 0 ? c : table_schema->fields()[static_cast<size_t>(idx)].name);
    }
    if (snap) {
      config = snap->configuration;
    } else {
      std::map<std::string, std::string> given;
      std::string defaults_prefix = "spark.databricks.delta.properties.defaults.";
      for (const auto& [k, v] : session.AllConf()) {
        if (k.rfind(defaults_prefix, 0) == 0)
          given["delta." + k.substr(defaults_prefix.size())] = v;
      }
      for (const auto& [k, v] : req.options) given[k] = v;
      config = TableProperties(given);
    }
    new_metadata = true;
  } else {
    partition_cols = snap->partition_columns;
    if (!req.partition_by.empty()) {
      std::vector<std::string> given, table;
      for (const std::string& c : req.partition_by) given.push_back(AsciiLower(c));
      for (const std::string& c : partition_cols) table.push_back(AsciiLower(c));
      if (given != table) {
        throw AnalysisError(fmt::format(
            "[DELTA_PARTITION_COLUMNS_MISMATCH] Partition columns do not match the partition "
            "columns of the table {}. Given: [{}], Table: [{}]",
            path, fmt::join(req.partition_by, ", "), fmt::join(partition_cols, ", ")));
      }
    }
    table_schema = ReconcileDeltaWriteSchema(snap->schema, req.schema, merge_schema, path);
    config = snap->configuration;
    new_metadata = !table_schema->Equals(*snap->schema);
  }

  J protocol = RequiredProtocol(table_schema, config);
  if (!snap) {
    txn.SetProtocol(protocol);
  } else if (protocol["minReaderVersion"].get<int>() > snap->min_reader_version ||
             protocol["minWriterVersion"].get<int>() > snap->min_writer_version) {
    throw AnalysisError(fmt::format(
        "[DELTA_UNSUPPORTED_FEATURE] Writing this data to the Delta table {} needs a protocol "
        "upgrade (reader {}, writer {}), which Sluice does not perform.",
        path, protocol["minReaderVersion"].get<int>(), protocol["minWriterVersion"].get<int>()));
  }
  std::string schema_string = parquet::SparkSchemaJson(table_schema);
  if (new_metadata) {
    J md = snap ? J::parse(snap->metadata_json) : J::object();
    if (!snap) {
      md["id"] = GenerateUuid();
      md["format"] = J{{"provider", "parquet"}, {"options", J::object()}};
      md["createdTime"] = txn.NowMillis();
    }
    md["schemaString"] = schema_string;
    md["partitionColumns"] = partition_cols;
    J conf = J::object();
    for (const auto& [k, v] : config) conf[k] = v;
    md["configuration"] = conf;
    txn.SetMetadata(md);
  }

  // Data files.
  DeltaFileWriterOptions fo;
  fo.parquet = ParquetWriteOptions::FromMap(options);
  auto prop = [&](const std::string& key, const std::string& fallback) {
    auto it = config.find(key);
    return it == config.end() ? fallback : it->second;
  };
  fo.num_indexed_cols =
      static_cast<int>(std::stoll(prop("delta.dataSkippingNumIndexedCols", "32")));
  fo.max_records_per_file = GetInt(options, "maxRecordsPerFile", 0);
  fo.modification_time_ms = txn.NowMillis();
  bool optimize_write =
      AsciiLower(prop(
          "delta.autoOptimize.optimizeWrite",
          ConfBool(session, "spark.databricks.delta.optimizeWrite.enabled",
                   ConfBool(session, "spark.databricks.delta.autoOptimize.optimizeWrite", false))
              ? "true"
              : "false")) == "true";
  if (auto o = GetOptionalString(options, "optimizeWrite")) optimize_write = AsciiLower(*o) == "true";
  DeltaFileWriter writer(path, table_schema, partition_cols, fo);

  // Align every batch to the table schema; optimizeWrite pools all partitions into one task.
  std::vector<std::vector<RecordBatchPtr>> tasks;
  for (const Partition& p : req.data) {
    std::vector<RecordBatchPtr> aligned;
    for (const RecordBatchPtr& b : p) {
      if (b && b->num_rows() > 0) aligned.push_back(AlignBatchToDeltaSchema(b, table_schema, ctx));
    }
    if (aligned.empty()) continue;
    if (optimize_write && !tasks.empty()) {
      tasks[0].insert(tasks[0].end(), aligned.begin(), aligned.end());
    } else {
      tasks.push_back(std::move(aligned));
    }
  }
  if (optimize_write) {
    DeltaFileWriterOptions pooled = fo;
    pooled.target_file_bytes =
        ParseByteSize(session.GetConf("spark.databricks.delta.optimizeWrite.binSize", "536870912"),
                      "spark.databricks.delta.optimizeWrite.binSize");
    writer = DeltaFileWriter(path, table_schema, partition_cols, pooled);
  }
  std::vector<std::vector<DeltaAddFile>> task_files(tasks.size());
  std::vector<std::function<void()>> jobs;
  for (size_t t = 0; t < tasks.size(); ++t) {
    jobs.push_back([&, t] { task_files[t] = writer.WriteTask(tasks[t], t, /*data_change=*/true); });
  }
  std::vector<DeltaAddFile> adds;
  auto cleanup = [&] {
    for (const auto& files : task_files) {
      for (const DeltaAddFile& a : files) RemoveFile(a.local_path);
    }
  };
  try {
    session.pool().RunAll(std::move(jobs));
  } catch (...) {
    cleanup();
    throw;
  }
  for (const auto& files : task_files) adds.insert(adds.end(), files.begin(), files.end());

  if (overwrite && snap) {
    txn.ReadWholeTable();
    for (const DeltaFile& f : snap->files) txn.RemoveFile(f, /*data_change=*/true);
  }
  if (app_txn) txn.AddTxn(app_txn->first, app_txn->second);
  for (const DeltaAddFile& a : adds) {
    txn.AddFile(a);
    result.num_files += 1;
    result.num_rows += a.num_records;
    result.num_bytes += a.size;
  }
  DeltaCommitInfo info;
  info.operation = req.operation;
  if (req.operation_parameters.is_null()) {
    info.operation_parameters =
        J{{"mode", ModeName(req.mode)}, {"partitionBy", J(partition_cols).dump()}};
  } else {
    info.operation_parameters = req.operation_parameters;
  }
  info.operation_metrics = J{{"numFiles", std::to_string(result.num_files)},
                             {"numOutputRows", std::to_string(result.num_rows)},
                             {"numOutputBytes", std::to_string(result.num_bytes)}};
  if (overwrite && snap) {
    info.operation_metrics["numRemovedFiles"] = std::to_string(snap->files.size());
  }
  try {
    result.version = txn.Commit(info);
  } catch (...) {
    cleanup();
    throw;
  }

  // Auto compaction after the write.
  bool auto_compact =
      AsciiLower(
          prop("delta.autoOptimize.autoCompact",
               ConfBool(session, "spark.databricks.delta.autoCompact.enabled",
                        ConfBool(session, "spark.databricks.delta.autoOptimize.autoCompact", false))
                   ? "true"
                   : "false")) == "true";
  if (auto_compact && !adds.empty()) {
    std::set<std::string> touched;
    for (const DeltaAddFile& a : adds)
      touched.insert(writer.PartitionDirectory(a.partition_values));
    DeltaOptimizeSpec spec;
    spec.path = path;
    spec.auto_compact = true;
    spec.max_file_bytes = ParseByteSize(
        session.GetConf("spark.databricks.delta.autoCompact.maxFileSize", "134217728"),
        "spark.databricks.delta.autoCompact.maxFileSize");
    spec.min_num_files = session.GetConfInt("spark.databricks.delta.autoCompact.minNumFiles", 50);
    spec.partition_filter = [touched, &writer](const DeltaPartitionValues& values) {
      return touched.contains(writer.PartitionDirectory(values));
    };
    try {
      OptimizeDelta(session, spec);
    } catch (const ExecutionError&) {
      // A concurrent change made the compaction conflict; the write itself is committed.
    }
  }
  return result;
}

}  // namespace sluice
