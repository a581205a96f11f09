// RowCodec: compact, self-delimiting byte encoding of one row of a set of columns, used as the
// key and value bytes of the RocksDB state store and as the identity of a key while the
// HDFS-style store replays deltas.
//
// Encoding, per column in order: one byte (0 = NULL, 1 = valid), then for a valid value
//   fixed-width types   the value's bytes as stored in the vector (1, 2, 4, 8 or 16 bytes)
//   STRING / BINARY     varint length + bytes
//   STRUCT              every field, recursively (each with its own null byte)
//   ARRAY               varint element count + elements
//   MAP                 varint entry count + keys, then values
// Equal values (grouping semantics: the same bytes in the vectors) encode to equal bytes, so the
// encoding of key columns can be compared and hashed as a string. Host byte order: the encoding
// is local to one machine's checkpoints, like the columnar state files.
//
// Thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "columnar/vector.h"

namespace sluice {

class RowCodec {
 public:
  /// Appends the encoding of row `row` of `columns` to `out`.
  static void EncodeRow(const std::vector<VectorPtr>& columns, size_t row, std::string* out);
  /// Same for columns [begin, end) of `columns`.
  static void EncodeRow(const std::vector<VectorPtr>& columns, size_t begin, size_t end,
                        size_t row, std::string* out);
  /// Decodes one row from `data` (advancing it) and appends it to `columns` (one vector per
  /// encoded column, of the types it was encoded with). Throws IoError naming `source` if the
  /// data is truncated or malformed.
  static void DecodeRow(std::string_view* data, const std::vector<VectorPtr>& columns,
                        const std::string& source);
};

/// Approximate bytes held by a vector's buffers (values, offsets, characters, validity, children).
size_t VectorMemoryBytes(const Vector& v);

}  // namespace sluice
