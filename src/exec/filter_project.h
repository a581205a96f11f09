// FilterProject: a Filter followed by a Project, fused. Per chunk it evaluates the condition, then
// gathers only the columns the projection reads, for the selected rows only, and evaluates the
// projection over them — so columns used by the filter alone are never copied.
#pragma once

#include "exec/physical_operator.h"
#include "expr/expression.h"

namespace sluice {

class FilterProject : public PhysicalOperator {
 public:
  FilterProject(TypePtr schema, std::unique_ptr<PhysicalOperator> child, ExprPtr condition,
                std::vector<ExprPtr> exprs);
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::vector<ChunkStream> ExecuteStreams(ExecContext& ctx) override;
  std::string Describe() const override;
  const ExprPtr& condition() const { return condition_; }
  /// Output column i = exprs()[i] over the child's columns.
  const std::vector<ExprPtr>& exprs() const { return original_exprs_; }

 private:
  RecordBatchPtr Apply(const RecordBatchPtr& chunk, const EvalContext& ctx) const;

  ExprPtr condition_;
  std::vector<ExprPtr> exprs_;     // rewritten to index into used_columns_
  std::vector<int> used_columns_;  // input columns the projection reads
  std::vector<ExprPtr> original_exprs_;
};

}  // namespace sluice
