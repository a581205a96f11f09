// ParquetReader: a Parquet file -> RecordBatches of at most batch_rows() rows each, row group by
// row group (Spark's vectorized reader semantics). Reads every physical and logical type Spark reads (see parquet_schema.h), the
// encodings PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY, RLE (booleans, levels), BIT_PACKED (legacy
// levels), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT, data
// pages v1 and v2, and the codecs of parquet_codec.h. Nested STRUCT / ARRAY / MAP columns are
// rebuilt from definition and repetition levels.
//
// Projection: SetReadSchema names the output columns (top-level, by case-insensitive name, as
// Spark's parquet schema clipping); only their column chunks are read, columns missing from the
// file read as NULL. Row-group skipping: SetFilters takes conjunctive simple predicates (column,
// comparison, literal) and row groups whose min/max statistics prove no row can match are skipped.
//
// Batches: top-level flat columns of the common types (booleans, integers, floating point, dates,
// microsecond timestamps, strings, binary) are decoded page by page straight into each batch, so a
// row group of any size is read in bounded memory; other columns (nested, converted types) are
// decoded a column chunk at a time and sliced into the batches.
//
// I/O: an input made by InputBuffer::FromFile that is not loaded yet is never loaded whole: the
// footer and then, per column being read, windows of about a page (1 MiB, or the page when larger)
// are read with pread into a reused buffer, so memory holds about a page per column (plus the
// decoded batches), not the file; the reader keeps the file open until it is destroyed. Other
// inputs are read in place.
//
// Errors: malformed input throws IoError "Cannot read Parquet file <name>: <what>" naming the
// column and row group where known; reads never go past the input buffer. Thread-compatible.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "formats/input_buffer.h"
#include "formats/parquet/column_page_reader.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/parquet/parquet_schema.h"
#include "sluice/value.h"

namespace sluice {

/// A comparison of a top-level column with a literal, used to skip row groups.
struct ParquetPredicate {
  enum class Op : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kIsNull, kIsNotNull };
  std::string column;
  Op op = Op::kEq;
  Value literal;  ///< unused for kIsNull / kIsNotNull
};

class ParquetReader {
 public:
  /// Parses the footer. Throws IoError for a file that is not valid Parquet (naming it).
  explicit ParquetReader(InputBufferPtr input);
  static std::unique_ptr<ParquetReader> OpenFile(const std::string& path) {
    return std::make_unique<ParquetReader>(InputBuffer::FromFile(path));
  }
  ~ParquetReader();
  ParquetReader(const ParquetReader&) = delete;
  ParquetReader& operator=(const ParquetReader&) = delete;

  /// The file's schema as Sluice types.
  const TypePtr& file_schema() const;
  /// The output schema (the file schema unless SetReadSchema was called).
  const TypePtr& schema() const { return read_schema_; }
  const parquet::FileMetaData& metadata() const { return metadata_; }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }
  int64_t num_rows() const { return metadata_.num_rows; }
  /// Value of a footer key-value entry, or "" when absent.
  std::string KeyValue(const std::string& key) const;

  /// Reads only the columns of `schema` (a STRUCT), matched by name; see the file comment.
  /// Throws AnalysisError when a column's type differs from the file's.
  void SetReadSchema(TypePtr schema);
  /// Predicates that must all hold for a row to be wanted.
  void SetFilters(std::vector<ParquetPredicate> filters) { filters_ = std::move(filters); }
  /// False when statistics prove that no row of row group `rg` satisfies the filters.
  bool RowGroupMayMatch(int rg) const;
  /// The file offset of the middle of row group `rg`'s column chunks: a reader of a byte range of
  /// the file reads the row groups whose middle lies in its range.
  int64_t RowGroupMidpoint(int rg) const;

  /// Rows per batch of ReadAll (default kDefaultBatchRows).
  void SetBatchRows(size_t n) { batch_rows_ = std::max<size_t>(n, 1); }
  size_t batch_rows() const { return batch_rows_; }
  static constexpr size_t kDefaultBatchRows = 64 * 1024;

  /// Starts reading row group `rg` (ignoring filters) in batches of at most `batch_rows` rows;
  /// NextBatch hands them out. Columns that are not decoded batch by batch are read here.
  void StartRowGroup(int rg, size_t batch_rows);
  /// The next batch of the row group begun by StartRowGroup, or null after its last row (having
  /// checked that every column chunk held exactly the row group's rows). Batches stay valid after
  /// the reader moves on.
  RecordBatchPtr NextBatch();
  /// Reads every row group the filters do not exclude; counts rows in *skipped_row_groups.
  std::vector<RecordBatchPtr> ReadAll(int* skipped_row_groups = nullptr);

 private:
  struct ColumnData;
  struct RowGroupCursor;
  [[noreturn]] void Fail(const std::string& what) const;
  VectorPtr ReadField(int rg, const parquet::PlanNode& node);
  /// The file as the page readers see it.
  parquet::FileRangeReader FileRanges() const;
  /// The schema leaf of leaf column `column`.
  const parquet::PlanNode& Leaf(int column) const;
  /// The pages of column chunk `column` of row group `rg`.
  parquet::ColumnPageReader OpenColumnChunk(int rg, int column) const;
  /// Decodes column chunk `column` of row group `rg` whole (values and levels).
  void ReadColumnChunk(int rg, int column, ColumnData* out);
  VectorPtr Assemble(const parquet::PlanNode& node, int slot_rep, int slot_def);
  /// Bytes [offset, offset + n) of the file: in place for a loaded input, else read into *buf.
  /// REQUIRES: the range lies inside the file.
  const uint8_t* ReadRange(int64_t offset, size_t n, std::string* buf) const;

  InputBufferPtr input_;
  parquet::FileMetaData metadata_;
  parquet::FileSchema file_schema_;
  TypePtr read_schema_;
  std::vector<int> read_fields_;  // per output column: index into file_schema_.fields or -1
  std::vector<ParquetPredicate> filters_;
  std::vector<std::unique_ptr<ColumnData>> columns_;  // of the field being assembled
  std::unique_ptr<RowGroupCursor> cursor_;            // of StartRowGroup / NextBatch
  size_t batch_rows_ = kDefaultBatchRows;
  int64_t footer_length_ = 0;
  int64_t file_size_ = 0;
  int fd_ = -1;  // pread source (an unloaded file input), else -1
};

}  // namespace sluice
