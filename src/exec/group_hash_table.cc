#include "exec/group_hash_table.h"

namespace sluice {

GroupHashTable::GroupHashTable(std::vector<TypePtr> key_types) : key_types_(std::move(key_types)) {
  for (const auto& t : key_types_) keys_.push_back(std::make_shared<Vector>(t));
  slots_.assign(64, 0);
}

uint64_t HashKeyRow(const std::vector<VectorPtr>& keys, size_t row) {
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (const auto& k : keys) h = k->HashRow(row, h);
  return h;
}

uint64_t GroupHashTable::HashRow(const std::vector<VectorPtr>& keys, size_t row) const {
  return HashKeyRow(keys, row);
}

bool GroupHashTable::KeyEquals(const std::vector<VectorPtr>& keys, size_t row, uint32_t g) const {
  for (size_t c = 0; c < keys.size(); ++c) {
    if (!keys[c]->RowEquals(row, *keys_[c], g)) return false;
  }
  return true;
}

void GroupHashTable::Grow() {
  std::vector<uint32_t> slots(slots_.size() * 2, 0);
  size_t mask = slots.size() - 1;
  for (uint32_t g = 0; g < num_groups_; ++g) {
    size_t s = hashes_[g] & mask;
    while (slots[s]) s = (s + 1) & mask;
    slots[s] = g + 1;
  }
  slots_.swap(slots);
}

void GroupHashTable::FindOrInsert(const std::vector<VectorPtr>& keys, size_t n,
                                  std::vector<uint32_t>* group_ids) {
  group_ids->resize(n);
  if (keys_.empty()) {
    if (num_groups_ == 0 && n > 0) num_groups_ = 1;
    std::fill(group_ids->begin(), group_ids->end(), 0);
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    uint64_t h = HashRow(keys, i);
    size_t mask = slots_.size() - 1;
    size_t s = h & mask;
    while (true) {
      uint32_t v = slots_[s];
      if (v == 0) {
        uint32_t g = static_cast<uint32_t>(num_groups_++);
        for (size_t c = 0; c < keys.size(); ++c) keys_[c]->AppendFrom(*keys[c], i);
        hashes_.push_back(h);
        slots_[s] = g + 1;
        (*group_ids)[i] = g;
        if (num_groups_ * 2 > slots_.size()) Grow();
        break;
      }
      if (hashes_[v - 1] == h && KeyEquals(keys, i, v - 1)) {
        (*group_ids)[i] = v - 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
}

int64_t GroupHashTable::Find(const std::vector<VectorPtr>& keys, size_t row) const {
  if (keys_.empty()) return num_groups_ ? 0 : -1;
  uint64_t h = HashRow(keys, row);
  size_t mask = slots_.size() - 1;
  size_t s = h & mask;
  while (uint32_t v = slots_[s]) {
    if (hashes_[v - 1] == h && KeyEquals(keys, row, v - 1)) return v - 1;
    s = (s + 1) & mask;
  }
  return -1;
}

}  // namespace sluice
