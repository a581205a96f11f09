// JSON lines (and multiLine JSON) -> RecordBatches for a given schema, as Spark's JSON data source
// reads them; plus JsonValueParser, the single-value parser behind from_json.
//
// Parsing uses simdjson ondemand straight into the column vectors: no intermediate Value objects.
// Conversion rules follow Spark's JacksonParser:
//   - numbers: INT/BIGINT/... only from JSON integers in range; FLOAT/DOUBLE from any number and
//     from the strings "NaN", "Infinity", "-Infinity" ("+INF", "-INF" too); DECIMAL from numbers and
//     numeric strings (HALF_UP to the scale, overflow fails). A JSON string "12" into INT fails.
//   - STRING from a string; any other value gives its JSON text ({"b":1} minified, 12, true).
//   - TIMESTAMP from a string (timestampFormat, lenient ISO/CAST parsing by default) or an integer
//     number of seconds; DATE from a string; BINARY from base64; BOOLEAN from true/false.
//   - STRUCT from an object, ARRAY from an array, MAP from an object (keys converted from text).
//   - null gives NULL for any type; unknown fields are ignored; a duplicate key's last value wins.
//   - Field names match exactly first, then ASCII case-insensitively.
// A value of the wrong type makes the record malformed but keeps partial results (Spark 3.4+):
// the failed field (or array element / map value) is NULL, the others keep their values, and in
// PERMISSIVE mode the corrupt-record column (if the schema has it, STRING) holds the record text.
// Invalid JSON, a truncated record, trailing garbage, invalid UTF-8, too-deep nesting, or a
// top-level value that is not an object (or an array of objects) makes the whole record
// malformed: all fields NULL. A top-level array of objects gives one row per element. Blank lines
// are skipped. Known deviation: values of fields absent from the schema are skipped without full
// validation, so syntax errors inside them may go unnoticed.
//
// Thread-compatible: one reader per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/record_batch.h"
#include "columnar/vector.h"
#include "formats/input_buffer.h"
#include "formats/json/json_options.h"
#include "formats/read_options.h"
#include "sluice/types.h"

namespace sluice {

class JsonReader {
 public:
  /// REQUIRES: schema is a STRUCT. Throws AnalysisError if the schema has the corrupt-record
  /// column with a type other than STRING.
  JsonReader(TypePtr schema, JsonOptions options);
  ~JsonReader();
  JsonReader(const JsonReader&) = delete;
  JsonReader& operator=(const JsonReader&) = delete;

  /// Starts reading `input` (replacing any previous input). Counts accumulate across inputs.
  void Open(InputBufferPtr input);
  void OpenFile(const std::string& path) { Open(InputBuffer::FromFile(path)); }
  void OpenString(std::string_view data, std::string source_name = "") {
    Open(InputBuffer::FromString(data, std::move(source_name)));
  }

  /// The next batch of at most options.batch_rows rows, or nullptr when the input is exhausted.
  /// In FAILFAST mode throws ExecutionError("Malformed records are detected in record parsing:
  /// file <source> line <n>: <reason>").
  RecordBatchPtr Next();
  /// Reads the rest of the input.
  std::vector<RecordBatchPtr> ReadAll();

  const TypePtr& schema() const;
  const ReadCounts& counts() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// Parses one JSON text per call into a vector, as from_json does. The type may be STRUCT, ARRAY
/// or MAP. Malformed input gives, in PERMISSIVE mode, a struct whose fields are NULL (STRUCT) or a
/// NULL (ARRAY/MAP); wrong-typed values give partial results; blank input gives NULL. In FAILFAST
/// mode malformed input throws ExecutionError. DROPMALFORMED is rejected (AnalysisError), as Spark
/// does.
class JsonValueParser {
 public:
  JsonValueParser(TypePtr type, JsonOptions options = JsonOptions());
  ~JsonValueParser();
  JsonValueParser(const JsonValueParser&) = delete;
  JsonValueParser& operator=(const JsonValueParser&) = delete;

  /// Appends exactly one value to `out` (whose type is the parser's type). Returns true if the
  /// text was parsed without any malformed part.
  bool ParseAndAppend(std::string_view json_text, Vector& out);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice
