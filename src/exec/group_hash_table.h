// GroupHashTable: assigns dense group ids to distinct key rows (grouping semantics: NULL equals
// NULL, -0.0 equals 0.0, NaN equals NaN). Keys are stored column-wise in id order. Open addressing
// on 64-bit row hashes. Thread-compatible.
#pragma once

#include <cstdint>
#include <vector>

#include "columnar/vector.h"

namespace sluice {

/// Hash of row `row` over key columns (0 keys: a constant); the hash grouping and shuffling use.
uint64_t HashKeyRow(const std::vector<VectorPtr>& keys, size_t row);

class GroupHashTable {
 public:
  explicit GroupHashTable(std::vector<TypePtr> key_types);

  /// Sets (*group_ids)[i] to the id of row i of `keys` (n rows), adding new groups as needed.
  /// With no key columns every row belongs to group 0.
  void FindOrInsert(const std::vector<VectorPtr>& keys, size_t n, std::vector<uint32_t>* group_ids);
  /// Id of row `row` of `keys`, or -1 if absent (no insertion).
  int64_t Find(const std::vector<VectorPtr>& keys, size_t row) const;

  size_t size() const { return num_groups_; }
  /// Key columns; row g holds the key of group g.
  const std::vector<VectorPtr>& keys() const { return keys_; }
  const std::vector<TypePtr>& key_types() const { return key_types_; }

 private:
  uint64_t HashRow(const std::vector<VectorPtr>& keys, size_t row) const;
  bool KeyEquals(const std::vector<VectorPtr>& keys, size_t row, uint32_t group) const;
  void Grow();

  std::vector<TypePtr> key_types_;
  std::vector<VectorPtr> keys_;
  std::vector<uint64_t> hashes_;  // per group
  std::vector<uint32_t> slots_;   // 0 = empty, else group id + 1
  size_t num_groups_ = 0;
};

}  // namespace sluice
