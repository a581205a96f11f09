// Delta Lake transaction log, read side (Delta PROTOCOL.md): lists `_delta_log/`, reads JSON
// commits `NNNNNNNNNNNNNNNNNNNN.json` and Parquet checkpoints (classic single-part
// `N.checkpoint.parquet` and multi-part `N.checkpoint.i.n.parquet`), and replays protocol /
// metaData / add / remove into a DeltaSnapshot at the latest version, at a version or at a
// timestamp (time travel).
//
// Checkpoint choice: the newest complete checkpoint at or before the wanted version is used;
// `_last_checkpoint` is only a hint, and a corrupt or stale one is ignored (the directory listing
// is authoritative). Commits after the checkpoint (or from 0 without one) must be contiguous.
//
// Reader features supported: columnMapping (name / id, through physical names), timestampNtz,
// vacuumProtocolCheck, typeWidening(-preview) as far as the Parquet reader reads the file types,
// deletionVectors only when no live file carries one. Anything else fails with AnalysisError
// "[DELTA_UNSUPPORTED_FEATURE] unsupported Delta table feature <name> ...".
//
// Thread-compatible value types; LoadDeltaSnapshot reads files and throws AnalysisError/IoError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sluice/types.h"

namespace sluice {

/// A live data file of the snapshot.
struct DeltaFile {
  std::string path;  ///< absolute local path (URI-decoded)
  std::string log_path;  ///< the add action's `path` as written in the log (URI, maybe relative)
  /// partition column (physical name) -> value text; nullopt for NULL.
  std::vector<std::pair<std::string, std::optional<std::string>>> partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  bool has_deletion_vector = false;
  bool data_change = true;
  std::string stats;  ///< the add action's `stats` JSON text ("" if absent)
};

/// A remove action still kept as a tombstone by the snapshot (for checkpoints and VACUUM).
struct DeltaTombstone {
  std::string path;      ///< absolute local path
  std::string log_path;  ///< as written in the log
  int64_t deletion_timestamp = 0;
  bool data_change = true;
  bool extended_file_metadata = false;
  std::vector<std::pair<std::string, std::optional<std::string>>> partition_values;
  std::optional<int64_t> size;
};

struct DeltaSnapshot {
  std::string table_path;  ///< absolute
  int64_t version = -1;
  int min_reader_version = 0;
  int min_writer_version = 0;
  std::vector<std::string> reader_features;
  std::string schema_string;
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> configuration;
  std::string column_mapping_mode = "none";  ///< delta.columnMapping.mode
  TypePtr schema;           ///< logical schema (field names as users see them)
  TypePtr physical_schema;  ///< same shape, names as stored in the Parquet files
  std::vector<DeltaFile> files;  ///< sorted by path

  // ---- what writers need (see delta_commit.h) ----
  std::string table_id;                    ///< metaData.id
  std::vector<std::string> writer_features;
  std::string protocol_json;               ///< the protocol action's object, as JSON text
  std::string metadata_json;               ///< the metaData action's object, as JSON text
  /// txn actions: appId -> (version, lastUpdated).
  std::map<std::string, std::pair<int64_t, std::optional<int64_t>>> app_transactions;
  std::vector<DeltaTombstone> tombstones;  ///< removes not re-added, sorted by path
};

/// Which version to read: latest when both are unset.
struct DeltaTimeTravel {
  std::optional<int64_t> version;            ///< versionAsOf
  std::optional<std::string> timestamp;      ///< timestampAsOf (a timestamp or date string)
};

/// Reads the options versionAsOf / timestampAsOf (case-insensitive keys); both set is an error.
DeltaTimeTravel TimeTravelFromOptions(const std::map<std::string, std::string>& options);

/// Builds the snapshot of the table at `table_path` (see the file comment). `time_zone` is used to
/// read timestampAsOf values without an offset.
DeltaSnapshot LoadDeltaSnapshot(const std::string& table_path, const DeltaTimeTravel& travel = {},
                                const std::string& time_zone = "UTC");

/// `_delta_log/<20-digit version>.json`.
std::string DeltaCommitFileName(int64_t version);

/// The versions and paths of the JSON commit files in `<table>/_delta_log` (empty when there is
/// no log directory).
std::map<int64_t, std::string> ListDeltaCommits(const std::string& table_path);

/// The newest version of the table (commit or checkpoint), or nullopt when it has no log.
std::optional<int64_t> LatestDeltaVersion(const std::string& table_path);

/// Reads every action (one JSON object per line) of a commit file. Throws AnalysisError naming the
/// file and line for invalid JSON, IoError when the file cannot be read.
std::vector<std::string> ReadDeltaCommitLines(const std::string& commit_path);

/// The commit's timestamp in ms: commitInfo.inCommitTimestamp / timestamp, else the file's mtime.
int64_t DeltaCommitTimestamp(const std::string& commit_path);

/// Resolves an add/remove `path` (a URI relative to the table root, or absolute) to a local path.
std::string ResolveDeltaDataPath(const std::string& table_path, const std::string& log_path);

/// Parses a Spark JSON schema (StructType.json) into Sluice types. When `physical` is set, field
/// names are replaced by their `delta.columnMapping.physicalName` metadata where present.
TypePtr ParseSparkJsonSchema(const std::string& json, bool physical = false);

}  // namespace sluice
