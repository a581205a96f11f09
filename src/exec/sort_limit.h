// Sort (ORDER BY) and Limit: both gather their input into one partition. Sort is stable and
// orders NULLs as each sort key says (Spark: NULLS FIRST for ASC, NULLS LAST for DESC by default).
#pragma once

#include "exec/physical_operator.h"
#include "expr/expression.h"

namespace sluice {

class Sort : public PhysicalOperator {
 public:
  Sort(std::unique_ptr<PhysicalOperator> child, std::vector<ExprPtr> orders);
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::string Describe() const override;

 private:
  std::vector<ExprPtr> orders_;  // kSortOrder nodes
};

class Limit : public PhysicalOperator {
 public:
  Limit(std::unique_ptr<PhysicalOperator> child, int64_t limit);
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::string Describe() const override;

 private:
  int64_t limit_;
};

/// UNION ALL: the children's partitions side by side.
class UnionAll : public PhysicalOperator {
 public:
  UnionAll(TypePtr schema, std::vector<std::unique_ptr<PhysicalOperator>> children);
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::string Describe() const override { return "Union"; }
};

}  // namespace sluice
