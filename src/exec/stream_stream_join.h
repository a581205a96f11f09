// StreamStreamJoin: an equi-join of two streams (Spark's symmetric hash join). Both sides buffer
// their rows in state; each micro-batch, per shuffle partition (rows hash-partitioned by join key
// into spark.sql.shuffle.partitions partitions, partitions processed in parallel):
//
//   1. Late rows (the side's event-time column <= the previous batch's watermark) are dropped and
//      counted. Rows failing the conjuncts that reference only their own side can never match:
//      they are not buffered (outer side: emitted at once, padded with NULLs).
//   2. New left rows are joined with the buffered right rows, then buffered; new right rows are
//      joined with the buffered left rows (which now include the new ones), then buffered. Every
//      matching pair is emitted exactly once. Conjuncts over both sides filter each pair.
//   3. Buffered rows are evicted by the side's state watermark (plan/join_time_constraint.h).
//      Outer joins emit an evicted row that never matched, padded with NULLs; this is the only
//      time such a row is emitted, because only then can no match arrive any more.
//
// Join types: inner, left/right/full outer, left semi (a left row is emitted once, on its first
// match; matched left rows are not buffered). Each buffered row carries a "matched" flag.
//
// State: each side in its own StateStoreProvider stores (operator ids left_operator_id and
// left_operator_id + 1, one store per partition), rows [join keys..., seq BIGINT, side columns...,
// matched BOOLEAN] keyed by [join keys..., seq] (seq numbers a partition's buffered rows). Batch N
// loads version N and commits only its changes as N + 1, so a re-run batch gives the same results.
//
// Thread-safety: Execute runs on the query's thread and fans out one task per partition; progress
// is guarded by a mutex.
#pragma once

#include <mutex>
#include <optional>

#include "exec/hash_join.h"
#include "plan/join_time_constraint.h"
#include "sluice/streaming.h"
#include "state/state_schema.h"

namespace sluice {

struct StreamStreamJoinSpec {
  /// Equi-keys and the remaining condition, as ExtractJoinKeys gives them (type kInner, kLeftOuter,
  /// kRightOuter, kFullOuter or kLeftSemi; at least one key).
  JoinSpec join;
  /// How each side's buffered rows are evicted (key_index refers to join.left_keys/right_keys).
  JoinEvictionPlan eviction;
  /// Each side's event-time column (index within the side; -1 if none): late rows are dropped by it.
  int left_event_time = -1;
  int right_event_time = -1;
  /// Column names of each side, for the state schema.
  std::vector<std::string> left_names;
  std::vector<std::string> right_names;
};

class StreamStreamJoin : public PhysicalOperator {
 public:
  /// `left_operator_id` and `left_operator_id + 1` are the state operator ids of the two sides.
  StreamStreamJoin(TypePtr schema, std::unique_ptr<PhysicalOperator> left,
                   std::unique_ptr<PhysicalOperator> right, StreamStreamJoinSpec spec,
                   int left_operator_id);
  ~StreamStreamJoin() override;

  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::string Describe() const override;
  void CollectStateProgress(std::vector<StateOperatorProgress>* out) const override;
  bool NeedsNoDataBatch(int64_t new_watermark_ms) const override;
  /// What the two sides keep in their state stores (left first).
  std::vector<StateSchemaInfo> StateSchemas() const override;

 private:
  struct Side;             // per-side constants (key expressions, filters, store schema)
  struct SideBuffer;       // one side's buffered rows of one partition
  struct PartitionState;   // both buffers of one partition
  struct PartitionResult;  // output and counters of one partition in one batch

  void BuildSide(JoinSide which, const TypePtr& input_schema);
  PartitionState& LoadPartition(size_t part, ExecContext& ctx);
  void ProcessPartition(size_t part, const std::vector<RecordBatchPtr>& left_in,
                        const std::vector<RecordBatchPtr>& right_in, ExecContext& ctx,
                        PartitionResult* result);

  StreamStreamJoinSpec spec_;
  int left_operator_id_;
  std::unique_ptr<Side> left_;
  std::unique_ptr<Side> right_;
  ExprPtr both_sides_condition_;  // conjuncts over both sides, over [left..., right...]; may be null
  TypePtr pair_schema_;           // [left columns..., right columns...]
  std::vector<std::unique_ptr<PartitionState>> partitions_;

  mutable std::mutex mu_;
  StateOperatorProgress progress_;          // GUARDED_BY(mu_)
  int64_t last_eviction_watermark_ms_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace sluice
