// SessionWindowAggregate: GROUP BY keys..., session_window(ts, gap) with aggregates. Every row
// opens a session [ts, ts + gap); sessions of the same key that overlap or touch are merged (start
// = earliest start, end = latest end) and so are their aggregates. Rows with a NULL time or a gap
// <= 0 are dropped.
//
// Streaming: each shuffle partition keeps its open sessions (keys, start, end, intermediate
// aggregate state) in the state store; a new row may extend or join sessions from earlier batches.
// Complete mode emits every session each batch; append mode emits a session once the watermark
// passes its end, then evicts it. (Spark rejects update mode for session windows.)
#pragma once

#include <mutex>
#include <optional>

#include "exec/physical_operator.h"
#include "expr/expression.h"
#include "sluice/streaming.h"
#include "state/state_schema.h"

namespace sluice {

struct SessionWindowSpec {
  std::vector<ExprPtr> keys;            // grouping keys other than the session window
  int session_key_index = 0;            // position of the session window among all grouping keys
  ExprPtr time;                         // event time (TIMESTAMP)
  ExprPtr gap;                          // STRING duration or INTERVAL, per row or constant
  std::vector<ExprPtr> aggregate_calls;
  std::vector<ExprPtr> output_exprs;    // over [all grouping keys..., aggregate results...]
  TypePtr session_type;                 // STRUCT<start, end>
};

class SessionWindowAggregate : public PhysicalOperator {
 public:
  SessionWindowAggregate(TypePtr schema, std::unique_ptr<PhysicalOperator> child,
                         SessionWindowSpec spec, bool streaming, int operator_id);
  ~SessionWindowAggregate() override;
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::string Describe() const override;
  void CollectStateProgress(std::vector<StateOperatorProgress>* out) const override;
  bool NeedsNoDataBatch(int64_t new_watermark_ms) const override;
  std::vector<StateSchemaInfo> StateSchemas() const override;

 private:
  /// Open sessions of one shuffle partition at `version` (store rows, see state_schema_).
  struct SessionCache {
    int64_t version = -1;
    RecordBatchPtr rows;
  };

  /// Rows [keys..., start, end, row-level aggregate state...] for the sessions one input chunk opens.
  RecordBatchPtr RowSessions(const RecordBatchPtr& chunk, const EvalContext& ctx, int64_t late_wm_ms,
                             LateRowCollector* late_rows,
                             int64_t* dropped) const;
  RecordBatchPtr MergePartition(size_t part, const std::vector<RecordBatchPtr>& sessions, ExecContext& ctx);

  SessionWindowSpec spec_;
  bool streaming_;
  int operator_id_;
  TypePtr state_schema_;  // [keys..., start, end, states...]; store key: [keys..., start]
  TypePtr key_schema_;    // [keys..., start]
  std::vector<SessionCache> cache_;  // streaming, per shuffle partition
  std::vector<TypePtr> key_types_;
  mutable std::mutex mu_;
  StateOperatorProgress progress_;       // GUARDED_BY(mu_)
  int last_output_mode_ = 0;             // GUARDED_BY(mu_)
  int64_t last_eviction_watermark_ms_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace sluice
