#include "exec/group_hash_table.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>

namespace sluice {

namespace {

constexpr uint64_t kSeed = 0x9e3779b97f4a7c15ULL;
// A slot holds the low 32 bits of its group's hash in its high half (compared before the key, and
// giving the slot's home position without the hash: tables have at most 2^32 slots) and the group
// id + 1 in its low half.
constexpr uint64_t kTagMask = 0xFFFFFFFF00000000ULL;
inline uint64_t SlotTag(uint64_t hash) { return hash << 32; }
inline size_t SlotHome(uint64_t slot, size_t mask) { return static_cast<size_t>(slot >> 32) & mask; }
// Rows hashed and packed at a time by FindOrInsert.
constexpr size_t kChunkRows = 1024;

// Bytes of a packed value of `type` including its null flag; 0 if the type is not fixed-width.
size_t PackedBytes(const DataType& type) {
  switch (type.id()) {
    case TypeId::kBoolean:
    case TypeId::kByte: return 2;
    case TypeId::kShort: return 3;
    case TypeId::kInt:
    case TypeId::kDate:
    case TypeId::kFloat: return 5;
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kInterval:
    case TypeId::kDouble: return 9;
    case TypeId::kDecimal: return 17;
    case TypeId::kStruct: {
      size_t total = 1;
      for (const auto& f : type.fields()) {
        size_t b = PackedBytes(*f.type);
        if (b == 0) return 0;
        total += b;
      }
      return total;
    }
    default: return 0;
  }
}

// Writes rows [begin, begin + n) of `v` at byte `offset` of each `stride`-byte row of `base`
// (zeroed before): a null flag byte, then the value normalized for grouping equality.
void PackColumn(const Vector& v, size_t begin, size_t n, uint8_t* base, size_t stride, size_t offset) {
  size_t width = PackedBytes(*v.type()) - 1;
  if (v.type_id() == TypeId::kStruct) {
    size_t child_offset = offset + 1;
    for (size_t c = 0; c < v.num_children(); ++c) {
      PackColumn(*v.child(c), begin, n, base, stride, child_offset);
      child_offset += PackedBytes(*v.child(c)->type());
    }
  } else if (v.type_id() == TypeId::kFloat) {
    const float* d = v.data<float>() + begin;
    for (size_t i = 0; i < n; ++i) {
      float f = d[i];
      uint32_t bits;
      if (std::isnan(f)) {
        bits = 0x7fc00000U;
      } else {
        if (f == 0.0f) f = 0.0f;
        std::memcpy(&bits, &f, 4);
      }
      std::memcpy(base + i * stride + offset + 1, &bits, 4);
    }
  } else if (v.type_id() == TypeId::kDouble) {
    const double* d = v.data<double>() + begin;
    for (size_t i = 0; i < n; ++i) {
      double x = d[i];
      uint64_t bits;
      if (std::isnan(x)) {
        bits = 0x7ff8000000000000ULL;
      } else {
        if (x == 0.0) x = 0.0;
        std::memcpy(&bits, &x, 8);
      }
      std::memcpy(base + i * stride + offset + 1, &bits, 8);
    }
  } else {
    const uint8_t* d = v.data<uint8_t>() + begin * width;
    switch (width) {
      case 1:
        for (size_t i = 0; i < n; ++i) base[i * stride + offset + 1] = d[i];
        break;
      case 8:
        for (size_t i = 0; i < n; ++i) std::memcpy(base + i * stride + offset + 1, d + i * 8, 8);
        break;
      case 4:
        for (size_t i = 0; i < n; ++i) std::memcpy(base + i * stride + offset + 1, d + i * 4, 4);
        break;
      default:
        for (size_t i = 0; i < n; ++i) std::memcpy(base + i * stride + offset + 1, d + i * width, width);
        break;
    }
  }
  if (v.MayHaveNulls()) {
    for (size_t i = 0; i < n; ++i) {
      if (v.IsNull(begin + i)) {
        uint8_t* p = base + i * stride + offset;
        std::memset(p, 0, width + 1);
        p[0] = 1;
      }
    }
  }
}

// Equality of two packed key rows of `words` words, inlined for the common short rows (a library
// memcmp call costs more than the compare itself).
inline bool PackedEqual(const uint64_t* a, const uint64_t* b, size_t words) {
  switch (words) {
    case 1: return a[0] == b[0];
    case 2: return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0;
    case 3: return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2])) == 0;
    case 4: return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0;
    default:
      for (size_t w = 0; w < words; ++w) {
        if (a[w] != b[w]) return false;
      }
      return true;
  }
}

}  // namespace

uint64_t HashKeyRow(const std::vector<VectorPtr>& keys, size_t row) {
  uint64_t h = kSeed;
  for (const auto& k : keys) h = k->HashRow(row, h);
  return h;
}

void HashKeyRows(const std::vector<VectorPtr>& keys, size_t begin, size_t n, uint64_t* hashes) {
  std::fill(hashes, hashes + n, kSeed);
  for (const auto& k : keys) k->HashRows(begin, n, hashes);
}

GroupHashTable::GroupHashTable(std::vector<TypePtr> key_types) : key_types_(std::move(key_types)) {
  size_t bytes = 0;
  bool packable = true;
  for (const auto& t : key_types_) {
    keys_.push_back(std::make_shared<Vector>(t));
    size_t b = PackedBytes(*t);
    packable = packable && b > 0;
    bytes += b;
  }
  packed_words_ = packable ? (bytes + 7) / 8 : 0;
  slots_.assign(64, 0);
}

void GroupHashTable::PackRows(const std::vector<VectorPtr>& keys, size_t begin, size_t n, uint64_t* out) const {
  std::fill(out, out + n * packed_words_, 0);
  auto* base = reinterpret_cast<uint8_t*>(out);
  size_t stride = packed_words_ * 8;
  size_t offset = 0;
  for (const auto& k : keys) {
    PackColumn(*k, begin, n, base, stride, offset);
    offset += PackedBytes(*k->type());
  }
}

bool GroupHashTable::KeyEquals(const std::vector<VectorPtr>& keys, size_t row, uint32_t g) const {
  for (size_t c = 0; c < keys.size(); ++c) {
    if (!keys[c]->RowEquals(row, *keys_[c], g)) return false;
  }
  return true;
}

void GroupHashTable::Reserve(size_t n) {
  size_t num_slots = slots_.size();
  while (n * 2 > num_slots) num_slots *= 2;
  if (num_slots != slots_.size()) Rehash(num_slots);
  hashes_.reserve(n);
  if (packed_words_ > 0) packed_keys_.reserve(n * packed_words_);
  for (auto& k : keys_) k->Reserve(n);
}

void GroupHashTable::Grow() { Rehash(slots_.size() * 2); }

void GroupHashTable::Compact(const SelectionVector& keep) {
  for (auto& k : keys_) k->KeepRows(keep);
  const size_t words = packed_words_;
  for (size_t i = 0; i < keep.size(); ++i) {
    hashes_[i] = hashes_[keep[i]];
    if (words > 0) {
      std::copy_n(packed_keys_.begin() + static_cast<ptrdiff_t>(keep[i] * words), words,
                  packed_keys_.begin() + static_cast<ptrdiff_t>(i * words));
    }
  }
  hashes_.resize(keep.size());
  packed_keys_.resize(keep.size() * words);
  num_groups_ = keep.size();

  // The slot array keeps its size; the kept groups are re-inserted from their stored hashes.
  std::fill(slots_.begin(), slots_.end(), 0);
  const size_t mask = slots_.size() - 1;
  for (uint32_t g = 0; g < num_groups_; ++g) {
    uint64_t h = hashes_[g];
    size_t t = h & mask;
    while (slots_[t] != 0) t = (t + 1) & mask;
    slots_[t] = SlotTag(h) | (uint64_t{g} + 1);
  }
}

void GroupHashTable::Rehash(size_t num_slots) {
  // The slots of the old array in order: their homes in the new one come from the slots alone, so
  // the pass reads sequentially and writes near-sequentially.
  std::vector<uint64_t> slots(num_slots, 0);
  const size_t mask = num_slots - 1;
  for (uint64_t v : slots_) {
    if (v == 0) continue;
    size_t t = SlotHome(v, mask);
    while (slots[t] != 0) t = (t + 1) & mask;
    slots[t] = v;
  }
  slots_.swap(slots);
}

size_t GroupHashTable::ProbeSlot(uint64_t h, const uint64_t* packed, const std::vector<VectorPtr>& keys,
                                 size_t row) const {
  const uint64_t tag = SlotTag(h);
  const size_t mask = slots_.size() - 1;
  const size_t words = packed_words_;
  for (size_t s = h & mask;; s = (s + 1) & mask) {
    uint64_t v = slots_[s];
    if (v == 0) return s;
    if ((v & kTagMask) != tag) continue;
    auto g = static_cast<uint32_t>((v & ~kTagMask) - 1);
    bool equal;
    if (packed != nullptr) {
      const uint64_t* stored = packed_keys_.data() + static_cast<size_t>(g) * words;
      equal = PackedEqual(packed, stored, words);
    } else {
      equal = hashes_[g] == h && KeyEquals(keys, row, g);
    }
    if (equal) return s;
  }
}

void GroupHashTable::FindOrInsert(const std::vector<VectorPtr>& keys, size_t n,
                                  std::vector<uint32_t>* group_ids, const uint64_t* hashes) {
  group_ids->resize(n);
  if (keys_.empty()) {
    if (num_groups_ == 0 && n > 0) num_groups_ = 1;
    std::fill(group_ids->begin(), group_ids->end(), 0);
    return;
  }
  const size_t words = packed_words_;
  chunk_hashes_.resize(kChunkRows);
  chunk_packed_.resize(kChunkRows * words);
  uint32_t* ids = group_ids->data();
  // With packed keys, probes compare packed rows only, so the key columns of a chunk's new groups
  // are appended in one go when the chunk is done (rows `new_rows`).
  SelectionVector& new_rows = chunk_new_rows_;
  new_rows.clear();
  auto append_new_keys = [&] {
    if (new_rows.empty()) return;
    for (size_t c = 0; c < keys.size(); ++c) keys_[c]->AppendSelected(*keys[c], new_rows);
    new_rows.clear();
  };
  const uint64_t* chunk_h = chunk_hashes_.data();
  for (size_t i = 0; i < n; ++i) {
    size_t k = i % kChunkRows;
    if (k == 0) {
      append_new_keys();
      size_t m = std::min(kChunkRows, n - i);
      if (hashes != nullptr) {
        chunk_h = hashes + i;
#ifndef NDEBUG
        HashKeyRows(keys, i, m, chunk_hashes_.data());
        for (size_t r = 0; r < m; ++r) assert(chunk_h[r] == chunk_hashes_[r] && "caller's hash differs from HashKeyRow");
#endif
      } else {
        HashKeyRows(keys, i, m, chunk_hashes_.data());
      }
      if (words > 0) PackRows(keys, i, m, chunk_packed_.data());
    }
    uint64_t h = chunk_h[k];
    size_t mask = slots_.size() - 1;
    // Software pipelining over the chunk: the slot of a row kSlotAhead rows on, and the stored key
    // its slot points to kKeyAhead rows on, are fetched while this row is probed.
    constexpr size_t kSlotAhead = 16, kKeyAhead = 8;
    if (k + kSlotAhead < kChunkRows && i + kSlotAhead < n) {
      __builtin_prefetch(&slots_[chunk_h[k + kSlotAhead] & mask]);
    }
    if (words > 0 && k + kKeyAhead < kChunkRows && i + kKeyAhead < n) {
      uint64_t ahead = slots_[chunk_h[k + kKeyAhead] & mask];
      if (ahead != 0) __builtin_prefetch(&packed_keys_[((ahead & ~kTagMask) - 1) * words]);
    }
    const uint64_t* packed = words > 0 ? chunk_packed_.data() + k * words : nullptr;
    size_t s = ProbeSlot(h, packed, keys, i);
    if (slots_[s] != 0) {
      ids[i] = static_cast<uint32_t>((slots_[s] & ~kTagMask) - 1);
      continue;
    }
    uint32_t g = static_cast<uint32_t>(num_groups_++);
    if (words > 0) {
      new_rows.push_back(static_cast<uint32_t>(i));
      packed_keys_.insert(packed_keys_.end(), packed, packed + words);
    } else {
      for (size_t c = 0; c < keys.size(); ++c) keys_[c]->AppendFrom(*keys[c], i);
    }
    hashes_.push_back(h);
    slots_[s] = SlotTag(h) | (uint64_t{g} + 1);
    ids[i] = g;
    if (num_groups_ * 2 > slots_.size()) Grow();
  }
  append_new_keys();
}

void GroupHashTable::FindAll(const std::vector<VectorPtr>& keys, size_t n, std::vector<int64_t>* ids) const {
  ids->assign(n, -1);
  if (keys_.empty()) {
    if (num_groups_ > 0) std::fill(ids->begin(), ids->end(), 0);
    return;
  }
  const size_t words = packed_words_;
  std::vector<uint64_t> hashes(std::min(n, kChunkRows));
  std::vector<uint64_t> packed(words > 0 ? hashes.size() * words : 0);
  for (size_t begin = 0; begin < n; begin += kChunkRows) {
    size_t m = std::min(kChunkRows, n - begin);
    HashKeyRows(keys, begin, m, hashes.data());
    if (words > 0) PackRows(keys, begin, m, packed.data());
    for (size_t k = 0; k < m; ++k) {
      size_t s = ProbeSlot(hashes[k], words > 0 ? packed.data() + k * words : nullptr, keys, begin + k);
      if (slots_[s] != 0) (*ids)[begin + k] = static_cast<int64_t>((slots_[s] & ~kTagMask) - 1);
    }
  }
}

int64_t GroupHashTable::Find(const std::vector<VectorPtr>& keys, size_t row) const {
  if (keys_.empty()) return num_groups_ ? 0 : -1;
  size_t s = ProbeSlot(HashKeyRow(keys, row), nullptr, keys, row);
  return slots_[s] != 0 ? static_cast<int64_t>((slots_[s] & ~kTagMask) - 1) : -1;
}

}  // namespace sluice
