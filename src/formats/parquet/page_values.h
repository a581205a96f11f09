// Page value decoding shared by the Parquet column readers: PLAIN values, dictionary indexes and
// gathers, every value encoding of a data page into dense physical values, and definition /
// repetition levels. Bounds-checked: malformed input throws ParquetFormatError. Thread-compatible.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "formats/parquet/parquet_encoding.h"
#include "formats/parquet/parquet_metadata.h"

namespace sluice::parquet {

/// Values a data page may declare at most (a bound against corrupt headers).
constexpr int64_t kMaxPageValues = int64_t{1} << 28;
/// Zero bytes kept after a BYTE_ARRAY dictionary's last value, so short values can be copied 16
/// bytes at a time.
constexpr size_t kDictPadding = 16;

/// Throws ParquetFormatError(what).
[[noreturn]] void Corrupt(const std::string& what);

/// Bytes per value of a fixed-width physical type (booleans: 1, decoded); 0 for BYTE_ARRAY.
int PhysicalWidth(PhysicalType t, int type_length);

inline uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

/// Decodes n PLAIN values of physical type `t` into out (appending). Returns bytes consumed.
size_t DecodePlain(const uint8_t* data, size_t size, size_t n, PhysicalType t, PhysicalValues* out);

/// Decodes the n dictionary indexes of a dictionary-encoded page (bit width byte + RLE /
/// bit-packed hybrid) into *idx (resized to n) and checks each against the dictionary's size.
void DecodeDictIndexes(const uint8_t* data, size_t size, size_t n, size_t dict_count,
                       std::vector<uint32_t>* idx);

/// Decodes n values of a page in encoding `enc` into out (appending). `dict` is the column chunk's
/// dictionary, null when it has none.
void DecodeValues(Encoding enc, const uint8_t* data, size_t size, size_t n, PhysicalType t,
                  const PhysicalValues* dict, PhysicalValues* out);

/// Decodes n levels, appending them to *out (tmp is scratch); v1 RLE levels carry a 4-byte length
/// prefix (with_length). Returns the bytes used.
size_t DecodeLevels(Encoding enc, const uint8_t* data, size_t size, size_t n, int max_level,
                    bool with_length, std::vector<uint8_t>* out, std::vector<uint32_t>* tmp);

}  // namespace sluice::parquet
