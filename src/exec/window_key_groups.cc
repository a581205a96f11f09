#include "exec/window_key_groups.h"

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

void KeyWindowCells::FindKeys(const std::vector<VectorPtr>& keys, size_t begin, size_t n,
                              std::vector<uint32_t>* ids) {
  std::vector<VectorPtr> rows;
  for (const auto& k : keys) rows.push_back(k->Slice(begin, n));
  keys_.FindOrInsert(rows, n, ids);
  cells_.resize(keys_.size() * windows_, kNone);
}

}  // namespace sluice
