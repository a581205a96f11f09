// PartialGroups: the groups of a partial aggregation, whose output rows ([keys..., states...]) the
// final aggregation merges by key.
//
//   grouped       rows with equal keys share one group (a GroupHashTable; grouping semantics).
//   pass-through  every row is a group of its own, without hashing or probing. For inputs where
//                 grouping hardly reduces the rows (about one row per key): the final aggregation
//                 merges equal keys anyway, and sees them in the same first-occurrence order.
//
// Group ids are dense, in order of creation; keys() row g is group g's key. Thread-compatible.
#pragma once

#include <optional>
#include <vector>

#include "exec/group_hash_table.h"

namespace sluice {

class PartialGroups {
 public:
  PartialGroups(std::vector<TypePtr> key_types, bool pass_through);

  bool pass_through() const { return pass_through_; }
  /// Makes room for `n` groups.
  void Reserve(size_t n);
  /// Sets (*ids)[i] to the group of row i of `keys` (n rows), creating groups as needed.
  /// `hashes`: as for GroupHashTable::FindOrInsert (unused when passing through).
  void Assign(const std::vector<VectorPtr>& keys, size_t n, std::vector<uint32_t>* ids,
              const uint64_t* hashes = nullptr);
  size_t size() const { return pass_through_ ? size_ : table_->size(); }
  /// Key columns; row g is the key of group g.
  const std::vector<VectorPtr>& keys() const { return pass_through_ ? keys_ : table_->keys(); }

 private:
  bool pass_through_;
  std::optional<GroupHashTable> table_;  // grouped
  std::vector<VectorPtr> keys_;          // pass-through
  size_t size_ = 0;                      // pass-through
};

}  // namespace sluice
