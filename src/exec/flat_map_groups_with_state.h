// FlatMapGroupsWithState: Spark's FlatMapGroupsWithStateExec. Rows are hash-shuffled by key; for
// every key with new rows the user function runs with the rows and the key's state; then, for
// keys whose timeout has passed (processing time: before the batch's processing time; event time:
// before the watermark), it runs with no rows and hasTimedOut(). State changes are committed to the
// state store per batch version; keys whose state was removed are deleted. With an event-time
// timeout and a watermarked event-time column in the input, input rows at or below the watermark
// are dropped before the function sees them (counted in numRowsDroppedByWatermark), as Spark does.
#pragma once

#include <mutex>
#include <unordered_map>

#include "exec/physical_operator.h"
#include "expr/expression.h"
#include "plan/group_state_spec.h"
#include "sluice/streaming.h"
#include "state/state_schema.h"

namespace sluice {

class FlatMapGroupsWithState : public PhysicalOperator {
 public:
  FlatMapGroupsWithState(TypePtr schema, std::unique_ptr<PhysicalOperator> child,
                         std::vector<ExprPtr> keys, std::vector<std::string> key_names,
                         std::shared_ptr<const GroupStateSpec> spec, bool watermark_present,
                         int event_time_column, bool streaming, int operator_id);
  ~FlatMapGroupsWithState() override;
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::string Describe() const override;
  void CollectStateProgress(std::vector<StateOperatorProgress>* out) const override;
  bool NeedsNoDataBatch(int64_t new_watermark_ms) const override;
  bool NeedsTimeoutBatch(int64_t now_ms) const override;
  /// Store rows: the grouping key; value: the serialized state and its timeout.
  std::vector<StateSchemaInfo> StateSchemas() const override;

 private:
  struct PartitionState;
  RecordBatchPtr ProcessPartition(size_t part, const std::vector<RecordBatchPtr>& rows, ExecContext& ctx);
  /// Store rows [keys..., state, timeout_ms] of `groups` of `st`.
  RecordBatchPtr StateRows(const PartitionState& st, const SelectionVector& groups) const;
  /// Adds store rows (as StateRows writes them) to `st`'s table, values and timeouts.
  void LoadRows(const RecordBatch& rows, PartitionState* st) const;

  std::vector<ExprPtr> keys_;
  TypePtr key_schema_;
  std::shared_ptr<const GroupStateSpec> spec_;
  bool watermark_present_;
  int event_time_column_;  // input column with the watermark, -1 if none
  bool streaming_;
  int operator_id_;
  TypePtr state_schema_;  // [keys..., state BINARY, timeout BIGINT]
  std::vector<std::unique_ptr<PartitionState>> states_;
  mutable std::mutex mu_;
  StateOperatorProgress progress_;          // GUARDED_BY(mu_)
  int64_t min_timeout_ms_ = INT64_MAX;      // GUARDED_BY(mu_)
  int64_t last_eviction_watermark_ms_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace sluice
