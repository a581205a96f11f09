// GroupHashTable: assigns dense group ids to distinct key rows (grouping semantics: NULL equals
// NULL, -0.0 equals 0.0, NaN equals NaN). Keys are stored column-wise in id order. Open addressing
// on 64-bit row hashes. Thread-compatible.
//
// Speed: a batch is hashed column by column (Vector::HashRows) before probing; slots hold the
// group id and the hash's high bits, so most mismatches are rejected without touching the group.
// When every key column is fixed-width (numbers, dates, timestamps, intervals, decimals, booleans
// and structs of those, such as a window), each key row is also packed into a normalized
// fixed-size byte string (null flags, -0.0 as 0.0, one NaN), and equality is a word compare of
// packed rows instead of a per-column comparison.
#pragma once

#include <cstdint>
#include <vector>

#include "columnar/vector.h"

namespace sluice {

/// Hash of row `row` over key columns (0 keys: a constant); the hash grouping and shuffling use.
uint64_t HashKeyRow(const std::vector<VectorPtr>& keys, size_t row);
/// HashKeyRow of rows [begin, begin + n) of `keys`, column at a time, into hashes[0, n).
void HashKeyRows(const std::vector<VectorPtr>& keys, size_t begin, size_t n, uint64_t* hashes);

class GroupHashTable {
 public:
  explicit GroupHashTable(std::vector<TypePtr> key_types);

  /// Sets (*group_ids)[i] to the id of row i of `keys` (n rows), adding new groups as needed.
  /// With no key columns every row belongs to group 0. `hashes`, if given, are the rows' hashes
  /// (REQUIRES: hashes[i] == HashKeyRow(keys, i)), computed by the caller more cheaply.
  void FindOrInsert(const std::vector<VectorPtr>& keys, size_t n, std::vector<uint32_t>* group_ids,
                    const uint64_t* hashes = nullptr);
  /// Id of row `row` of `keys`, or -1 if absent (no insertion).
  int64_t Find(const std::vector<VectorPtr>& keys, size_t row) const;
  /// (*ids)[i] = Find(keys, i) for the n rows of `keys`, hashed and compared a chunk at a time.
  void FindAll(const std::vector<VectorPtr>& keys, size_t n, std::vector<int64_t>* ids) const;

  /// Makes room for `n` groups in total, so that inserting up to that many does not regrow the
  /// slot array (each regrowth re-inserts every group).
  void Reserve(size_t n);

  /// Keeps only the groups `keep` (ascending ids), renumbered 0, 1, ... in that order. Stored keys,
  /// hashes and packed rows are moved in place and the slots rebuilt from the stored hashes (no
  /// key is hashed or compared again); the slot array and the buffers keep their size.
  void Compact(const SelectionVector& keep);

  size_t size() const { return num_groups_; }
  /// Key columns; row g holds the key of group g.
  const std::vector<VectorPtr>& keys() const { return keys_; }
  const std::vector<TypePtr>& key_types() const { return key_types_; }

 private:
  bool KeyEquals(const std::vector<VectorPtr>& keys, size_t row, uint32_t group) const;
  /// Slot of the group whose key equals row `row` of `keys` (hash `h`), or the empty slot where it
  /// would go. `packed` is the row's packed key (compared word by word), or null to compare the
  /// columns.
  size_t ProbeSlot(uint64_t h, const uint64_t* packed, const std::vector<VectorPtr>& keys, size_t row) const;
  /// Doubles the slot array and re-inserts every group.
  void Grow();
  /// Moves every group's slot into a new slot array of `num_slots` (a power of two > 2 * groups).
  void Rehash(size_t num_slots);
  /// Packs rows [begin, begin + n) of `keys` into out[0, n * packed_words_).
  /// REQUIRES: packed_words_ > 0.
  void PackRows(const std::vector<VectorPtr>& keys, size_t begin, size_t n, uint64_t* out) const;

  std::vector<TypePtr> key_types_;
  std::vector<VectorPtr> keys_;
  std::vector<uint64_t> hashes_;  // per group
  /// 0 = empty, else (low 32 bits of the hash) << 32 | (group id + 1).
  std::vector<uint64_t> slots_;
  size_t num_groups_ = 0;
  /// Words per packed key row (0: keys are not all fixed-width; compare column-wise).
  size_t packed_words_ = 0;
  std::vector<uint64_t> packed_keys_;  // per group, packed_words_ each
  // Scratch of FindOrInsert for one chunk of rows (small enough to stay in cache).
  std::vector<uint64_t> chunk_hashes_;
  std::vector<uint64_t> chunk_packed_;
  SelectionVector chunk_new_rows_;  // rows of the chunk that added a group (packed keys only)
};

}  // namespace sluice
