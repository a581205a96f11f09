// Binary encoding of record batches for state snapshots: the vectors' buffers written as they are,
// with a header (magic, version, row count) and a checksum. Decoding validates sizes and the
// checksum and throws IoError naming `source` on corrupt input (never reads out of bounds).
//
// Formats (the magic): SLB2 (written) checksums 8-byte words in four interleaved lanes; SLB1
// (written before SLB2, still read) used FNV-1a over bytes, which cost several cycles per byte of
// every state delta and snapshot.
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
