#include "formats/parquet/parquet_encoding.h"

#include <algorithm>
#include <array>
#include <bit>
#include <utility>
#include <cstring>

namespace sluice::parquet {

namespace {

[[noreturn]] void Fail(const std::string& what) { throw ParquetFormatError(what); }

// Reads `bit_width` bits of value `index` from LSB-first packed data of `bytes` bytes.
inline uint64_t UnpackOne(const uint8_t* data, size_t bytes, size_t index, int bit_width) {
  size_t bit = index * static_cast<size_t>(bit_width);
  size_t byte = bit >> 3;
  int shift = static_cast<int>(bit & 7);
  uint64_t word = 0;
  if (byte + 8 <= bytes) {
    std::memcpy(&word, data + byte, 8);
  } else {
    for (size_t i = 0; byte + i < bytes && i < 8; ++i) word |= uint64_t{data[byte + i]} << (8 * i);
  }
  uint64_t v = word >> shift;
  if (shift + bit_width > 64) {
    // Only for bit widths above 56: take the missing high bits from the 9th byte.
    uint64_t extra = byte + 8 < bytes ? data[byte + 8] : 0;
    v |= extra << (64 - shift);
  }
  return bit_width == 64 ? v : (v & ((uint64_t{1} << bit_width) - 1));
}

// Unpacks values [index, index + n) of LSB-first packed data of `bytes` bytes at BW bits each.
// Values whose 8-byte window lies inside the data take one unaligned load each; the rest go through
// UnpackOne.
template <int BW>
void UnpackRange(const uint8_t* data, size_t bytes, size_t index, size_t n, uint32_t* out) {
  constexpr uint64_t kMask = (uint64_t{1} << BW) - 1;
  size_t safe_end = index;  // first index whose 8-byte window would pass the end
  if (bytes >= 8) safe_end = std::max(index, ((bytes - 8) * 8) / BW + 1);
  size_t stop = std::min(index + n, safe_end);
  size_t i = index;
  for (; i < stop; ++i) {
    size_t bit = i * BW;
    uint64_t word;
    std::memcpy(&word, data + (bit >> 3), 8);
    *out++ = static_cast<uint32_t>((word >> (bit & 7)) & kMask);
  }
  for (; i < index + n; ++i) *out++ = static_cast<uint32_t>(UnpackOne(data, bytes, i, BW));
}

using UnpackFn = void (*)(const uint8_t*, size_t, size_t, size_t, uint32_t*);

template <int... BW>
constexpr std::array<UnpackFn, sizeof...(BW) + 1> MakeUnpackTable(std::integer_sequence<int, BW...>) {
  return {nullptr, &UnpackRange<BW + 1>...};
}

// kUnpack[w] unpacks w-bit values, 1 <= w <= 32.
constexpr auto kUnpack = MakeUnpackTable(std::make_integer_sequence<int, 32>());

}  // namespace

uint64_t ReadUleb(const uint8_t** p, const uint8_t* end) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= end) Fail("encoded data ends inside a varint");
    uint8_t b = *(*p)++;
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return result;
  }
  Fail("varint too long");
}

int BitWidth(uint64_t max_value) { return max_value == 0 ? 0 : 64 - std::countl_zero(max_value); }

bool RleBitPackedDecoder::NextRun() {
  if (p_ >= end_) return false;
  uint64_t header = ReadUleb(&p_, end_);
  if (header & 1) {
    uint64_t groups = header >> 1;
    if (groups == 0) Fail("empty bit-packed run");
    size_t bytes = static_cast<size_t>(end_ - p_);
    uint64_t want = groups * static_cast<uint64_t>(bit_width_);  // bytes for groups*8 values
    run_is_rle_ = false;
    packed_ = p_;
    packed_index_ = 0;
    if (want <= bytes) {
      run_left_ = groups * 8;
      p_ += want;
    } else {
      // A truncated last run: keep the values its bytes hold.
      run_left_ = bit_width_ == 0 ? groups * 8 : bytes * 8 / bit_width_;
      p_ = end_;
    }
    packed_available_ = run_left_;
    packed_bytes_ = p_ - packed_;
  } else {
    run_left_ = header >> 1;
    if (run_left_ == 0) Fail("empty RLE run");
    int nbytes = (bit_width_ + 7) / 8;
    if (end_ - p_ < nbytes) Fail("RLE run value is truncated");
    uint32_t v = 0;
    for (int i = 0; i < nbytes; ++i) v |= uint32_t{p_[i]} << (8 * i);
    p_ += nbytes;
    if (bit_width_ < 32 && (v >> bit_width_) != 0) Fail("RLE run value exceeds its bit width");
    rle_value_ = v;
    run_is_rle_ = true;
  }
  return true;
}

void RleBitPackedDecoder::Decode(uint32_t* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    if (run_left_ == 0 && !NextRun()) {
      Fail("RLE/bit-packed data ends after " + std::to_string(done) + " of " + std::to_string(n) +
           " values");
    }
    size_t take = std::min(run_left_, n - done);
    if (run_is_rle_) {
      std::fill(out + done, out + done + take, rle_value_);
    } else if (bit_width_ == 0) {
      std::fill(out + done, out + done + take, 0u);
      packed_index_ += take;
    } else {
      kUnpack[static_cast<size_t>(bit_width_)](packed_, packed_bytes_, packed_index_, take, out + done);
      packed_index_ += take;
    }
    run_left_ -= take;
    done += take;
  }
}

size_t DecodeDeltaBinaryPacked(const uint8_t* data, size_t size, size_t max_values,
                               std::vector<int64_t>* out) {
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  uint64_t block_size = ReadUleb(&p, end);
  uint64_t miniblocks = ReadUleb(&p, end);
  uint64_t total = ReadUleb(&p, end);
  uint64_t first_zz = ReadUleb(&p, end);
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 20)) {
    Fail("DELTA_BINARY_PACKED block size " + std::to_string(block_size) + " is invalid");
  }
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    Fail("DELTA_BINARY_PACKED miniblock count " + std::to_string(miniblocks) + " is invalid");
  }
  if (total > max_values) {
    Fail("DELTA_BINARY_PACKED holds " + std::to_string(total) + " values, more than the page's " +
         std::to_string(max_values));
  }
  uint64_t per_mini = block_size / miniblocks;
  uint64_t value = (first_zz >> 1) ^ (~(first_zz & 1) + 1);
  size_t base = out->size();
  out->reserve(base + total);
  if (total == 0) return static_cast<size_t>(p - data);
  out->push_back(static_cast<int64_t>(value));
  uint64_t produced = 1;
  std::vector<uint8_t> widths(miniblocks);
  while (produced < total) {
    uint64_t min_zz = ReadUleb(&p, end);
    uint64_t min_delta = (min_zz >> 1) ^ (~(min_zz & 1) + 1);
    if (static_cast<uint64_t>(end - p) < miniblocks) Fail("DELTA_BINARY_PACKED block is truncated");
    std::memcpy(widths.data(), p, miniblocks);
    p += miniblocks;
    for (uint64_t m = 0; m < miniblocks && produced < total; ++m) {
      int w = widths[m];
      if (w > 64) Fail("DELTA_BINARY_PACKED bit width " + std::to_string(w) + " exceeds 64");
      size_t bytes = per_mini * w / 8;
      uint64_t take = std::min(per_mini, total - produced);
      size_t avail = static_cast<size_t>(end - p);
      size_t needed = (take * w + 7) / 8;
      if (needed > avail) Fail("DELTA_BINARY_PACKED miniblock is truncated");
      size_t have = std::min(bytes, avail);
      for (uint64_t i = 0; i < take; ++i) {
        uint64_t d = w == 0 ? 0 : UnpackOne(p, have, i, w);
        value += min_delta + d;
        out->push_back(static_cast<int64_t>(value));
      }
      p += have;
      produced += take;
    }
  }
  return static_cast<size_t>(p - data);
}

size_t DecodeDeltaLengthByteArray(const uint8_t* data, size_t size, size_t n, PhysicalValues* out) {
  std::vector<int64_t> lengths;
  size_t pos = DecodeDeltaBinaryPacked(data, size, n, &lengths);
  if (lengths.size() < n) Fail("DELTA_LENGTH_BYTE_ARRAY holds fewer lengths than values");
  const char* p = reinterpret_cast<const char*>(data) + pos;
  size_t left = size - pos;
  for (size_t i = 0; i < n; ++i) {
    int64_t len = lengths[i];
    if (len < 0 || static_cast<uint64_t>(len) > left) {
      Fail("DELTA_LENGTH_BYTE_ARRAY value length " + std::to_string(len) + " exceeds the data");
    }
    out->AppendBytes(p, static_cast<size_t>(len));
    p += len;
    left -= static_cast<size_t>(len);
  }
  return size - left;
}

void DecodeDeltaByteArray(const uint8_t* data, size_t size, size_t n, PhysicalValues* out) {
  std::vector<int64_t> prefixes;
  size_t pos = DecodeDeltaBinaryPacked(data, size, n, &prefixes);
  if (prefixes.size() < n) Fail("DELTA_BYTE_ARRAY holds fewer prefix lengths than values");
  PhysicalValues suffixes;
  DecodeDeltaLengthByteArray(data + pos, size - pos, n, &suffixes);
  std::string prev;
  for (size_t i = 0; i < n; ++i) {
    int64_t pre = prefixes[i];
    if (pre < 0 || static_cast<size_t>(pre) > prev.size()) {
      Fail("DELTA_BYTE_ARRAY prefix length " + std::to_string(pre) + " exceeds the previous value");
    }
    prev.resize(static_cast<size_t>(pre));
    prev.append(suffixes.chars.data() + suffixes.offsets[i],
                static_cast<size_t>(suffixes.offsets[i + 1] - suffixes.offsets[i]));
    if (out->width > 0) {
      if (prev.size() != static_cast<size_t>(out->width)) {
        Fail("DELTA_BYTE_ARRAY value length differs from the fixed length");
      }
      out->fixed.insert(out->fixed.end(), prev.begin(), prev.end());
      ++out->count;
    } else {
      out->AppendBytes(prev.data(), prev.size());
    }
  }
}

namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Appends values[0, n) LSB-first at `bit_width` bits each, padded with zero values to a multiple
// of 8 (one bit-packed run of n / 8 groups, rounded up), without the run header.
template <typename T>
void PackLiterals(const T* values, size_t n, int bit_width, std::string* out) {
  size_t groups = (n + 7) / 8;
  size_t nbytes = groups * static_cast<size_t>(bit_width);
  size_t base = out->size();
  out->resize(base + nbytes);
  auto* dst = reinterpret_cast<uint8_t*>(out->data() + base);
  uint64_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < groups * 8; ++i) {
    uint64_t v = i < n ? static_cast<uint64_t>(values[i]) : 0;
    acc |= v << bits;
    bits += bit_width;
    if (bits >= 32) {  // bits < 32 before adding at most 32 more: acc holds at most 63 bits
      uint32_t word = static_cast<uint32_t>(acc);
      std::memcpy(dst, &word, 4);
      dst += 4;
      acc >>= 32;
      bits -= 32;
    }
  }
  // 8 * bit_width bits per group: what remains is a whole number of bytes.
  for (; bits > 0; bits -= 8, acc >>= 8) *dst++ = static_cast<uint8_t>(acc);
}

template <typename T>
void EncodeRleBitPackedImpl(const T* values, size_t n, int bit_width, std::string* out) {
  int value_bytes = (bit_width + 7) / 8;
  // Literal values are always a contiguous stretch of the input: [lit_begin, i).
  size_t lit_begin = 0;
  auto flush_literals = [&](size_t lit_end) {
    size_t count = lit_end - lit_begin;
    if (count == 0) return;
    PutVarint((((count + 7) / 8) << 1) | 1, out);
    PackLiterals(values + lit_begin, count, bit_width, out);
  };
  size_t i = 0;
  while (i < n) {
    T first = values[i];
    size_t r = 1;
    while (i + r < n && values[i + r] == first) ++r;
    if (r >= 8 && (i - lit_begin) % 8 == 0) {
      flush_literals(i);
      PutVarint(static_cast<uint64_t>(r) << 1, out);
      for (int b = 0; b < value_bytes; ++b) {
        out->push_back(static_cast<char>(static_cast<uint32_t>(first) >> (8 * b)));
      }
      i += r;
      lit_begin = i;
    } else if (r >= 8) {
      // Complete the literal group of 8 with values of this run, then retry the run.
      size_t take = 8 - (i - lit_begin) % 8;
      i += take;
    } else {
      i += r;
    }
  }
  flush_literals(n);
}

}  // namespace

void EncodeRleBitPacked(const uint32_t* values, size_t n, int bit_width, std::string* out) {
  EncodeRleBitPackedImpl(values, n, bit_width, out);
}

void EncodeRleBitPacked(const uint8_t* values, size_t n, int bit_width, std::string* out) {
  EncodeRleBitPackedImpl(values, n, bit_width, out);
}

}  // namespace sluice::parquet
