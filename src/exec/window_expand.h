// WindowExpand: assigns rows to event-time windows (window(ts, duration, slide, start)). Each row
// is emitted once per window [start, end) containing its time, in ascending window order, with the
// window STRUCT<start, end> appended; rows with a NULL time are dropped (as Spark's TimeWindowing).
#pragma once

#include "exec/physical_operator.h"
#include "exec/window_assigner.h"
#include "expr/expression.h"

namespace sluice {

class WindowExpand : public PhysicalOperator {
 public:
  WindowExpand(TypePtr schema, std::unique_ptr<PhysicalOperator> child, ExprPtr time,
               int64_t window_micros, int64_t slide_micros, int64_t start_micros);
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::string Describe() const override;

 private:
  RecordBatchPtr Apply(const RecordBatchPtr& chunk, const EvalContext& ctx) const;

  ExprPtr time_;
  int64_t window_, slide_;
  WindowAssigner assigner_;
};

}  // namespace sluice
