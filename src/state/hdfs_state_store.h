// HdfsStateStoreProvider: Spark's HDFSBackedStateStoreProvider on the local file system. Each
// commit writes the version's changes as <v>.delta; maintenance writes <v>.snapshot (all rows)
// once a store has minDeltasForSnapshot deltas after its newest snapshot, and deletes files no
// longer needed for the last minBatchesToRetain versions. Loading version v reads the newest
// snapshot at or below v and applies the deltas after it in version order (last write wins per
// key; a removal deletes).
//
// The provider keeps no copy of the rows: the operators hold their working set, so a running
// query never reads its own commits back; files are read on (re)start and by maintenance.
#pragma once

#include <map>
#include <mutex>

#include "state/state_store.h"

namespace sluice {

class HdfsStateStoreProvider : public StateStoreProvider {
 public:
  HdfsStateStoreProvider(std::string state_dir, StateStoreConf conf);
  ~HdfsStateStoreProvider() override;

  using StateStoreProvider::Commit;
  const char* Name() const override { return "hdfs"; }
  RecordBatchPtr LoadAll(int op, int partition, int64_t version, const TypePtr& row_schema,
                         size_t num_key_columns) override;
  std::map<std::string, int64_t> Commit(int op, int partition, int64_t version,
                                        const RecordBatch& upserts,
                                        const RecordBatch& removed_keys) override;
  void Purge(int64_t min_version) override;
  void DoMaintenance() override;

  /// Rows of the store in `dir` at `version`, read from its files.
  static RecordBatchPtr ReadVersion(const std::string& dir, int64_t version, const TypePtr& row_schema,
                                    size_t num_key_columns);

 private:
  struct Layout {
    TypePtr row_schema;
    size_t num_keys = 0;
  };

  std::mutex mu_;
  std::map<int, Layout> layouts_;                 // GUARDED_BY(mu_), by operator
  std::map<std::pair<int, int>, int64_t> loads_;  // GUARDED_BY(mu_): file loads since last commit
};

}  // namespace sluice
