// RocksDbStateStoreProvider: Spark's RocksDBStateStoreProvider with changelog checkpointing. Each
// store (operator, partition) is a RocksDB instance in a local working directory (keys and values
// are RowCodec encodings of the key and value columns). A commit applies the version's changes to
// the instance (one write batch, no WAL) and writes them as <v>.changelog to the checkpoint; every
// minDeltasForSnapshot versions it also writes a RocksDB checkpoint of the instance as
// <v>.rocksdb/ (the snapshot). Loading a version the instance is not at restores it: copy the
// newest snapshot at or below the version into the working directory (SST files hard-linked when
// possible) and replay the changelogs after it.
//
// Thread-safety: one mutex per instance; distinct stores proceed in parallel.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "state/state_store.h"

namespace rocksdb {
class DB;
class Cache;
}  // namespace rocksdb

namespace sluice {

class RocksDbStateStoreProvider : public StateStoreProvider {
 public:
  RocksDbStateStoreProvider(std::string state_dir, StateStoreConf conf);
  ~RocksDbStateStoreProvider() override;

  using StateStoreProvider::Commit;
  const char* Name() const override { return "rocksdb"; }
  RecordBatchPtr LoadAll(int op, int partition, int64_t version, const TypePtr& row_schema,
                         size_t num_key_columns) override;
  std::map<std::string, int64_t> Commit(int op, int partition, int64_t version,
                                        const RecordBatch& upserts,
                                        const RecordBatch& removed_keys) override;
  void Purge(int64_t min_version) override;
  void DoMaintenance() override;

 private:
  struct Instance;
  Instance* GetInstance(int op, int partition);
  /// Rebuilds `inst` at `version` from the checkpoint's files.
  void Restore(Instance* inst, int64_t version, const TypePtr& row_schema, size_t num_keys);
  void OpenDb(Instance* inst);

  std::string work_root_;
  std::shared_ptr<rocksdb::Cache> block_cache_;
  std::mutex mu_;
  std::map<std::pair<int, int>, std::unique_ptr<Instance>> instances_;  // GUARDED_BY(mu_)
};

}  // namespace sluice
