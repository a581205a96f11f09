// Parquet value and level encodings: the RLE / bit-packed hybrid (levels, dictionary indexes,
// booleans), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT
// decoding, and the RLE / bit-packed hybrid encoder the writer uses. Decoders are bounds-checked
// and throw ParquetFormatError on malformed input. Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/parquet/thrift_compact.h"

namespace sluice::parquet {

/// Decoded physical values of one column chunk: fixed-width values (`width` bytes each, booleans
/// one byte) in `fixed`, or BYTE_ARRAY values as `offsets` (count + 1) into `chars`.
struct PhysicalValues {
  int width = 0;  // 0 = variable length (BYTE_ARRAY)
  size_t count = 0;
  std::vector<uint8_t> fixed;
  std::vector<int64_t> offsets{0};
  std::vector<char> chars;

  void Clear() {
    count = 0;
    fixed.clear();
    offsets.assign(1, 0);
    chars.clear();
  }
  void AppendBytes(const char* p, size_t n) {
    chars.insert(chars.end(), p, p + n);
    offsets.push_back(static_cast<int64_t>(chars.size()));
    ++count;
  }
};

class RleBitPackedDecoder {
 public:
  /// REQUIRES: 0 <= bit_width <= 32.
  RleBitPackedDecoder(const uint8_t* data, size_t size, int bit_width)
      : p_(data), end_(data + size), bit_width_(bit_width) {}
  /// Decodes exactly n values into out; throws if the data ends first.
  void Decode(uint32_t* out, size_t n);

 private:
  bool NextRun();

  const uint8_t* p_;
  const uint8_t* end_;
  int bit_width_;
  size_t run_left_ = 0;
  bool run_is_rle_ = false;
  uint32_t rle_value_ = 0;
  const uint8_t* packed_ = nullptr;  // bit-packed run data
  size_t packed_index_ = 0;          // next value in the bit-packed run
  size_t packed_available_ = 0;      // values the run's bytes hold
  size_t packed_bytes_ = 0;          // bytes of the bit-packed run
};

/// Decodes DELTA_BINARY_PACKED values (as 64-bit; INT32 columns truncate). Returns the number of
/// bytes consumed (the end of the last miniblock read).
size_t DecodeDeltaBinaryPacked(const uint8_t* data, size_t size, size_t max_values,
                               std::vector<int64_t>* out);
/// DELTA_LENGTH_BYTE_ARRAY; appends to out. Returns bytes consumed.
size_t DecodeDeltaLengthByteArray(const uint8_t* data, size_t size, size_t n, PhysicalValues* out);
/// DELTA_BYTE_ARRAY (incremental / front coding); appends n values to out (as byte arrays, or
/// as fixed-width values when out->width > 0).
void DecodeDeltaByteArray(const uint8_t* data, size_t size, size_t n, PhysicalValues* out);

/// Reads a ULEB128 varint at *p (advancing it); throws at the end of the data.
uint64_t ReadUleb(const uint8_t** p, const uint8_t* end);

/// Appends values as the RLE / bit-packed hybrid (without a length prefix). Runs of at least 8
/// equal values that start on a literal-group boundary become RLE runs; everything else is
/// bit-packed. REQUIRES: every value fits in bit_width bits, bit_width <= 32.
void EncodeRleBitPacked(const uint32_t* values, size_t n, int bit_width, std::string* out);
/// The same for byte-sized values (definition / repetition levels).
void EncodeRleBitPacked(const uint8_t* values, size_t n, int bit_width, std::string* out);

/// Number of bits needed for values up to max_value.
int BitWidth(uint64_t max_value);

}  // namespace sluice::parquet
