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

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>

#include "exec/physical_operator.h"
#include "exec/window_assigner.h"
#include "plan/output_mode.h"
#include "expr/expression.h"
#include "sluice/streaming.h"
#include "state/state_schema.h"

namespace sluice {

class Accumulator;
class KeyWindowCells;
class PartialGroups;
class LateRowCollector;

struct AggregateSpec {
  std::vector<ExprPtr> keys;             // over the child's output
  std::vector<ExprPtr> aggregate_calls;  // resolved aggregate calls over the child's output
  std::vector<ExprPtr> output_exprs;     // over [keys..., aggregate results...]
  /// Streaming: index into `keys` of the event-time key (a timestamp, or a window struct whose
  /// field 1 is the end), or -1.
  int event_time_key = -1;
  bool event_time_is_window = false;

  /// Window assignment fused into the aggregation, planned in place of a WindowExpand child whose
  /// window column is used only as one grouping key. The child is then WindowExpand's input, and
  /// key `key_index` (the window column) is not evaluated: each input row is aggregated into every
  /// window of window(time, ...) it falls in (see WindowAssigner), with the same groups, group
  /// order and late-row filtering as over WindowExpand's rows, without materializing them. Every
  /// other key and aggregate argument is deterministic and refers to the child's columns only.
  struct FusedWindow {
    ExprPtr time;  // over the child's output
    int64_t window_micros = 0, slide_micros = 0, start_micros = 0;
    size_t key_index = 0;
    TypePtr expanded_schema;  // the child's output plus the window column (rows of late-row records)
  };
  std::optional<FusedWindow> window;
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
  const AggregateSpec& spec() const { return spec_; }
  bool streaming() const { return streaming_; }

 private:
  struct PartitionState;
  /// Late-row filtering of a fused window assignment: (row, window) pairs whose window end is at
  /// or below `watermark_ms` are dropped, counted in `*dropped` and recorded in `collector` (if
  /// any), as DropLateRows does for WindowExpand's rows.
  struct LateRowCut {
    int64_t watermark_ms = 0;
    LateRowCollector* collector = nullptr;
    int64_t* dropped = nullptr;
  };
  /// Partial aggregation of one input partition, pulled chunk by chunk: [keys..., states...] rows.
  /// `max_rows` bounds the input's rows when known (SIZE_MAX otherwise), to size the table. `cut`
  /// applies only with a fused window (null: no late-row filtering). Adds the rows (with a fused
  /// window: the (row, window) pairs) aggregated to `*rows`.
  RecordBatchPtr Partial(const ChunkStream& input, size_t max_rows, const EvalContext& ctx,
                         const LateRowCut* cut, int64_t* rows) const;
  /// Fused window assignment of one input chunk: aggregates each row into its windows (key
  /// spec_.window->key_index) in `groups` / `accs`; returns the pairs aggregated. `cells` maps
  /// (key, window) pairs seen in earlier chunks of the partition to their groups in `groups`.
  size_t AggregateIntoWindows(const RecordBatchPtr& chunk, const EvalContext& ctx, const LateRowCut* cut,
                              PartialGroups* groups, std::vector<std::unique_ptr<Accumulator>>* accs,
                              std::optional<KeyWindowCells>* cells) const;
  /// Counts the late (row, window) pairs `late_rows` / `late_starts` of `chunk` in cut.dropped
  /// and records them in cut.collector (if any) as rows of WindowExpand's output.
  void RecordLateWindowRows(const RecordBatch& chunk, const SelectionVector& late_rows,
                            const std::vector<int64_t>& late_starts, const LateRowCut& cut) const;
  /// Whether partial aggregation passes rows through (one group per row; see PartialGroups): in a
  /// streaming query whose last micro-batch had at least kPassThroughMinRows rows and hardly fewer
  /// groups (about one row per key per batch), grouping twice only costs time.
  bool PassThroughPartial() const;
  /// The argument vectors of aggregate call `a` over `chunk` (none for count(*) / count(literal)).
  std::vector<VectorPtr> AggregateArgs(size_t a, const RecordBatch& chunk, const EvalContext& ctx) const;
  /// Final aggregation of one shuffle partition (batch or streaming).
  RecordBatchPtr Final(size_t part, const std::vector<RecordBatchPtr>& partials, ExecContext& ctx);
  /// Output rows of `num_groups` groups' selection (all when null), given the selected groups' key
  /// columns and the accumulators.
  using FinishFn = std::function<RecordBatchPtr(std::vector<VectorPtr> keys, size_t num_groups,
                                                const std::vector<std::unique_ptr<Accumulator>>& accs,
                                                const SelectionVector* sel)>;
  /// Whether streaming state is kept one table per window (WindowedGroupState): with a fused
  /// window as the event-time key, in append and update modes (complete mode never evicts).
  bool WindowedState(OutputMode mode) const;
  /// Adds one shuffle partition's figures for this micro-batch to progress_.
  void RecordPartitionProgress(int64_t total, int64_t updated, int64_t removed, int64_t update_ms,
                               int64_t commit_ms, int64_t memory_bytes, const StateStoreProvider& store,
                               const std::map<std::string, int64_t>& store_metrics);
  /// Final's streaming merge with WindowedState().
  RecordBatchPtr FinalWindowed(size_t part, const std::vector<RecordBatchPtr>& partials, ExecContext& ctx,
                               const FinishFn& finish_keys);
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
  std::optional<WindowAssigner> assigner_;  // with spec_.window
  /// Groups of the last partial aggregation: the next one sizes its table for as many (capped by
  /// its input), instead of regrowing it step by step from empty every micro-batch.
  mutable std::atomic<size_t> partial_groups_hint_{0};
  /// Streaming: rows the last micro-batch's partial aggregations took in, and the groups it updated.
  std::atomic<int64_t> last_batch_rows_{0};
  std::atomic<int64_t> last_batch_groups_{0};

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<PartitionState>> states_;  // streaming, per shuffle partition
  StateOperatorProgress progress_;                       // GUARDED_BY(mu_)
  int last_output_mode_ = 0;                              // GUARDED_BY(mu_)
  int64_t last_eviction_watermark_ms_ = 0;               // GUARDED_BY(mu_)
};

}  // namespace sluice
