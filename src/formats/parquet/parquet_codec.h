// Page compression codecs through Debian's libraries: snappy, zlib (GZIP), zstd, lz4 (LZ4_RAW and
// Hadoop's framed LZ4), and brotli when Sluice was built with it (SLUICE_HAVE_BROTLI).
// Thread-safe: zstd contexts are reused per thread, nothing else is kept between calls.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet/parquet_metadata.h"

namespace sluice::parquet {

/// Decompresses `in` into exactly `uncompressed_size` bytes (the size the page header declares).
/// Throws ParquetFormatError when the data is corrupt, its size differs, or the codec is unsupported.
void Decompress(Codec codec, std::string_view in, size_t uncompressed_size, std::string* out);

/// Compresses `in` with `codec` (UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW); appends to *out.
void Compress(Codec codec, std::string_view in, std::string* out, int level = 0);

/// Compresses `in` with `codec` (as Compress) into *scratch and returns the compressed bytes: a
/// prefix of *scratch, or `in` itself for UNCOMPRESSED. *scratch only grows, so a scratch buffer
/// reused across pages is not zero-filled again; the view is valid until its next use.
std::string_view CompressInto(Codec codec, std::string_view in, std::vector<char>* scratch,
                              int level = 0);

/// Parses a codec option value ("snappy", "zstd", "gzip", "none", "uncompressed", "lz4_raw",
/// "lz4raw"). Returns false for unknown names.
bool ParseCodecName(std::string_view name, Codec* codec);

}  // namespace sluice::parquet
