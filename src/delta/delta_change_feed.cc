#include "delta/delta_change_feed.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/session_state.h"
#include "connectors/file/file_listing.h"
#include "connectors/file/file_scan.h"
#include "formats/parquet/parquet_reader.h"
#include "platform/thread_pool.h"
#include "sluice/exception.h"
#include "types/ascii.h"
#include "types/datetime.h"

namespace sluice {

namespace fs = std::filesystem;
using J = nlohmann::json;

namespace {

constexpr const char* kChangeType = "_change_type";
constexpr const char* kCommitVersion = "_commit_version";
constexpr const char* kCommitTimestamp = "_commit_timestamp";

bool DataChange(const J& action) {
  auto it = action.find("dataChange");
  return it == action.end() || !it->is_boolean() || it->get<bool>();
}

bool CdfEnabled(const J& metadata) {
  auto conf = metadata.find("configuration");
  if (conf == metadata.end() || !conf->is_object()) return false;
  auto it = conf->find("delta.enableChangeDataFeed");
  return it != conf->end() && it->is_string() && AsciiLower(it->get<std::string>()) == "true";
}

// A file action (add / remove / cdc) as a DeltaFile; `what` and `version` word errors.
DeltaFile FileOf(const std::string& table, const J& a, const char* what, int64_t version) {
  if (!a.contains("path") || !a["path"].is_string()) {
    throw AnalysisError(fmt::format(
        "Corrupt Delta log of {}: a {} action of version {} has no path", table, what, version));
  }
  if (a.contains("deletionVector") && a["deletionVector"].is_object()) {
    throw AnalysisError(fmt::format(
        "[DELTA_UNSUPPORTED_FEATURE] unsupported Delta table feature deletionVectors (a {} action "
        "of version {} of {}): Sluice cannot read the change data feed of this table.",
        what, version, table));
  }
  DeltaFile f;
  f.log_path = a["path"].get<std::string>();
  f.path = ResolveDeltaDataPath(table, f.log_path);
  if (a.contains("partitionValues") && a["partitionValues"].is_object()) {
    for (const auto& [k, v] : a["partitionValues"].items()) {
      if (v.is_string()) {
        f.partition_values.emplace_back(k, v.get<std::string>());
      } else {
        f.partition_values.emplace_back(k, std::nullopt);
      }
    }
  }
  if (a.contains("size") && a["size"].is_number()) f.size = a["size"].get<int64_t>();
  if (a.contains("modificationTime") && a["modificationTime"].is_number()) {
    f.modification_time = a["modificationTime"].get<int64_t>();
  }
  f.data_change = DataChange(a);
  return f;
}

[[noreturn]] void MissingChangeData(const std::string& table, int64_t version, int64_t start,
                                    std::optional<int64_t> end) {
  throw AnalysisError(fmt::format(
      "[DELTA_MISSING_CHANGE_DATA] Error getting change data for range [{} , {}] of the Delta "
      "table {} as change data was not recorded for version [{}]. Change data is recorded only "
      "for commits made while the table property delta.enableChangeDataFeed is true (set it as a "
      "write option when the table is created).",
      start, end ? std::to_string(*end) : std::string("latest"), table, version));
}

int64_t ParseVersionOption(const std::string& name, const std::string& text) {
  bool digits = !text.empty() && text.size() < 19 &&
                std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) {
    throw AnalysisError(fmt::format(
        "[DELTA_INVALID_CDC_RANGE] Invalid value '{}' for option '{}': expected a non-negative "
        "version number.",
        text, name));
  }
  return std::stoll(text);
}

int64_t ParseTimestampOption(const std::string& name, const std::string& text,
                             const std::string& tz) {
  if (auto micros = ParseTimestamp(text, tz)) return *micros / 1000;
  if (ParseDate(text)) {
    if (auto micros = ParseTimestamp(text + " 00:00:00", tz)) return *micros / 1000;
  }
  throw AnalysisError(fmt::format(
      "[DELTA_TIMESTAMP_INVALID] The provided timestamp ({}) cannot be converted to a valid "
      "timestamp (option {}).",
      text, name));
}

// A batch change-feed read: the change files of versions [start, end] of a table.
class DeltaChangeFeedRelation : public RelationSource {
 public:
  DeltaChangeFeedRelation(std::string table, int64_t start, int64_t end,
                          std::vector<DeltaChangeFile> files, TypePtr schema,
                          TypePtr physical_schema, std::weak_ptr<const SessionState> session,
                          DeltaScanSettings settings)
      : table_(std::move(table)),
        start_(start),
        end_(end),
        files_(std::move(files)),
        table_schema_(std::move(schema)),
        physical_schema_(std::move(physical_schema)),
        schema_(DeltaChangeFeedSchema(table_schema_, table_)),
        session_(std::move(session)),
        settings_(std::move(settings)) {}

  TypePtr schema() const override { return schema_; }
  bool is_streaming() const override { return false; }
  std::string Description() const override {
    if (start_ > end_) return fmt::format("DeltaCDFScan [{}] no versions", QualifiedPath(table_));
    return fmt::format("DeltaCDFScan [{}] versions {} to {}", QualifiedPath(table_), start_, end_);
  }
  std::vector<Partition> ReadAll(const EvalContext& ctx) const override {
    ThreadPool* pool = nullptr;
    std::shared_ptr<const SessionState> session = session_.lock();
    if (session) pool = &session->pool();
    DeltaScanSettings s = settings_;
    s.time_zone = ctx.time_zone;
    return ReadDeltaChangeFiles(table_, files_, table_schema_, physical_schema_, s, pool);
  }

 private:
  std::string table_;
  int64_t start_;
  int64_t end_;
  std::vector<DeltaChangeFile> files_;
  TypePtr table_schema_;
  TypePtr physical_schema_;
  TypePtr schema_;
  std::weak_ptr<const SessionState> session_;
  DeltaScanSettings settings_;
};

}  // namespace

TypePtr DeltaChangeFeedSchema(const TypePtr& table_schema, const std::string& table_path) {
  std::vector<StructField> fields = table_schema->fields();
  for (const StructField& f : fields) {
    for (const char* reserved : {kChangeType, kCommitVersion, kCommitTimestamp}) {
      if (AsciiLower(f.name) == reserved) {
        throw AnalysisError(fmt::format(
            "[DELTA_RESERVED_CDC_COLUMNS_ON_WRITE] The Delta table {} has a column named {}, which "
            "the change data feed reserves for its own use; its change data cannot be read.",
            table_path, f.name));
      }
    }
  }
  fields.emplace_back(kChangeType, StringType(), true);
  fields.emplace_back(kCommitVersion, LongType(), true);
  fields.emplace_back(kCommitTimestamp, TimestampType(), true);
  return StructType(std::move(fields));
}

DeltaCommitChanges DeltaChangeLog::Read(int64_t version, const std::string& commit_path,
                                        int64_t range_start, std::optional<int64_t> range_end) {
  // Whether change data was recorded as of the previous version.
  bool enabled = false;
  if (enabled_ && enabled_->first == version - 1) {
    enabled = enabled_->second;
  } else if (version > 0) {
    DeltaSnapshot before = LoadDeltaSnapshot(table_, DeltaTimeTravel{version - 1, {}});
    auto it = before.configuration.find("delta.enableChangeDataFeed");
    enabled = it != before.configuration.end() && AsciiLower(it->second) == "true";
  }
  DeltaCommitChanges out;
  out.version = version;
  std::vector<DeltaChangeFile> cdc, adds_removes;
  std::optional<int64_t> timestamp;
  for (const std::string& line : ReadDeltaCommitLines(commit_path)) {
    J a = J::parse(line);
    if (auto m = a.find("metaData"); m != a.end() && m->is_object()) {
      enabled = CdfEnabled(*m);
      if (m->contains("schemaString") && (*m)["schemaString"].is_string()) {
        out.schema_string = (*m)["schemaString"].get<std::string>();
      }
    }
    if (auto c = a.find("commitInfo"); c != a.end() && c->is_object() && !timestamp) {
      for (const char* key : {"inCommitTimestamp", "timestamp"}) {
        if (c->contains(key) && (*c)[key].is_number()) {
          timestamp = (*c)[key].get<int64_t>();
          break;
        }
      }
    }
    if (auto c = a.find("cdc"); c != a.end() && c->is_object()) {
      DeltaChangeFile f;
      f.version = version;
      f.kind = DeltaChangeKind::kCdc;
      f.file = FileOf(table_, *c, "cdc", version);
      cdc.push_back(std::move(f));
    }
    if (auto ad = a.find("add"); ad != a.end() && ad->is_object() && DataChange(*ad)) {
      DeltaChangeFile f;
      f.version = version;
      f.kind = DeltaChangeKind::kInsert;
      f.file = FileOf(table_, *ad, "add", version);
      adds_removes.push_back(std::move(f));
    }
    if (auto r = a.find("remove"); r != a.end() && r->is_object() && DataChange(*r)) {
      DeltaChangeFile f;
      f.version = version;
      f.kind = DeltaChangeKind::kDelete;
      f.file = FileOf(table_, *r, "remove", version);
      adds_removes.push_back(std::move(f));
    }
  }
  enabled_ = std::make_pair(version, enabled);
  if (!enabled) MissingChangeData(table_, version, range_start, range_end);
  out.timestamp_ms = timestamp ? *timestamp : DeltaCommitTimestamp(commit_path);
  out.files = cdc.empty() ? std::move(adds_removes) : std::move(cdc);
  for (DeltaChangeFile& f : out.files) f.commit_timestamp_ms = out.timestamp_ms;
  return out;
}

DeltaScanSettings DeltaScanSettings::FromSession(const SessionState& session) {
  DeltaScanSettings s;
  s.max_partition_bytes =
      ParseByteSize(session.GetConf("spark.sql.files.maxPartitionBytes", "134217728"),
                    "spark.sql.files.maxPartitionBytes");
  s.open_cost_bytes = ParseByteSize(session.GetConf("spark.sql.files.openCostInBytes", "4194304"),
                                    "spark.sql.files.openCostInBytes");
  int64_t threads = session.GetConfInt("spark.sluice.threads", 0);
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());
  s.parallelism = static_cast<int>(session.GetConfInt("spark.default.parallelism", threads));
  s.batch_rows = static_cast<size_t>(
      std::max<int64_t>(1, session.GetConfInt("spark.sluice.maxBatchRows", 8192)));
  s.time_zone = session.MakeEvalContext().time_zone;
  return s;
}

std::vector<Partition> ReadDeltaChangeFiles(const std::string& table_path,
                                            const std::vector<DeltaChangeFile>& files,
                                            const TypePtr& schema, const TypePtr& physical_schema,
                                            const DeltaScanSettings& settings, ThreadPool* pool) {
  TypePtr out_schema = DeltaChangeFeedSchema(schema, table_path);
  if (files.empty()) return {};
  std::vector<InputFile> inputs;
  inputs.reserve(files.size());
  for (const DeltaChangeFile& f : files) {
    std::error_code ec;
    if (!fs::is_regular_file(f.file.path, ec)) {
      throw IoError(fmt::format(
          "[DELTA_CHANGE_DATA_FILE_NOT_FOUND] File {} referenced in version {} of the Delta log of "
          "{} cannot be found. This can occur when data was deleted from the file system without "
          "going through the table, or when a removed file or change data file was deleted by "
          "VACUUM after its retention period.",
          f.file.path, f.version, table_path));
    }
    if (f.kind == DeltaChangeKind::kCdc) {
      // The change type comes from the file: it must have the column.
      auto reader = ParquetReader::OpenFile(f.file.path);
      int idx = reader->file_schema()->FieldIndex(kChangeType);
      if (idx < 0 ||
          reader->file_schema()->fields()[static_cast<size_t>(idx)].type->id() != TypeId::kString) {
        throw AnalysisError(fmt::format(
            "Corrupt change data file {} (cdc action of version {} of the Delta table {}): it has "
            "no {} STRING column.",
            f.file.path, f.version, table_path, kChangeType));
      }
    }
    InputFile in;
    in.path = f.file.path;
    in.size = f.file.size;
    in.modification_time_ms = f.file.modification_time;
    in.partition_values = f.file.partition_values;
    // The CDF columns that do not come from the file are filled as constant "partition" values.
    if (f.kind != DeltaChangeKind::kCdc) {
      in.partition_values.emplace_back(kChangeType,
                                       f.kind == DeltaChangeKind::kInsert ? "insert" : "delete");
    }
    in.partition_values.emplace_back(kCommitVersion, std::to_string(f.version));
    in.partition_values.emplace_back(
        kCommitTimestamp,
        FormatTimestampWithPattern(f.commit_timestamp_ms * 1000, "yyyy-MM-dd'T'HH:mm:ss.SSSSSS",
                                   "UTC") +
            "Z");
    inputs.push_back(std::move(in));
  }
  std::vector<StructField> scan_fields = physical_schema->fields();
  const auto& out_fields = out_schema->fields();
  scan_fields.insert(scan_fields.end(), out_fields.end() - 3, out_fields.end());
  FileScanner scanner(FileFormat::kParquet, OptionMap{}, StructType(std::move(scan_fields)),
                      settings.time_zone, settings.batch_rows);
  auto groups = PackFilePartitions(std::move(inputs), settings.max_partition_bytes,
                                   settings.open_cost_bytes, settings.parallelism,
                                   /*splittable=*/false);
  ReadCounts counts;
  std::vector<Partition> parts = scanner.ReadPartitions(groups, pool, &counts);
  // Physical -> logical names (column mapping); same columns, same order.
  for (Partition& p : parts) {
    for (RecordBatchPtr& b : p) b = RecordBatch::Make(out_schema, b->columns(), b->num_rows());
  }
  return parts;
}

bool WantsDeltaChangeFeed(const std::map<std::string, std::string>& raw) {
  OptionMap options(raw.begin(), raw.end());
  return GetBool(options, "readChangeFeed", false) || GetBool(options, "readChangeData", false);
}

PlanPtr MakeDeltaChangeFeedPlan(const SessionState& session, const std::string& path,
                                const std::map<std::string, std::string>& raw) {
  OptionMap options(raw.begin(), raw.end());
  std::string table = AbsolutePath(path).lexically_normal().string();
  if (table.size() > 1 && table.back() == '/') table.pop_back();
  std::string tz = session.MakeEvalContext().time_zone;
  if (GetOptionalString(options, "versionAsOf") || GetOptionalString(options, "timestampAsOf")) {
    throw AnalysisError(
        "[DELTA_UNSUPPORTED_TIME_TRAVEL_CDF] versionAsOf / timestampAsOf cannot be combined with "
        "readChangeFeed; use startingVersion / endingVersion (or startingTimestamp / "
        "endingTimestamp) to choose the commits.");
  }
  auto starting_version = GetOptionalString(options, "startingVersion");
  auto starting_timestamp = GetOptionalString(options, "startingTimestamp");
  auto ending_version = GetOptionalString(options, "endingVersion");
  auto ending_timestamp = GetOptionalString(options, "endingTimestamp");
  if (!starting_version && !starting_timestamp) {
    throw AnalysisError(
        "[DELTA_NO_START_FOR_CDC_READ] No startingVersion or startingTimestamp provided for CDC "
        "read.");
  }
  if (starting_version && starting_timestamp) {
    throw AnalysisError(
        "[DELTA_MULTIPLE_CDC_BOUNDARY] Multiple starting arguments provided for CDC read. Please "
        "provide one of either startingTimestamp or startingVersion.");
  }
  if (ending_version && ending_timestamp) {
    throw AnalysisError(
        "[DELTA_MULTIPLE_CDC_BOUNDARY] Multiple ending arguments provided for CDC read. Please "
        "provide one of either endingTimestamp or endingVersion.");
  }
  // The latest snapshot validates the table (and gives the schema of an empty range).
  DeltaSnapshot latest = LoadDeltaSnapshot(table, {}, tz);
  table = latest.table_path;
  bool out_of_range_ok = AsciiLower(session.GetConf(
      "spark.databricks.delta.changeDataFeed.timestampOutOfRange.enabled", "false")) == "true";
  std::map<int64_t, std::string> commits = ListDeltaCommits(table);

  std::optional<int64_t> start, end;
  bool empty = false;
  if (starting_version) {
    start = ParseVersionOption("startingVersion", *starting_version);
  } else {
    int64_t want = ParseTimestampOption("startingTimestamp", *starting_timestamp, tz);
    int64_t latest_ts = 0;
    for (const auto& [v, p] : commits) {
      int64_t ts = DeltaCommitTimestamp(p);
      latest_ts = std::max(latest_ts, ts);
      if (!start && ts >= want) start = v;
    }
    if (!start) {
      if (!out_of_range_ok) {
        throw AnalysisError(fmt::format(
            "[DELTA_TIMESTAMP_GREATER_THAN_COMMIT] The provided timestamp ({}) is after the latest "
            "version available to this table ({} ms since the epoch). Set "
            "spark.databricks.delta.changeDataFeed.timestampOutOfRange.enabled to read an empty "
            "change feed instead.",
            *starting_timestamp, latest_ts));
      }
      empty = true;
    }
  }
  if (ending_version) {
    end = ParseVersionOption("endingVersion", *ending_version);
  } else if (ending_timestamp) {
    int64_t want = ParseTimestampOption("endingTimestamp", *ending_timestamp, tz);
    for (const auto& [v, p] : commits) {
      if (DeltaCommitTimestamp(p) <= want) end = v;
    }
    if (!end) {
      throw AnalysisError(fmt::format(
          "[DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION] The provided timestamp ({}) is before "
          "the earliest version available to the table {} (option endingTimestamp).",
          *ending_timestamp, table));
    }
  }
  if (!end || *end > latest.version) end = latest.version;
  if (!empty && *start > latest.version) {
    if (!out_of_range_ok) {
      throw AnalysisError(fmt::format(
          "[DELTA_INVALID_CDC_RANGE] Provided start version ({}) for reading change data of {} is "
          "invalid. Start version cannot be greater than the latest version of the table ({}).",
          *start, table, latest.version));
    }
    empty = true;
  }
  if (!empty && *end < *start) {
    throw AnalysisError(fmt::format(
        "[DELTA_INVALID_CDC_RANGE] CDC range from start {} to end {} was invalid. End cannot be "
        "before start.",
        *start, *end));
  }

  std::vector<DeltaChangeFile> files;
  TypePtr schema = latest.schema;
  TypePtr physical_schema = latest.physical_schema;
  if (!empty) {
    DeltaChangeLog log(table);
    for (int64_t v = *start; v <= *end; ++v) {
      auto it = commits.find(v);
      if (it == commits.end()) {
        throw AnalysisError(fmt::format(
            "[DELTA_VERSIONS_NOT_CONTIGUOUS] Cannot read the change data of version {} of the "
            "Delta table {}: its commit file is missing (the log holds versions {} to {}).",
            v, table, commits.empty() ? -1 : commits.begin()->first,
            commits.empty() ? -1 : commits.rbegin()->first));
      }
      DeltaCommitChanges changes = log.Read(v, it->second, *start, *end);
      files.insert(files.end(), std::make_move_iterator(changes.files.begin()),
                   std::make_move_iterator(changes.files.end()));
    }
    // Rows are read with the schema of the range's last version.
    if (*end != latest.version) {
      DeltaSnapshot at_end = LoadDeltaSnapshot(table, DeltaTimeTravel{*end, {}}, tz);
      schema = at_end.schema;
      physical_schema = at_end.physical_schema;
    }
  } else {
    start = latest.version + 1;
    end = latest.version;
  }
  auto relation = std::make_shared<DeltaChangeFeedRelation>(
      table, *start, *end, std::move(files), schema, physical_schema, session.weak_from_this(),
      DeltaScanSettings::FromSession(session));
  return MakeSourcePlan(std::move(relation), /*streaming=*/false);
}

}  // namespace sluice
