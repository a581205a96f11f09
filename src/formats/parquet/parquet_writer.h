// ParquetWriter: RecordBatches -> one Parquet file, as Spark writes it: SNAPPY by default (ZSTD,
// GZIP, LZ4_RAW or none by the `compression` option), dictionary encoding (RLE_DICTIONARY) with a
// fall back to PLAIN for a column chunk whose dictionary outgrows its limit, data pages v1 with
// RLE levels, row groups and pages cut by (estimated) bytes, min/max/null-count statistics per
// column chunk, nested STRUCT / ARRAY (3-level LIST) / MAP, and footer key-value metadata with
// Spark's schema JSON (`org.apache.spark.sql.parquet.row.metadata`) so Spark reads the exact types.
//
// Output: the file is built in memory (one buffer per row group, joined once) and returned by
// Finish(), or, given a ByteSink, handed out as it is written (each row group when it is flushed,
// the footer at Finish()), so memory holds one row group whatever the file's size.
// Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/record_batch.h"
#include "formats/parquet/parquet_metadata.h"
#include "formats/read_options.h"

namespace sluice {

struct ParquetWriteOptions {
  parquet::Codec codec = parquet::Codec::kSnappy;
  int compression_level = 0;                    ///< 0 = the codec's default
  int64_t row_group_bytes = 128LL << 20;        ///< parquet.block.size
  int64_t page_bytes = 1LL << 20;               ///< parquet.page.size
  int64_t dictionary_page_bytes = 1LL << 20;    ///< parquet.dictionary.page.size
  bool dictionary = true;                       ///< parquet.enable.dictionary
  std::vector<std::pair<std::string, std::string>> extra_metadata;

  /// Reads `compression` (or `codec`), parquet.block.size, parquet.page.size,
  /// parquet.dictionary.page.size, parquet.enable.dictionary. Throws AnalysisError for unknown
  /// codecs with Spark's message.
  static ParquetWriteOptions FromMap(const OptionMap& options);
};

class ParquetWriter {
 public:
  /// Receives the file's bytes in order.
  using ByteSink = std::function<void(std::string_view)>;

  /// Throws AnalysisError for types Parquet cannot hold. Without a sink, Finish() returns the file.
  ParquetWriter(TypePtr schema, ParquetWriteOptions options = ParquetWriteOptions(),
                ByteSink sink = nullptr);
  ~ParquetWriter();

  /// Buffers `batch` (same schema); writes a row group whenever enough bytes are buffered.
  void Write(const RecordBatchPtr& batch);
  /// Writes the remaining rows and the footer; returns the whole file (empty with a sink).
  std::string Finish();

  int64_t rows_written() const { return rows_; }
  /// The file's size so far (all of it after Finish).
  int64_t bytes_written() const { return Offset(); }

 private:
  struct Impl;
  void FlushRowGroup();

  TypePtr schema_;
  ParquetWriteOptions options_;
  ByteSink sink_;
  std::unique_ptr<Impl> impl_;
  std::vector<RecordBatchPtr> pending_;
  int64_t pending_bytes_ = 0;
  int64_t rows_ = 0;
  /// File offset of the next byte written.
  int64_t Offset() const { return flushed_ + static_cast<int64_t>(out_.size()); }

  std::vector<std::string> parts_;  // finished row groups (the first starts with the magic), no sink
  int64_t flushed_ = 0;             // bytes in parts_ or given to the sink
  std::string out_;                 // the bytes after parts_
  parquet::FileMetaData metadata_;
};

}  // namespace sluice
