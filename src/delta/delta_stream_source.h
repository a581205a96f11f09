// The Delta streaming source (readStream.format("delta").load(path)), as Delta's DeltaSource.
//
// Input order: without startingVersion/startingTimestamp, first every file of the snapshot at the
// version current when the query first plans a batch (ordered by modificationTime, then path),
// then the add actions (dataChange = true) of each later commit in log order. With
// startingVersion N (or "latest") / startingTimestamp, no snapshot: the commits from N (the first
// commit at or after the timestamp; after the latest version for "latest") on.
//
// Offsets, written as Delta writes them:
//   {"sourceVersion":1,"reservoirId":"<table id>","reservoirVersion":V,"index":I,
//    "isStartingVersion":B}
// = everything up to and including file I of version V is read (B: V's files are the snapshot).
// A batch reads exactly the files in (start, end], so a re-run batch after a restart reads the same
// files. maxFilesPerTrigger (default 1000) and maxBytesPerTrigger (at least one file) bound a batch
// unless the trigger asks for everything (Trigger.Once); AvailableNow stops at the version current
// when it starts.
//
// Commits that remove data (remove with dataChange = true) fail the query, as Delta does, unless
// ignoreDeletes (commits that only remove files are skipped), ignoreChanges (their adds are read
// again, removes ignored) or skipChangeCommits (such commits are skipped whole) is set. Commits
// with dataChange = false only (OPTIMIZE) are skipped. A schema change of the table fails the query
// ([DELTA_SCHEMA_CHANGED]).
//
// readChangeFeed = true: the same input order and offsets, but the rows are the change feed
// (delta_change_feed.h): the table's columns plus _change_type, _commit_version and
// _commit_timestamp. The snapshot's rows are inserts of the snapshot's version; each later commit
// gives its changes (cdc files, else inserts for adds and deletes for removes with dataChange),
// so removes do not fail the query and the delete/change options do not apply; commits with
// dataChange = false only are skipped. Every commit read must have change data recorded
// ([DELTA_MISSING_CHANGE_DATA] otherwise).
//
// Progress metrics: numFilesOutstanding, numBytesOutstanding; ReportLatestOffset gives the offset
// of the newest file available when rate limits held a batch back.
//
// Thread-compatible: used from the query thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "delta/delta_log.h"
#include "plan/logical_plan.h"
#include "plan/relation_source.h"

namespace sluice {

class SessionState;

/// The streaming options of the Delta source, validated (AnalysisError for bad values).
struct DeltaSourceOptions {
  int64_t max_files_per_trigger = 1000;
  std::optional<int64_t> max_bytes_per_trigger;
  std::optional<std::string> starting_version;  ///< a version number or "latest"
  std::optional<std::string> starting_timestamp;
  bool ignore_deletes = false;
  bool ignore_changes = false;
  bool skip_change_commits = false;
  bool read_change_feed = false;  ///< readChangeFeed (or readChangeData)

  static DeltaSourceOptions FromMap(const std::map<std::string, std::string>& options);
};

/// A position in the source's input: file `index` of version `version` (snapshot or commit).
struct DeltaSourceOffset {
  std::string reservoir_id;
  int64_t version = -1;
  int64_t index = -1;
  bool is_starting_version = false;

  std::string Json() const;
  /// Throws AnalysisError naming the text if it is not a Delta source offset.
  static DeltaSourceOffset Parse(const std::string& json);
};

/// A streaming relation over a Delta table; each query run gets a DeltaStreamSource.
class DeltaStreamRelation : public RelationSource {
 public:
  DeltaStreamRelation(DeltaSnapshot snapshot, DeltaSourceOptions options,
                      std::map<std::string, std::string> raw_options,
                      std::weak_ptr<const SessionState> session);
  /// The table's schema, plus the change feed columns with readChangeFeed.
  TypePtr schema() const override { return schema_; }
  bool is_streaming() const override { return true; }
  /// "DeltaSource[file:/abs/path]".
  std::string Description() const override;
  std::unique_ptr<StreamSource> CreateStream(const StreamSourceContext& ctx) const override;

 private:
  DeltaSnapshot snapshot_;
  DeltaSourceOptions options_;
  std::map<std::string, std::string> raw_options_;
  std::weak_ptr<const SessionState> session_;
  TypePtr schema_;
};

/// The kSource plan of readStream.format("delta").load(path). Throws AnalysisError when the path
/// is not a Delta table or the options are invalid.
PlanPtr MakeDeltaStreamPlan(const SessionState& session, const std::string& path,
                            const std::map<std::string, std::string>& options);

}  // namespace sluice
