#include "formats/csv/csv_options.h"

#include "sluice/exception.h"

namespace sluice {

namespace {

std::string UnescapeSeparator(const std::string& s) {
  if (s == "\\t") return "\t";
  if (s == "\\u0001") return "\x01";
  return s;
}

}  // namespace

CsvOptions CsvOptions::FromMap(const OptionMap& options, std::string_view session_time_zone) {
  CsvOptions o;
  CheckUtf8Encoding(options);
  std::string sep = GetString(options, "sep", GetString(options, "delimiter", ","));
  o.sep = UnescapeSeparator(sep);
  if (o.sep.empty()) throw AnalysisError("option 'sep': delimiter cannot be empty");
  o.quote = GetChar(options, "quote", '"');
  o.escape = GetChar(options, "escape", '\\');
  o.comment = GetChar(options, "comment", '\0');
  o.header = GetBool(options, "header", false);
  o.null_value = GetString(options, "nullValue", "");
  o.empty_value = GetOptionalString(options, "emptyValue");
  o.nan_value = GetString(options, "nanValue", "NaN");
  o.positive_inf = GetString(options, "positiveInf", "Inf");
  o.negative_inf = GetString(options, "negativeInf", "-Inf");
  o.infer_schema = GetBool(options, "inferSchema", false);
  o.prefer_date = GetBool(options, "preferDate", true);
  o.mode = ParseModeFromString(GetString(options, "mode", "PERMISSIVE"));
  o.column_name_of_corrupt_record =
      GetString(options, "columnNameOfCorruptRecord", o.column_name_of_corrupt_record);
  o.datetime.time_zone = GetString(options, "timeZone", session_time_zone);
  o.datetime.timestamp_format = GetOptionalString(options, "timestampFormat");
  o.datetime.timestamp_ntz_format = GetOptionalString(options, "timestampNTZFormat");
  o.datetime.date_format = GetOptionalString(options, "dateFormat");
  if (options.count("ignoreLeadingWhiteSpace")) {
    o.ignore_leading_white_space = GetBool(options, "ignoreLeadingWhiteSpace", false);
  }
  if (options.count("ignoreTrailingWhiteSpace")) {
    o.ignore_trailing_white_space = GetBool(options, "ignoreTrailingWhiteSpace", false);
  }
  o.multi_line = GetBool(options, "multiLine", false);
  o.line_sep = GetString(options, "lineSep", "");
  if (options.count("lineSep") && o.line_sep.empty()) {
    throw AnalysisError("option 'lineSep' cannot be an empty string");
  }
  o.quote_all = GetBool(options, "quoteAll", false);
  o.escape_quotes = GetBool(options, "escapeQuotes", true);
  int64_t rows = GetInt(options, "batchRows", static_cast<int64_t>(kDefaultReadBatchRows));
  if (rows <= 0) throw AnalysisError("option 'batchRows' must be positive");
  o.batch_rows = static_cast<size_t>(rows);
  return o;
}

}  // namespace sluice
