#include "formats/parquet/page_values.h"

#include <fmt/format.h>

#include <algorithm>

namespace sluice::parquet {

void Corrupt(const std::string& what) { throw ParquetFormatError(what); }

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

namespace {

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

}  // namespace

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


}  // namespace sluice::parquet
