// Schema enforcement and evolution of Delta writes, as Delta does for DataFrame writes:
//   - columns are matched by name, case-insensitively; the table's names and order win;
//   - a table column missing from the data is written as NULL (an error if the column is NOT NULL);
//   - a data column missing from the table is an error unless mergeSchema adds it (at the end,
//     nullable);
//   - a type that differs from the table's is an error, except that mergeSchema widens among
//     TINYINT < SMALLINT < INT (the table takes the wider type; narrower data is cast up), as
//     Delta's schema merge does. Nested STRUCT/ARRAY/MAP types must match exactly (their
//     nullability aside); Sluice's mergeSchema does not evolve nested fields.
// Errors are AnalysisError "[DELTA_SCHEMA_MISMATCH] ..." naming every offending column.
// Thread-safe (pure functions).
#pragma once

#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "expr/eval_context.h"

namespace sluice {

/// Returns the schema the table has after writing data of `data` schema into a table of schema
/// `table` (== `table` unless `merge_schema` adds or widens columns). Throws AnalysisError (see the
/// file comment); `table_path` names the table in messages.
TypePtr ReconcileDeltaWriteSchema(const TypePtr& table, const TypePtr& data, bool merge_schema,
                                  const std::string& table_path);

/// Rearranges `batch` (of the data schema) into `target` (the reconciled table schema): columns by
/// name in target order, missing ones NULL, integral columns cast up. Throws ExecutionError
/// "[DELTA_NOT_NULL_CONSTRAINT_VIOLATED] NOT NULL constraint violated for column: x." when a NOT
/// NULL column of `target` gets a NULL.
RecordBatchPtr AlignBatchToDeltaSchema(const RecordBatchPtr& batch, const TypePtr& target,
                                       const EvalContext& ctx);

/// A schema with every field (nested ones too) nullable, as Delta stores a new table's schema.
TypePtr AsNullableSchema(const TypePtr& type);

/// Throws AnalysisError when `schema` has two columns whose names differ only by case, or a type
/// Delta tables cannot hold (NULL, INTERVAL) — naming the column.
void CheckDeltaSchemaWritable(const TypePtr& schema, const std::string& table_path);

}  // namespace sluice
