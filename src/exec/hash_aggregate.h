// HashAggregate: GROUP BY with aggregate functions, in two phases: a partial aggregation per input
// partition, a hash shuffle of the partial rows by key into `spark.sql.shuffle.partitions`
// partitions, and a final merge per partition. Output rows are the `exprs` evaluated over
// [keys..., aggregate results...].
//
// Streaming (Spark's StateStoreSave/Restore): each shuffle partition keeps its groups' intermediate
// state in the StateStoreProvider between micro-batches. Emission by output mode: complete emits
// every group, update the groups changed in this batch, append the groups finalized by the
// watermark (event-time key at or below it), which are then evicted. Rows whose event time is
// already at or below the previous batch's watermark are dropped and counted.
#pragma once

#include <mutex>
#include <optional>

#include "exec/physical_operator.h"
#include "expr/expression.h"
#include "sluice/streaming.h"
#include "state/state_schema.h"

namespace sluice {

struct AggregateSpec {
  std::vector<ExprPtr> keys;             // over the child's output
  std::vector<ExprPtr> aggregate_calls;  // resolved aggregate calls over the child's output
  std::vector<ExprPtr> output_exprs;     // over [keys..., aggregate results...]
  /// Streaming: index into `keys` of the event-time key (a timestamp, or a window struct whose
  /// field 1 is the end), or -1.
  int event_time_key = -1;
  bool event_time_is_window = false;
};

class HashAggregate : public PhysicalOperator {
 public:
  HashAggregate(TypePtr schema, std::unique_ptr<PhysicalOperator> child, AggregateSpec spec,
                bool streaming, int operator_id);
  ~HashAggregate() override;
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::string Describe() const override;
  void CollectStateProgress(std::vector<StateOperatorProgress>* out) const override;
  bool NeedsNoDataBatch(int64_t new_watermark_ms) const override;
  std::vector<StateSchemaInfo> StateSchemas() const override;

 private:
  struct PartitionState;
  /// Partial aggregation of one input partition, pulled chunk by chunk: [keys..., states...] rows.
  RecordBatchPtr Partial(const ChunkStream& input, const EvalContext& ctx) const;
  /// Final aggregation of one shuffle partition (batch or streaming).
  RecordBatchPtr Final(size_t part, const std::vector<RecordBatchPtr>& partials, ExecContext& ctx);
  /// Splits `batch` rows by key hash into `n` partitions (keys are the first columns).
  std::vector<RecordBatchPtr> ShuffleSplit(const RecordBatchPtr& batch, size_t n) const;
  /// Drops rows whose event time is at or below the late-row watermark; returns the dropped count.
  RecordBatchPtr DropLateRows(const RecordBatchPtr& chunk, const EvalContext& ctx, int64_t wm_ms,
                              LateRowCollector* late_rows, int64_t* dropped) const;

  AggregateSpec spec_;
  bool streaming_;
  int operator_id_;
  TypePtr state_schema_;  // store rows: [keys..., accumulator states...]
  TypePtr key_schema_;    // [keys...]
  size_t value_row_bytes_ = 0;  // estimated bytes of one group's accumulator states
  std::vector<TypePtr> key_types_;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<PartitionState>> states_;  // streaming, per shuffle partition
  StateOperatorProgress progress_;                       // GUARDED_BY(mu_)
  int last_output_mode_ = 0;                              // GUARDED_BY(mu_)
  int64_t last_eviction_watermark_ms_ = 0;               // GUARDED_BY(mu_)
};

}  // namespace sluice
