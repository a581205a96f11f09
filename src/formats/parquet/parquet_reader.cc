#include "formats/parquet/parquet_reader.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "formats/parquet/parquet_codec.h"
#include "formats/parquet/parquet_encoding.h"
#include "sluice/exception.h"

namespace sluice {

using namespace parquet;  // NOLINT: the implementation works in Parquet's terms throughout

namespace {

constexpr char kMagic[] = "PAR1";
constexpr int64_t kMaxPageValues = int64_t{1} << 28;
constexpr size_t kDictPadding = 16;  // bytes after a BYTE_ARRAY dictionary's last value

[[noreturn]] void Corrupt(const std::string& what) { throw ParquetFormatError(what); }

int PhysicalWidth(PhysicalType t, int type_length) {
  switch (t) {
    case PhysicalType::kBoolean: return 1;
    case PhysicalType::kInt32:
    case PhysicalType::kFloat: return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble: return 8;
    case PhysicalType::kInt96: return 12;
    case PhysicalType::kByteArray: return 0;
    case PhysicalType::kFixedLenByteArray: return type_length;
  }
  return 0;
}

uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Decodes n PLAIN values of physical type `t` into out (appending). Returns bytes consumed.
size_t DecodePlain(const uint8_t* data, size_t size, size_t n, PhysicalType t, PhysicalValues* out) {
  if (t == PhysicalType::kBoolean) {
    if ((n + 7) / 8 > size) Corrupt("PLAIN booleans are truncated");
    size_t base = out->fixed.size();
    out->fixed.resize(base + n);
    for (size_t i = 0; i < n; ++i) out->fixed[base + i] = (data[i >> 3] >> (i & 7)) & 1;
    out->count += n;
    return (n + 7) / 8;
  }
  if (t == PhysicalType::kByteArray) {
    size_t pos = 0;
    for (size_t i = 0; i < n; ++i) {
      if (size - pos < 4) Corrupt("PLAIN byte array length is truncated");
      uint32_t len = Load32(data + pos);
      pos += 4;
      if (len > size - pos) {
        Corrupt(fmt::format("PLAIN byte array of {} bytes exceeds the page", len));
      }
      out->AppendBytes(reinterpret_cast<const char*>(data + pos), len);
      pos += len;
    }
    return pos;
  }
  size_t w = static_cast<size_t>(out->width);
  if (w != 0 && n > size / w) Corrupt(fmt::format("PLAIN page holds fewer than {} values", n));
  out->fixed.insert(out->fixed.end(), data, data + n * w);
  out->count += n;
  return n * w;
}

// Decodes the n dictionary indexes of a dictionary-encoded page (bit width byte + RLE / bit-packed
// hybrid) into *idx (resized to n) and checks each against the dictionary's size.
void DecodeDictIndexes(const uint8_t* data, size_t size, size_t n, size_t dict_count,
                       std::vector<uint32_t>* idx) {
  if (size < 1) Corrupt("dictionary-encoded page is empty");
  int bw = data[0];
  if (bw > 32) Corrupt(fmt::format("dictionary index bit width {} exceeds 32", bw));
  idx->resize(n);
  uint32_t* p = idx->data();
  RleBitPackedDecoder dec(data + 1, size - 1, bw);
  dec.Decode(p, n);
  uint32_t max_index = 0;
  for (size_t i = 0; i < n; ++i) max_index = std::max(max_index, p[i]);
  if (n > 0 && max_index >= dict_count) {
    for (size_t i = 0; i < n; ++i) {
      if (p[i] >= dict_count) {
        Corrupt(fmt::format("dictionary index {} is out of range (dictionary has {} entries)", p[i],
                            dict_count));
      }
    }
  }
}

// Gathers dictionary entries `idx[0..n)` (checked by DecodeDictIndexes) into out.
void Gather(const PhysicalValues& dict, const uint32_t* idx, size_t n, PhysicalValues* out) {
  if (dict.width == 0) {
    for (size_t i = 0; i < n; ++i) {
      int64_t b = dict.offsets[idx[i]], e = dict.offsets[idx[i] + 1];
      out->AppendBytes(dict.chars.data() + b, static_cast<size_t>(e - b));
    }
    return;
  }
  size_t w = static_cast<size_t>(dict.width);
  size_t base = out->fixed.size();
  out->fixed.resize(base + n * w);
  uint8_t* dst = out->fixed.data() + base;
  if (w == 4) {
    for (size_t i = 0; i < n; ++i) std::memcpy(dst + i * 4, dict.fixed.data() + idx[i] * 4, 4);
  } else if (w == 8) {
    for (size_t i = 0; i < n; ++i) std::memcpy(dst + i * 8, dict.fixed.data() + idx[i] * 8, 8);
  } else {
    for (size_t i = 0; i < n; ++i) std::memcpy(dst + i * w, dict.fixed.data() + idx[i] * w, w);
  }
  out->count += n;
}

void DecodeValues(Encoding enc, const uint8_t* data, size_t size, size_t n, PhysicalType t,
                  const PhysicalValues* dict, PhysicalValues* out) {
  switch (enc) {
    case Encoding::kPlain:
      DecodePlain(data, size, n, t, out);
      return;
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      if (dict == nullptr) Corrupt("a dictionary-encoded page has no dictionary page before it");
      if (n == 0) return;
      std::vector<uint32_t> idx;
      DecodeDictIndexes(data, size, n, dict->count, &idx);
      Gather(*dict, idx.data(), n, out);
      return;
    }
    case Encoding::kRle: {
      if (t != PhysicalType::kBoolean) Corrupt("RLE value encoding is only valid for BOOLEAN");
      if (size < 4) Corrupt("RLE boolean page is truncated");
      uint32_t len = Load32(data);
      if (len > size - 4) Corrupt("RLE boolean length exceeds the page");
      std::vector<uint32_t> v(n);
      RleBitPackedDecoder dec(data + 4, len, 1);
      dec.Decode(v.data(), n);
      for (uint32_t b : v) out->fixed.push_back(static_cast<uint8_t>(b));
      out->count += n;
      return;
    }
    case Encoding::kDeltaBinaryPacked: {
      if (t != PhysicalType::kInt32 && t != PhysicalType::kInt64) {
        Corrupt("DELTA_BINARY_PACKED is only valid for INT32 and INT64");
      }
      std::vector<int64_t> v;
      DecodeDeltaBinaryPacked(data, size, n, &v);
      if (v.size() != n) Corrupt("DELTA_BINARY_PACKED holds fewer values than the page");
      if (t == PhysicalType::kInt32) {
        for (int64_t x : v) {
          int32_t y = static_cast<int32_t>(x);
          const auto* b = reinterpret_cast<const uint8_t*>(&y);
          out->fixed.insert(out->fixed.end(), b, b + 4);
        }
      } else {
        const auto* b = reinterpret_cast<const uint8_t*>(v.data());
        out->fixed.insert(out->fixed.end(), b, b + 8 * n);
      }
      out->count += n;
      return;
    }
    case Encoding::kDeltaLengthByteArray:
      if (t != PhysicalType::kByteArray) Corrupt("DELTA_LENGTH_BYTE_ARRAY is only valid for BYTE_ARRAY");
      DecodeDeltaLengthByteArray(data, size, n, out);
      return;
    case Encoding::kDeltaByteArray:
      if (t != PhysicalType::kByteArray && t != PhysicalType::kFixedLenByteArray) {
        Corrupt("DELTA_BYTE_ARRAY is only valid for byte arrays");
      }
      DecodeDeltaByteArray(data, size, n, out);
      return;
    case Encoding::kByteStreamSplit: {
      size_t w = static_cast<size_t>(out->width);
      if (w == 0 || t == PhysicalType::kBoolean || t == PhysicalType::kInt96) {
        Corrupt("BYTE_STREAM_SPLIT is not valid for this physical type");
      }
      if (n > size / w) Corrupt("BYTE_STREAM_SPLIT page holds fewer values than declared");
      // The streams span the whole value section: size / w values each.
      size_t stride = size / w;
      size_t base = out->fixed.size();
      out->fixed.resize(base + n * w);
      uint8_t* dst = out->fixed.data() + base;
      for (size_t k = 0; k < w; ++k) {
        const uint8_t* src = data + k * stride;
        for (size_t i = 0; i < n; ++i) dst[i * w + k] = src[i];
      }
      out->count += n;
      return;
    }
    default:
      Corrupt(fmt::format("unsupported value encoding {}", static_cast<int>(enc)));
  }
}

// Decodes n levels; v1 RLE levels carry a 4-byte length prefix (with_length). Returns bytes used.
size_t DecodeLevels(Encoding enc, const uint8_t* data, size_t size, size_t n, int max_level,
                    bool with_length, std::vector<uint8_t>* out, std::vector<uint32_t>* tmp) {
  int bw = BitWidth(static_cast<uint64_t>(max_level));
  size_t base = out->size();
  out->resize(base + n);
  uint8_t* dst = out->data() + base;
  size_t used;
  if (enc == Encoding::kRle) {
    const uint8_t* p = data;
    size_t len = size;
    if (with_length) {
      if (size < 4) Corrupt("level data is truncated");
      len = Load32(data);
      if (len > size - 4) Corrupt("level data length exceeds the page");
      p += 4;
    }
    tmp->resize(n);
    const uint32_t* v = tmp->data();
    RleBitPackedDecoder dec(p, len, bw);
    dec.Decode(tmp->data(), n);
    uint32_t max_seen = 0;
    for (size_t i = 0; i < n; ++i) {
      max_seen = std::max(max_seen, v[i]);
      dst[i] = static_cast<uint8_t>(v[i]);
    }
    if (max_seen > static_cast<uint32_t>(max_level)) {
      for (size_t i = 0; i < n; ++i) {
        if (v[i] > static_cast<uint32_t>(max_level)) {
          Corrupt(fmt::format("level {} exceeds the maximum {}", v[i], max_level));
        }
      }
    }
    used = len + (with_length ? 4 : 0);
  } else if (enc == Encoding::kBitPacked) {
    // Legacy: MSB-first bit packing, no length prefix.
    size_t bytes = (n * bw + 7) / 8;
    if (bytes > size) Corrupt("BIT_PACKED levels are truncated");
    for (size_t i = 0; i < n; ++i) {
      uint32_t v = 0;
      for (int b = 0; b < bw; ++b) {
        size_t bit = i * bw + b;
        v = (v << 1) | ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
      }
      if (v > static_cast<uint32_t>(max_level)) Corrupt("level exceeds its maximum");
      dst[i] = static_cast<uint8_t>(v);
    }
    used = bytes;
  } else {
    Corrupt(fmt::format("unsupported level encoding {}", static_cast<int>(enc)));
  }
  return used;
}

__int128 BigEndianToInt128(const char* p, size_t n) {
  if (n == 0) return 0;
  if (n > 16) {
    // Accept only sign-extension bytes beyond 16.
    for (size_t i = 0; i + 16 < n; ++i) {
      uint8_t expect = (static_cast<uint8_t>(p[n - 16]) & 0x80) ? 0xff : 0;
      if (static_cast<uint8_t>(p[i]) != expect) Corrupt("DECIMAL value does not fit 16 bytes");
    }
    p += n - 16;
    n = 16;
  }
  unsigned __int128 v = (static_cast<uint8_t>(p[0]) & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return static_cast<__int128>(v);
}

float HalfToFloat(uint16_t h) {
  uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant == 0 ? INFINITY : NAN;
  } else {
    v = std::ldexp(static_cast<float>(mant | 0x400), static_cast<int>(exp) - 25);
  }
  return sign ? -v : v;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Dense physical values -> a Sluice vector of the leaf's type.
VectorPtr ToVector(PhysicalValues& pv, const PlanNode& leaf) {
  auto v = std::make_shared<Vector>(leaf.type);
  size_t n = pv.count;
  const uint8_t* src = pv.fixed.data();
  auto fixed_copy = [&](size_t width) {
    v->Resize(n);
    if (n) std::memcpy(v->data<uint8_t>(), src, n * width);
  };
  auto each32 = [&](auto fn) {
    v->Resize(n);
    for (size_t i = 0; i < n; ++i) {
      int32_t x;
      std::memcpy(&x, src + 4 * i, 4);
      fn(i, x);
    }
  };
  auto each64 = [&](auto fn) {
    v->Resize(n);
    for (size_t i = 0; i < n; ++i) {
      int64_t x;
      std::memcpy(&x, src + 8 * i, 8);
      fn(i, x);
    }
  };
  auto bytes_at = [&](size_t i) -> std::string_view {
    if (pv.width == 0) {
      return std::string_view(pv.chars.data() + pv.offsets[i],
                              static_cast<size_t>(pv.offsets[i + 1] - pv.offsets[i]));
    }
    return std::string_view(reinterpret_cast<const char*>(src) + i * pv.width,
                            static_cast<size_t>(pv.width));
  };
  switch (leaf.conversion) {
    case LeafConversion::kBoolean: fixed_copy(1); break;
    case LeafConversion::kInt32:
    case LeafConversion::kDate: fixed_copy(4); break;
    case LeafConversion::kInt8: each32([&](size_t i, int32_t x) { v->data<int8_t>()[i] = static_cast<int8_t>(x); }); break;
    case LeafConversion::kInt16: each32([&](size_t i, int32_t x) { v->data<int16_t>()[i] = static_cast<int16_t>(x); }); break;
    case LeafConversion::kUint8: each32([&](size_t i, int32_t x) { v->data<int16_t>()[i] = static_cast<uint8_t>(x); }); break;
    case LeafConversion::kUint16: each32([&](size_t i, int32_t x) { v->data<int32_t>()[i] = static_cast<uint16_t>(x); }); break;
    case LeafConversion::kUint32: each32([&](size_t i, int32_t x) { v->data<int64_t>()[i] = static_cast<uint32_t>(x); }); break;
    case LeafConversion::kInt64:
    case LeafConversion::kTimestampMicros: fixed_copy(8); break;
    case LeafConversion::kTimestampMillis:
      each64([&](size_t i, int64_t x) {
        v->data<int64_t>()[i] = static_cast<int64_t>(static_cast<uint64_t>(x) * 1000);
      });
      break;
    case LeafConversion::kTimestampNanos:
      each64([&](size_t i, int64_t x) { v->data<int64_t>()[i] = FloorDiv(x, 1000); });
      break;
    case LeafConversion::kUint64ToDecimal:
      each64([&](size_t i, int64_t x) { v->data<__int128>()[i] = static_cast<uint64_t>(x); });
      break;
    case LeafConversion::kDecimalInt32: each32([&](size_t i, int32_t x) { v->data<__int128>()[i] = x; }); break;
    case LeafConversion::kDecimalInt64: each64([&](size_t i, int64_t x) { v->data<__int128>()[i] = x; }); break;
    case LeafConversion::kInt96:
      v->Resize(n);
      for (size_t i = 0; i < n; ++i) {
        int64_t nanos;
        int32_t day;
        std::memcpy(&nanos, src + 12 * i, 8);
        std::memcpy(&day, src + 12 * i + 8, 4);
        uint64_t micros = static_cast<uint64_t>(static_cast<int64_t>(day) - 2440588) * 86400000000ULL +
                          static_cast<uint64_t>(FloorDiv(nanos, 1000));
        v->data<int64_t>()[i] = static_cast<int64_t>(micros);
      }
      break;
    case LeafConversion::kFloat: fixed_copy(4); break;
    case LeafConversion::kDouble: fixed_copy(8); break;
    case LeafConversion::kFloat16:
      v->Resize(n);
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        v->data<float>()[i] = HalfToFloat(h);
      }
      break;
    case LeafConversion::kDecimalBytes:
      v->Resize(n);
      for (size_t i = 0; i < n; ++i) {
        std::string_view b = bytes_at(i);
        v->data<__int128>()[i] = BigEndianToInt128(b.data(), b.size());
      }
      break;
    case LeafConversion::kString:
    case LeafConversion::kBinary:
      if (pv.width == 0) {
        v->mutable_offsets() = std::move(pv.offsets);
        v->mutable_chars() = std::move(pv.chars);
        v->Resize(n);
      } else {
        for (size_t i = 0; i < n; ++i) v->AppendString(bytes_at(i));
      }
      break;
    case LeafConversion::kUuid:
      for (size_t i = 0; i < n; ++i) {
        std::string_view b = bytes_at(i);
        std::string s;
        static const char* kHex = "0123456789abcdef";
        for (size_t k = 0; k < b.size(); ++k) {
          if (k == 4 || k == 6 || k == 8 || k == 10) s.push_back('-');
          s.push_back(kHex[static_cast<uint8_t>(b[k]) >> 4]);
          s.push_back(kHex[static_cast<uint8_t>(b[k]) & 15]);
        }
        v->AppendString(s);
      }
      break;
  }
  return v;
}

// Whether a top-level flat leaf with this conversion and physical width decodes straight into its
// output vector: the vector's layout is the physical one (fixed width) or offsets + bytes.
bool IsDirect(const PlanNode& leaf, int width) {
  switch (leaf.conversion) {
    case LeafConversion::kBoolean: return width == 1;
    case LeafConversion::kInt32:
    case LeafConversion::kDate:
    case LeafConversion::kFloat: return width == 4;
    case LeafConversion::kInt64:
    case LeafConversion::kTimestampMicros:
    case LeafConversion::kDouble: return width == 8;
    case LeafConversion::kString:
    case LeafConversion::kBinary: return width == 0;
    default: return false;
  }
}

// A new vector of `type` with n rows (zero / empty, valid).
VectorPtr NewOutputVector(const TypePtr& type, size_t n) {
  auto v = std::make_shared<Vector>(type);
  v->Reserve(n);
  v->Resize(n);
  return v;
}

// Reusable buffers of one column chunk's direct decoding.
struct DirectScratch {
  PhysicalValues values;       // a page's dense values, for the less common encodings / nulls
  std::vector<uint32_t> idx;   // a page's dictionary indexes
};

// Decodes one data page of a direct leaf (see IsDirect) into rows [row, row + n_levels) of v,
// which already holds at least that many rows. `def` holds the page's definition levels (nullptr
// when the column is required); non_null of them equal max_def. Null rows stay zero / empty and
// are marked null.
void DecodePageDirect(Encoding enc, const uint8_t* data, size_t size, size_t n_levels,
                      size_t non_null, const uint8_t* def, int max_def, PhysicalType t,
                      const PhysicalValues* dict, size_t row, Vector* v, DirectScratch* scratch) {
  const bool all = non_null == n_levels;
  const bool dict_enc = enc == Encoding::kPlainDictionary || enc == Encoding::kRleDictionary;
  const size_t w = static_cast<size_t>(scratch->values.width);
  if (all && dict_enc && dict != nullptr && n_levels > 0) {
    DecodeDictIndexes(data, size, n_levels, dict->count, &scratch->idx);
    const uint32_t* idx = scratch->idx.data();
    if (w == 8) {
      auto* dst = v->data<uint64_t>() + row;
      const auto* src = reinterpret_cast<const uint64_t*>(dict->fixed.data());
      for (size_t i = 0; i < n_levels; ++i) std::memcpy(dst + i, src + idx[i], 8);
    } else if (w == 4) {
      auto* dst = v->data<uint32_t>() + row;
      const auto* src = reinterpret_cast<const uint32_t*>(dict->fixed.data());
      for (size_t i = 0; i < n_levels; ++i) std::memcpy(dst + i, src + idx[i], 4);
    } else if (w == 0) {
      // Sized once per page; short values are copied 16 bytes at a time (the dictionary's chars
      // carry kDictPadding readable bytes past the end, the destination 16 spare bytes).
      int64_t* off = v->mutable_offsets().data() + row;
      std::vector<char>& chars = v->mutable_chars();
      const char* dchars = dict->chars.data();
      const int64_t* doff = dict->offsets.data();
      size_t total = 0;
      for (size_t i = 0; i < n_levels; ++i) total += static_cast<size_t>(doff[idx[i] + 1] - doff[idx[i]]);
      size_t pos = chars.size();
      chars.resize(pos + total + 16);
      char* dst = chars.data();
      for (size_t i = 0; i < n_levels; ++i) {
        const char* src = dchars + doff[idx[i]];
        size_t len = static_cast<size_t>(doff[idx[i] + 1] - doff[idx[i]]);
        if (len <= 16) {
          std::memcpy(dst + pos, src, 16);
        } else {
          std::memcpy(dst + pos, src, len);
        }
        pos += len;
        off[i + 1] = static_cast<int64_t>(pos);
      }
      chars.resize(pos);
    } else {
      uint8_t* dst = v->data<uint8_t>() + row * w;
      for (size_t i = 0; i < n_levels; ++i) std::memcpy(dst + i * w, dict->fixed.data() + idx[i] * w, w);
    }
    return;
  }
  if (all && enc == Encoding::kPlain && t != PhysicalType::kBoolean) {
    if (w > 0) {
      if (n_levels > size / w) Corrupt(fmt::format("PLAIN page holds fewer than {} values", n_levels));
      std::memcpy(v->data<uint8_t>() + row * w, data, n_levels * w);
      return;
    }
    // Two passes: check the lengths and size the bytes once, then copy.
    size_t pos = 0, total = 0;
    for (size_t i = 0; i < n_levels; ++i) {
      if (size - pos < 4) Corrupt("PLAIN byte array length is truncated");
      uint32_t len = Load32(data + pos);
      pos += 4;
      if (len > size - pos) Corrupt(fmt::format("PLAIN byte array of {} bytes exceeds the page", len));
      pos += len;
      total += len;
    }
    int64_t* off = v->mutable_offsets().data() + row;
    std::vector<char>& chars = v->mutable_chars();
    size_t out = chars.size();
    chars.resize(out + total);
    char* dst = chars.data();
    pos = 0;
    for (size_t i = 0; i < n_levels; ++i) {
      uint32_t len = Load32(data + pos);
      std::memcpy(dst + out, data + pos + 4, len);
      pos += 4 + len;
      out += len;
      off[i + 1] = static_cast<int64_t>(out);
    }
    return;
  }
  // Everything else: decode the page's dense values, then place them.
  PhysicalValues& dense = scratch->values;
  dense.Clear();
  DecodeValues(enc, data, size, non_null, t, dict, &dense);
  if (dense.count != non_null) Corrupt("level and value counts disagree");
  if (w > 0) {
    uint8_t* dst = v->data<uint8_t>() + row * w;
    const uint8_t* src = dense.fixed.data();
    if (all) {
      if (n_levels) std::memcpy(dst, src, n_levels * w);
      return;
    }
    for (size_t i = 0, j = 0; i < n_levels; ++i) {
      if (def[i] == max_def) {
        std::memcpy(dst + i * w, src + (j++) * w, w);
      } else {
        v->SetNull(row + i);
      }
    }
    return;
  }
  int64_t* off = v->mutable_offsets().data() + row;
  std::vector<char>& chars = v->mutable_chars();
  for (size_t i = 0, j = 0; i < n_levels; ++i) {
    if (all || def[i] == max_def) {
      chars.insert(chars.end(), dense.chars.data() + dense.offsets[j],
                   dense.chars.data() + dense.offsets[j + 1]);
      ++j;
    } else {
      v->SetNull(row + i);
    }
    off[i + 1] = static_cast<int64_t>(chars.size());
  }
}

}  // namespace

struct ParquetReader::ColumnData {
  std::vector<uint8_t> def, rep;
  size_t num_levels = 0;
  int max_def = 0, max_rep = 0;
  VectorPtr values;       // dense: one entry per level at max_def (unless `complete`)
  bool complete = false;  // values has one row per level, nulls marked: Assemble returns it as is
};

ParquetReader::~ParquetReader() {
  if (fd_ >= 0) ::close(fd_);
}

void ParquetReader::Fail(const std::string& what) const {
  throw IoError(fmt::format("Cannot read Parquet file {}: {}", input_->source_name(), what));
}

const uint8_t* ParquetReader::ReadRange(int64_t offset, size_t n, std::string* buf) const {
  if (fd_ < 0) return reinterpret_cast<const uint8_t*>(input_->data()) + offset;
  if (buf->size() < n) buf->resize(n);
  size_t done = 0;
  while (done < n) {
    ssize_t got = ::pread(fd_, buf->data() + done, n - done, static_cast<off_t>(offset) + static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) Fail(fmt::format("read error: {}", std::strerror(errno)));
    if (got == 0) Fail("the file is shorter than when it was opened");
    done += static_cast<size_t>(got);
  }
  return reinterpret_cast<const uint8_t*>(buf->data());
}

ParquetReader::ParquetReader(InputBufferPtr input) : input_(std::move(input)) {
  // A file not loaded yet is read with pread: the footer now, one column chunk at a time later.
  if (input_->IsUnloadedFile()) {
    fd_ = input_->OpenStream();
    struct stat st {};
    if (::fstat(fd_, &st) != 0) Fail(fmt::format("cannot stat: {}", std::strerror(errno)));
    file_size_ = static_cast<int64_t>(st.st_size);
  } else {
    file_size_ = static_cast<int64_t>(input_->size());
  }
  size_t size = static_cast<size_t>(file_size_);
  if (size < 12) Fail(fmt::format("file is too small ({} bytes) to be a Parquet file", size));
  std::string head_buf, tail_buf, footer_buf;
  const uint8_t* head = ReadRange(0, 4, &head_buf);
  if (std::memcmp(head, kMagic, 4) != 0) Fail("missing the PAR1 magic bytes at the start");
  const uint8_t* tail = ReadRange(file_size_ - 8, 8, &tail_buf);
  if (std::memcmp(tail + 4, kMagic, 4) != 0) {
    if (std::memcmp(tail + 4, "PARE", 4) == 0) {
      Fail("the file is encrypted (PARE footer); encrypted Parquet is not supported");
    }
    Fail("missing the PAR1 magic bytes at the end (truncated file?)");
  }
  uint32_t footer_len = Load32(tail);
  footer_length_ = footer_len;
  if (footer_len > size - 12) {
    Fail(fmt::format("footer length {} exceeds the file size {}", footer_len, size));
  }
  try {
    const uint8_t* footer = ReadRange(file_size_ - 8 - footer_len, footer_len, &footer_buf);
    metadata_ = ReadFileMetaData(footer, footer_len);
    if (metadata_.encrypted) Fail("the file is encrypted; encrypted Parquet is not supported");
    file_schema_ = ConvertFileSchema(metadata_);
  } catch (const ParquetFormatError& e) {
    Fail(e.what());
  }
  if (metadata_.num_rows < 0) Fail("negative row count in the footer");
  for (size_t g = 0; g < metadata_.row_groups.size(); ++g) {
    const RowGroup& rg = metadata_.row_groups[g];
    if (rg.columns.size() != file_schema_.leaves.size()) {
      Fail(fmt::format("row group {} has {} column chunks but the schema has {} columns", g,
                       rg.columns.size(), file_schema_.leaves.size()));
    }
    if (rg.num_rows < 0) Fail(fmt::format("row group {} has a negative row count", g));
  }
  read_schema_ = file_schema_.type;
  for (size_t i = 0; i < file_schema_.fields.size(); ++i) read_fields_.push_back(static_cast<int>(i));
}

const TypePtr& ParquetReader::file_schema() const { return file_schema_.type; }

std::string ParquetReader::KeyValue(const std::string& key) const {
  for (const auto& kv : metadata_.key_value_metadata) {
    if (kv.key == key) return kv.value.value_or("");
  }
  return "";
}

namespace {

int WideningRank(TypeId id) {
  switch (id) {
    case TypeId::kByte: return 1;
    case TypeId::kShort: return 2;
    case TypeId::kInt: return 3;
    case TypeId::kLong: return 4;
    default: return 0;
  }
}

// Whether a file column of type `from` may be read as `to`: integer widening (TINYINT < SMALLINT <
// INT < BIGINT) and FLOAT -> DOUBLE, as Spark's Parquet reader allows for widened tables.
bool CanWiden(const DataType& from, const DataType& to) {
  int f = WideningRank(from.id());
  int t = WideningRank(to.id());
  if (f > 0 && t > 0) return f < t;
  return from.id() == TypeId::kFloat && to.id() == TypeId::kDouble;
}

VectorPtr Widen(const Vector& v, const TypePtr& to) {
  auto out = std::make_shared<Vector>(to);
  out->Reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v.IsNull(i)) {
      out->AppendNull();
      continue;
    }
    if (v.type_id() == TypeId::kFloat) {
      out->Append<double>(static_cast<double>(v.Get<float>(i)));
      continue;
    }
    int64_t x = 0;
    switch (v.type_id()) {
      case TypeId::kByte: x = v.Get<int8_t>(i); break;
      case TypeId::kShort: x = v.Get<int16_t>(i); break;
      case TypeId::kInt: x = v.Get<int32_t>(i); break;
      default: x = v.Get<int64_t>(i); break;
    }
    switch (to->id()) {
      case TypeId::kShort: out->Append<int16_t>(static_cast<int16_t>(x)); break;
      case TypeId::kInt: out->Append<int32_t>(static_cast<int32_t>(x)); break;
      default: out->Append<int64_t>(x); break;
    }
  }
  return out;
}

}  // namespace

void ParquetReader::SetReadSchema(TypePtr schema) {
  read_fields_.clear();
  for (const StructField& f : schema->fields()) {
    int idx = file_schema_.type->FieldIndex(f.name);
    if (idx >= 0) {
      const TypePtr& file_type = file_schema_.fields[static_cast<size_t>(idx)].type;
      if (!file_type->SameShape(*f.type) && !CanWiden(*file_type, *f.type)) {
        throw AnalysisError(fmt::format(
            "Parquet column `{}` in {} has type {} but {} was requested", f.name,
            input_->source_name(), file_type->Sql(), f.type->Sql()));
      }
    }
    read_fields_.push_back(idx);
  }
  read_schema_ = std::move(schema);
}

void ParquetReader::ReadColumnChunk(int rg_index, int column, bool top_level, ColumnData* out) {
  const RowGroup& rg = metadata_.row_groups[static_cast<size_t>(rg_index)];
  const ColumnChunk& cc = rg.columns[static_cast<size_t>(column)];
  const SchemaElement& se = *file_schema_.leaves[static_cast<size_t>(column)];
  if (cc.encrypted) Corrupt("the column chunk is encrypted");
  if (cc.file_path) Corrupt("column chunks in other files are not supported");
  if (!cc.meta_data) Corrupt("the column chunk has no metadata");
  const ColumnMetaData& md = *cc.meta_data;
  if (md.type != *se.type) Corrupt("the column chunk's physical type differs from the schema");
  out->max_def = file_schema_.leaf_max_def[static_cast<size_t>(column)];
  out->max_rep = file_schema_.leaf_max_rep[static_cast<size_t>(column)];

  int64_t file_size = file_size_;
  int64_t start = md.data_page_offset;
  if (md.dictionary_page_offset && *md.dictionary_page_offset > 0 &&
      *md.dictionary_page_offset < start) {
    start = *md.dictionary_page_offset;
  }
  int64_t len = md.total_compressed_size;
  // Pages may not reach into the footer; the declared chunk length only says where to stop (some
  // old writers understated it, e.g. leaving out the dictionary page).
  int64_t limit = file_size - 8 - footer_length_;
  if (start < 4 || start >= limit || len < 0 || len > limit - start) {
    Corrupt(fmt::format("column chunk range [{}, {} bytes) lies outside the file's data", start, len));
  }
  int width = PhysicalWidth(md.type, se.type_length);
  if (md.type == PhysicalType::kFixedLenByteArray && width <= 0) Corrupt("invalid fixed length");
  const PlanNode* leaf = nullptr;
  // Find the plan leaf for `column` (for its type and conversion).
  std::vector<const PlanNode*> stack;
  for (const PlanNode& f : file_schema_.fields) stack.push_back(&f);
  while (!stack.empty() && leaf == nullptr) {
    const PlanNode* p = stack.back();
    stack.pop_back();
    if (p->kind == PlanNode::kLeaf && p->column == column) leaf = p;
    for (const PlanNode& c : p->children) stack.push_back(&c);
  }
  // A top-level flat column whose vector layout is the physical one decodes page by page straight
  // into its output vector (sized once for the row group); everything else collects the chunk's
  // dense values and levels first and is converted and assembled afterwards.
  const bool direct = top_level && out->max_rep == 0 && out->max_def <= 1 && IsDirect(*leaf, width);
  VectorPtr direct_out;
  DirectScratch scratch;
  scratch.values.width = width;
  if (direct) {
    // Sized from the chunk's bytes, not from the (untrusted) row count alone; grown as pages need.
    direct_out = NewOutputVector(leaf->type,
                                 static_cast<size_t>(std::min<int64_t>(
                                     rg.num_rows, std::max<int64_t>(int64_t{1} << 16, len * 64))));
  }
  std::vector<uint32_t> level_tmp;
  PhysicalValues values;
  values.width = width;
  PhysicalValues dict;
  dict.width = width;
  bool has_dict = false;
  std::string page_buf;
  int64_t pos = start, end = start + len;
  // The bytes [buf_begin, buf_end) are at `base`: the whole data section for a loaded input, else
  // a window of about a page read into chunk_buf_ just before it is decoded (so that the codec reads
  // it from cache, not memory), re-read further should a page run past it.
  constexpr int64_t kSlack = 64 << 10;
  constexpr int64_t kWindow = 1 << 20;
  const uint8_t* base = nullptr;
  int64_t buf_begin = 0, buf_end = 0;
  auto load = [&](int64_t from, int64_t to) {
    base = ReadRange(from, static_cast<size_t>(to - from), &chunk_buf_);
    buf_begin = from;
    buf_end = to;
  };
  // A window from `from` holding at least `need` bytes (within the chunk's data limit).
  auto window_end = [&](int64_t from, int64_t need) {
    return std::min(limit, std::max(from + need, std::min(end, from + kWindow)) + kSlack);
  };
  load(start, fd_ < 0 ? limit : window_end(start, 0));
  int64_t rows = 0;  // level entries with rep == 0
  int64_t values_left = md.num_values;
  while (pos < end) {
    if (out->max_rep == 0 && rows >= rg.num_rows) break;
    size_t header_size = 0;
    if (pos >= buf_end) load(pos, window_end(pos, 0));
    PageHeader h;
    while (true) {
      try {
        h = ReadPageHeader(base + (pos - buf_begin), static_cast<size_t>(buf_end - pos), &header_size);
        break;
      } catch (const ParquetFormatError&) {
        if (buf_end >= limit) throw;  // the header is malformed, not cut off by the buffer
        load(pos, std::min(limit, pos + 2 * (buf_end - pos) + kSlack));
      }
    }
    pos += static_cast<int64_t>(header_size);
    if (h.compressed_page_size < 0 || h.compressed_page_size > limit - pos) {
      Corrupt(fmt::format("page of {} bytes exceeds the column chunk", h.compressed_page_size));
    }
    if (h.uncompressed_page_size < 0) Corrupt("negative uncompressed page size");
    if (pos + h.compressed_page_size > buf_end) load(pos, window_end(pos, h.compressed_page_size));
    const uint8_t* page = base + (pos - buf_begin);
    size_t page_size = static_cast<size_t>(h.compressed_page_size);
    pos += h.compressed_page_size;
    auto decompress = [&](const uint8_t* p, size_t n, size_t raw) -> std::string_view {
      if (md.codec == Codec::kUncompressed || (raw == 0 && n == 0)) {
        if (n != raw) Corrupt("page size differs from its uncompressed size");
        return std::string_view(reinterpret_cast<const char*>(p), n);
      }
      Decompress(md.codec, std::string_view(reinterpret_cast<const char*>(p), n), raw, &page_buf);
      return page_buf;
    };
    if (h.type == PageType::kDictionaryPage) {
      if (!h.dictionary_page) Corrupt("dictionary page without its header");
      if (has_dict) Corrupt("a second dictionary page in one column chunk");
      int32_t nv = h.dictionary_page->num_values;
      if (nv < 0) Corrupt(fmt::format("dictionary page has a negative value count {}", nv));
      std::string_view body = decompress(page, page_size, static_cast<size_t>(h.uncompressed_page_size));
      if (md.type == PhysicalType::kBoolean) Corrupt("BOOLEAN columns cannot be dictionary-encoded");
      DecodePlain(reinterpret_cast<const uint8_t*>(body.data()), body.size(), static_cast<size_t>(nv),
                  md.type, &dict);
      // Zero padding past the last value (no offset points into it), for 16-byte copies.
      dict.chars.resize(dict.chars.size() + kDictPadding);
      has_dict = true;
      continue;
    }
    if (h.type != PageType::kDataPage && h.type != PageType::kDataPageV2) continue;  // index page
    int64_t nv;
    Encoding enc;
    std::string_view body;
    size_t level_pos = out->def.size();
    size_t rep_pos = out->rep.size();
    const uint8_t* levels = nullptr;
    size_t levels_size = 0;
    if (h.type == PageType::kDataPage) {
      if (!h.data_page) Corrupt("data page without its header");
      nv = h.data_page->num_values;
      enc = h.data_page->encoding;
      body = decompress(page, page_size, static_cast<size_t>(h.uncompressed_page_size));
    } else {
      if (!h.data_page_v2) Corrupt("data page v2 without its header");
      const DataPageHeaderV2& v2 = *h.data_page_v2;
      nv = v2.num_values;
      enc = v2.encoding;
      int64_t lvl = int64_t{v2.definition_levels_byte_length} + v2.repetition_levels_byte_length;
      if (v2.definition_levels_byte_length < 0 || v2.repetition_levels_byte_length < 0 ||
          lvl > static_cast<int64_t>(page_size) || lvl > h.uncompressed_page_size) {
        Corrupt("data page v2 level lengths exceed the page");
      }
      levels = page;
      levels_size = static_cast<size_t>(lvl);
      size_t raw = static_cast<size_t>(h.uncompressed_page_size - lvl);
      if (v2.is_compressed && md.codec != Codec::kUncompressed && page_size > static_cast<size_t>(lvl)) {
        body = decompress(page + lvl, page_size - lvl, raw);
      } else {
        if (page_size - lvl != raw) Corrupt("page size differs from its uncompressed size");
        body = std::string_view(reinterpret_cast<const char*>(page + lvl), raw);
      }
    }
    int64_t cap = out->max_rep == 0 ? rg.num_rows - rows : std::min(values_left, kMaxPageValues);
    if (nv < 0 || nv > cap || nv > kMaxPageValues) {
      Corrupt(fmt::format("data page declares {} values; at most {} remain in the column chunk", nv,
                          std::max<int64_t>(cap, 0)));
    }
    values_left -= nv;
    size_t n = static_cast<size_t>(nv);
    const auto* b = reinterpret_cast<const uint8_t*>(body.data());
    size_t bsize = body.size();
    if (h.type == PageType::kDataPage) {
      size_t used = 0;
      if (out->max_rep > 0) {
        used += DecodeLevels(h.data_page->repetition_level_encoding, b, bsize, n, out->max_rep, true,
                             &out->rep, &level_tmp);
      }
      if (out->max_def > 0) {
        used += DecodeLevels(h.data_page->definition_level_encoding, b + used, bsize - used, n,
                             out->max_def, true, &out->def, &level_tmp);
      }
      b += used;
      bsize -= used;
    } else {
      const DataPageHeaderV2& v2 = *h.data_page_v2;
      size_t rl = static_cast<size_t>(v2.repetition_levels_byte_length);
      if (out->max_rep > 0) {
        DecodeLevels(Encoding::kRle, levels, rl, n, out->max_rep, false, &out->rep, &level_tmp);
      }
      if (out->max_def > 0) {
        DecodeLevels(Encoding::kRle, levels + rl, levels_size - rl, n, out->max_def, false, &out->def,
                     &level_tmp);
      }
    }
    size_t non_null = n;
    if (out->max_def > 0) {
      non_null = 0;
      for (size_t i = level_pos; i < out->def.size(); ++i) non_null += out->def[i] == out->max_def;
    }
    if (out->max_rep > 0) {
      if (rep_pos == 0 && n > 0 && out->rep[0] != 0) {
        Corrupt("the first repetition level is not 0");
      }
      for (size_t i = rep_pos; i < out->rep.size(); ++i) rows += out->rep[i] == 0;
    } else {
      rows += nv;
    }
    if (direct) {
      if (direct_out->size() < static_cast<size_t>(rows)) {
        direct_out->Resize(static_cast<size_t>(std::min<int64_t>(
            rg.num_rows, std::max<int64_t>(rows, static_cast<int64_t>(direct_out->size()) * 2))));
      }
      // rows - nv is where this page starts (max_rep == 0: one row per level).
      DecodePageDirect(enc, b, bsize, n, non_null, out->max_def > 0 ? out->def.data() + level_pos : nullptr,
                       out->max_def, md.type, has_dict ? &dict : nullptr,
                       static_cast<size_t>(rows - nv), direct_out.get(), &scratch);
      out->def.clear();  // the page's levels are applied; keep memory to one page
    } else {
      DecodeValues(enc, b, bsize, non_null, md.type, has_dict ? &dict : nullptr, &values);
    }
    out->num_levels += n;
  }
  if (rows != rg.num_rows) {
    Corrupt(fmt::format("the column chunk holds {} rows but the row group has {}", rows,
                        rg.num_rows));
  }
  if (direct) {
    out->values = std::move(direct_out);
    out->complete = true;
    return;
  }
  out->values = ToVector(values, *leaf);
}

VectorPtr ParquetReader::Assemble(const PlanNode& node, int slot_rep, int slot_def) {
  const ColumnData& c = *columns_[static_cast<size_t>(node.first_leaf)];
  auto def_at = [&](size_t i) -> int { return c.max_def == 0 ? 0 : c.def[i]; };
  auto rep_at = [&](size_t i) -> int { return c.max_rep == 0 ? 0 : c.rep[i]; };
  auto is_slot = [&](size_t i) { return rep_at(i) <= slot_rep && def_at(i) >= slot_def; };
  switch (node.kind) {
    case PlanNode::kLeaf: {
      if (c.complete || (c.max_def == 0 && c.max_rep == 0)) return c.values;
      SelectionVector sel;
      std::vector<uint32_t> nulls;
      sel.reserve(c.num_levels);
      uint32_t cursor = 0;
      for (size_t i = 0; i < c.num_levels; ++i) {
        if (!is_slot(i)) continue;
        if (def_at(i) == c.max_def) {
          sel.push_back(cursor++);
        } else {
          if (def_at(i) >= node.def) Corrupt("a leaf level between its own and the maximum");
          nulls.push_back(static_cast<uint32_t>(sel.size()));
          sel.push_back(0);
        }
      }
      if (cursor != c.values->size()) Corrupt("level and value counts disagree");
      if (nulls.empty() && sel.size() == c.values->size()) return c.values;
      if (c.values->size() == 0) return Vector::MakeNull(node.type, sel.size());
      VectorPtr out = c.values->Take(sel);
      for (uint32_t r : nulls) out->SetNull(r);
      return out;
    }
    case PlanNode::kStruct: {
      size_t n = 0;
      std::vector<uint32_t> nulls;
      for (size_t i = 0; i < c.num_levels; ++i) {
        if (!is_slot(i)) continue;
        if (def_at(i) < node.def) nulls.push_back(static_cast<uint32_t>(n));
        ++n;
      }
      auto v = std::make_shared<Vector>(node.type);
      for (size_t k = 0; k < node.children.size(); ++k) {
        VectorPtr child = Assemble(node.children[k], slot_rep, slot_def);
        if (child->size() != n) Corrupt("the fields of a struct have different value counts");
        v->mutable_child(k) = std::move(child);
      }
      v->Resize(n);
      for (uint32_t r : nulls) v->SetNull(r);
      return v;
    }
    case PlanNode::kList:
    case PlanNode::kMap: {
      std::vector<int64_t> offsets{0};
      std::vector<uint32_t> nulls;
      for (size_t i = 0; i < c.num_levels; ++i) {
        int d = def_at(i), r = rep_at(i);
        if (r <= slot_rep && d >= slot_def) {
          offsets.push_back(offsets.back());
          if (d < node.def) nulls.push_back(static_cast<uint32_t>(offsets.size() - 2));
        }
        if (r <= node.rep && d >= node.elem_def) {
          if (offsets.size() < 2) Corrupt("a repeated value before the first row");
          ++offsets.back();
        }
      }
      size_t n = offsets.size() - 1;
      auto v = std::make_shared<Vector>(node.type);
      VectorPtr first = Assemble(node.children[0], node.rep, node.elem_def);
      if (static_cast<int64_t>(first->size()) != offsets.back()) {
        Corrupt("repeated values disagree with their repetition levels");
      }
      v->mutable_child(0) = first;
      if (node.kind == PlanNode::kMap) {
        VectorPtr second = node.children.size() > 1
                               ? Assemble(node.children[1], node.rep, node.elem_def)
                               : Vector::MakeNull(NullType(), first->size());
        if (second->size() != first->size()) Corrupt("map keys and values have different counts");
        v->mutable_child(1) = second;
      }
      v->mutable_offsets() = std::move(offsets);
      v->Resize(n);
      for (uint32_t r : nulls) v->SetNull(r);
      return v;
    }
  }
  return nullptr;
}

VectorPtr ParquetReader::ReadField(int rg, const PlanNode& node) {
  // Read every leaf column under `node`, then assemble.
  std::vector<const PlanNode*> stack{&node};
  while (!stack.empty()) {
    const PlanNode* p = stack.back();
    stack.pop_back();
    if (p->kind == PlanNode::kLeaf) {
      auto data = std::make_unique<ColumnData>();
      try {
        ReadColumnChunk(rg, p->column, p == &node, data.get());
      } catch (const ParquetFormatError& e) {
        Fail(fmt::format("column '{}' in row group {}: {}",
                         file_schema_.leaf_paths[static_cast<size_t>(p->column)], rg, e.what()));
      }
      columns_[static_cast<size_t>(p->column)] = std::move(data);
    }
    for (const PlanNode& c : p->children) stack.push_back(&c);
  }
  try {
    return Assemble(node, 0, 0);
  } catch (const ParquetFormatError& e) {
    Fail(fmt::format("column '{}' in row group {}: {}", node.name, rg, e.what()));
  }
}

RecordBatchPtr ParquetReader::ReadRowGroup(int rg) {
  if (rg < 0 || rg >= num_row_groups()) Fail(fmt::format("no row group {}", rg));
  columns_.clear();
  columns_.resize(file_schema_.leaves.size());
  size_t rows = static_cast<size_t>(metadata_.row_groups[static_cast<size_t>(rg)].num_rows);
  std::vector<VectorPtr> out;
  const auto& fields = read_schema_->fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    int idx = read_fields_[i];
    if (idx < 0) {
      out.push_back(Vector::MakeNull(fields[i].type, rows));
      continue;
    }
    if (rows == 0) {
      out.push_back(std::make_shared<Vector>(fields[i].type));
      continue;
    }
    VectorPtr v = ReadField(rg, file_schema_.fields[static_cast<size_t>(idx)]);
    if (v->type_id() != fields[i].type->id() && CanWiden(*v->type(), *fields[i].type)) {
      v = Widen(*v, fields[i].type);
    }
    if (v->size() != rows) {
      Fail(fmt::format("column '{}' in row group {} has {} rows, expected {}", fields[i].name, rg,
                       v->size(), rows));
    }
    out.push_back(std::move(v));
  }
  columns_.clear();
  return RecordBatch::Make(read_schema_, std::move(out), rows);
}

std::vector<RecordBatchPtr> ParquetReader::ReadAll(int* skipped) {
  std::vector<RecordBatchPtr> out;
  if (skipped) *skipped = 0;
  for (int g = 0; g < num_row_groups(); ++g) {
    if (!RowGroupMayMatch(g)) {
      if (skipped) ++*skipped;
      continue;
    }
    out.push_back(ReadRowGroup(g));
  }
  return out;
}

// ---- statistics ----

namespace {

// A statistic bound decoded as a Value of the leaf's type, when the conversion is order-preserving.
std::optional<Value> DecodeStat(const std::string& bytes, const PlanNode& leaf) {
  PhysicalValues pv;
  const SchemaElement& e = *leaf.element;
  pv.width = PhysicalWidth(*e.type, e.type_length);
  switch (leaf.conversion) {
    case LeafConversion::kString:
    case LeafConversion::kBinary:
      if (pv.width != 0) return std::nullopt;
      pv.AppendBytes(bytes.data(), bytes.size());
      break;
    case LeafConversion::kInt96:
    case LeafConversion::kUuid:
    case LeafConversion::kFloat16:
    case LeafConversion::kDecimalBytes:
    case LeafConversion::kBoolean:
      return std::nullopt;
    default:
      if (bytes.size() != static_cast<size_t>(pv.width)) return std::nullopt;
      pv.fixed.assign(bytes.begin(), bytes.end());
      pv.count = 1;
  }
  VectorPtr v = ToVector(pv, leaf);
  Value out = v->GetValue(0);
  if (out.type()->IsFractional() && std::isnan(out.GetDouble())) return std::nullopt;
  return out;
}

// Three-way comparison of a statistic with a literal; nullopt when not comparable.
std::optional<int> CompareStat(const Value& stat, const Value& lit) {
  const TypePtr& st = stat.type();
  const TypePtr& lt = lit.type();
  auto cmp = [](auto a, auto b) { return a < b ? -1 : (a > b ? 1 : 0); };
  bool s_int = st->IsIntegral() || st->IsDatetime();
  bool l_int = lt->IsIntegral() || lt->IsDatetime();
  if (s_int && l_int) {
    if (st->IsDatetime() != lt->IsDatetime() || (st->IsDatetime() && st->id() != lt->id())) {
      return std::nullopt;
    }
    return cmp(stat.GetInt64(), lit.GetInt64());
  }
  if ((st->IsNumeric() || st->id() == TypeId::kDecimal) && (lt->IsNumeric() || lt->id() == TypeId::kDecimal)) {
    if (st->id() == TypeId::kDecimal && lt->id() == TypeId::kDecimal && st->scale() == lt->scale()) {
      return cmp(stat.GetDecimal(), lit.GetDecimal());
    }
    if (st->id() == TypeId::kDecimal || lt->id() == TypeId::kDecimal) return std::nullopt;
    return cmp(stat.AsDouble(), lit.AsDouble());
  }
  if (st->IsStringLike() && lt->IsStringLike()) {
    int c = stat.GetString().compare(lit.GetString());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

}  // namespace

bool ParquetReader::RowGroupMayMatch(int rg) const {
  if (filters_.empty()) return true;
  const RowGroup& group = metadata_.row_groups[static_cast<size_t>(rg)];
  for (const ParquetPredicate& p : filters_) {
    int idx = file_schema_.type->FieldIndex(p.column);
    if (idx < 0) continue;
    const PlanNode& node = file_schema_.fields[static_cast<size_t>(idx)];
    if (node.kind != PlanNode::kLeaf) continue;
    const ColumnChunk& cc = group.columns[static_cast<size_t>(node.column)];
    if (!cc.meta_data || !cc.meta_data->statistics) continue;
    const Statistics& s = *cc.meta_data->statistics;
    if (p.op == ParquetPredicate::Op::kIsNull) {
      if (s.null_count && *s.null_count == 0) return false;
      continue;
    }
    if (p.op == ParquetPredicate::Op::kIsNotNull) {
      if (s.null_count && *s.null_count == group.num_rows) return false;
      continue;
    }
    if (p.literal.is_null()) return false;  // a comparison with NULL is never true
    if (s.null_count && *s.null_count == group.num_rows && group.num_rows > 0) return false;
    // min_value/max_value use the column's order; the deprecated min/max only for signed ints/floats.
    std::optional<std::string> min_b = s.min_value, max_b = s.max_value;
    if (!min_b || !max_b) {
      bool signed_ok = node.conversion == LeafConversion::kInt32 ||
                       node.conversion == LeafConversion::kInt64 ||
                       node.conversion == LeafConversion::kDate ||
                       node.conversion == LeafConversion::kFloat ||
                       node.conversion == LeafConversion::kDouble;
      if (!signed_ok) continue;
      min_b = s.min;
      max_b = s.max;
    }
    if (!min_b || !max_b) continue;
    std::optional<Value> lo, hi;
    try {
      lo = DecodeStat(*min_b, node);
      hi = DecodeStat(*max_b, node);
    } catch (const std::exception&) {
      continue;
    }
    if (!lo || !hi) continue;
    auto c_lo = CompareStat(*lo, p.literal);
    auto c_hi = CompareStat(*hi, p.literal);
    if (!c_lo || !c_hi) continue;
    bool may = true;
    switch (p.op) {
      case ParquetPredicate::Op::kEq: may = *c_lo <= 0 && *c_hi >= 0; break;
      case ParquetPredicate::Op::kNe: may = !(*c_lo == 0 && *c_hi == 0); break;
      case ParquetPredicate::Op::kLt: may = *c_lo < 0; break;
      case ParquetPredicate::Op::kLe: may = *c_lo <= 0; break;
      case ParquetPredicate::Op::kGt: may = *c_hi > 0; break;
      case ParquetPredicate::Op::kGe: may = *c_hi >= 0; break;
      default: break;
    }
    if (!may) return false;
  }
  return true;
}

}  // namespace sluice
