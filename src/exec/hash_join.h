// HashJoin: equi-join (plus an optional residual condition) of a probe side (left) with a build
// side (right, gathered into one hash table), for inner, left/right/full outer, left semi and left
// anti joins; without equi-keys it degrades to a nested-loop join. Probe partitions run in
// parallel. Output rows: left columns then right columns (left only for semi/anti).
// Stream-static joins use it with the stream on the probe side and the static side built once.
#pragma once

#include <mutex>

#include "exec/physical_operator.h"
#include "expr/expression.h"
#include "plan/logical_plan.h"

namespace sluice {

struct JoinSpec {
  JoinType type = JoinType::kInner;
  std::vector<ExprPtr> left_keys;   // over the left output
  std::vector<ExprPtr> right_keys;  // over the right output
  std::vector<bool> null_safe;      // per key: <=> instead of =
  ExprPtr residual;                 // over [left..., right...], may be null
};

/// Splits a resolved join condition over [left (left_width columns)..., right...] into equi-keys and
/// a residual condition.
JoinSpec ExtractJoinKeys(JoinType type, const ExprPtr& condition, size_t left_width);

class HashJoin : public PhysicalOperator {
 public:
  HashJoin(TypePtr schema, std::unique_ptr<PhysicalOperator> left,
           std::unique_ptr<PhysicalOperator> right, JoinSpec spec, bool cache_build_side);
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::string Describe() const override;

 private:
  struct BuildSide;
  std::shared_ptr<BuildSide> Build(ExecContext& ctx);
  RecordBatchPtr Probe(const RecordBatchPtr& chunk, BuildSide& build, const EvalContext& ctx) const;

  JoinSpec spec_;
  bool cache_build_side_;
  std::mutex mu_;
  std::shared_ptr<BuildSide> cached_;
};

/// Shifts every kBoundColumn index by `delta` (for evaluating right-side keys on the right batch).
ExprPtr ShiftColumns(const ExprPtr& e, int delta);
/// Smallest and largest bound column index in `e` (-1, -1 if none).
std::pair<int, int> ColumnRange(const ExprPtr& e);

}  // namespace sluice
