// Binary encoding of record batches for state snapshots: the vectors' buffers written as they are,
// with a header (magic, version, row count) and an FNV-1a checksum. Decoding validates sizes and
// the checksum and throws IoError naming `source` on corrupt input (never reads out of bounds).
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
