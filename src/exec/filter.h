// Filter: keeps the rows of each chunk where a resolved boolean condition is TRUE (NULL and FALSE
// drop the row, as SQL's WHERE).
#pragma once

#include "exec/physical_operator.h"
#include "expr/expression.h"

namespace sluice {

class Filter : public PhysicalOperator {
 public:
  Filter(std::unique_ptr<PhysicalOperator> child, ExprPtr condition);
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::vector<ChunkStream> ExecuteStreams(ExecContext& ctx) override;
  std::string Describe() const override;
  RecordBatchPtr Apply(const RecordBatchPtr& chunk, const EvalContext& ctx) const;
  const ExprPtr& condition() const { return condition_; }

 private:
  ExprPtr condition_;
};

/// Row indexes where `mask` (a BOOLEAN vector) is true and not null.
SelectionVector SelectTrue(const Vector& mask);

}  // namespace sluice
