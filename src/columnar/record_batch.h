// RecordBatch: equal-length column vectors matching a schema (a STRUCT type). The unit of data
// every operator consumes and produces. Immutable once built and shared through RecordBatchPtr.
#pragma once

#include <memory>
#include <vector>

#include "columnar/vector.h"
#include "sluice/types.h"
#include "sluice/value.h"

namespace sluice {

class RecordBatch;
using RecordBatchPtr = std::shared_ptr<const RecordBatch>;

class RecordBatch {
 public:
  /// REQUIRES: schema is a STRUCT with one field per column; every column has num_rows rows.
  RecordBatch(TypePtr schema, std::vector<VectorPtr> columns, size_t num_rows);
  static RecordBatchPtr Make(TypePtr schema, std::vector<VectorPtr> columns, size_t num_rows);
  /// A batch with no rows.
  static RecordBatchPtr Empty(TypePtr schema);
  /// Builds a batch from rows of values (slow path, for tests and small inputs).
  static RecordBatchPtr FromRows(TypePtr schema, const std::vector<std::vector<Value>>& rows);
  /// Concatenates batches of the same schema.
  static RecordBatchPtr Concat(TypePtr schema, const std::vector<RecordBatchPtr>& batches);

  const TypePtr& schema() const { return schema_; }
  size_t num_rows() const { return num_rows_; }
  size_t num_columns() const { return columns_.size(); }
  const VectorPtr& column(size_t i) const { return columns_[i]; }
  const std::vector<VectorPtr>& columns() const { return columns_; }

  /// The rows named by `sel`.
  RecordBatchPtr Take(const SelectionVector& sel) const;
  RecordBatchPtr Slice(size_t begin, size_t count) const;
  /// Row i as values (slow path).
  std::vector<Value> GetRow(size_t i) const;

 private:
  TypePtr schema_;
  std::vector<VectorPtr> columns_;
  size_t num_rows_;
};

/// Estimated in-memory bytes of a batch: fixed-width values (one byte at least per value of other
/// types) plus string bytes, nested vectors included. Sizes Parquet row groups and output files.
int64_t EstimateBatchBytes(const RecordBatch& batch);

}  // namespace sluice
