// DeltaFileWriter: the data files of a Delta write. Splits rows by partition values into
// Hive-style directories (`<col>=<escaped value>/`, NULL and "" as __HIVE_DEFAULT_PARTITION__),
// writes the non-partition columns as Parquet files `part-<task:05d>-<uuid>.c000.<codec>.parquet`
// (snappy by default, Spark's schema metadata in the footer) and describes each file as an add
// action: relative URI-encoded path, partitionValues (Delta's serialized forms; NULL and "" as
// null), size, modificationTime, dataChange and per-file statistics (delta_stats.h).
//
// Files are written complete under a hidden temporary name and renamed into place, so a reader of
// the directory never sees a partial file; they are only part of the table once a commit lists
// them.
//
// Thread-compatible; WriteTask may be called from several threads on the same const writer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "formats/parquet/parquet_writer.h"

namespace sluice {

using DeltaPartitionValues = std::vector<std::pair<std::string, std::optional<std::string>>>;

/// An add action in the making.
struct DeltaAddFile {
  std::string log_path;    ///< relative to the table root, URI-encoded
  std::string local_path;  ///< absolute local path
  DeltaPartitionValues partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  bool data_change = true;
  std::string stats;
  int64_t num_records = 0;
};

struct DeltaFileWriterOptions {
  ParquetWriteOptions parquet;
  int num_indexed_cols = 32;         ///< delta.dataSkippingNumIndexedCols
  int64_t max_records_per_file = 0;  ///< 0 = unlimited
  /// Roll to a new file once the rows buffered for one file reach this many in-memory bytes
  /// (0 = unlimited). Parquet files come out smaller than this (encoding and compression).
  int64_t target_file_bytes = 0;
  int64_t modification_time_ms = 0;  ///< the add actions' modificationTime
};

class DeltaFileWriter {
 public:
  /// `schema` is the table schema (partition columns included); `partition_columns` name columns of
  /// it. Throws AnalysisError for partition columns that are missing, nested or BINARY, or when
  /// every column is a partition column.
  DeltaFileWriter(std::string table_path, TypePtr schema,
                  std::vector<std::string> partition_columns, DeltaFileWriterOptions options);

  /// Writes the rows of `batches` (table schema) as files of task `task`; returns their adds.
  std::vector<DeltaAddFile> WriteTask(const std::vector<RecordBatchPtr>& batches, size_t task,
                                      bool data_change) const;

  /// Writes `batches` of the data schema (partition columns excluded) as files of one table
  /// partition: directory `dir` (relative, "" for the root) with partition values `values`.
  std::vector<DeltaAddFile> WritePartitionFiles(const std::vector<RecordBatchPtr>& batches,
                                                const std::string& dir,
                                                const DeltaPartitionValues& values, size_t task,
                                                bool data_change) const;

  const TypePtr& data_schema() const { return data_schema_; }
  /// The relative directory of a partition (Hive-style, escaped), "" when unpartitioned.
  std::string PartitionDirectory(const DeltaPartitionValues& values) const;

 private:
  std::string table_path_;
  TypePtr schema_;
  std::vector<std::string> partition_columns_;
  std::vector<int> partition_idx_;
  std::vector<int> data_idx_;
  TypePtr data_schema_;
  DeltaFileWriterOptions options_;
  std::string extension_;
};

/// Delta's serialized partition value of row `row` of `v` (nullopt for NULL and ""): numbers and
/// booleans as text, DATE yyyy-MM-dd, TIMESTAMP as ISO-8601 UTC with microseconds
/// ("2024-01-01T10:00:00.000000Z"), TIMESTAMP_NTZ "yyyy-MM-dd HH:mm:ss.SSSSSS", DECIMAL plain.
std::optional<std::string> DeltaPartitionValueString(const Vector& v, size_t row);

/// Percent-encodes a relative path as a URI path (bytes other than unreserved characters, '/' and
/// '=' become %XX), as Delta writes add paths.
std::string EncodeDeltaPath(std::string_view relative_path);

}  // namespace sluice
