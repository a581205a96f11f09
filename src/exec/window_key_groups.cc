#include "exec/window_key_groups.h"

#include <algorithm>
#include <type_traits>

#include "columnar/int64_range.h"

namespace sluice {

WindowKeyHashes::WindowKeyHashes(const WindowAssigner& assigner, TypePtr window_type)
    : assigner_(assigner), window_type_(std::move(window_type)) {}

uint64_t WindowKeyHashes::Lookup(int64_t start) {
  // A row's windows come in ascending order, and consecutive rows mostly fall in the same ones:
  // try the entries after the last one used.
  for (size_t probe = 1; probe < kEntries; ++probe) {
    size_t i = (last_ + probe) % kEntries;
    if (i < size_ && entries_[i].start == start) {
      last_ = i;
      return entries_[i].hash;
    }
  }
  // New starts come in ascending order too: the entry after the last one used is the oldest.
  size_t i = size_ < kEntries ? size_++ : (last_ + 1) % kEntries;
  std::vector<VectorPtr> key = {assigner_.MakeWindows(window_type_, &start, 1)};
  HashKeyRows(key, 0, 1, &entries_[i].hash);
  entries_[i].start = start;
  last_ = i;
  return entries_[i].hash;
}

KeyWindowCells::KeyWindowCells(std::vector<TypePtr> key_types, int64_t first_number, size_t windows)
    : keys_(std::move(key_types)), first_(first_number), windows_(windows) {}

KeyWindowCells::KeyWindowCells(TypePtr int_key_type, int64_t key_min, size_t key_range,
                               int64_t first_number, size_t windows)
    : keys_({std::move(int_key_type)}), direct_(true), key_min_(key_min), key_range_(key_range),
      first_(first_number), windows_(windows), cells_((key_range + 1) * windows, kNone) {}

namespace {

// Calls fn(values) with the typed values of an integer vector of a direct-mode type; false for
// other types.
template <typename Fn>
bool WithIntegers(const Vector& v, Fn&& fn) {
  switch (v.type_id()) {
    case TypeId::kByte: fn(v.data<int8_t>()); return true;
    case TypeId::kShort: fn(v.data<int16_t>()); return true;
    case TypeId::kInt:
    case TypeId::kDate: fn(v.data<int32_t>()); return true;
    case TypeId::kLong: fn(v.data<int64_t>()); return true;
    default: return false;
  }
}

}  // namespace

bool KeyWindowCells::IntegerRange(const Vector& v, int64_t* min, int64_t* max) {
  Int64Range r;
  bool typed = WithIntegers(v, [&](const auto* d) {
    if constexpr (std::is_same_v<std::remove_cv_t<std::remove_pointer_t<decltype(d)>>, int64_t>) {
      r = RangeOfValid(v);
    } else {
      const bool nulls = v.MayHaveNulls();
      for (size_t i = 0; i < v.size(); ++i) {
        if (nulls && v.IsNull(i)) continue;
        r.min = std::min(r.min, static_cast<int64_t>(d[i]));
        r.max = std::max(r.max, static_cast<int64_t>(d[i]));
      }
    }
  });
  *min = r.min;
  *max = r.max;
  return typed && r.min <= r.max;
}

void KeyWindowCells::FindKeys(const std::vector<VectorPtr>& keys, size_t begin, size_t n,
                              std::vector<uint32_t>* ids) {
  if (direct_) {
    ids->resize(n);
    const Vector& v = *keys[0];
    const bool nulls = v.MayHaveNulls();
    uint32_t* out = ids->data();
    WithIntegers(v, [&](const auto* d) {
      for (size_t i = 0; i < n; ++i) {
        size_t r = begin + i;
        out[i] = nulls && v.IsNull(r) ? static_cast<uint32_t>(key_range_)
                                      : static_cast<uint32_t>(static_cast<int64_t>(d[r]) - key_min_);
      }
    });
    return;
  }
  std::vector<VectorPtr> rows;
  for (const auto& k : keys) rows.push_back(k->Slice(begin, n));
  keys_.FindOrInsert(rows, n, ids);
  cells_.resize(keys_.size() * windows_, kNone);
}

}  // namespace sluice
