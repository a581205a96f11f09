// ColumnPageReader: the data pages of one column chunk, in file order. It reads the chunk's bytes
// through a FileRangeReader (the whole data section for a loaded input, else a window of about a
// page at a time into its own buffer), parses each page header, decompresses the page, keeps the
// dictionary page's values and decodes each data page's repetition and definition levels. The
// values stay encoded: the caller decodes them (page_values.h) in whatever layout it needs.
//
// Checks: the chunk's byte range lies in the file's data section; page sizes and value counts stay
// inside the chunk and the row group; for flat columns (no repetition) the pages hold exactly the
// row group's rows (Finish). Malformed input throws ParquetFormatError. Thread-compatible; one
// reader per column chunk, so the columns of a row group can be read page by page side by side.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet/parquet_encoding.h"
#include "formats/parquet/parquet_metadata.h"

namespace sluice::parquet {

/// Bytes of the file: `read(offset, n, buf)` returns a pointer to [offset, offset + n), in place
/// for a loaded input or read into *buf. `data_end` is where the data section ends (the footer's
/// start); `loaded` says the whole file is in memory (no windowing needed).
struct FileRangeReader {
  std::function<const uint8_t*(int64_t offset, size_t n, std::string* buf)> read;
  int64_t data_end = 0;
  bool loaded = false;
};

/// One data page: its levels (appended to the caller's vectors) and its encoded values.
struct DataPage {
  Encoding encoding = Encoding::kPlain;
  /// The page's encoded values; valid until the next call to Next().
  const uint8_t* values = nullptr;
  size_t values_size = 0;
  /// Level entries in the page (rows, for a column without repetition).
  size_t num_levels = 0;
  /// Entries at the maximum definition level: the values `values` holds.
  size_t num_values = 0;
};

class ColumnPageReader {
 public:
  /// The pages of `md`'s chunk in a row group of `num_rows` rows; `width` is the physical width
  /// (PhysicalWidth). Throws ParquetFormatError when the chunk's byte range is invalid.
  ColumnPageReader(FileRangeReader file, const ColumnMetaData& md, int width, int max_def,
                   int max_rep, int64_t num_rows);

  /// The next data page (loading a dictionary page on the way), its levels appended to *def and
  /// *rep (left untouched when the column has no such levels); false after the last page (for a
  /// flat column: once the row group's rows are read).
  bool Next(DataPage* page, std::vector<uint8_t>* def, std::vector<uint8_t>* rep);
  /// Throws unless the pages read hold exactly the row group's rows.
  void Finish() const;

  /// The dictionary page's values, or null before / without one.
  const PhysicalValues* dictionary() const { return has_dict_ ? &dict_ : nullptr; }
  PhysicalType physical_type() const { return md_->type; }
  int max_def() const { return max_def_; }
  int max_rep() const { return max_rep_; }

 private:
  void Load(int64_t from, int64_t to);
  /// The end of a window starting at `from` holding at least `need` bytes.
  int64_t WindowEnd(int64_t from, int64_t need) const;
  std::string_view Decompress(const uint8_t* p, size_t n, size_t raw);

  FileRangeReader file_;
  const ColumnMetaData* md_;
  int max_def_, max_rep_;
  int64_t num_rows_;
  int64_t pos_ = 0, end_ = 0;
  // Bytes [buf_begin_, buf_end_) of the file are at base_.
  const uint8_t* base_ = nullptr;
  int64_t buf_begin_ = 0, buf_end_ = 0;
  std::string window_;    // the file window (unloaded inputs)
  std::string page_buf_;  // the decompressed page
  PhysicalValues dict_;
  bool has_dict_ = false;
  int64_t rows_ = 0;  // level entries with rep == 0 so far
  int64_t values_left_ = 0;
  std::vector<uint32_t> level_tmp_;
};

}  // namespace sluice::parquet
