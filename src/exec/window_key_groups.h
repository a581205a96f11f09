// Helpers of HashAggregate's fused window assignment (AggregateSpec::FusedWindow) for finding the
// partial group of a (row, window) pair cheaply:
//
//   WindowKeyHashes  the hash of a window key alone, by window start, cached for the few starts a
//                    block of rows falls in. With the window as the first grouping key a row's key
//                    hash (HashKeyRows) starts from it, so the window's fields are not hashed per
//                    row.
//   KeyWindowCells   partial group ids of input chunks by (group of the keys other than the
//                    window, window number), in a dense array of cells per key group. A row's other
//                    keys are looked up once, and only a (key, window) pair's first occurrence
//                    needs the partial table. Used for sliding windows; and for tumbling ones when
//                    the other key is one integer column whose values in the chunk span a small
//                    range: its key groups are then the values' offsets in the range (no hashing).
//
// Thread-compatible.
#pragma once

#include <cstdint>
#include <vector>

#include "columnar/vector.h"
#include "exec/group_hash_table.h"
#include "exec/window_assigner.h"

namespace sluice {

class WindowKeyHashes {
 public:
  /// `window_type`: the window STRUCT<start, end> key type. `assigner` must outlive this.
  WindowKeyHashes(const WindowAssigner& assigner, TypePtr window_type);

  /// HashKeyRows over the one-column key [window starting at `start`].
  uint64_t Get(int64_t start) {
    if (size_ > 0 && entries_[last_].start == start) return entries_[last_].hash;  // same window
    return Lookup(start);
  }

 private:
  uint64_t Lookup(int64_t start);

  static constexpr size_t kEntries = 16;  // more than the windows of a block of rows
  struct Entry {
    int64_t start = 0;
    uint64_t hash = 0;
  };
  const WindowAssigner& assigner_;
  TypePtr window_type_;
  Entry entries_[kEntries];
  size_t size_ = 0;  // entries in use
  size_t last_ = 0;  // entry of the last Get
};

class KeyWindowCells {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  /// Cells for window numbers [first_number, first_number + windows) of keys of `key_types`.
  KeyWindowCells(std::vector<TypePtr> key_types, int64_t first_number, size_t windows);
  /// Direct: one integer key (BYTE, SHORT, INT, DATE or BIGINT) whose non-null values lie in
  /// [key_min, key_min + key_range). Key groups are value - key_min, and key_range for NULL.
  KeyWindowCells(TypePtr int_key_type, int64_t key_min, size_t key_range, int64_t first_number,
                 size_t windows);

  /// Whether `type` can key the direct mode, and the [min, max] of `v`'s non-null values (false
  /// for another type or no non-null value).
  static bool IntegerRange(const Vector& v, int64_t* min, int64_t* max);

  /// (*ids)[i] = the key group of row begin + i of `keys`, for n rows; new key groups start with
  /// every cell kNone.
  void FindKeys(const std::vector<VectorPtr>& keys, size_t begin, size_t n, std::vector<uint32_t>* ids);
  /// Whether the direct mode is used.
  bool direct() const { return direct_; }
  /// Whether window numbers [first_number, last_number] have cells, and in the direct mode also
  /// key values [key_min, key_max] (ignored otherwise).
  bool Covers(int64_t first_number, int64_t last_number, int64_t key_min, int64_t key_max) const {
    if (first_number < first_ || last_number >= first_ + static_cast<int64_t>(windows_)) return false;
    return !direct_ || (key_min >= key_min_ && key_max < key_min_ + static_cast<int64_t>(key_range_));
  }
  /// Cells allocated (key groups times windows).
  size_t num_cells() const { return cells_.size(); }
  /// The cell of (key group, window number): a partial group id or kNone.
  /// REQUIRES: the key group came from FindKeys; the number is in the cells' range.
  uint32_t& Cell(uint32_t key_group, int64_t number) {
    return cells_[key_group * windows_ + static_cast<size_t>(number - first_)];
  }

 private:
  GroupHashTable keys_;  // unused in the direct mode
  bool direct_ = false;
  int64_t key_min_ = 0;
  size_t key_range_ = 0;
  int64_t first_;
  size_t windows_;
  std::vector<uint32_t> cells_;
};

}  // namespace sluice
