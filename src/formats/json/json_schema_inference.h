// Spark's JSON schema inference (JsonInferSchema) for batch reads. Per value: integers -> BIGINT
// (beyond 64 bits: DECIMAL(p,0), beyond 38 digits DOUBLE), other numbers -> DOUBLE
// (prefersDecimal: DECIMAL(p,s) when it fits), strings -> STRING (inferTimestamp: TIMESTAMP when
// they parse), booleans -> BOOLEAN, objects -> STRUCT with fields sorted by name, arrays -> ARRAY of
// the merged element type, primitivesAsString turns every scalar into STRING. Types of the same
// field in different records are merged: BIGINT+DOUBLE -> DOUBLE, DECIMAL widened, structs merged,
// arrays merged element-wise, anything else conflicting -> STRING. Fields only ever NULL (and
// empty arrays' elements) become STRING, or are dropped with dropFieldIfAllNull. Malformed records
// (and top-level non-objects) add the corrupt-record STRING column in PERMISSIVE mode, are ignored
// in DROPMALFORMED mode and throw ExecutionError in FAILFAST mode. Thread-compatible.
#pragma once

#include <vector>

#include "formats/input_buffer.h"
#include "formats/json/json_options.h"
#include "sluice/types.h"

namespace sluice {

/// Infers the STRUCT schema of JSON-lines (or multiLine JSON) inputs.
TypePtr InferJsonSchema(const std::vector<InputBufferPtr>& inputs, const JsonOptions& options);

}  // namespace sluice
