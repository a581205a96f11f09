// A bounds-checked reader and a writer for the Thrift compact protocol, the encoding of Parquet's
// footer (FileMetaData) and page headers. Only what parquet.thrift uses: structs, lists, maps (skipped),
// bool, i8/i16/i32/i64 (zigzag varints), double and binary. See docs/formats/parquet.md for why this
// is hand-written instead of using libthrift.
//
// Every read checks the remaining input and the nesting depth and throws ParquetFormatError on
// malformed input; nothing reads past the given span. Thread-compatible.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::parquet {

/// Malformed Parquet input (corrupt footer, page, or encoded values). Readers add file context.
class ParquetFormatError : public std::runtime_error {
 public:
  explicit ParquetFormatError(const std::string& what) : std::runtime_error(what) {}
};

/// Compact protocol type codes.
enum class CType : uint8_t {
  kStop = 0,
  kTrue = 1,
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class CompactReader {
 public:
  CompactReader(const uint8_t* data, size_t size) : p_(data), end_(data + size), begin_(data) {}

  /// Bytes consumed so far.
  size_t position() const { return static_cast<size_t>(p_ - begin_); }

  /// Reads a struct: calls `on_field(field_id, type)` for each field, which must consume the
  /// field's value (or call Skip(type)). Bool fields carry their value in the type (kTrue/kFalse).
  template <typename F>
  void ReadStruct(F&& on_field) {
    if (++depth_ > kMaxDepth) Fail("thrift structures nested too deeply");
    int16_t last_id = 0;
    while (true) {
      uint8_t header = ReadByte();
      CType type = static_cast<CType>(header & 0x0f);
      if (type == CType::kStop) break;
      int delta = header >> 4;
      int16_t id = delta != 0 ? static_cast<int16_t>(last_id + delta) : ReadI16();
      last_id = id;
      on_field(id, type);
    }
    --depth_;
  }

  /// Reads a list header; returns the element count and type.
  size_t ReadListHeader(CType* elem_type);
  bool ReadBool(CType field_type);  // a bool field: value in the type nibble
  bool ReadBoolElement();           // a bool list element: one byte
  int8_t ReadI8() { return static_cast<int8_t>(ReadByte()); }
  int16_t ReadI16() { return static_cast<int16_t>(ReadZigZag()); }
  int32_t ReadI32();
  int64_t ReadI64() { return ReadZigZag(); }
  double ReadDouble();
  std::string ReadBinary();
  /// Reads an integer field of any integer type (i8/i16/i32/i64) as int64.
  int64_t ReadInt(CType type);
  void Skip(CType type);

  [[noreturn]] void Fail(const std::string& what) const;

 private:
  static constexpr int kMaxDepth = 64;
  uint8_t ReadByte() {
    if (p_ >= end_) Fail("thrift data ends unexpectedly");
    return *p_++;
  }
  uint64_t ReadVarint();
  int64_t ReadZigZag() {
    uint64_t v = ReadVarint();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }

  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* begin_;
  int depth_ = 0;
};

class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  void BeginStruct() { ids_.push_back(last_id_); last_id_ = 0; }
  void EndStruct() {
    out_->push_back(0);
    last_id_ = ids_.back();
    ids_.pop_back();
  }
  /// Writes a field header (for kStruct/kList fields, follow with BeginStruct / list header).
  void FieldHeader(int16_t id, CType type);
  void FieldBool(int16_t id, bool v) { FieldHeader(id, v ? CType::kTrue : CType::kFalse); }
  void FieldI32(int16_t id, int32_t v) { FieldHeader(id, CType::kI32); WriteZigZag(v); }
  void FieldI64(int16_t id, int64_t v) { FieldHeader(id, CType::kI64); WriteZigZag(v); }
  void FieldI8(int16_t id, int8_t v) { FieldHeader(id, CType::kByte); out_->push_back(static_cast<char>(v)); }
  void FieldBinary(int16_t id, std::string_view v) { FieldHeader(id, CType::kBinary); WriteBinary(v); }
  void ListHeader(size_t size, CType elem_type);
  void WriteI32(int32_t v) { WriteZigZag(v); }
  void WriteBinary(std::string_view v);
  void WriteVarint(uint64_t v);
  void WriteZigZag(int64_t v) {
    WriteVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }

 private:
  std::string* out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> ids_;
};

}  // namespace sluice::parquet
