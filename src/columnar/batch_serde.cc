#include "columnar/batch_serde.h"

#include <fmt/format.h>

#include "sluice/exception.h"

namespace sluice {

namespace {

constexpr uint32_t kMagic = 0x31424c53;  // "SLB1"

uint64_t Fnv(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

void PutU64(std::string* out, uint64_t v) { out->append(reinterpret_cast<const char*>(&v), 8); }

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
    out->append(reinterpret_cast<const char*>(v.data<uint8_t>()), n * w);
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
  Reader(std::string_view d, const std::string& src) : d_(d), src_(src) {}
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
  VectorPtr ReadVector(const TypePtr& type) {
    uint64_t n = U64();
    if (n > (uint64_t{1} << 40)) Fail("implausible row count");
    uint64_t has_nulls = U64();
    std::string_view validity;
    if (has_nulls) validity = Bytes(n);
    auto v = std::make_shared<Vector>(type);
    int w = type->FixedWidth();
    std::string_view data, offsets_raw, chars;
    if (w > 0 && !type->IsNested()) data = Bytes(n * w);
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
  size_t pos_ = 0;
};

}  // namespace

std::string SerializeBatch(const RecordBatch& batch) {
  std::string out;
  PutU64(&out, kMagic);
  PutU64(&out, batch.num_rows());
  PutU64(&out, batch.num_columns());
  for (const auto& c : batch.columns()) PutVector(&out, *c);
  PutU64(&out, Fnv(out));
  return out;
}

RecordBatchPtr DeserializeBatch(const TypePtr& schema, std::string_view data,
                                const std::string& source) {
  Reader r(data, source);
  if (data.size() < 32) r.Fail("truncated");
  uint64_t sum;
  std::memcpy(&sum, data.data() + data.size() - 8, 8);
  if (Fnv(data.substr(0, data.size() - 8)) != sum) r.Fail("checksum mismatch");
  if (r.U64() != kMagic) r.Fail("bad magic");
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
