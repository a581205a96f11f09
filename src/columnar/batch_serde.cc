#include "columnar/batch_serde.h"

#include <fmt/format.h>

#include "sluice/exception.h"
#include "types/mix64.h"

namespace sluice {

namespace {

constexpr uint32_t kMagicV1 = 0x31424c53;  // "SLB1": FNV-1a checksum (read only)
constexpr uint32_t kMagic = 0x32424c53;    // "SLB2": WordChecksum

uint64_t Fnv(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// The checksum of format SLB2: four independent multiply-xorshift lanes over 8-byte words (so the
// CPU overlaps them, many bytes per cycle, where FNV-1a takes several cycles per byte), the tail
// bytes, and the length, folded through a 64-bit mix. Detects corruption; not cryptographic.
uint64_t WordChecksum(std::string_view s) {
  constexpr uint64_t kMul = 0x9e3779b97f4a7c15ULL;
  uint64_t lane[4] = {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL,
                      0x082efa98ec4e6c89ULL};
  const char* p = s.data();
  const size_t n = s.size();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    for (int j = 0; j < 4; ++j) {
      uint64_t w;
      std::memcpy(&w, p + i + 8 * j, 8);
      uint64_t x = (lane[j] ^ w) * kMul;
      lane[j] = x ^ (x >> 29);
    }
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    uint64_t x = (lane[0] ^ w) * kMul;
    lane[0] = x ^ (x >> 29);
  }
  uint64_t tail = 0;
  for (size_t k = 0; i < n; ++i, ++k) tail |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * k);
  uint64_t h = Mix64(n ^ tail);
  for (uint64_t l : lane) h = Mix64(h ^ l);
  return h;
}

void PutU64(std::string* out, uint64_t v) { out->append(reinterpret_cast<const char*>(&v), 8); }

// Integer-like fixed-width data (4 or 8 bytes: INT, DATE, BIGINT, TIMESTAMP[_NTZ], INTERVAL) is
// written frame-of-reference encoded in format SLB2: the minimum, then every value minus it in
// the fewest bytes (1, 2 or 4) that hold the range; raw when no narrower width does.
bool IsIntegerLike(const DataType& type) {
  switch (type.id()) {
    case TypeId::kInt:
    case TypeId::kDate:
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kInterval: return true;
    default: return false;
  }
}

template <typename T>
void PutNarrowed(std::string* out, const T* d, size_t n) {
  T lo = n ? d[0] : 0, hi = lo;
  for (size_t i = 1; i < n; ++i) {
    lo = std::min(lo, d[i]);
    hi = std::max(hi, d[i]);
  }
  uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  uint8_t width = range <= 0xFF ? 1 : range <= 0xFFFF ? 2 : range <= 0xFFFFFFFFULL ? 4 : 0;
  if (width >= sizeof(T)) width = 0;
  out->push_back(static_cast<char>(width));
  if (width == 0) {
    out->append(reinterpret_cast<const char*>(d), n * sizeof(T));
    return;
  }
  PutU64(out, static_cast<uint64_t>(static_cast<int64_t>(lo)));
  size_t pos = out->size();
  out->resize(pos + n * width);
  char* p = out->data() + pos;
  const uint64_t base = static_cast<uint64_t>(static_cast<int64_t>(lo));
  auto put = [&](auto tag) {
    using U = decltype(tag);
    for (size_t i = 0; i < n; ++i) {
      U x = static_cast<U>(static_cast<uint64_t>(static_cast<int64_t>(d[i])) - base);
      std::memcpy(p + i * sizeof(U), &x, sizeof(U));
    }
  };
  if (width == 1) put(uint8_t{});
  else if (width == 2) put(uint16_t{});
  else put(uint32_t{});
}

void PutVector(std::string* out, const Vector& v) {
  size_t n = v.size();
  PutU64(out, n);
  // Validity as one byte per row (simple and independent of the bitmap layout).
  PutU64(out, v.MayHaveNulls() ? 1 : 0);
  if (v.MayHaveNulls()) {
    for (size_t i = 0; i < n; ++i) out->push_back(v.IsNull(i) ? 0 : 1);
  }
  int w = v.type()->FixedWidth();
  if (w > 0 && !v.type()->IsNested()) {
    if (IsIntegerLike(*v.type()) && w == 8) {
      PutNarrowed(out, v.data<int64_t>(), n);
    } else if (IsIntegerLike(*v.type()) && w == 4) {
      PutNarrowed(out, v.data<int32_t>(), n);
    } else {
      out->append(reinterpret_cast<const char*>(v.data<uint8_t>()), n * w);
    }
  }
  if (!v.offsets().empty()) {
    out->append(reinterpret_cast<const char*>(v.offsets().data()), (n + 1) * 8);
  }
  if (v.type()->IsStringLike()) {
    PutU64(out, v.chars().size());
    out->append(v.chars().data(), v.chars().size());
  }
  for (size_t c = 0; c < v.num_children(); ++c) PutVector(out, *v.child(c));
}

class Reader {
 public:
  /// `narrowed`: integer-like data is frame-of-reference encoded (format SLB2).
  Reader(std::string_view d, const std::string& src, bool narrowed) : d_(d), src_(src), narrowed_(narrowed) {}
  [[noreturn]] void Fail(const std::string& what) {
    throw IoError(fmt::format("corrupt state file {}: {} at byte {}", src_, what, pos_));
  }
  uint64_t U64() {
    if (pos_ + 8 > d_.size()) Fail("truncated");
    uint64_t v;
    std::memcpy(&v, d_.data() + pos_, 8);
    pos_ += 8;
    return v;
  }
  std::string_view Bytes(uint64_t n) {
    if (n > d_.size() - pos_) Fail("truncated");
    auto s = d_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint8_t U8() {
    if (pos_ + 1 > d_.size()) Fail("truncated");
    return static_cast<uint8_t>(d_[pos_++]);
  }
  /// n fixed-width values of `type` (w bytes each) into `dst`.
  void ReadFixed(const DataType& type, int w, uint64_t n, uint8_t* dst) {
    if (!narrowed_ || !IsIntegerLike(type)) {
      std::string_view raw = Bytes(n * w);
      if (n > 0) std::memcpy(dst, raw.data(), n * w);
      return;
    }
    uint8_t width = U8();
    if (width == 0) {
      std::string_view raw = Bytes(n * w);
      if (n > 0) std::memcpy(dst, raw.data(), n * w);
      return;
    }
    if (width != 1 && width != 2 && width != 4) Fail("bad integer width");
    uint64_t base = U64();
    const char* p = Bytes(n * width).data();
    auto get = [&](auto tag) {
      using U = decltype(tag);
      for (uint64_t i = 0; i < n; ++i) {
        U x;
        std::memcpy(&x, p + i * sizeof(U), sizeof(U));
        uint64_t v = base + x;
        if (w == 8) {
          std::memcpy(dst + i * 8, &v, 8);
        } else {
          auto v32 = static_cast<uint32_t>(v);
          std::memcpy(dst + i * 4, &v32, 4);
        }
      }
    };
    if (width == 1) get(uint8_t{});
    else if (width == 2) get(uint16_t{});
    else get(uint32_t{});
  }
  VectorPtr ReadVector(const TypePtr& type) {
    uint64_t n = U64();
    if (n > (uint64_t{1} << 40)) Fail("implausible row count");
    uint64_t has_nulls = U64();
    std::string_view validity;
    if (has_nulls) validity = Bytes(n);
    auto v = std::make_shared<Vector>(type);
    int w = type->FixedWidth();
    std::string_view offsets_raw, chars;
    std::vector<uint8_t> data;
    if (w > 0 && !type->IsNested()) {
      if (n > d_.size() - pos_) Fail("truncated");  // every value takes a byte or more
      data.resize(n * w);
      ReadFixed(*type, w, n, data.data());
    }
    bool has_offsets = type->IsStringLike() || type->id() == TypeId::kArray || type->id() == TypeId::kMap;
    if (has_offsets) offsets_raw = Bytes((n + 1) * 8);
    if (type->IsStringLike()) chars = Bytes(U64());
    std::vector<VectorPtr> children;
    if (type->id() == TypeId::kStruct) {
      for (const auto& f : type->fields()) children.push_back(ReadVector(f.type));
    } else if (type->id() == TypeId::kArray) {
      children.push_back(ReadVector(type->element_type()));
    } else if (type->id() == TypeId::kMap) {
      children.push_back(ReadVector(type->key_type()));
      children.push_back(ReadVector(type->value_type()));
    }
    // Rebuild through the public building API so every invariant is re-established.
    std::vector<int64_t> offsets;
    if (has_offsets) {
      offsets.resize(n + 1);
      std::memcpy(offsets.data(), offsets_raw.data(), (n + 1) * 8);
      int64_t limit = type->IsStringLike() ? static_cast<int64_t>(chars.size())
                                           : static_cast<int64_t>(children[0]->size());
      if (offsets[0] != 0) Fail("bad offsets");
      for (uint64_t i = 0; i < n; ++i) {
        if (offsets[i + 1] < offsets[i] || offsets[i + 1] > limit) Fail("bad offsets");
      }
    }
    for (const auto& c : children) {
      if (type->id() == TypeId::kStruct && c->size() != n) Fail("struct child size mismatch");
    }
    if (type->IsStringLike()) {
      v->mutable_chars().assign(chars.begin(), chars.end());
      v->mutable_offsets() = std::move(offsets);
      v->Resize(n);  // offsets already sized; Resize keeps them
    } else if (has_offsets) {
      for (size_t c = 0; c < children.size(); ++c) v->mutable_child(c) = children[c];
      v->mutable_offsets() = std::move(offsets);
      v->Resize(n);
    } else if (type->id() == TypeId::kStruct) {
      for (size_t c = 0; c < children.size(); ++c) v->mutable_child(c) = children[c];
      v->Resize(n);
    } else {
      v->Resize(n);
      if (w > 0 && n > 0) std::memcpy(v->data<uint8_t>(), data.data(), n * w);
    }
    if (has_nulls) {
      for (uint64_t i = 0; i < n; ++i) {
        if (validity[i] == 0) v->SetNull(i);
      }
    }
    return v;
  }
  size_t pos() const { return pos_; }

 private:
  std::string_view d_;
  const std::string& src_;
  bool narrowed_;
  size_t pos_ = 0;
};

}  // namespace

std::string SerializeBatch(const RecordBatch& batch) {
  std::string out;
  // Room for the common case (fixed-width columns: values plus a validity byte per row), so the
  // buffer is not regrown and copied while it fills.
  size_t estimate = 32;
  for (const auto& c : batch.columns()) {
    int w = c->type()->FixedWidth();
    estimate += 32 + (static_cast<size_t>(w > 0 ? w : 8) + 1) * c->size();
  }
  out.reserve(estimate);
  PutU64(&out, kMagic);
  PutU64(&out, batch.num_rows());
  PutU64(&out, batch.num_columns());
  for (const auto& c : batch.columns()) PutVector(&out, *c);
  PutU64(&out, WordChecksum(out));
  return out;
}

RecordBatchPtr DeserializeBatch(const TypePtr& schema, std::string_view data,
                                const std::string& source) {
  uint64_t magic = 0;
  if (data.size() >= 8) std::memcpy(&magic, data.data(), 8);
  Reader r(data, source, magic == kMagic);
  if (data.size() < 32) r.Fail("truncated");
  uint64_t sum;
  std::memcpy(&sum, data.data() + data.size() - 8, 8);
  // Files of format SLB1 (written before SLB2) stay readable. An unknown magic is checked as SLB1,
  // so a corrupt header reports a checksum mismatch as before.
  std::string_view body = data.substr(0, data.size() - 8);
  if ((magic == kMagic ? WordChecksum(body) : Fnv(body)) != sum) r.Fail("checksum mismatch");
  magic = r.U64();
  if (magic != kMagic && magic != kMagicV1) r.Fail("bad magic");
  uint64_t rows = r.U64();
  uint64_t cols = r.U64();
  if (cols != schema->fields().size()) r.Fail("column count differs from the state schema");
  std::vector<VectorPtr> vectors;
  for (const auto& f : schema->fields()) {
    vectors.push_back(r.ReadVector(f.type));
    if (vectors.back()->size() != rows) r.Fail("column size mismatch");
  }
  if (r.pos() != data.size() - 8) r.Fail("trailing bytes");
  return RecordBatch::Make(schema, std::move(vectors), rows);
}

}  // namespace sluice
