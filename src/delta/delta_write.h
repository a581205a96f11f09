// The Delta write command behind DataFrameWriter.format("delta").save(path) and the Delta
// streaming sink, as Delta's WriteIntoDelta: save modes, schema enforcement / mergeSchema /
// overwriteSchema (delta_schema.h), table creation (protocol, metaData with the `delta.*` options
// as table properties), data files (delta_file_writer.h), one optimistic transaction
// (delta_commit.h), and the table properties that act on writes:
//   - delta.appendOnly: overwrite is rejected ([DELTA_CANNOT_MODIFY_APPEND_ONLY]);
//   - delta.enableChangeDataFeed: writer protocol 4; writes only add or remove whole files, so a
//     change-data reader derives inserts/deletes from add/remove actions and no `_change_data`
//     files are needed (Delta writes those only for partial rewrites: UPDATE/DELETE/MERGE);
//   - delta.autoOptimize.optimizeWrite (or spark.databricks.delta.optimizeWrite.enabled): the
//     input partitions are pooled so each table partition gets as few files as possible, cut at
//     spark.databricks.delta.optimizeWrite.binSize (512 MiB of in-memory rows);
//   - delta.autoOptimize.autoCompact (or spark.databricks.delta.autoCompact.enabled): after the
//     commit, table partitions with at least spark.databricks.delta.autoCompact.minNumFiles (50)
//     files smaller than spark.databricks.delta.autoCompact.maxFileSize (128 MiB) are compacted
//     by an OPTIMIZE-style commit (delta_optimize.h);
//   - delta.dataSkippingNumIndexedCols, delta.checkpointInterval.
// Idempotent writes: the write options txnAppId and txnVersion (both or neither) make the commit
// carry a txn action (appId, version), and a write whose version is at or below the version the
// table already has for that appId is skipped (nothing written, nothing committed), as Delta's
// idempotent DataFrame writes do — e.g. inside foreachBatch with the batch id as txnVersion, so a
// re-run batch does not write twice. The streaming sink passes its own txn instead.
// Writing to tables with features Sluice does not enforce (column mapping, CHECK constraints,
// generated/identity columns, invariants, deletion vectors, unknown writer features) fails with
// [DELTA_UNSUPPORTED_FEATURE].
//
// Thread-safe: concurrent writers race through the transaction log.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "formats/read_options.h"
#include "plan/relation_source.h"

namespace sluice {

class SessionState;

enum class DeltaSaveMode : uint8_t { kAppend, kOverwrite, kErrorIfExists, kIgnore };

/// "append", "overwrite", "error", "errorifexists", "default", "ignore" (case-insensitive).
DeltaSaveMode ParseDeltaSaveMode(const std::string& mode);

struct DeltaWriteRequest {
  std::string path;
  DeltaSaveMode mode = DeltaSaveMode::kErrorIfExists;
  std::map<std::string, std::string> options;
  std::vector<std::string> partition_by;
  TypePtr schema;
  std::vector<Partition> data;
  std::string operation = "WRITE";
  /// commitInfo.operationParameters; null = {"mode": ..., "partitionBy": ...}.
  nlohmann::json operation_parameters;
  /// Streaming sink: (appId, version) recorded as a txn action; the write is skipped when the
  /// table already has a txn for appId at or above version. Unset: taken from the options
  /// txnAppId / txnVersion, if given.
  std::optional<std::pair<std::string, int64_t>> txn;
};

struct DeltaWriteResult {
  int64_t version = -1;  ///< committed version; -1 when nothing was committed
  bool skipped = false;  ///< ignore mode on an existing table, or an already committed txn
  int64_t num_files = 0;
  int64_t num_rows = 0;
  int64_t num_bytes = 0;
};

/// Runs the write (see the file comment). Throws AnalysisError for bad requests, ExecutionError for
/// conflicts and constraint violations, IoError for I/O failures; written files of a failed write
/// are removed.
DeltaWriteResult WriteDelta(const SessionState& session, const DeltaWriteRequest& request);

/// The (appId, version) of the write options txnAppId / txnVersion, nullopt when neither is set.
/// Throws AnalysisError [DELTA_INVALID_IDEMPOTENT_WRITES_OPTIONS] when only one is set, the appId
/// is empty or the version is not a non-negative integer.
std::optional<std::pair<std::string, int64_t>> IdempotentWriteTxn(const OptionMap& options);

/// Throws AnalysisError [DELTA_UNSUPPORTED_FEATURE] if Sluice cannot write the table of `snapshot`.
struct DeltaSnapshot;
void CheckDeltaWritable(const DeltaSnapshot& snapshot);

}  // namespace sluice
