// FileScanner reads input files of one format (JSON lines / multiLine JSON, CSV, text, Parquet) into
// RecordBatches of a fixed output schema, as Spark's FileSourceScanExec does: the data columns come
// from the file through the format's reader, and output columns named after a partition directory
// of the file (`col=value`) are filled from the path. Also: batch schema inference (data schema
// plus discovered partition columns) and Spark's packing of files into read partitions.
//
// Thread-safe: a FileScanner is immutable; each file is read by its own FileBatchReader.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/file/file_listing.h"
#include "formats/read_options.h"
#include "plan/relation_source.h"
#include "sluice/types.h"
#include "sluice/value.h"

namespace sluice {

class CsvReader;
class JsonReader;
class ParquetReader;
class TextReader;
class ThreadPool;

enum class FileFormat : uint8_t { kJson, kCsv, kText, kParquet };

/// Parses a data source name: "json", "csv", "text", "parquet" (case-insensitive). Others throw
/// AnalysisError "[UNSUPPORTED_DATA_SOURCE] ..." naming the format ("delta": not supported yet).
FileFormat ParseFileFormat(std::string_view name);
/// "json", "csv", "text", "parquet".
std::string FileFormatName(FileFormat format);

/// Adds `b` into `a`, field by field.
void AddReadCounts(ReadCounts* a, const ReadCounts& b);

class FileScanner {
 public:
  /// `schema`: the STRUCT the scan outputs. `time_zone` is used when the options have no timeZone;
  /// `batch_rows` when they have no batchRows.
  FileScanner(FileFormat format, OptionMap options, TypePtr schema, std::string time_zone,
              size_t batch_rows);

  FileFormat format() const { return format_; }
  const TypePtr& schema() const { return schema_; }
  const OptionMap& options() const { return options_; }

  /// Whether files may be read in byte ranges: Parquet (by row group) and line-based input (JSON
  /// lines, CSV and text without multiLine / wholetext / a custom lineSep).
  bool IsSplittable() const;

  /// Reads each group of files as one partition (draining OpenStreams' streams), on `pool` when
  /// given (else inline), adding the record accounting to *counts. Throws IoError for unreadable
  /// files, ExecutionError for malformed records in FAILFAST mode.
  std::vector<Partition> ReadPartitions(const std::vector<std::vector<InputFile>>& groups,
                                        ThreadPool* pool, ReadCounts* counts) const;
  /// One stream per group of files, reading the files in order as it is pulled (see
  /// FileBatchReader). After a group's last batch, `on_group_done` (if set) gets its record
  /// accounting; it may be called from any thread. `required` as for FileBatchReader. The
  /// streams keep a copy of the scanner.
  std::vector<ChunkStream> OpenStreams(std::vector<std::vector<InputFile>> groups,
                                       std::function<void(const ReadCounts&)> on_group_done,
                                       std::vector<bool> required = {}) const;

 private:
  FileFormat format_;
  OptionMap options_;
  TypePtr schema_;
};

/// One file's batches of the scanner's schema, read as they are asked for, batchRows rows at a
/// time: Parquet row group by row group (memory holds about a page per column plus the batch), the
/// line formats (JSON, CSV, text) record by record from the file or its byte range.
/// Partition columns are filled from the file's path. Thread-compatible.
class FileBatchReader {
 public:
  /// `scanner` must outlive the reader. `required` (empty: all) marks the output columns the
  /// consumer reads: Parquet reads only those, the others come back as NULL placeholders.
  FileBatchReader(const FileScanner& scanner, const InputFile& file, std::vector<bool> required = {});
  ~FileBatchReader();
  /// The next non-empty batch, or null after the last; adds the record accounting of what it
  /// read to *counts. Throws IoError for an unreadable file, ExecutionError for a malformed
  /// record in FAILFAST mode.
  RecordBatchPtr Next(ReadCounts* counts);

 private:
  RecordBatchPtr NextParquet(ReadCounts* counts);
  RecordBatchPtr NextLines(ReadCounts* counts);
  /// Opens the line format's reader over the file or its byte range.
  void OpenLines();
  /// A batch of the columns read as one of the scanner's schema.
  RecordBatchPtr ToOutput(const RecordBatchPtr& b);

  const FileScanner* scanner_;
  InputFile file_;
  TypePtr read_schema_;  // the columns read from the file
  std::vector<std::optional<Value>> partition_slot_;
  std::vector<int> read_index_;  // per output column: its index in read_schema_, or -1
  bool all_read_ = false;        // every output column is read, in order
  // NULL placeholders of Parquet columns not read, by output column, reused while batches keep
  // their size.
  std::vector<VectorPtr> placeholders_;
  size_t batch_rows_ = 0;  // Parquet: rows per batch (batchRows)
  std::unique_ptr<ParquetReader> parquet_;
  int row_group_ = -1;
  bool parquet_done_ = false;
  std::unique_ptr<JsonReader> json_;  // the line format being read, one of three
  std::unique_ptr<CsvReader> csv_;
  std::unique_ptr<TextReader> text_;
  bool lines_done_ = false;
};

/// Infers the schema of a batch read of `files`: the data schema (JSON inference; CSV header names
/// with inferSchema types or STRING; text `value STRING`) followed by the partition columns found
/// in the files' directories (types inferred when `infer_partition_types`: INT, BIGINT, DOUBLE,
/// DATE, else STRING). Throws AnalysisError "[UNABLE_TO_INFER_SCHEMA] ..." for JSON/CSV without
/// files.
TypePtr InferFileSchema(FileFormat format, const OptionMap& options,
                        const std::vector<InputFile>& files, std::string_view time_zone,
                        bool infer_partition_types);

/// Spark's FilePartition packing: with maxSplitBytes = min(max_partition_bytes,
/// max(open_cost_bytes, total_bytes / parallelism)), files larger than maxSplitBytes are cut into
/// byte ranges of that size when `splittable`; the pieces, sorted by size (descending), are packed
/// next-fit into partitions of at most maxSplitBytes, each piece counting its size plus
/// open_cost_bytes. Partitions keep their pieces in (path, start) order.
std::vector<std::vector<InputFile>> PackFilePartitions(std::vector<InputFile> files,
                                                       int64_t max_partition_bytes,
                                                       int64_t open_cost_bytes, int parallelism,
                                                       bool splittable = false);

/// Reads the lines of `path` that start in [start, start + length) (a line starts at 0 and after
/// every '\n'), including the whole last line. Throws IoError naming the path.
std::string ReadLineRange(const std::string& path, int64_t start, int64_t length);

/// Parses a byte size as Spark's conf does: "134217728", "128m", "64k", "1g", "10b".
int64_t ParseByteSize(std::string_view text, std::string_view what);

}  // namespace sluice
