// Text data source: each line of the input is one row of a single `value STRING` column (Spark's
// spark.read.text). Lines end at "\n", "\r\n" or "\r" (or exactly lineSep when given); the
// separator is not part of the value; a final separator does not start an extra empty row.
// With wholetext the whole input is one row. Thread-compatible.
#pragma once

#include <memory>
#include <string>

#include "columnar/record_batch.h"
#include "formats/input_buffer.h"
#include "formats/read_options.h"

namespace sluice {

struct TextOptions {
  bool whole_text = false;
  std::string line_sep;  // empty: \n, \r\n, \r
  size_t batch_rows = kDefaultReadBatchRows;
  /// Spark names: wholetext, lineSep, encoding (UTF-8 only), batchRows (Sluice).
  static TextOptions FromMap(const OptionMap& options);
};

class TextReader {
 public:
  explicit TextReader(TextOptions options = TextOptions());

  /// The output schema: `value STRING`.
  static TypePtr Schema();

  void Open(InputBufferPtr input);
  void OpenFile(const std::string& path) { Open(InputBuffer::FromFile(path)); }
  void OpenString(std::string_view data, std::string source_name = "") {
    Open(InputBuffer::FromString(data, std::move(source_name)));
  }
  /// Next batch of at most batch_rows rows, or nullptr at the end of the input.
  RecordBatchPtr Next();
  const ReadCounts& counts() const { return counts_; }

 private:
  TextOptions options_;
  InputBufferPtr input_;
  size_t pos_ = 0;
  bool done_ = true;
  ReadCounts counts_;
};

}  // namespace sluice
