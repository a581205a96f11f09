// StateStoreProvider: versioned key/value state of stateful operators, one store per (operator,
// shuffle partition), one version per micro-batch, under <checkpoint>/state/<op>/<partition>/.
//
// Versions: batch N loads version N and commits version N + 1 (as Spark numbers them), so a
// re-run batch starts again from the version its first run started from. A version in which a
// store did not change is not written; loading version v finds the newest data at or below v.
//
// Rows: a store holds rows [key columns..., value columns...] with unique keys (grouping
// semantics: NULL equals NULL). Operators keep their working set in memory and commit only what a
// batch changed: the rows upserted and the keys removed. LoadAll returns every live row, in a
// deterministic order (HDFS-style: by the file a row was last written in, then row order;
// RocksDB: key-bytes order); it is what an operator reads when it (re)starts from a version.
//
// Providers (spark.sql.streaming.stateStore.providerClass, see docs/state.md):
//   hdfs     HDFSBackedStateStoreProvider: <v>.delta files, <v>.snapshot every
//            minDeltasForSnapshot versions (written by maintenance).
//   rocksdb  RocksDBStateStoreProvider: a local RocksDB per store, <v>.changelog files and
//            <v>.rocksdb checkpoints (snapshots).
// Both write files atomically (temp file + rename), so a crash at any step leaves either the old
// or the new file; corrupt or truncated files fail with IoError naming the file.
//
// Thread-safety: distinct (operator, partition) stores may be used from different threads at
// once; maintenance runs on the provider's own thread (every maintenanceInterval) or through
// DoMaintenance().
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "columnar/record_batch.h"

namespace sluice {

/// Settings of the state store (spark.sql.streaming.stateStore.*).
struct StateStoreConf {
  std::string provider = "hdfs";            // normalized: "hdfs" or "rocksdb"
  int64_t min_deltas_for_snapshot = 10;     // stateStore.minDeltasForSnapshot
  int64_t maintenance_interval_ms = 60000;  // stateStore.maintenanceInterval (<= 0: no thread)
  int64_t min_batches_to_retain = 100;      // spark.sql.streaming.minBatchesToRetain
  /// Parent of the RocksDB working directories (empty: the system temp directory).
  std::string local_dir;

  /// Reads the confs through `get` (explicit or default values); throws AnalysisError naming the
  /// conf for an unknown provider class or an invalid number.
  static StateStoreConf FromConfs(
      const std::function<std::optional<std::string>(const std::string&)>& get);
  /// "hdfs" or "rocksdb" for a provider class name or alias; nullopt if unknown.
  static std::optional<std::string> NormalizeProvider(const std::string& name);
};

class StateStoreProvider {
 public:
  /// Creates the provider for the checkpoint's state directory. If the checkpoint's state was
  /// written by another provider (recorded in state/_metadata/provider), that provider is used,
  /// as Spark keeps the provider class of a checkpoint.
  static std::unique_ptr<StateStoreProvider> Create(std::string state_dir, StateStoreConf conf);

  virtual ~StateStoreProvider();

  /// "hdfs" or "rocksdb".
  virtual const char* Name() const = 0;

  /// Every live row of store (op, partition) at `version` (an empty batch if none), as
  /// `row_schema` whose first `num_key_columns` fields are the key.
  virtual RecordBatchPtr LoadAll(int op, int partition, int64_t version, const TypePtr& row_schema,
                                 size_t num_key_columns) = 0;

  /// Writes `version` as the newest version below it plus `upserts` (rows of the store's row
  /// schema; a key present replaces the old row) minus `removed_keys` (rows of the key columns;
  /// keys not present are ignored). A key must not be in both. Rewriting a version (a re-run
  /// batch) replaces it. Returns provider metrics of this commit (added to customMetrics).
  virtual std::map<std::string, int64_t> Commit(int op, int partition, int64_t version,
                                                const RecordBatch& upserts,
                                                const RecordBatch& removed_keys) = 0;

  /// Deletes files no longer needed to load any version >= `min_version` of any store.
  virtual void Purge(int64_t min_version) = 0;

  /// One maintenance pass: writes due snapshots and deletes files older than the last
  /// minBatchesToRetain versions. The maintenance thread calls it; tests call it directly.
  virtual void DoMaintenance() = 0;

  const std::string& dir() const { return dir_; }
  const StateStoreConf& conf() const { return conf_; }

 protected:
  StateStoreProvider(std::string state_dir, StateStoreConf conf);
  /// Directory of store (op, partition).
  std::string StoreDir(int op, int partition) const;
  /// Starts the maintenance thread if configured and not running. Called on commit.
  void EnsureMaintenanceThread();
  /// Stops and joins the maintenance thread; derived destructors call it first.
  void StopMaintenanceThread();
  /// Records the provider name in state/_metadata/provider (once).
  void RecordProvider();

  std::string dir_;
  StateStoreConf conf_;

 private:
  std::mutex maintenance_mu_;
  std::condition_variable maintenance_cv_;
  bool maintenance_stop_ = false;  // GUARDED_BY(maintenance_mu_)
  std::thread maintenance_thread_;
  std::once_flag provider_recorded_;
};

}  // namespace sluice
