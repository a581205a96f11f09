// Project: evaluates a list of resolved expressions over each input chunk.
#pragma once

#include "exec/physical_operator.h"
#include "expr/expression.h"

namespace sluice {

class Project : public PhysicalOperator {
 public:
  Project(TypePtr schema, std::unique_ptr<PhysicalOperator> child, std::vector<ExprPtr> exprs);
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::vector<ChunkStream> ExecuteStreams(ExecContext& ctx) override;
  std::string Describe() const override;
  /// Evaluates the projection over one chunk.
  RecordBatchPtr Apply(const RecordBatchPtr& chunk, const EvalContext& ctx) const;
  /// Output column i = exprs()[i] over the child's columns.
  const std::vector<ExprPtr>& exprs() const { return exprs_; }

 private:
  std::vector<ExprPtr> exprs_;
};

}  // namespace sluice
