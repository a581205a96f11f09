#include "formats/text_reader.h"

#include <cstring>

#include "sluice/exception.h"

namespace sluice {

TextOptions TextOptions::FromMap(const OptionMap& options) {
  CheckUtf8Encoding(options);
  TextOptions o;
  o.whole_text = GetBool(options, "wholetext", false);
  o.line_sep = GetString(options, "lineSep", "");
  if (options.count("lineSep") && o.line_sep.empty()) {
    throw AnalysisError("option 'lineSep' cannot be an empty string");
  }
  int64_t rows = GetInt(options, "batchRows", static_cast<int64_t>(kDefaultReadBatchRows));
  if (rows <= 0) throw AnalysisError("option 'batchRows' must be positive");
  o.batch_rows = static_cast<size_t>(rows);
  return o;
}

TextReader::TextReader(TextOptions options) : options_(std::move(options)) {}

TypePtr TextReader::Schema() {
  static const TypePtr schema = StructType({StructField("value", StringType())});
  return schema;
}

void TextReader::Open(InputBufferPtr input) {
  input_ = std::move(input);
  pos_ = 0;
  done_ = false;
}

RecordBatchPtr TextReader::Next() {
  if (!input_ || done_) return nullptr;
  auto col = std::make_shared<Vector>(StringType());
  size_t rows = 0;
  const char* data = input_->data();
  size_t size = input_->size();
  if (options_.whole_text) {
    col->AppendString(input_->view());
    rows = 1;
    done_ = true;
  } else {
    while (rows < options_.batch_rows && pos_ < size) {
      size_t end, next;
      if (options_.line_sep.empty()) {
        size_t i = pos_;
        while (i < size && data[i] != '\n' && data[i] != '\r') {
          const void* nl = std::memchr(data + i, '\n', size - i);
          size_t stop = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) : size;
          const void* cr = std::memchr(data + i, '\r', stop - i);
          i = cr ? static_cast<size_t>(static_cast<const char*>(cr) - data) : stop;
        }
        end = i;
        next = i;
        if (next < size) next += (data[next] == '\r' && next + 1 < size && data[next + 1] == '\n') ? 2 : 1;
      } else {
        size_t at = input_->view().find(options_.line_sep, pos_);
        end = at == std::string_view::npos ? size : at;
        next = at == std::string_view::npos ? size : at + options_.line_sep.size();
      }
      col->AppendString(std::string_view(data + pos_, end - pos_));
      ++rows;
      pos_ = next;
    }
    if (pos_ >= size) done_ = true;
  }
  if (rows == 0) return nullptr;
  counts_.records += static_cast<int64_t>(rows);
  counts_.rows_emitted += static_cast<int64_t>(rows);
  return RecordBatch::Make(Schema(), {col}, rows);
}

}  // namespace sluice
