// MemorySink: keeps every batch's output in memory (Spark's "memory" sink), queryable as a temp view
// named after the query. In complete mode each batch replaces the table. Batches whose id was
// already added are ignored (idempotent re-runs). Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "connectors/sink.h"

namespace sluice {

class MemorySink : public Sink {
 public:
  std::string Description() const override { return "MemorySink"; }
  void AddBatch(int64_t batch_id, const TypePtr& schema,
                const std::vector<RecordBatchPtr>& partitions, OutputMode mode) override;

  /// The current table: every row added so far (append/update) or the last batch (complete).
  std::vector<std::vector<Value>> AllRows() const;
  /// Every row ever received, in arrival order (also across complete-mode batches).
  std::vector<std::vector<Value>> ReceivedRows() const;
  /// Number of rows ReceivedRows() returns; a mark for "rows since".
  size_t ReceivedCount() const;
  /// ReceivedRows() from index `mark` on.
  std::vector<std::vector<Value>> ReceivedSince(size_t mark) const;
  /// Highest batch id added, or -1.
  int64_t LatestBatchId() const;
  /// Schema of the rows (null before the first batch).
  TypePtr schema() const;
  /// The current table as one batch (for the temp view over the sink).
  RecordBatchPtr Table() const;

  /// The checkpoint location of the query that writes here (used to decide reuse on restart).
  std::string owner_checkpoint;

 private:
  mutable std::mutex mu_;
  TypePtr schema_;                          // GUARDED_BY(mu_)
  std::vector<RecordBatchPtr> table_;       // GUARDED_BY(mu_)
  std::vector<std::vector<Value>> received_;  // GUARDED_BY(mu_)
  int64_t latest_batch_id_ = -1;            // GUARDED_BY(mu_)
};

}  // namespace sluice
