// JsonOptions: Spark's JSON data source options (read and write), built from the case-insensitive
// option map. Plain value type.
#pragma once

#include <optional>
#include <string>

#include "formats/read_options.h"
#include "formats/text_field.h"

namespace sluice {

/// Default size of the reused chunk buffer a JsonReader streams a file through.
constexpr size_t kDefaultJsonReadChunkBytes = size_t{8} << 20;

struct JsonOptions {
  ParseMode mode = ParseMode::kPermissive;
  std::string column_name_of_corrupt_record = "_corrupt_record";
  /// Whole input is one JSON value (an object, or an array of objects) instead of JSON lines.
  bool multi_line = false;
  /// timeZone, timestampFormat, timestampNTZFormat, dateFormat.
  DatetimeFormats datetime;
  /// Strips /* */ and // comments before parsing (slower path).
  bool allow_comments = false;
  /// Accepted for compatibility; simdjson cannot read unquoted names, such records are malformed.
  bool allow_unquoted_field_names = false;
  /// Accepted for compatibility (Spark's default is true); single-quoted JSON is malformed here.
  bool allow_single_quotes = true;
  // ---- schema inference ----
  bool primitives_as_string = false;
  bool prefers_decimal = false;
  bool drop_field_if_all_null = false;
  /// inferTimestamp: strings that parse as timestamps are inferred as TIMESTAMP.
  bool infer_timestamp = false;
  // ---- line splitting ----
  /// Empty: "\n", "\r\n" (and a trailing "\r") end a line. Otherwise the exact separator.
  std::string line_sep;
  // ---- writer ----
  /// Omit null struct fields and null map values (Spark's ignoreNullFields, default true).
  bool ignore_null_fields = true;
  // ---- reader batching ----
  size_t batch_rows = kDefaultReadBatchRows;
  /// Bytes of a file read per chunk when JSON lines are streamed from a file (Sluice's
  /// readChunkBytes); a record longer than this grows the chunk. Tests use tiny values.
  size_t read_chunk_bytes = kDefaultJsonReadChunkBytes;

  /// Builds options from Spark names: mode, columnNameOfCorruptRecord, multiLine, timestampFormat,
  /// timestampNTZFormat, dateFormat, timeZone, allowComments, allowUnquotedFieldNames,
  /// allowSingleQuotes, primitivesAsString, prefersDecimal, dropFieldIfAllNull, inferTimestamp,
  /// lineSep, ignoreNullFields, encoding (UTF-8 only), batchRows and readChunkBytes (Sluice).
  /// `session_time_zone` is used when timeZone is absent. Throws AnalysisError on bad values.
  static JsonOptions FromMap(const OptionMap& options, std::string_view session_time_zone = "UTC");
};

}  // namespace sluice
