// Snappy block decompression (the raw format Parquet's SNAPPY codec stores: a varint length, then
// literal and copy elements). Parquet pages decode through this instead of libsnappy's
// RawUncompress: columnar pages are mostly short literals and short copies (a sequential BIGINT
// column is a 2-byte literal and a 6-byte copy per value), and copying those with fixed 16-byte
// moves into a buffer with slack is several times faster than a library call per element (see
// docs/formats/parquet.md, "Performance"). Compression still uses libsnappy.
//
// Bounds-checked: malformed input (a bad length, an offset before the start, a copy or literal
// past either end) returns false, never reads or writes outside the buffers. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice::parquet {

/// Bytes of slack SnappyDecompressBlock may write past the end of the output (and then overwrite
/// or leave as garbage): the output buffer must hold out_size + kSnappyOutputSlack bytes.
constexpr size_t kSnappyOutputSlack = 64;

/// The uncompressed length in the block's preamble, or false when it is malformed.
bool SnappyUncompressedLength(const uint8_t* in, size_t n, size_t* length);

/// Decompresses the block in[0, n) into out[0, out_size), where out_size must equal the preamble's
/// length; out must have room for out_size + kSnappyOutputSlack bytes. Returns false for
/// malformed input (the output is then unspecified).
bool SnappyDecompressBlock(const uint8_t* in, size_t n, uint8_t* out, size_t out_size);

}  // namespace sluice::parquet
