// CSV -> RecordBatches for a given schema, as Spark's CSV data source (univocity) reads it.
//
// Tokenizing: fields split by `sep`; a field starting with `quote` is quoted: inside it
// escape+quote and escape+escape stand for the character (a doubled quote when escape == quote),
// separators and (in multiLine mode) line breaks are data. Blank lines and lines starting with
// `comment` are skipped. ignoreLeading/TrailingWhiteSpace trim unquoted fields (default false).
// Values: an unquoted empty field and a field equal to nullValue are NULL; a quoted empty field
// is emptyValue (default "", which equals the default nullValue, so NULL as in Spark). Numbers
// parse as Java does (nanValue/positiveInf/negativeInf for FLOAT/DOUBLE), booleans
// case-insensitively, dates/timestamps per dateFormat/timestampFormat (lenient by default).
// A record whose token count differs from the schema is malformed with a partial result (missing
// fields NULL, extra tokens dropped), as Spark 3+'s UnivocityParser does; a value that does not
// convert is NULL and makes the record malformed. PERMISSIVE keeps malformed rows and puts the
// record text in the corrupt-record column if the schema has it; DROPMALFORMED drops them;
// FAILFAST throws ExecutionError naming the file and line.
// Nested types are not supported by CSV (AnalysisError). Thread-compatible.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "formats/csv/csv_options.h"
#include "formats/input_buffer.h"

namespace sluice {

class CsvReader {
 public:
  /// REQUIRES: schema is a STRUCT of scalar types.
  CsvReader(TypePtr schema, CsvOptions options);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  /// Starts reading `input`; with header=true its first record is skipped.
  void Open(InputBufferPtr input);
  void OpenFile(const std::string& path) { Open(InputBuffer::FromFile(path)); }
  void OpenString(std::string_view data, std::string source_name = "") {
    Open(InputBuffer::FromString(data, std::move(source_name)));
  }
  /// Next batch of at most batch_rows rows, or nullptr at the end of the input.
  RecordBatchPtr Next();
  std::vector<RecordBatchPtr> ReadAll();

  const TypePtr& schema() const;
  const ReadCounts& counts() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// Spark's CSV schema inference over `inputs`: column names from the header (or _c0, _c1, ...;
/// empty names become _c<i>, duplicates get their index appended), and with inferSchema the
/// narrowest of INT, BIGINT, DECIMAL(p,0), DOUBLE, DATE (preferDate), TIMESTAMP, BOOLEAN that fits
/// every value, else STRING; without inferSchema every column is STRING.
TypePtr InferCsvSchema(const std::vector<InputBufferPtr>& inputs, const CsvOptions& options);

}  // namespace sluice
