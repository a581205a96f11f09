#include "state/row_codec.h"

#include <cstring>
#include <fmt/format.h>

#include "sluice/exception.h"

namespace sluice {

namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void EncodeValue(const Vector& v, size_t i, std::string* out) {
  if (v.IsNull(i)) {
    out->push_back(0);
    return;
  }
  out->push_back(1);
  const DataType& t = *v.type();
  switch (t.id()) {
    case TypeId::kNull: return;
    case TypeId::kString:
    case TypeId::kBinary: {
      std::string_view s = v.GetString(i);
      PutVarint(s.size(), out);
      out->append(s);
      return;
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < v.num_children(); ++c) EncodeValue(*v.child(c), i, out);
      return;
    case TypeId::kArray: {
      int64_t b = v.ListBegin(i), e = v.ListEnd(i);
      PutVarint(static_cast<uint64_t>(e - b), out);
      for (int64_t j = b; j < e; ++j) EncodeValue(*v.child(0), static_cast<size_t>(j), out);
      return;
    }
    case TypeId::kMap: {
      int64_t b = v.ListBegin(i), e = v.ListEnd(i);
      PutVarint(static_cast<uint64_t>(e - b), out);
      for (int64_t j = b; j < e; ++j) EncodeValue(*v.child(0), static_cast<size_t>(j), out);
      for (int64_t j = b; j < e; ++j) EncodeValue(*v.child(1), static_cast<size_t>(j), out);
      return;
    }
    default: {
      int w = t.FixedWidth();
      out->append(reinterpret_cast<const char*>(v.data<uint8_t>()) + i * w, w);
      return;
    }
  }
}

class Decoder {
 public:
  Decoder(std::string_view* d, const std::string& src) : d_(d), src_(src) {}

  [[noreturn]] void Fail(const char* what) {
    throw IoError(fmt::format("corrupt state data in {}: {}", src_, what));
  }
  uint8_t Byte() {
    if (d_->empty()) Fail("truncated row");
    uint8_t b = static_cast<uint8_t>((*d_)[0]);
    d_->remove_prefix(1);
    return b;
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = Byte();
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    Fail("bad varint");
  }
  std::string_view Bytes(uint64_t n) {
    if (n > d_->size()) Fail("truncated row");
    std::string_view s = d_->substr(0, n);
    d_->remove_prefix(n);
    return s;
  }
  template <typename T>
  void AppendRaw(Vector* v) {
    T x;
    std::memcpy(&x, Bytes(sizeof(T)).data(), sizeof(T));
    v->Append<T>(x);
  }

  void Value(Vector* v) {
    uint8_t flag = Byte();
    if (flag == 0) {
      v->AppendNull();
      return;
    }
    if (flag != 1) Fail("bad null flag");
    const DataType& t = *v->type();
    switch (t.id()) {
      case TypeId::kNull: v->AppendNull(); return;
      case TypeId::kString:
      case TypeId::kBinary: v->AppendString(Bytes(Varint())); return;
      case TypeId::kStruct:
        for (size_t c = 0; c < v->num_children(); ++c) Value(v->mutable_child(c).get());
        v->AppendStructRow();
        return;
      case TypeId::kArray: {
        uint64_t n = Varint();
        if (n > d_->size()) Fail("implausible element count");
        for (uint64_t j = 0; j < n; ++j) Value(v->mutable_child(0).get());
        v->AppendListEnd();
        return;
      }
      case TypeId::kMap: {
        uint64_t n = Varint();
        if (n > d_->size()) Fail("implausible entry count");
        for (uint64_t j = 0; j < n; ++j) Value(v->mutable_child(0).get());
        for (uint64_t j = 0; j < n; ++j) Value(v->mutable_child(1).get());
        v->AppendListEnd();
        return;
      }
      default:
        switch (t.FixedWidth()) {
          case 1: AppendRaw<uint8_t>(v); return;
          case 2: AppendRaw<uint16_t>(v); return;
          case 4: AppendRaw<uint32_t>(v); return;
          case 8: AppendRaw<uint64_t>(v); return;
          case 16: AppendRaw<__int128>(v); return;
          default: Fail("unsupported type");
        }
    }
  }

 private:
  std::string_view* d_;
  const std::string& src_;
};

}  // namespace

void RowCodec::EncodeRow(const std::vector<VectorPtr>& columns, size_t row, std::string* out) {
  EncodeRow(columns, 0, columns.size(), row, out);
}

void RowCodec::EncodeRow(const std::vector<VectorPtr>& columns, size_t begin, size_t end,
                         size_t row, std::string* out) {
  for (size_t c = begin; c < end; ++c) EncodeValue(*columns[c], row, out);
}

void RowCodec::DecodeRow(std::string_view* data, const std::vector<VectorPtr>& columns,
                         const std::string& source) {
  Decoder d(data, source);
  for (const auto& c : columns) d.Value(c.get());
}

size_t VectorMemoryBytes(const Vector& v) {
  size_t n = v.size();
  size_t bytes = n * static_cast<size_t>(std::max(0, v.type()->IsNested() ? 0 : v.type()->FixedWidth()));
  if (v.MayHaveNulls()) bytes += (n + 63) / 64 * 8;
  bytes += v.offsets().size() * sizeof(int64_t) + v.chars().size();
  for (size_t c = 0; c < v.num_children(); ++c) bytes += VectorMemoryBytes(*v.child(c));
  return bytes;
}

}  // namespace sluice
