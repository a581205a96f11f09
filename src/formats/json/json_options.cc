#include "formats/json/json_options.h"

#include "sluice/exception.h"

namespace sluice {

JsonOptions JsonOptions::FromMap(const OptionMap& options, std::string_view session_time_zone) {
  JsonOptions o;
  CheckUtf8Encoding(options);
  o.mode = ParseModeFromString(GetString(options, "mode", "PERMISSIVE"));
  o.column_name_of_corrupt_record =
      GetString(options, "columnNameOfCorruptRecord", o.column_name_of_corrupt_record);
  o.multi_line = GetBool(options, "multiLine", false);
  o.datetime.time_zone = GetString(options, "timeZone", session_time_zone);
  o.datetime.timestamp_format = GetOptionalString(options, "timestampFormat");
  o.datetime.timestamp_ntz_format = GetOptionalString(options, "timestampNTZFormat");
  o.datetime.date_format = GetOptionalString(options, "dateFormat");
  o.allow_comments = GetBool(options, "allowComments", false);
  o.allow_unquoted_field_names = GetBool(options, "allowUnquotedFieldNames", false);
  o.allow_single_quotes = GetBool(options, "allowSingleQuotes", true);
  o.primitives_as_string = GetBool(options, "primitivesAsString", false);
  o.prefers_decimal = GetBool(options, "prefersDecimal", false);
  o.drop_field_if_all_null = GetBool(options, "dropFieldIfAllNull", false);
  o.infer_timestamp = GetBool(options, "inferTimestamp", false);
  o.line_sep = GetString(options, "lineSep", "");
  if (options.count("lineSep") && o.line_sep.empty()) {
    throw AnalysisError("option 'lineSep' cannot be an empty string");
  }
  o.ignore_null_fields = GetBool(options, "ignoreNullFields", true);
  int64_t rows = GetInt(options, "batchRows", static_cast<int64_t>(kDefaultReadBatchRows));
  if (rows <= 0) throw AnalysisError("option 'batchRows' must be positive");
  o.batch_rows = static_cast<size_t>(rows);
  int64_t chunk =
      GetInt(options, "readChunkBytes", static_cast<int64_t>(kDefaultJsonReadChunkBytes));
  if (chunk <= 0) throw AnalysisError("option 'readChunkBytes' must be positive");
  o.read_chunk_bytes = static_cast<size_t>(chunk);
  return o;
}

}  // namespace sluice
