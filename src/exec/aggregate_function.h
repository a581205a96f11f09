// Accumulator: the running state of one aggregate function for many groups, kept in columns
// indexed by group id. Aggregation runs in two phases (partial per input partition, final per
// shuffle partition) and streaming aggregation keeps the intermediate state in a state store, so
// every accumulator can save its state as vectors (StateTypes) and merge such vectors back.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "columnar/vector.h"
#include "expr/eval_context.h"
#include "expr/expression.h"

namespace sluice {

class Accumulator {
 public:
  virtual ~Accumulator() = default;
  /// Types of the intermediate state columns.
  virtual std::vector<TypePtr> StateTypes() const = 0;
  /// Makes room for groups [0, n); new groups start empty.
  virtual void Resize(size_t n) = 0;
  /// Adds row i of `args` to group groups[i], for i in [0, n).
  virtual void Update(const std::vector<VectorPtr>& args, const uint32_t* groups, size_t n) = 0;
  /// Adds rows [0, n) of `args` to `group` (a global aggregation's one group): the same result as
  /// Update with every groups[i] == group, without the per-row group lookups.
  virtual void UpdateOneGroup(const std::vector<VectorPtr>& args, uint32_t group, size_t n);
  /// Merges row i of the intermediate `state` columns into group groups[i].
  virtual void Merge(const std::vector<VectorPtr>& state, const uint32_t* groups, size_t n) = 0;
  /// Intermediate state of groups sel[0..] (all groups [0, num_groups) when sel is null).
  virtual std::vector<VectorPtr> SaveState(size_t num_groups, const SelectionVector* sel) const = 0;
  /// Final values of groups [0, num_groups) (or sel), of the call's result type.
  virtual VectorPtr Finalize(size_t num_groups, const SelectionVector* sel) const = 0;
  /// Keeps only groups `keep` (ascending ids), renumbered 0, 1, ... in that order, in place.
  virtual void KeepGroups(const SelectionVector& keep) = 0;
};

/// An accumulator for a resolved aggregate call (see BindAggregateCall). Throws InternalError for a
/// call the analyzer should have rejected.
std::unique_ptr<Accumulator> MakeAccumulator(const Expr& call, const EvalContext& ctx);

/// Appends the intermediate state fields of `calls` to `fields`, as state stores keep them: one
/// field per state column, named after the call ("sum(v)", or "avg(v).0", "avg(v).1" when a call
/// keeps several).
void AppendAccumulatorStateFields(const std::vector<ExprPtr>& calls, std::vector<StructField>* fields);

}  // namespace sluice
