// Delta change data feed (CDF) reads, as Delta's CDC reader (PROTOCOL.md, "Add CDC File" and
// "Change Data Files"): the row-level changes of a range of commits, as the table's columns plus
//   _change_type STRING       insert | delete | update_preimage | update_postimage
//   _commit_version BIGINT    the commit that made the change
//   _commit_timestamp TIMESTAMP  its timestamp (commitInfo.inCommitTimestamp / timestamp, else the
//                             commit file's modification time, as time travel uses)
//
// Per commit:
//   - with `cdc` actions: the rows come from the change data files they name (`_change_data/...`),
//     which carry `_change_type` themselves; the commit's add/remove actions are not read;
//   - otherwise the rows of every `add` with dataChange = true are inserts and the rows of every
//     `remove` with dataChange = true are deletes (the removed file must still exist);
//   - commits with dataChange = false only (OPTIMIZE, auto compaction) produce nothing.
// Every commit of the range must have delta.enableChangeDataFeed = true in the table metadata as of
// that commit, else [DELTA_MISSING_CHANGE_DATA] names the version. Sluice's writers only add or
// remove whole files (no `_change_data` files), so their changes come from add/remove actions; an
// overwrite reads as a delete of every old row and an insert of every new one.
//
// Batch reads: format("delta").option("readChangeFeed", "true") with startingVersion |
// startingTimestamp (required) and optionally endingVersion | endingTimestamp (default: the latest
// version; a larger endingVersion is capped at it). The streaming source (delta_stream_source.h)
// uses DeltaChangeLog and ReadDeltaChangeFiles for readStream with readChangeFeed.
//
// Thread-compatible value types and functions; they read files and throw AnalysisError (bad
// options, CDF not enabled, bad change files) or IoError (a file that cannot be read).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "delta/delta_log.h"
#include "plan/logical_plan.h"
#include "plan/relation_source.h"

namespace sluice {

class SessionState;
class ThreadPool;

/// What produced a file's change rows.
enum class DeltaChangeKind : uint8_t {
  kCdc,     ///< a change data file: `_change_type` is a column of the file
  kInsert,  ///< an added data file: every row is an insert
  kDelete,  ///< a removed data file: every row is a delete
};

/// One file that contributes rows to the change feed.
struct DeltaChangeFile {
  int64_t version = -1;
  int64_t commit_timestamp_ms = 0;
  DeltaChangeKind kind = DeltaChangeKind::kInsert;
  DeltaFile file;  ///< path, log_path, partition values, size
};

/// The changes of one commit.
struct DeltaCommitChanges {
  int64_t version = -1;
  int64_t timestamp_ms = 0;
  std::vector<DeltaChangeFile> files;  ///< in log order; empty for OPTIMIZE-only commits
  std::optional<std::string> schema_string;  ///< the commit's metaData.schemaString, if any
};

/// The table's columns followed by _change_type, _commit_version, _commit_timestamp. Throws
/// AnalysisError when the table already has a column of those names (Delta reserves them).
TypePtr DeltaChangeFeedSchema(const TypePtr& table_schema, const std::string& table_path);

/// Reads the change files of commits in version order, tracking whether change data is recorded
/// (delta.enableChangeDataFeed) as of each commit. Commits are usually read in increasing order;
/// reading another version first replays the log up to it.
class DeltaChangeLog {
 public:
  explicit DeltaChangeLog(std::string table_path) : table_(std::move(table_path)) {}

  /// The changes of commit `version` (JSON file `commit_path`). `range_start` / `range_end` only
  /// word the error: [DELTA_MISSING_CHANGE_DATA] when change data is not recorded for `version`.
  /// Throws AnalysisError for deletion vectors and malformed actions.
  DeltaCommitChanges Read(int64_t version, const std::string& commit_path, int64_t range_start,
                          std::optional<int64_t> range_end);

 private:
  std::string table_;
  std::optional<std::pair<int64_t, bool>> enabled_;  ///< (version, CDF enabled as of it)
};

/// How files are packed into read partitions (the session's file-scan settings).
struct DeltaScanSettings {
  int64_t max_partition_bytes = 134217728;
  int64_t open_cost_bytes = 4194304;
  int parallelism = 1;
  size_t batch_rows = 8192;
  std::string time_zone = "UTC";

  static DeltaScanSettings FromSession(const SessionState& session);
};

/// Reads `files` as change rows of DeltaChangeFeedSchema(schema): table columns read through
/// `physical_schema` (column mapping names), partition columns from each file's partition values,
/// `_change_type` from the file (kCdc) or the kind, version and timestamp from the commit. Throws
/// IoError [DELTA_CHANGE_DATA_FILE_NOT_FOUND] naming the file and version when a file is gone, and
/// AnalysisError when a change data file has no `_change_type` STRING column.
std::vector<Partition> ReadDeltaChangeFiles(const std::string& table_path,
                                            const std::vector<DeltaChangeFile>& files,
                                            const TypePtr& schema, const TypePtr& physical_schema,
                                            const DeltaScanSettings& settings, ThreadPool* pool);

/// Whether `options` ask for the change feed (readChangeFeed, or its alias readChangeData).
bool WantsDeltaChangeFeed(const std::map<std::string, std::string>& options);

/// The kSource plan of a batch change-feed read of the table at `path` (see the file comment).
PlanPtr MakeDeltaChangeFeedPlan(const SessionState& session, const std::string& path,
                                const std::map<std::string, std::string>& options);

}  // namespace sluice
