#include "delta/delta_stream_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/session_state.h"
#include "connectors/file/file_listing.h"
#include "connectors/file/file_scan.h"
#include "delta/delta_change_feed.h"
#include "platform/thread_pool.h"
#include "sluice/exception.h"
#include "types/ascii.h"
#include "types/datetime.h"

namespace sluice {

using J = nlohmann::json;

namespace {

// One input file of the source and its position.
struct Entry {
  int64_t version;
  int64_t index;
  bool is_starting;
  DeltaFile file;
  // Change feed reads: what the file's rows are and the commit's timestamp.
  DeltaChangeKind kind = DeltaChangeKind::kInsert;
  int64_t commit_timestamp_ms = 0;
};

// (version, phase, index): snapshot files of V sort before the adds of commit V + 1.
bool After(const Entry& e, const DeltaSourceOffset& o) {
  if (e.version != o.version) return e.version > o.version;
  if (e.is_starting != o.is_starting_version) return !e.is_starting;
  return e.index > o.index;
}

class DeltaStreamSource : public StreamSource {
 public:
  DeltaStreamSource(DeltaSnapshot snapshot, DeltaSourceOptions options,
                    std::map<std::string, std::string> raw_options,
                    std::shared_ptr<SessionState> session)
      : table_(snapshot.table_path),
        table_id_(snapshot.table_id),
        schema_(snapshot.schema),
        schema_string_(snapshot.schema_string),
        physical_schema_(snapshot.physical_schema),
        options_(std::move(options)),
        raw_options_(std::move(raw_options)),
        session_(std::move(session)),
        change_log_(table_) {}

  std::string Description() const override { return "DeltaSource[" + QualifiedPath(table_) + "]"; }

  std::optional<std::string> LatestOffset(const std::optional<std::string>& start,
                                          const ReadLimit& limit) override {
    std::optional<DeltaSourceOffset> from;
    if (start) from = Parse(*start);
    std::vector<const Entry*> entries = Available(from, available_now_end_);
    latest_available_.reset();
    if (!entries.empty()) latest_available_ = OffsetOf(*entries.back());
    if (entries.empty()) return start;
    size_t take = entries.size();
    if (!limit.all_available) {
      take = std::min<size_t>(take, static_cast<size_t>(options_.max_files_per_trigger));
      if (options_.max_bytes_per_trigger) {
        int64_t bytes = 0;
        size_t n = 0;
        while (n < take) {
          bytes += entries[n]->file.size;
          ++n;
          if (bytes >= *options_.max_bytes_per_trigger) break;
        }
        take = n;
      }
    }
    std::string end = OffsetOf(*entries[take - 1]).Json();
    if (take == entries.size()) latest_available_.reset();
    return end;
  }

  std::vector<Partition> GetBatch(const std::optional<std::string>& start,
                                  const std::string& end) override {
    std::optional<DeltaSourceOffset> from;
    if (start) from = Parse(*start);
    DeltaSourceOffset to = Parse(end);
    if (options_.read_change_feed) {
      std::vector<DeltaChangeFile> changes;
      for (const Entry* e : Available(from, to)) {
        changes.push_back(DeltaChangeFile{e->version, e->commit_timestamp_ms, e->kind, e->file});
      }
      return ReadDeltaChangeFiles(table_, changes, schema_, physical_schema_,
                                  DeltaScanSettings::FromSession(*session_), &session_->pool());
    }
    std::vector<InputFile> files;
    for (const Entry* e : Available(from, to)) {
      InputFile in;
      in.path = e->file.path;
      in.size = e->file.size;
      in.modification_time_ms = e->file.modification_time;
      in.partition_values = e->file.partition_values;
      files.push_back(std::move(in));
    }
    if (files.empty()) return {};
    OptionMap options(raw_options_.begin(), raw_options_.end());
    std::string tz = session_->MakeEvalContext().time_zone;
    size_t batch_rows = static_cast<size_t>(
        std::max<int64_t>(1, session_->GetConfInt("spark.sluice.maxBatchRows", 8192)));
    FileScanner scanner(FileFormat::kParquet, options, physical_schema_, tz, batch_rows);
    int64_t threads = session_->GetConfInt("spark.sluice.threads", 0);
    if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());
    auto groups = PackFilePartitions(
        std::move(files),
        ParseByteSize(session_->GetConf("spark.sql.files.maxPartitionBytes", "134217728"),
                      "spark.sql.files.maxPartitionBytes"),
        ParseByteSize(session_->GetConf("spark.sql.files.openCostInBytes", "4194304"),
                      "spark.sql.files.openCostInBytes"),
        static_cast<int>(threads), /*splittable=*/false);
    ReadCounts counts;
    std::vector<Partition> parts = scanner.ReadPartitions(groups, &session_->pool(), &counts);
    for (Partition& p : parts) {
      for (RecordBatchPtr& b : p) b = RecordBatch::Make(schema_, b->columns(), b->num_rows());
    }
    return parts;
  }

  void PrepareForAvailableNow() override {
    // Everything up to and including the current version.
    int64_t latest = LatestDeltaVersion(table_).value_or(-1);
    if (!initial_version_ && !options_.starting_version && !options_.starting_timestamp) {
      initial_version_ = latest;
    }
    available_now_end_ = DeltaSourceOffset{table_id_, latest, INT64_MAX, false};
  }

  std::map<std::string, std::string> Metrics(const std::optional<std::string>& end) const override {
    std::optional<DeltaSourceOffset> from;
    if (end) from = Parse(*end);
    auto self = const_cast<DeltaStreamSource*>(this);
    int64_t files = 0, bytes = 0;
    for (const Entry* e : self->Available(from, std::nullopt)) {
      ++files;
      bytes += e->file.size;
    }
    return {{"numFilesOutstanding", std::to_string(files)},
            {"numBytesOutstanding", std::to_string(bytes)}};
  }

  std::optional<std::string> ReportLatestOffset() const override {
    if (!latest_available_) return std::nullopt;
    return latest_available_->Json();
  }

 private:
  DeltaSourceOffset OffsetOf(const Entry& e) const {
    return DeltaSourceOffset{table_id_, e.version, e.index, e.is_starting};
  }

  DeltaSourceOffset Parse(const std::string& json) const {
    DeltaSourceOffset o = DeltaSourceOffset::Parse(json);
    if (!o.reservoir_id.empty() && !table_id_.empty() && o.reservoir_id != table_id_) {
      throw AnalysisError(fmt::format(
          "[DIFFERENT_DELTA_TABLE_READ_BY_STREAMING_SOURCE] The streaming query was reading from "
          "an unexpected Delta table (id = '{}'). It used to read from another Delta table (id = "
          "'{}') according to the checkpoint. Use a new checkpoint directory.",
          table_id_, o.reservoir_id));
    }
    return o;
  }

  // The first version whose commits are read (after the snapshot, or the starting version).
  int64_t StartingVersion() {
    if (starting_version_) return *starting_version_;
    if (options_.starting_version) {
      if (AsciiLower(*options_.starting_version) == "latest") {
        starting_version_ = LatestDeltaVersion(table_).value_or(-1) + 1;
      } else {
        starting_version_ = std::stoll(*options_.starting_version);
      }
    } else if (options_.starting_timestamp) {
      // The first commit at or after the timestamp (after the latest one if none).
      std::string tz = session_->MakeEvalContext().time_zone;
      int64_t want = TimestampMillis(*options_.starting_timestamp, tz);
      auto commits = ListDeltaCommits(table_);
      starting_version_ = commits.empty() ? 0 : commits.rbegin()->first + 1;
      for (const auto& [v, path] : commits) {
        if (DeltaCommitTimestamp(path) >= want) {
          starting_version_ = v;
          break;
        }
      }
    }
    return starting_version_.value_or(-1);
  }

  static int64_t TimestampMillis(const std::string& text, const std::string& tz) {
    if (auto micros = ParseTimestamp(text, tz)) return *micros / 1000;
    throw AnalysisError(fmt::format(
        "[DELTA_TIMESTAMP_INVALID] The provided timestamp ({}) cannot be converted to a valid "
        "timestamp (option startingTimestamp).",
        text));
  }

  // Snapshot entries of version v (cached).
  const std::vector<Entry>& SnapshotEntries(int64_t v) {
    auto it = snapshot_entries_.find(v);
    if (it != snapshot_entries_.end()) return it->second;
    DeltaSnapshot s = LoadDeltaSnapshot(table_, DeltaTimeTravel{v, {}});
    std::vector<DeltaFile> files = s.files;
    std::stable_sort(files.begin(), files.end(), [](const DeltaFile& a, const DeltaFile& b) {
      if (a.modification_time != b.modification_time)
        return a.modification_time < b.modification_time;
      return a.path < b.path;
    });
    // Change feed reads: the snapshot's rows are inserts of version v.
    int64_t timestamp = 0;
    if (options_.read_change_feed) {
      auto commits = ListDeltaCommits(table_);
      if (auto c = commits.find(v); c != commits.end()) timestamp = DeltaCommitTimestamp(c->second);
    }
    std::vector<Entry> out;
    for (size_t i = 0; i < files.size(); ++i) {
      out.push_back(Entry{v, static_cast<int64_t>(i), true, std::move(files[i]),
                          DeltaChangeKind::kInsert, timestamp});
    }
    return snapshot_entries_[v] = std::move(out);
  }

  // A metaData action of commit v must keep the schema the query was planned with.
  void CheckSchema(int64_t v, const std::string& schema) const {
    if (schema.empty() || ParseSparkJsonSchema(schema)->ToDdl() == schema_->ToDdl()) return;
    throw AnalysisError(fmt::format(
        "[DELTA_SCHEMA_CHANGED] Detected schema change in version {} of the Delta table {}:\n"
        "streaming source schema: {}\ndata file schema: {}\nPlease try restarting the query. "
        "If this issue repeats across query restarts without making progress, you have made "
        "an incompatible schema change and need to start your query from scratch using a new "
        "checkpoint directory.",
        v, table_, schema_->ToDdl(), ParseSparkJsonSchema(schema)->ToDdl()));
  }

  // Data entries of commit v (cached); applies the delete/change options (change feed reads:
  // the commit's changes, see delta_change_feed.h).
  const std::vector<Entry>& CommitEntries(int64_t v, const std::string& path) {
    auto it = commit_entries_.find(v);
    if (it != commit_entries_.end()) return it->second;
    if (options_.read_change_feed) {
      // Changes of the commit (cdc files, else adds as inserts and removes as deletes).
      DeltaCommitChanges changes = change_log_.Read(v, path, v, std::nullopt);
      if (changes.schema_string) CheckSchema(v, *changes.schema_string);
      std::vector<Entry> out;
      for (size_t i = 0; i < changes.files.size(); ++i) {
        DeltaChangeFile& c = changes.files[i];
        out.push_back(Entry{v, static_cast<int64_t>(i), false, std::move(c.file), c.kind,
                            c.commit_timestamp_ms});
      }
      return commit_entries_[v] = std::move(out);
    }
    std::vector<DeltaFile> adds;
    std::optional<std::string> removed;
    for (const std::string& line : ReadDeltaCommitLines(path)) {
      J a = J::parse(line);
      if (auto m = a.find("metaData"); m != a.end() && m->is_object()) {
        CheckSchema(v, m->value("schemaString", std::string()));
      }
      if (auto r = a.find("remove"); r != a.end() && r->is_object()) {
        bool dc = !r->contains("dataChange") || !(*r)["dataChange"].is_boolean() ||
                  (*r)["dataChange"].get<bool>();
        if (dc && !removed) removed = r->value("path", std::string("?"));
      }
      if (auto ad = a.find("add"); ad != a.end() && ad->is_object()) {
        bool dc = !ad->contains("dataChange") || !(*ad)["dataChange"].is_boolean() ||
                  (*ad)["dataChange"].get<bool>();
        if (!dc) continue;
        DeltaFile f;
        f.log_path = ad->value("path", std::string());
        f.path = ResolveDeltaDataPath(table_, f.log_path);
        if (ad->contains("partitionValues") && (*ad)["partitionValues"].is_object()) {
          for (const auto& [k, val] : (*ad)["partitionValues"].items()) {
            if (val.is_string())
              f.partition_values.emplace_back(k, val.get<std::string>());
            else
              f.partition_values.emplace_back(k, std::nullopt);
          }
        }
        if ((*ad).contains("size") && (*ad)["size"].is_number())
          f.size = (*ad)["size"].get<int64_t>();
        if ((*ad).contains("modificationTime") && (*ad)["modificationTime"].is_number()) {
          f.modification_time = (*ad)["modificationTime"].get<int64_t>();
        }
        if ((*ad).contains("deletionVector") && (*ad)["deletionVector"].is_object()) {
          throw AnalysisError(
              fmt::format("[DELTA_UNSUPPORTED_FEATURE] unsupported Delta table feature "
                          "deletionVectors (version "
                          "{} of {}): Sluice cannot stream this table.",
                          v, table_));
        }
        adds.push_back(std::move(f));
      }
    }
    if (removed) {
      if (options_.skip_change_commits) {
        adds.clear();
      } else if (adds.empty() && (options_.ignore_deletes || options_.ignore_changes)) {
        // a pure delete: ignored
      } else if (!adds.empty() && options_.ignore_changes) {
        // rewritten files are read again, as Delta's ignoreChanges does
      } else if (adds.empty()) {
        throw AnalysisError(fmt::format(
            "[DELTA_SOURCE_IGNORE_DELETE] Detected deleted data (for example {}) from streaming "
            "source at version {}. This is currently not supported. If you'd like to ignore "
            "deletes, set the option 'ignoreDeletes' to 'true'. The source table can be found at "
            "path {}.",
            *removed, v, table_));
      } else {
        throw AnalysisError(fmt::format(
            "[DELTA_SOURCE_TABLE_IGNORE_CHANGES] Detected a data update (for example {}) in the "
            "source table at version {}. This is currently not supported. If this is going to "
            "happen regularly and you are okay to skip changes, set the option 'skipChangeCommits' "
            "to 'true'. If you would like the data update to be reflected, please restart this "
            "query with a fresh checkpoint directory. The source table can be found at path {}.",
            *removed, v, table_));
      }
    }
    std::vector<Entry> out;
    for (size_t i = 0; i < adds.size(); ++i) {
      out.push_back(Entry{v, static_cast<int64_t>(i), false, std::move(adds[i])});
    }
    return commit_entries_[v] = std::move(out);
  }

  // Entries strictly after `from` and at or before `to` (both optional), in source order.
  std::vector<const Entry*> Available(const std::optional<DeltaSourceOffset>& from,
                                      const std::optional<DeltaSourceOffset>& to) {
    std::vector<const Entry*> out;
    auto commits = ListDeltaCommits(table_);
    int64_t next_commit;
    if (from) {
      if (from->is_starting_version) {
        for (const Entry& e : SnapshotEntries(from->version)) {
          if (After(e, *from) && (!to || !After(e, *to))) out.push_back(&e);
        }
        next_commit = from->version + 1;
      } else {
        next_commit = from->version;
      }
    } else {
      int64_t sv = StartingVersion();
      if (sv >= 0) {
        next_commit = sv;
      } else {
        // The first batches read the snapshot only (so its version is in every offset).
        std::optional<int64_t> v0 = initial_version_;
        if (to && to->is_starting_version) v0 = to->version;
        if (!v0) v0 = LatestDeltaVersion(table_);
        if (!v0) return out;
        initial_version_ = *v0;
        for (const Entry& e : SnapshotEntries(*v0)) {
          if (!to || !After(e, *to)) out.push_back(&e);
        }
        // An empty snapshot is not a starting point: look again at the next trigger.
        if (out.empty() && !(to && to->is_starting_version)) initial_version_.reset();
        return out;
      }
    }
    if (!commits.empty() && next_commit < commits.begin()->first && next_commit >= 0) {
      throw AnalysisError(fmt::format(
          "[DELTA_VERSIONS_NOT_CONTIGUOUS] The streaming source needs version {} of the Delta "
          "table {}, but the log starts at version {} (old log files were cleaned up).",
          next_commit, table_, commits.begin()->first));
    }
    for (auto it = commits.lower_bound(std::max<int64_t>(0, next_commit)); it != commits.end();
         ++it) {
      if (to && it->first > to->version) break;
      for (const Entry& e : CommitEntries(it->first, it->second)) {
        if (from && !After(e, *from)) continue;
        if (to && After(e, *to)) break;
        out.push_back(&e);
      }
    }
    return out;
  }

  std::string table_;
  std::string table_id_;
  TypePtr schema_;
  std::string schema_string_;
  TypePtr physical_schema_;
  DeltaSourceOptions options_;
  std::map<std::string, std::string> raw_options_;
  std::shared_ptr<SessionState> session_;
  std::optional<int64_t> starting_version_;
  std::optional<int64_t> initial_version_;
  std::optional<DeltaSourceOffset> available_now_end_;
  std::optional<DeltaSourceOffset> latest_available_;
  std::map<int64_t, std::vector<Entry>> snapshot_entries_;
  std::map<int64_t, std::vector<Entry>> commit_entries_;
  DeltaChangeLog change_log_;
};

}  // namespace

DeltaSourceOptions DeltaSourceOptions::FromMap(const std::map<std::string, std::string>& raw) {
  OptionMap options(raw.begin(), raw.end());
  DeltaSourceOptions out;
  auto positive = [&](const char* name) -> std::optional<int64_t> {
    auto text = GetOptionalString(options, name);
    if (!text) return std::nullopt;
    int64_t v = 0;
    try {
      v = std::string(name) == "maxBytesPerTrigger" ? ParseByteSize(*text, name)
                                                    : std::stoll(*text);
      if (std::string(name) != "maxBytesPerTrigger" && std::to_string(v) != *text) v = 0;
    } catch (const std::exception&) {
      v = 0;
    }
    if (v <= 0) {
      throw AnalysisError(fmt::format(
          "[DELTA_INVALID_OPTION] Invalid value '{}' for option '{}', must be a positive integer",
          *text, name));
    }
    return v;
  };
  if (auto v = positive("maxFilesPerTrigger")) out.max_files_per_trigger = *v;
  out.max_bytes_per_trigger = positive("maxBytesPerTrigger");
  out.starting_version = GetOptionalString(options, "startingVersion");
  out.starting_timestamp = GetOptionalString(options, "startingTimestamp");
  if (out.starting_version && out.starting_timestamp) {
    throw AnalysisError(
        "[DELTA_STARTING_VERSION_AND_TIMESTAMP_BOTH_SET] Please either provide 'startingVersion' "
        "or 'startingTimestamp'");
  }
  if (out.starting_version && AsciiLower(*out.starting_version) != "latest") {
    const std::string& t = *out.starting_version;
    bool digits =
        !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
      throw AnalysisError(fmt::format(
          "[DELTA_INVALID_STARTING_VERSION] Invalid value '{}' for option 'startingVersion': "
          "expected a version number or 'latest'.",
          t));
    }
  }
  out.ignore_deletes = GetBool(options, "ignoreDeletes", false);
  out.ignore_changes = GetBool(options, "ignoreChanges", false);
  out.skip_change_commits = GetBool(options, "skipChangeCommits", false);
  out.read_change_feed = WantsDeltaChangeFeed(raw);
  return out;
}

std::string DeltaSourceOffset::Json() const {
  J j = {{"sourceVersion", 1},
         {"reservoirId", reservoir_id},
         {"reservoirVersion", version},
         {"index", index},
         {"isStartingVersion", is_starting_version}};
  return j.dump();
}

DeltaSourceOffset DeltaSourceOffset::Parse(const std::string& json) {
  J j = J::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("reservoirVersion") ||
      !j["reservoirVersion"].is_number_integer() || !j.contains("index") ||
      !j["index"].is_number_integer()) {
    throw AnalysisError(
        fmt::format("[DELTA_INVALID_SOURCE_OFFSET] Invalid Delta source offset '{}': expected "
                    "{{\"sourceVersion\":1,\"reservoirId\":..,\"reservoirVersion\":..,\"index\":..,"
                    "\"isStartingVersion\":..}}",
                    json));
  }
  if (j.contains("sourceVersion") && j["sourceVersion"].is_number() &&
      j["sourceVersion"].get<int>() > 3) {
    throw AnalysisError(fmt::format(
        "[INVALID_FORMAT] Delta source offset version {} is newer than Sluice supports (offset {})",
        j["sourceVersion"].get<int>(), json));
  }
  DeltaSourceOffset o;
  o.reservoir_id = j.value("reservoirId", std::string());
  o.version = j["reservoirVersion"].get<int64_t>();
  o.index = j["index"].get<int64_t>();
  o.is_starting_version = j.value("isStartingVersion", false);
  return o;
}

DeltaStreamRelation::DeltaStreamRelation(DeltaSnapshot snapshot, DeltaSourceOptions options,
                                         std::map<std::string, std::string> raw_options,
                                         std::weak_ptr<const SessionState> session)
    : snapshot_(std::move(snapshot)),
      options_(std::move(options)),
      raw_options_(std::move(raw_options)),
      session_(std::move(session)) {
  schema_ = options_.read_change_feed
                ? DeltaChangeFeedSchema(snapshot_.schema, snapshot_.table_path)
                : snapshot_.schema;
}

std::string DeltaStreamRelation::Description() const {
  return "DeltaSource[" + QualifiedPath(snapshot_.table_path) + "]";
}

std::unique_ptr<StreamSource> DeltaStreamRelation::CreateStream(
    const StreamSourceContext& ctx) const {
  return std::make_unique<DeltaStreamSource>(snapshot_, options_, raw_options_, ctx.session);
}

PlanPtr MakeDeltaStreamPlan(const SessionState& session, const std::string& path,
                            const std::map<std::string, std::string>& options) {
  DeltaSourceOptions parsed = DeltaSourceOptions::FromMap(options);
  DeltaSnapshot snapshot =
      LoadDeltaSnapshot(AbsolutePath(path).string(), {}, session.MakeEvalContext().time_zone);
  for (const DeltaFile& f : snapshot.files) {
    if (f.has_deletion_vector) {
      throw AnalysisError(
          "[DELTA_UNSUPPORTED_FEATURE] unsupported Delta table feature "
          "deletionVectors: Sluice cannot stream this table.");
    }
  }
  // Only the file-reading options reach the scanner.
  std::map<std::string, std::string> scan_options;
  auto relation = std::make_shared<DeltaStreamRelation>(std::move(snapshot), std::move(parsed),
                                                        scan_options, session.weak_from_this());
  return MakeSourcePlan(std::move(relation), /*streaming=*/true);
}

}  // namespace sluice
