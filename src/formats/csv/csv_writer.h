// RecordBatch -> CSV text as Spark's CSV writer (univocity) writes it: values as Spark renders
// them (Java numbers, dates yyyy-MM-dd, timestamps yyyy-MM-dd'T'HH:mm:ss.SSSXXX in the time zone),
// NULL as nullValue (default empty), an empty string as emptyValue (default ""), leading/trailing
// whitespace trimmed unless ignoreLeading/TrailingWhiteSpace are false, and a value quoted when
// it contains the separator, the quote, a line break, or begins with the comment character (or
// always with quoteAll). Inside quotes the quote and the escape are preceded by the escape
// (escape == quote doubles the quote). Thread-compatible.
#pragma once

#include <string>

#include "columnar/record_batch.h"
#include "formats/csv/csv_options.h"

namespace sluice {

class CsvWriter {
 public:
  /// Throws AnalysisError for schemas with nested or binary columns.
  CsvWriter(TypePtr schema, CsvOptions options = CsvOptions());

  /// Appends the header line (column names) to `out`.
  void WriteHeader(std::string* out) const;
  /// Appends one line per row.
  void WriteBatch(const RecordBatch& batch, std::string* out) const;

 private:
  void AppendField(std::string_view value, std::string* out) const;

  TypePtr schema_;
  CsvOptions options_;
  std::string line_sep_;
  std::string empty_value_;
  bool trim_leading_;
  bool trim_trailing_;
};

}  // namespace sluice
