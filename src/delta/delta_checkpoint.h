// Classic Delta checkpoints (PROTOCOL.md "Checkpoints"): `_delta_log/<v>.checkpoint.parquet`, one
// row per action of the table state at version v — protocol, metaData, txn per appId, add per live
// file and remove per tombstone still within delta.deletedFileRetentionDuration (default 7 days) —
// in Spark's checkpoint schema (columns txn, add, remove, metaData, protocol, each a nullable
// struct; adds and removes with dataChange = false), followed by `_delta_log/_last_checkpoint`
// {"version":v,"size":rows,"sizeInBytes":bytes,"numOfAddFiles":n}.
//
// Both files are written atomically (temporary name + rename). Thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "delta/delta_log.h"

namespace sluice {

/// Writes the checkpoint of version `version` of the table at `table_path`; `now_ms` decides which
/// tombstones have expired. Throws IoError / AnalysisError.
void WriteDeltaCheckpoint(const std::string& table_path, int64_t version, int64_t now_ms);

/// Parses a Delta interval property ("interval 7 days", "168 hours", "1 week") into milliseconds;
/// throws AnalysisError naming `key` for other text.
int64_t ParseDeltaIntervalMs(const std::string& text, const std::string& key);

}  // namespace sluice
