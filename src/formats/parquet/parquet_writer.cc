#include "formats/parquet/parquet_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "formats/parquet/page_values.h"
#include "formats/parquet/parquet_codec.h"
#include "formats/parquet/parquet_encoding.h"
#include "formats/parquet/parquet_schema.h"
#include "sluice/exception.h"
#include "types/mix64.h"

namespace sluice {

using namespace parquet;  // NOLINT

ParquetWriteOptions ParquetWriteOptions::FromMap(const OptionMap& options) {
  ParquetWriteOptions o;
  std::string codec = GetString(options, "compression", GetString(options, "codec", "snappy"));
  if (!ParseCodecName(codec, &o.codec)) {
    throw AnalysisError(fmt::format(
        "[CODEC_NOT_AVAILABLE] The codec {} is not available. Available codecs are none, "
        "uncompressed, snappy, gzip, zstd, lz4_raw. SQLSTATE: 56038",
        codec));
  }
  o.row_group_bytes = std::max<int64_t>(1, GetInt(options, "parquet.block.size", o.row_group_bytes));
  o.page_bytes = std::max<int64_t>(1, GetInt(options, "parquet.page.size", o.page_bytes));
  o.dictionary_page_bytes =
      std::max<int64_t>(0, GetInt(options, "parquet.dictionary.page.size", o.dictionary_page_bytes));
  o.dictionary = GetBool(options, "parquet.enable.dictionary", true);
  return o;
}

namespace {

// Write-side plan node (mirrors ToParquetSchema's layout).
struct WNode {
  enum Kind : uint8_t { kLeaf, kStruct, kList, kMap } kind = kLeaf;
  TypePtr type;
  bool nullable = true;
  int def = 0;       // level when present
  int elem_def = 0;  // LIST/MAP: level when an element exists
  int rep = 0;       // LIST/MAP: repetition level of the repeated group
  std::vector<WNode> children;
  int leaf = -1;
  std::vector<int> leaves;  // leaf indexes under this node
};

struct LeafBuffer {
  const SchemaElement* element = nullptr;
  std::string path_name;
  std::vector<std::string> path;
  TypePtr type;
  int max_def = 0, max_rep = 0;
  std::vector<uint8_t> def, rep;
  const Vector* source = nullptr;
  SelectionVector rows;  // nested leaves: rows of `source` holding the non-null values
  PhysicalValues values; // the row group's non-null values, physical (reused between row groups)
};

WNode BuildNode(const TypePtr& type, bool nullable, int parent_def, int parent_rep,
                std::vector<std::string> path, std::vector<LeafBuffer>* leaves) {
  WNode n;
  n.type = type;
  n.nullable = nullable;
  n.def = parent_def + (nullable ? 1 : 0);
  switch (type->id()) {
    case TypeId::kStruct:
      n.kind = WNode::kStruct;
      for (const StructField& f : type->fields()) {
        auto p = path;
        p.push_back(f.name);
        n.children.push_back(BuildNode(f.type, f.nullable, n.def, parent_rep, p, leaves));
      }
      break;
    case TypeId::kArray: {
      n.kind = WNode::kList;
      n.elem_def = n.def + 1;
      n.rep = parent_rep + 1;
      auto p = path;
      p.push_back("list");
      p.push_back("element");
      n.children.push_back(
          BuildNode(type->element_type(), type->contains_null(), n.elem_def, n.rep, p, leaves));
      break;
    }
    case TypeId::kMap: {
      n.kind = WNode::kMap;
      n.elem_def = n.def + 1;
      n.rep = parent_rep + 1;
      auto p = path;
      p.push_back("key_value");
      auto kp = p, vp = p;
      kp.push_back("key");
      vp.push_back("value");
      n.children.push_back(BuildNode(type->key_type(), false, n.elem_def, n.rep, kp, leaves));
      n.children.push_back(
          BuildNode(type->value_type(), type->contains_null(), n.elem_def, n.rep, vp, leaves));
      break;
    }
    default: {
      n.kind = WNode::kLeaf;
      n.leaf = static_cast<int>(leaves->size());
      LeafBuffer lb;
      lb.type = type;
      lb.max_def = n.def;
      lb.max_rep = parent_rep;
      lb.path = path;
      for (size_t i = 0; i < path.size(); ++i) lb.path_name += (i ? "." : "") + path[i];
      leaves->push_back(std::move(lb));
    }
  }
  if (n.kind == WNode::kLeaf) {
    n.leaves.push_back(n.leaf);
  } else {
    for (const WNode& c : n.children) n.leaves.insert(n.leaves.end(), c.leaves.begin(), c.leaves.end());
  }
  return n;
}

void EmitEmpty(const WNode& n, int rep, int def, std::vector<LeafBuffer>* leaves) {
  for (int l : n.leaves) {
    LeafBuffer& b = (*leaves)[static_cast<size_t>(l)];
    if (b.max_rep > 0) b.rep.push_back(static_cast<uint8_t>(rep));
    if (b.max_def > 0) b.def.push_back(static_cast<uint8_t>(def));
  }
}

void Shred(const WNode& n, const Vector& v, size_t row, int rep, int parent_def,
           std::vector<LeafBuffer>* leaves) {
  if (v.IsNull(row)) {
    if (!n.nullable) {
      throw ExecutionError("Cannot write a NULL into the non-nullable Parquet column " +
                           (*leaves)[static_cast<size_t>(n.leaves[0])].path_name);
    }
    EmitEmpty(n, rep, parent_def, leaves);
    return;
  }
  switch (n.kind) {
    case WNode::kLeaf: {
      LeafBuffer& b = (*leaves)[static_cast<size_t>(n.leaf)];
      if (b.max_rep > 0) b.rep.push_back(static_cast<uint8_t>(rep));
      if (b.max_def > 0) b.def.push_back(static_cast<uint8_t>(n.def));
      b.source = &v;
      b.rows.push_back(static_cast<uint32_t>(row));
      return;
    }
    case WNode::kStruct:
      for (size_t k = 0; k < n.children.size(); ++k) {
        Shred(n.children[k], *v.child(k), row, rep, n.def, leaves);
      }
      return;
    case WNode::kList:
    case WNode::kMap: {
      int64_t b = v.ListBegin(row), e = v.ListEnd(row);
      if (b == e) {
        EmitEmpty(n, rep, n.def, leaves);
        return;
      }
      for (int64_t k = b; k < e; ++k) {
        int r = k == b ? rep : n.rep;
        Shred(n.children[0], *v.child(0), static_cast<size_t>(k), r, n.elem_def, leaves);
        if (n.kind == WNode::kMap) {
          Shred(n.children[1], *v.child(1), static_cast<size_t>(k), r, n.elem_def, leaves);
        }
      }
      return;
    }
  }
}

// Appends the physical bytes of row r of v (not null) to pv.
void AppendPhysical(const LeafBuffer& b, PhysicalType pt, const Vector& v, size_t r,
                    PhysicalValues* pv) {
  auto put = [&](const void* p, size_t w) {
    const auto* u = static_cast<const uint8_t*>(p);
    pv->fixed.insert(pv->fixed.end(), u, u + w);
  };
  switch (pt) {
    case PhysicalType::kBoolean:
      pv->fixed.push_back(v.Get<uint8_t>(r) ? 1 : 0);
      break;
    case PhysicalType::kInt32: {
      int32_t x = 0;
      switch (b.type->id()) {
        case TypeId::kByte: x = v.Get<int8_t>(r); break;
        case TypeId::kShort: x = v.Get<int16_t>(r); break;
        case TypeId::kDecimal: x = static_cast<int32_t>(v.Get<__int128>(r)); break;
        default: x = v.Get<int32_t>(r);
      }
      put(&x, 4);
      break;
    }
    case PhysicalType::kInt64: {
      int64_t x = b.type->id() == TypeId::kDecimal ? static_cast<int64_t>(v.Get<__int128>(r))
                                                   : v.Get<int64_t>(r);
      put(&x, 8);
      break;
    }
    case PhysicalType::kFloat: {
      float x = v.Get<float>(r);
      put(&x, 4);
      break;
    }
    case PhysicalType::kDouble: {
      double x = v.Get<double>(r);
      put(&x, 8);
      break;
    }
    case PhysicalType::kFixedLenByteArray: {
      int len = b.element->type_length;
      __int128 x = v.Get<__int128>(r);
      for (int k = len - 1; k >= 0; --k) {
        pv->fixed.push_back(static_cast<uint8_t>(static_cast<unsigned __int128>(x) >> (8 * k)));
      }
      break;
    }
    case PhysicalType::kByteArray: {
      std::string_view s = v.GetString(r);
      pv->AppendBytes(s.data(), s.size());
      return;
    }
    case PhysicalType::kInt96:
      return;
  }
  ++pv->count;
}

// Whether the PLAIN bytes of `pt` are the vector's own value bytes for type `id`.
bool SameLayout(PhysicalType pt, TypeId id) {
  switch (pt) {
    case PhysicalType::kInt32: return id == TypeId::kInt || id == TypeId::kDate;
    case PhysicalType::kInt64:
      return id == TypeId::kLong || id == TypeId::kTimestamp || id == TypeId::kTimestampNtz;
    case PhysicalType::kFloat: return id == TypeId::kFloat;
    case PhysicalType::kDouble: return id == TypeId::kDouble;
    default: return false;
  }
}

// Appends the non-null values of a flat column vector to pv: whole buffers at once when the
// vector has no nulls and its layout is the physical one, value by value otherwise.
void AppendColumn(const LeafBuffer& b, PhysicalType pt, const Vector& v, bool has_nulls,
                  PhysicalValues* pv) {
  size_t n = v.size();
  if (n == 0) return;
  if (!has_nulls && SameLayout(pt, v.type_id())) {
    const uint8_t* p = v.data<uint8_t>();
    pv->fixed.insert(pv->fixed.end(), p, p + n * static_cast<size_t>(pv->width));
    pv->count += n;
    return;
  }
  if (!has_nulls && pt == PhysicalType::kByteArray) {
    const std::vector<int64_t>& off = v.offsets();
    int64_t shift = static_cast<int64_t>(pv->chars.size()) - off[0];
    pv->chars.insert(pv->chars.end(), v.chars().data() + off[0], v.chars().data() + off[n]);
    size_t base = pv->offsets.size();
    pv->offsets.resize(base + n);
    int64_t* dst = pv->offsets.data() + base;
    for (size_t i = 0; i < n; ++i) dst[i] = off[i + 1] + shift;
    pv->count += n;
    return;
  }
  for (size_t r = 0; r < n; ++r) {
    if (!has_nulls || v.IsValid(r)) AppendPhysical(b, pt, v, r, pv);
  }
}

// Physical bytes of a nested leaf's non-null values (b.rows of b.source).
void ToPhysical(LeafBuffer& b) {
  PhysicalType pt = *b.element->type;
  for (uint32_t r : b.rows) AppendPhysical(b, pt, *b.source, r, &b.values);
}

uint64_t HashBytes(const char* p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xff51afd7ed558ccdULL);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n >= 4) {
    uint32_t w;
    std::memcpy(&w, p, 4);
    h = (h ^ w) * 0x94d049bb133111ebULL;
    h ^= h >> 29;
    p += 4;
    n -= 4;
  }
  for (; n > 0; --n) h = (h ^ static_cast<uint8_t>(*p++)) * 0x100000001b3ULL;
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ULL;
  h ^= h >> 32;
  return h;
}

// Assigns dictionary ids in first-seen order: an open-addressing table of ids into `dict`, whose
// entries are the keys. Keys of up to 8 bytes (every fixed-width type but INT96 and long
// FIXED_LEN_BYTE_ARRAY, and short strings) live in the slots themselves, so a probe touches one
// cache line and compares one word; longer keys are compared against the dictionary after a match
// of their full hash.
class DictionaryBuilder {
 public:
  explicit DictionaryBuilder(PhysicalValues* dict)
      : dict_(dict), inline_keys_(dict->width > 0 && dict->width <= 8) {
    Rehash(1024);
  }

  /// Grows the table for `entries` keys at once (instead of doubling its way there). The caller
  /// expects to give up on the dictionary beyond about that many keys, so the table then grows only
  /// when it is 3/4 full (not at 1/2), sparing a rehash just before the dictionary is dropped.
  void Reserve(size_t entries) {
    size_t capacity = slots_.size();
    while (capacity < 2 * entries) capacity *= 2;
    if (capacity > slots_.size()) Rehash(capacity);
    expected_entries_ = entries;
  }
  /// Whether the table has outgrown the caches, so that probes are worth prefetching.
  bool Large() const { return slots_.size() > 8192; }
  /// Starts loading the slot where `key` would be probed first (a hint; see Large()).
  void Prefetch(std::string_view key) const {
    __builtin_prefetch(&slots_[static_cast<size_t>(MakeProbe(key).hash) & mask_]);
  }

  /// The id of `key`, appended to the dictionary when new (*inserted says which).
  uint32_t Insert(std::string_view key, bool* inserted) {
    Probe p = MakeProbe(key);
    size_t slot = static_cast<size_t>(p.hash) & mask_;
    while (true) {
      Slot& s = slots_[slot];
      if (s.id1 == 0) break;
      if (s.key == p.key && s.len1 == p.len1 &&
          (inline_keys_ || p.len1 != 0 || Key(s.id1 - 1) == key)) {
        *inserted = false;
        return s.id1 - 1;
      }
      slot = (slot + 1) & mask_;
    }
    uint32_t id = static_cast<uint32_t>(dict_->count);
    if (dict_->width == 0) {
      dict_->AppendBytes(key.data(), key.size());
    } else {
      dict_->fixed.insert(dict_->fixed.end(), key.begin(), key.end());
      ++dict_->count;
    }
    slots_[slot] = Slot{p.key, id + 1, p.len1};
    *inserted = true;
    size_t count = dict_->count;
    bool grow = count > expected_entries_ ? count * 4 > slots_.size() * 3 : count * 2 > slots_.size();
    if (grow) {
      Rehash(slots_.size() * 2);
    }
    return id;
  }

 private:
  // Fixed-width keys of up to 8 bytes and byte arrays of up to 8 bytes are held in the slot itself
  // (`key` = their bytes; for byte arrays `len1` = length + 1 tells them apart); longer keys by
  // their full hash (`len1` = 0), confirmed against the dictionary on a match.
  struct Slot {
    uint64_t key;
    uint32_t id1;   // id + 1, 0 = empty
    uint32_t len1;  // byte arrays held inline: length + 1; else 0
  };
  struct Probe {
    uint64_t key;
    uint32_t len1;
    uint64_t hash;
  };
  // The n <= 8 bytes at p as a little-endian word (zero above them), without a variable-length
  // memcpy (whose byte stores the following 8-byte load would wait for).
  static uint64_t LoadWord(const char* p, size_t n) {
    const auto* u = reinterpret_cast<const uint8_t*>(p);
    if (n == 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      return w;
    }
    if (n >= 4) {  // two overlapping 4-byte loads
      uint32_t lo, hi;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      return uint64_t{lo} | (uint64_t{hi} << (8 * (n - 4)));
    }
    if (n == 0) return 0;
    return uint64_t{u[0]} | (uint64_t{u[n / 2]} << (8 * (n / 2))) | (uint64_t{u[n - 1]} << (8 * (n - 1)));
  }
  Probe MakeProbe(std::string_view key) const {
    if (inline_keys_ || key.size() <= 8) {
      uint64_t word = LoadWord(key.data(), key.size());
      uint32_t len1 = inline_keys_ ? 0 : static_cast<uint32_t>(key.size()) + 1;
      return Probe{word, len1, SlotHash(word, len1)};
    }
    uint64_t h = HashBytes(key.data(), key.size());
    return Probe{h, 0, h};
  }
  // The hash of a slot's key: recomputed from inline bytes, stored for the others.
  uint64_t SlotHash(uint64_t key, uint32_t len1) const {
    if (inline_keys_) return Mix64(key);
    if (len1 != 0) return Mix64(key ^ (uint64_t{len1} * 0x9E3779B97F4A7C15ULL));
    return key;
  }
  std::string_view Key(uint32_t id) const {
    if (dict_->width == 0) {
      return std::string_view(dict_->chars.data() + dict_->offsets[id],
                              static_cast<size_t>(dict_->offsets[id + 1] - dict_->offsets[id]));
    }
    size_t w = static_cast<size_t>(dict_->width);
    return std::string_view(reinterpret_cast<const char*>(dict_->fixed.data()) + id * w, w);
  }
  void Rehash(size_t capacity) {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(capacity, Slot{0, 0, 0});
    mask_ = capacity - 1;
    for (const Slot& s : old) {
      if (s.id1 == 0) continue;
      uint64_t h = SlotHash(s.key, s.len1);
      size_t slot = static_cast<size_t>(h) & mask_;
      while (slots_[slot].id1 != 0) slot = (slot + 1) & mask_;
      slots_[slot] = s;
    }
  }

  PhysicalValues* dict_;
  bool inline_keys_;
  size_t expected_entries_ = SIZE_MAX;  // see Reserve
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

std::string_view ValueBytes(const PhysicalValues& pv, size_t i) {
  if (pv.width == 0) {
    return std::string_view(pv.chars.data() + pv.offsets[i],
                            static_cast<size_t>(pv.offsets[i + 1] - pv.offsets[i]));
  }
  return std::string_view(reinterpret_cast<const char*>(pv.fixed.data()) + i * pv.width,
                          static_cast<size_t>(pv.width));
}

void AppendPlain(const PhysicalValues& pv, PhysicalType pt, size_t begin, size_t end, std::string* out) {
  if (pt == PhysicalType::kBoolean) {
    size_t n = end - begin;
    size_t base = out->size();
    out->resize(base + (n + 7) / 8, '\0');
    for (size_t i = 0; i < n; ++i) {
      if (pv.fixed[begin + i]) (*out)[base + i / 8] |= static_cast<char>(1 << (i % 8));
    }
    return;
  }
  if (pv.width == 0) {
    // Sized once: 4-byte lengths plus the values' bytes.
    size_t total = 4 * (end - begin) + static_cast<size_t>(pv.offsets[end] - pv.offsets[begin]);
    size_t pos = out->size();
    out->resize(pos + total);
    char* dst = out->data();
    for (size_t i = begin; i < end; ++i) {
      std::string_view s = ValueBytes(pv, i);
      uint32_t len = static_cast<uint32_t>(s.size());
      std::memcpy(dst + pos, &len, 4);
      std::memcpy(dst + pos + 4, s.data(), s.size());
      pos += 4 + s.size();
    }
    return;
  }
  out->append(reinterpret_cast<const char*>(pv.fixed.data()) + begin * pv.width,
              (end - begin) * pv.width);
}

// Min/max statistics in the column's sort order.
void ComputeStatistics(const PhysicalValues& pv, PhysicalType pt, const TypePtr& type,
                       Statistics* s) {
  if (pv.count == 0) return;
  if (pt == PhysicalType::kFixedLenByteArray) return;  // decimals: signed order not implemented
  auto enc = [](auto x) { return std::string(reinterpret_cast<const char*>(&x), sizeof(x)); };
  switch (pt) {
    case PhysicalType::kBoolean: {
      uint8_t lo = 1, hi = 0;
      for (uint8_t x : pv.fixed) lo = std::min(lo, x), hi = std::max(hi, x);
      s->min_value = std::string(1, static_cast<char>(lo));
      s->max_value = std::string(1, static_cast<char>(hi));
      return;
    }
    case PhysicalType::kInt32: {
      const auto* d = reinterpret_cast<const int32_t*>(pv.fixed.data());
      int32_t lo = d[0], hi = d[0];
      for (size_t i = 1; i < pv.count; ++i) lo = std::min(lo, d[i]), hi = std::max(hi, d[i]);
      s->min_value = enc(lo);
      s->max_value = enc(hi);
      return;
    }
    case PhysicalType::kInt64: {
      const auto* d = reinterpret_cast<const int64_t*>(pv.fixed.data());
      int64_t lo = d[0], hi = d[0];
      for (size_t i = 1; i < pv.count; ++i) lo = std::min(lo, d[i]), hi = std::max(hi, d[i]);
      s->min_value = enc(lo);
      s->max_value = enc(hi);
      return;
    }
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: {
      bool any = false;
      double lo = 0, hi = 0;
      for (size_t i = 0; i < pv.count; ++i) {
        double x;
        if (pt == PhysicalType::kFloat) {
          float f;
          std::memcpy(&f, pv.fixed.data() + 4 * i, 4);
          x = f;
        } else {
          std::memcpy(&x, pv.fixed.data() + 8 * i, 8);
        }
        if (std::isnan(x)) continue;
        if (!any) lo = hi = x, any = true;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
      if (!any) return;
      if (lo == 0) lo = -0.0;
      if (hi == 0) hi = 0.0;
      if (pt == PhysicalType::kFloat) {
        s->min_value = enc(static_cast<float>(lo));
        s->max_value = enc(static_cast<float>(hi));
      } else {
        s->min_value = enc(lo);
        s->max_value = enc(hi);
      }
      return;
    }
    case PhysicalType::kByteArray: {
      std::string_view lo = ValueBytes(pv, 0), hi = lo;
      for (size_t i = 1; i < pv.count; ++i) {
        std::string_view x = ValueBytes(pv, i);
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      s->min_value = std::string(lo);
      s->max_value = std::string(hi);
      return;
    }
    default: return;
  }
}

}  // namespace

struct ParquetWriter::Impl {
  std::vector<SchemaElement> schema;
  std::vector<WNode> fields;
  std::vector<LeafBuffer> leaves;
};

ParquetWriter::ParquetWriter(TypePtr schema, ParquetWriteOptions options, ByteSink sink)
    : schema_(std::move(schema)), options_(std::move(options)), sink_(std::move(sink)),
      impl_(std::make_unique<Impl>()) {
  impl_->schema = ToParquetSchema(schema_);
  for (const StructField& f : schema_->fields()) {
    impl_->fields.push_back(BuildNode(f.type, f.nullable, 0, 0, {f.name}, &impl_->leaves));
  }
  size_t li = 0;
  for (const SchemaElement& e : impl_->schema) {
    if (e.type) impl_->leaves[li++].element = nullptr;  // set below (vector may not move later)
  }
  li = 0;
  for (size_t i = 0; i < impl_->schema.size(); ++i) {
    if (impl_->schema[i].type) impl_->leaves[li++].element = &impl_->schema[i];
  }
  metadata_.version = 1;
  metadata_.schema = impl_->schema;
  metadata_.created_by = "parquet-sluice version 0.1.0 (build sluice)";
  metadata_.has_column_orders = true;
  out_ = "PAR1";
}

ParquetWriter::~ParquetWriter() = default;

void ParquetWriter::Write(const RecordBatchPtr& batch) {
  if (!batch || batch->num_rows() == 0) return;
  int64_t bytes = EstimateBatchBytes(*batch);
  pending_.push_back(batch);
  pending_bytes_ += bytes;
  rows_ += static_cast<int64_t>(batch->num_rows());
  if (pending_bytes_ >= options_.row_group_bytes) FlushRowGroup();
}

void ParquetWriter::FlushRowGroup() {
  if (pending_.empty()) return;
  std::vector<RecordBatchPtr> batches;
  batches.swap(pending_);
  pending_bytes_ = 0;
  size_t rows = 0;
  for (const RecordBatchPtr& b : batches) rows += b->num_rows();
  std::vector<LeafBuffer>& leaves = impl_->leaves;
  for (LeafBuffer& b : leaves) {
    b.def.clear();
    b.rep.clear();
    b.rows.clear();
    b.source = nullptr;
    b.values.Clear();
    b.values.width = PhysicalWidth(*b.element->type, b.element->type_length);
  }
  for (size_t f = 0; f < impl_->fields.size(); ++f) {
    const WNode& node = impl_->fields[f];
    if (node.kind == WNode::kLeaf) {
      // Flat: the batches' buffers are appended whole where the layouts allow.
      LeafBuffer& b = leaves[static_cast<size_t>(node.leaf)];
      PhysicalType pt = *b.element->type;
      if (b.values.width > 0) b.values.fixed.reserve(rows * static_cast<size_t>(b.values.width));
      if (b.max_def > 0) b.def.reserve(rows);
      for (const RecordBatchPtr& batch : batches) {
        const Vector& col = *batch->column(f);
        bool has_nulls = col.MayHaveNulls() && col.CountNulls() > 0;
        if (has_nulls && !node.nullable) {
          throw ExecutionError("Cannot write a NULL into the non-nullable Parquet column " + b.path_name);
        }
        if (b.max_def > 0) {
          size_t base = b.def.size();
          b.def.resize(base + col.size(), 1);
          if (has_nulls) {
            for (size_t r = 0; r < col.size(); ++r) {
              if (col.IsNull(r)) b.def[base + r] = 0;
            }
          }
        }
        AppendColumn(b, pt, col, has_nulls, &b.values);
      }
      continue;
    }
    // Nested: shredded row by row from one vector for the whole row group.
    VectorPtr col = batches[0]->column(f);
    if (batches.size() > 1) {
      col = std::make_shared<Vector>(batches[0]->column(f)->type());
      col->Reserve(rows);
      for (const RecordBatchPtr& batch : batches) col->AppendRange(*batch->column(f), 0, batch->num_rows());
    }
    for (size_t r = 0; r < rows; ++r) Shred(node, *col, r, 0, 0, &leaves);
    for (int l : node.leaves) {
      LeafBuffer& b = leaves[static_cast<size_t>(l)];
      if (b.source != nullptr) ToPhysical(b);
      b.source = nullptr;
    }
  }

  // The row group's bytes go to a buffer of their own, reserved once from an upper bound of their
  // size (plain bytes, levels, snappy / zstd worst case, headers): untouched reserved pages cost
  // nothing, while growing one file-sized buffer by doubling would zero and copy it repeatedly.
  size_t bound = 1 << 16;
  for (const LeafBuffer& b : leaves) {
    const PhysicalValues& pv = b.values;
    size_t plain = pv.width > 0 ? pv.fixed.size() : pv.chars.size() + 4 * pv.count;
    bound += plain + b.def.size() + b.rep.size() + (1 << 12);
  }
  flushed_ += static_cast<int64_t>(out_.size());
  if (sink_) {
    // Written out now; the buffer (and its pages) is reused for the next row group.
    if (!out_.empty()) sink_(out_);
    out_.clear();
  } else {
    if (!out_.empty()) parts_.push_back(std::move(out_));
    out_ = std::string();
  }
  out_.reserve(bound + bound / 8);

  RowGroup rg;
  rg.num_rows = static_cast<int64_t>(rows);
  rg.file_offset = Offset();
  int64_t group_compressed = 0;
  std::string page, header;
  std::vector<char> compressed;
  std::vector<uint32_t> indexes;
  for (LeafBuffer& b : leaves) {
    const SchemaElement& e = *b.element;
    PhysicalType pt = *e.type;
    const PhysicalValues& pv = b.values;
    size_t num_levels = b.max_def > 0 ? b.def.size() : (b.max_rep > 0 ? b.rep.size() : pv.count);
    ColumnMetaData md;
    md.type = pt;
    md.path_in_schema = b.path;
    md.codec = options_.codec;
    md.num_values = static_cast<int64_t>(num_levels);
    Statistics stats;
    int64_t nulls = static_cast<int64_t>(num_levels - pv.count);
    stats.null_count = nulls;
    int64_t chunk_start = Offset();
    int64_t uncompressed_total = 0;

    // Dictionary.
    PhysicalValues dict;
    dict.width = pv.width;
    bool use_dict = options_.dictionary && pt != PhysicalType::kBoolean && pv.count > 0;
    if (use_dict) {
      DictionaryBuilder builder(&dict);
      indexes.resize(pv.count);
      int64_t dict_bytes = 0;
      int64_t per_entry = pv.width == 0 ? 4 : 0;
      constexpr size_t kAhead = 16;  // probes prefetched this many values ahead (large tables)
      constexpr size_t kSample = 1024;
      for (size_t i = 0; i < pv.count; ++i) {
        if (i == kSample && dict.count > kSample / 4) {
          // Many distinct values so far: size the table for as many entries as the dictionary
          // limit allows (or the chunk holds) now rather than rehashing repeatedly on the way.
          size_t entry_bytes = static_cast<size_t>(dict_bytes) / dict.count;  // as counted below
          size_t limit_entries =
              static_cast<size_t>(options_.dictionary_page_bytes) / std::max<size_t>(1, entry_bytes) + 1;
          builder.Reserve(std::min({pv.count, limit_entries, size_t{1} << 21}));
        }
        if (i + kAhead < pv.count && builder.Large()) builder.Prefetch(ValueBytes(pv, i + kAhead));
        bool inserted;
        uint32_t id = builder.Insert(ValueBytes(pv, i), &inserted);
        if (inserted) {
          dict_bytes += static_cast<int64_t>(ValueBytes(dict, id).size()) + per_entry;
          if (dict_bytes > options_.dictionary_page_bytes) {
            use_dict = false;
            break;
          }
        }
        indexes[i] = id;
      }
      // A dictionary that saves nothing (all values distinct) is not worth it either.
      if (use_dict && dict.count == pv.count && pv.count > 16) use_dict = false;
    }
    // The dictionary holds exactly the distinct values, so its min/max are the chunk's.
    ComputeStatistics(use_dict ? dict : pv, pt, b.type, &stats);
    md.statistics = stats;
    auto write_page = [&](PageHeader& h, const std::string& body) {
      std::string_view c = CompressInto(options_.codec, body, &compressed, options_.compression_level);
      h.uncompressed_page_size = static_cast<int32_t>(body.size());
      h.compressed_page_size = static_cast<int32_t>(c.size());
      header.clear();
      WritePageHeader(h, &header);
      uncompressed_total += static_cast<int64_t>(header.size() + body.size());
      out_ += header;
      out_ += c;
    };
    if (use_dict) {
      md.dictionary_page_offset = Offset();
      page.clear();
      AppendPlain(dict, pt, 0, dict.count, &page);
      PageHeader h;
      h.type = PageType::kDictionaryPage;
      h.dictionary_page = DictionaryPageHeader{static_cast<int32_t>(dict.count), Encoding::kPlain, false};
      write_page(h, page);
      md.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
    } else {
      md.encodings = {Encoding::kPlain, Encoding::kRle};
    }
    md.data_page_offset = Offset();
    int bw = use_dict ? BitWidth(dict.count > 0 ? dict.count - 1 : 0) : 0;
    // Every level holds a value: page ends follow from the value sizes alone.
    bool dense = b.max_rep == 0 && pv.count == num_levels;
    // Pages: cut at row starts once the estimated value bytes reach page_bytes.
    size_t level = 0, value = 0;
    while (level < num_levels || (num_levels == 0 && level == 0)) {
      size_t lvl_begin = level, val_begin = value;
      if (dense) {
        // The smallest k with est(k) >= page_bytes (the loop below, in closed form).
        size_t left = num_levels - level;
        uint64_t limit = static_cast<uint64_t>(options_.page_bytes);
        size_t k;
        if (use_dict) {
          uint64_t unit = static_cast<uint64_t>(std::max(1, bw));
          k = static_cast<size_t>((limit * 8 + unit - 1) / unit);
        } else if (pv.width > 0) {
          uint64_t unit = static_cast<uint64_t>(pv.width);
          k = static_cast<size_t>((limit + unit - 1) / unit);
        } else {
          auto est = [&](size_t m) {
            return 4 * static_cast<uint64_t>(m) +
                   static_cast<uint64_t>(pv.offsets[value + m] - pv.offsets[value]);
          };
          size_t lo = 1, hi = left;
          if (left == 0 || est(hi) < limit) {
            lo = left;
          } else {
            while (lo < hi) {
              size_t mid = lo + (hi - lo) / 2;
              if (est(mid) >= limit) hi = mid; else lo = mid + 1;
            }
          }
          k = lo;
        }
        k = std::min(std::max<size_t>(k, 1), left);
        level += k;
        value += k;
      } else {
        int64_t est = 0;
        while (level < num_levels) {
          bool present = b.max_def == 0 || b.def[level] == b.max_def;
          if (present) {
            est += use_dict ? std::max(1, bw) : (pv.width == 0 ? 4 + static_cast<int64_t>(ValueBytes(pv, value).size()) : pv.width);
            ++value;
          }
          ++level;
          if (est * (use_dict ? 1 : 8) >= options_.page_bytes * 8 &&
              (b.max_rep == 0 || level >= num_levels || b.rep[level] == 0)) {
            break;
          }
        }
      }
      size_t n = level - lvl_begin;
      page.clear();
      auto levels = [&](const std::vector<uint8_t>& src, int max_level) {
        size_t len_pos = page.size();
        page.append(4, '\0');
        EncodeRleBitPacked(src.data() + lvl_begin, n, BitWidth(static_cast<uint64_t>(max_level)), &page);
        uint32_t len = static_cast<uint32_t>(page.size() - len_pos - 4);
        std::memcpy(page.data() + len_pos, &len, 4);
      };
      if (b.max_rep > 0) levels(b.rep, b.max_rep);
      if (b.max_def > 0) levels(b.def, b.max_def);
      PageHeader h;
      h.type = PageType::kDataPage;
      DataPageHeader dp;
      dp.num_values = static_cast<int32_t>(n);
      if (use_dict) {
        dp.encoding = Encoding::kRleDictionary;
        page.push_back(static_cast<char>(bw));
        EncodeRleBitPacked(indexes.data() + val_begin, value - val_begin, bw, &page);
      } else {
        dp.encoding = Encoding::kPlain;
        AppendPlain(pv, pt, val_begin, value, &page);
      }
      h.data_page = dp;
      write_page(h, page);
      if (num_levels == 0) break;
    }
    md.total_compressed_size = Offset() - chunk_start;
    md.total_uncompressed_size = uncompressed_total;
    group_compressed += md.total_compressed_size;
    ColumnChunk cc;
    cc.file_offset = chunk_start;
    cc.meta_data = std::move(md);
    rg.total_byte_size += uncompressed_total;
    rg.columns.push_back(std::move(cc));
  }
  rg.total_compressed_size = group_compressed;
  metadata_.num_rows += rg.num_rows;
  metadata_.row_groups.push_back(std::move(rg));
}

std::string ParquetWriter::Finish() {
  FlushRowGroup();
  metadata_.key_value_metadata.clear();
  metadata_.key_value_metadata.push_back({"org.apache.spark.version", std::string("3.5.0")});
  metadata_.key_value_metadata.push_back(
      {"org.apache.spark.sql.parquet.row.metadata", SparkSchemaJson(schema_)});
  for (const auto& [k, v] : options_.extra_metadata) metadata_.key_value_metadata.push_back({k, v});
  std::string footer;
  WriteFileMetaData(metadata_, &footer);
  out_ += footer;
  uint32_t len = static_cast<uint32_t>(footer.size());
  out_.append(reinterpret_cast<const char*>(&len), 4);
  out_ += "PAR1";
  if (sink_) {
    sink_(out_);
    flushed_ += static_cast<int64_t>(out_.size());
    out_.clear();
    return std::string();
  }
  if (parts_.empty()) return std::move(out_);
  std::string file;
  file.reserve(static_cast<size_t>(flushed_) + out_.size());
  for (std::string& part : parts_) {
    file += part;
    std::string().swap(part);  // release as we go: the peak is the file plus one row group
  }
  parts_.clear();
  file += out_;
  out_.clear();
  return file;
}

}  // namespace sluice
