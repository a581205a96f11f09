// Per-file column statistics of Delta add actions (PROTOCOL.md "Per-file Statistics"): the `stats`
// JSON text {"numRecords":N,"minValues":{..},"maxValues":{..},"nullCount":{..}}.
//
// Statistics are collected for the first `num_indexed_cols` leaf columns of the data schema in
// schema order (delta.dataSkippingNumIndexedCols, default 32; -1 = all), nested STRUCT fields as
// nested objects. minValues/maxValues hold numbers, decimals, dates, timestamps (UTC, millisecond
// precision, the max rounded up so it stays an upper bound) and strings (the min cut to 32
// characters; a cut max gets U+FFFF appended so it stays an upper bound); booleans, binary, arrays,
// maps and decimals wider than 15 digits (JSON numbers are read as doubles) only get nullCount. A
// column holding NaN or an infinity gets no min/max. Thread-safe (pure functions).
#pragma once

#include <string>
#include <vector>

#include "columnar/record_batch.h"

namespace sluice {

/// Returns the stats JSON of the rows of `batches` (all of schema `schema`).
std::string ComputeDeltaFileStats(const TypePtr& schema, const std::vector<RecordBatchPtr>& batches,
                                  int num_indexed_cols);

}  // namespace sluice
