// Files of one state store directory, shared by the providers:
//   <v>.delta / <v>.changelog   the changes of version v: upserted rows and removed keys, each a
//                               columnar batch (columnar/batch_serde.h, checksummed), framed as
//                               "SLSD" magic, format version, then two length-prefixed batches.
//   <v>.snapshot                all rows of version v as one columnar batch (HDFS-style).
//   <v>.rocksdb/                a RocksDB checkpoint of version v (RocksDB provider).
// Names that do not match (hidden temp files of interrupted writes, other files) are ignored.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

#include "columnar/record_batch.h"

namespace sluice {

/// One version's changes to a store.
struct StateDelta {
  RecordBatchPtr upserts;       // [keys..., values...]
  RecordBatchPtr removed_keys;  // [keys...]
};

std::string EncodeStateDelta(const RecordBatch& upserts, const RecordBatch& removed_keys);
/// Throws IoError naming `path` if `data` is truncated, corrupt or of another schema.
StateDelta DecodeStateDelta(std::string_view data, const TypePtr& row_schema, size_t num_key_columns,
                            const std::string& path);

/// The STRUCT of the first `n` fields of `row_schema`.
TypePtr KeySchemaOf(const TypePtr& row_schema, size_t n);
/// The STRUCT of the fields of `row_schema` after the first `n`.
TypePtr ValueSchemaOf(const TypePtr& row_schema, size_t n);

/// Versions present in a store directory, by kind of file.
struct StoreFiles {
  std::map<int64_t, std::string> deltas;     // <v>.delta or <v>.changelog, by version
  std::map<int64_t, std::string> snapshots;  // <v>.snapshot or <v>.rocksdb, by version
  int64_t LatestVersion() const;             // -1 if none
};

/// Throws IoError if loading `version` from `files` (whose newest snapshot at or below it is
/// `base`, -1 if none) would miss files that cleanup removed: no snapshot at or below `version`
/// while the oldest file is a snapshot above it (cleanup always keeps a snapshot as the oldest
/// file; a store's first file is a delta). Version 0 is always empty.
void CheckVersionRetained(const StoreFiles& files, int64_t version, int64_t base, const std::string& dir);

/// Lists `dir` (no error if it does not exist). `delta_ext` / `snapshot_ext` are the extensions
/// including the dot (".delta", ".snapshot").
StoreFiles ListStoreFiles(const std::string& dir, std::string_view delta_ext,
                          std::string_view snapshot_ext);

/// Parses "<digits><ext>" to the version; nullopt if `name` is not of that form.
std::optional<int64_t> ParseVersionName(std::string_view name, std::string_view ext);

}  // namespace sluice

namespace sluice {

/// Deletes what store `files` in no longer needs to load versions >= `min_version`: the snapshots
/// before the newest snapshot at or below `min_version`, and the deltas at or below it. Keeps
/// everything if there is no such snapshot. Returns the number of entries removed.
size_t CleanupStoreFiles(const StoreFiles& files, int64_t min_version);

/// The store directories "<state_dir>/<op>/<partition>" (numeric names only), with op and
/// partition.
struct StoreDirEntry {
  int op;
  int partition;
  std::string path;
};
std::vector<StoreDirEntry> ListStoreDirs(const std::string& state_dir);

}  // namespace sluice
