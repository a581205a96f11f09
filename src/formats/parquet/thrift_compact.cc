#include "formats/parquet/thrift_compact.h"

#include <cstring>

namespace sluice::parquet {

void CompactReader::Fail(const std::string& what) const {
  throw ParquetFormatError("invalid thrift metadata at byte " + std::to_string(position()) + ": " +
                           what);
}

uint64_t CompactReader::ReadVarint() {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    uint8_t b = ReadByte();
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return result;
  }
  Fail("varint longer than 10 bytes");
}

int32_t CompactReader::ReadI32() {
  int64_t v = ReadZigZag();
  if (v < INT32_MIN || v > INT32_MAX) Fail("i32 out of range");
  return static_cast<int32_t>(v);
}

double CompactReader::ReadDouble() {
  if (end_ - p_ < 8) Fail("thrift data ends inside a double");
  double d;
  std::memcpy(&d, p_, 8);
  p_ += 8;
  return d;
}

std::string CompactReader::ReadBinary() {
  uint64_t n = ReadVarint();
  if (n > static_cast<uint64_t>(end_ - p_)) Fail("binary length exceeds the remaining metadata");
  std::string s(reinterpret_cast<const char*>(p_), n);
  p_ += n;
  return s;
}

size_t CompactReader::ReadListHeader(CType* elem_type) {
  uint8_t h = ReadByte();
  *elem_type = static_cast<CType>(h & 0x0f);
  uint64_t n = h >> 4;
  if (n == 15) n = ReadVarint();
  // Every element takes at least one byte except bools in the type... all take >= 1 byte.
  if (n > static_cast<uint64_t>(end_ - p_)) Fail("list size exceeds the remaining metadata");
  return static_cast<size_t>(n);
}

bool CompactReader::ReadBool(CType field_type) {
  if (field_type == CType::kTrue) return true;
  if (field_type == CType::kFalse) return false;
  Fail("expected a bool field");
}

bool CompactReader::ReadBoolElement() { return ReadByte() == 1; }

int64_t CompactReader::ReadInt(CType type) {
  switch (type) {
    case CType::kByte:
      return ReadI8();
    case CType::kI16:
    case CType::kI32:
    case CType::kI64:
      return ReadZigZag();
    default:
      Fail("expected an integer field, got type " + std::to_string(static_cast<int>(type)));
  }
}

void CompactReader::Skip(CType type) {
  switch (type) {
    case CType::kTrue:
    case CType::kFalse:
      return;
    case CType::kByte:
      ReadByte();
      return;
    case CType::kI16:
    case CType::kI32:
    case CType::kI64:
      ReadVarint();
      return;
    case CType::kDouble:
      ReadDouble();
      return;
    case CType::kBinary: {
      uint64_t n = ReadVarint();
      if (n > static_cast<uint64_t>(end_ - p_)) Fail("binary length exceeds the remaining metadata");
      p_ += n;
      return;
    }
    case CType::kList:
    case CType::kSet: {
      if (++depth_ > kMaxDepth) Fail("thrift structures nested too deeply");
      CType et;
      size_t n = ReadListHeader(&et);
      for (size_t i = 0; i < n; ++i) {
        if (et == CType::kTrue || et == CType::kFalse) {
          ReadByte();
        } else {
          Skip(et);
        }
      }
      --depth_;
      return;
    }
    case CType::kMap: {
      if (++depth_ > kMaxDepth) Fail("thrift structures nested too deeply");
      uint64_t n = ReadVarint();
      if (n > static_cast<uint64_t>(end_ - p_)) Fail("map size exceeds the remaining metadata");
      if (n > 0) {
        uint8_t kv = ReadByte();
        CType kt = static_cast<CType>(kv >> 4), vt = static_cast<CType>(kv & 0x0f);
        for (uint64_t i = 0; i < n; ++i) {
          if (kt == CType::kTrue || kt == CType::kFalse) ReadByte(); else Skip(kt);
          if (vt == CType::kTrue || vt == CType::kFalse) ReadByte(); else Skip(vt);
        }
      }
      --depth_;
      return;
    }
    case CType::kStruct:
      ReadStruct([this](int16_t, CType t) { Skip(t); });
      return;
    default:
      Fail("unknown thrift type " + std::to_string(static_cast<int>(type)));
  }
}

void CompactWriter::FieldHeader(int16_t id, CType type) {
  int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    WriteZigZag(id);
  }
  last_id_ = id;
}

void CompactWriter::ListHeader(size_t size, CType elem_type) {
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<int>(elem_type)));
  } else {
    out_->push_back(static_cast<char>(0xf0 | static_cast<int>(elem_type)));
    WriteVarint(size);
  }
}

void CompactWriter::WriteBinary(std::string_view v) {
  WriteVarint(v.size());
  out_->append(v);
}

void CompactWriter::WriteVarint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

}  // namespace sluice::parquet
