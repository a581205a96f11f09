// FlatColumnDecoder: reads a top-level flat column (no repetition, at most one definition level)
// whose Sluice vector layout is its physical one (fixed-width values, or offsets + bytes) a batch
// of rows at a time: each batch's vector is filled straight from the current page (PLAIN values
// copied, dictionary indexes gathered), crossing pages as needed. Memory: one page of the column
// plus the batch, whatever the row group's size.
//
// Malformed input throws ParquetFormatError. Thread-compatible.
#pragma once

#include <cstdint>
#include <vector>

#include "columnar/vector.h"
#include "formats/parquet/column_page_reader.h"
#include "formats/parquet/parquet_schema.h"

namespace sluice::parquet {

class FlatColumnDecoder {
 public:
  /// Whether a top-level leaf with this conversion, physical width and levels can be decoded
  /// this way.
  static bool Supports(const PlanNode& leaf, int width, int max_def, int max_rep);

  /// REQUIRES: Supports(leaf, ...) for the leaf the pages belong to.
  FlatColumnDecoder(ColumnPageReader pages, TypePtr type);

  /// The next n rows as a new vector. Throws when the column chunk holds fewer.
  VectorPtr Read(size_t n);
  /// Throws unless every row of the column chunk has been read (see ColumnPageReader::Finish).
  void Finish();

 private:
  /// Moves to the next data page; throws at the end of the chunk.
  void NextPage();
  /// Places the current page's next k levels (and their values) at rows [row, row + k) of out.
  void PlaceFixed(size_t k, Vector* out, size_t row);
  void PlaceBytes(size_t k, Vector* out, size_t row);

  ColumnPageReader pages_;
  TypePtr type_;
  size_t width_;  // bytes per value; 0 for byte arrays
  // The current page: its definition levels (empty when none or all valid), where the next level
  // and value are, and where its values come from.
  enum class Source : uint8_t { kPlain, kDictionary, kDense };
  Source source_ = Source::kDense;
  std::vector<uint8_t> def_;
  std::vector<uint8_t> rep_unused_;
  size_t num_levels_ = 0, level_pos_ = 0, value_pos_ = 0;
  const uint8_t* plain_ = nullptr;  // kPlain fixed-width: the page's values
  std::vector<uint32_t> idx_;       // kDictionary: the page's dictionary indexes
  PhysicalValues dense_;            // kDense: the page's values decoded
};

}  // namespace sluice::parquet
