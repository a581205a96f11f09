// Binary encoding of record batches for state snapshots: the vectors' buffers written as they are,
// with a header (magic, version, row count) and a checksum. Decoding validates sizes and the
// checksum and throws IoError naming `source` on corrupt input (never reads out of bounds).
//
// Formats (the magic):
//   SLB2 (written)  integer-like columns (INT, DATE, BIGINT, TIMESTAMP[_NTZ], INTERVAL) frame-of-
//                   reference encoded: a width byte (0 = raw values follow), the minimum, then each
//                   value minus the minimum in 1, 2 or 4 bytes; checksum over 8-byte words in four
//                   interleaved lanes. State deltas of windowed counts shrink about 2.5 times.
//   SLB1 (read)     written before SLB2: raw values and an FNV-1a checksum over bytes (several
//                   cycles per byte of every state delta and snapshot).
#pragma once

#include <string>
#include <string_view>

#include "columnar/record_batch.h"

namespace sluice {

std::string SerializeBatch(const RecordBatch& batch);
/// REQUIRES: `schema` is the schema the batch was written with.
RecordBatchPtr DeserializeBatch(const TypePtr& schema, std::string_view data,
                                const std::string& source);

}  // namespace sluice
