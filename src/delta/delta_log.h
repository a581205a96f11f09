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
  /// partition column (physical name) -> value text; nullopt for NULL.
  std::vector<std::pair<std::string, std::optional<std::string>>> partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  bool has_deletion_vector = false;
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

/// Parses a Spark JSON schema (StructType.json) into Sluice types. When `physical` is set, field
/// names are replaced by their `delta.columnMapping.physicalName` metadata where present.
TypePtr ParseSparkJsonSchema(const std::string& json, bool physical = false);

}  // namespace sluice
