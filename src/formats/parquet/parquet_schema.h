// Mapping between Parquet schemas and Sluice types, in both directions, as Spark's
// ParquetToSparkSchemaConverter / SparkToParquetSchemaConverter do:
//   - file -> Sluice: the schema tree with definition/repetition levels per node, the Sluice type
//     of every field and an assembly plan (how leaf levels rebuild STRUCT/ARRAY/MAP vectors),
//     following the LIST/MAP backward-compatibility rules (2-level lists, `array` / `_tuple`
//     elements, un-annotated repeated fields as arrays, MAP_KEY_VALUE);
//   - Sluice -> file: schema elements as Spark writes them (3-level LIST, MAP key_value, decimals as
//     INT32/INT64/FIXED_LEN_BYTE_ARRAY by precision) and Spark's schema JSON for the
//     `org.apache.spark.sql.parquet.row.metadata` key.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "formats/parquet/parquet_metadata.h"
#include "sluice/types.h"

namespace sluice::parquet {

/// How a leaf's physical values become Sluice values.
enum class LeafConversion : uint8_t {
  kBoolean, kInt32, kInt8, kInt16, kUint8, kUint16, kUint32, kInt64, kUint64ToDecimal, kDate,
  kTimestampMillis, kTimestampMicros, kTimestampNanos, kInt96, kFloat, kDouble, kFloat16,
  kString, kBinary, kUuid, kDecimalInt32, kDecimalInt64, kDecimalBytes,
};

/// One node of the assembly plan.
struct PlanNode {
  enum Kind : uint8_t { kLeaf, kStruct, kList, kMap } kind = kLeaf;
  std::string name;
  TypePtr type;
  int def = 0;       ///< present (non-null) when the level is >= def
  int elem_def = 0;  ///< LIST/MAP: an element exists when the level is >= elem_def
  int rep = 0;       ///< LIST/MAP: repetition level of the repeated node
  int first_leaf = 0;             ///< index of the first leaf column under this node
  std::vector<PlanNode> children;  ///< STRUCT fields; LIST: element; MAP: key, value (value may be absent)
  // Leaves only.
  int column = -1;
  int max_def = 0, max_rep = 0;
  const SchemaElement* element = nullptr;
  LeafConversion conversion = LeafConversion::kInt32;
};

/// The Sluice view of a file's schema: one plan per top-level field.
struct FileSchema {
  TypePtr type;  ///< STRUCT of the top-level fields
  std::vector<PlanNode> fields;
  std::vector<const SchemaElement*> leaves;  ///< in column-chunk order
  std::vector<int> leaf_max_def, leaf_max_rep;
  std::vector<std::string> leaf_paths;  ///< dotted paths, for messages
};

/// Builds the Sluice schema of `md` (md must outlive the result). Throws ParquetFormatError for
/// malformed trees and unsupported types.
FileSchema ConvertFileSchema(const FileMetaData& md);

/// Appends the Parquet schema elements (root first) for a Sluice STRUCT schema, as Spark writes it.
/// Throws AnalysisError for types Parquet cannot hold (NULL, INTERVAL).
std::vector<SchemaElement> ToParquetSchema(const TypePtr& schema);

/// Spark's DataType.json for a STRUCT schema.
std::string SparkSchemaJson(const TypePtr& schema);

}  // namespace sluice::parquet
