// StateStoreProvider: versioned state of stateful operators, one store per (operator, partition),
// one version per micro-batch, under <checkpoint>/state/<operator>/<partition>/<version>.snapshot.
// Batch N reads version N and writes version N + 1 (as Spark numbers them), so a re-run batch
// starts again from the version its first run started from. Versions whose state did not change
// are not written: loading version v reads the newest snapshot at or below v.
//
// Thread-safety: distinct (operator, partition) pairs may be used from different threads at once.
#pragma once

#include <cstdint>
#include <string>

#include "columnar/record_batch.h"

namespace sluice {

class StateStoreProvider {
 public:
  explicit StateStoreProvider(std::string state_dir) : dir_(std::move(state_dir)) {}

  /// State rows of (op, partition) at `version` (an empty batch of `schema` if none).
  RecordBatchPtr Load(int op, int partition, int64_t version, const TypePtr& schema) const;
  /// Writes the state at `version`.
  void Commit(int op, int partition, int64_t version, const RecordBatch& rows) const;
  /// Removes snapshots older than the newest one at or below `min_version` for every store.
  void Purge(int64_t min_version) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string StoreDir(int op, int partition) const;
  std::string dir_;
};

}  // namespace sluice
