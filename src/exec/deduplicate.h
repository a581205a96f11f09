// Deduplicate: dropDuplicates(keys) keeps the first row of each key. Batch: within the input.
// Streaming (Spark's StreamingDeduplicateExec): keys seen in earlier micro-batches are kept in the
// state store; with a watermark on an event-time key column, state at or below the watermark is
// evicted and late rows are dropped and counted. dropDuplicatesWithinWatermark keeps each key until
// its first event time + the watermark delay has passed the watermark.
#pragma once

#include <mutex>
#include <optional>

#include "exec/physical_operator.h"
#include "sluice/streaming.h"
#include "state/state_schema.h"

namespace sluice {

struct DeduplicateSpec {
  std::vector<int> key_columns;  // input column indexes
  /// Event-time column of the input (any column; -1 if none) and its watermark delay.
  int event_time_column = -1;
  int64_t delay_micros = 0;
  bool event_time_in_keys = false;
  bool within_watermark = false;
};

class Deduplicate : public PhysicalOperator {
 public:
  Deduplicate(std::unique_ptr<PhysicalOperator> child, DeduplicateSpec spec, bool streaming,
              int operator_id);
  ~Deduplicate() override;
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::string Describe() const override;
  void CollectStateProgress(std::vector<StateOperatorProgress>* out) const override;
  bool NeedsNoDataBatch(int64_t new_watermark_ms) const override;
  std::vector<StateSchemaInfo> StateSchemas() const override;

 private:
  struct PartitionState;
  RecordBatchPtr DedupPartition(size_t part, const std::vector<RecordBatchPtr>& rows, ExecContext& ctx,
                                int64_t* dropped_dups, int64_t* dropped_late, int64_t* updated,
                                int64_t* removed);

  DeduplicateSpec spec_;
  bool streaming_;
  int operator_id_;
  TypePtr state_schema_;  // [keys..., expiry_or_event_time_ms]
  TypePtr key_schema_;    // [keys...]
  std::vector<std::unique_ptr<PartitionState>> states_;
  mutable std::mutex mu_;
  StateOperatorProgress progress_;   // GUARDED_BY(mu_)
  bool has_event_time_state_ = false;        // GUARDED_BY(mu_)
  int64_t last_eviction_watermark_ms_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace sluice
