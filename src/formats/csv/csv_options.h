// CsvOptions: Spark's CSV data source options (read and write), built from the case-insensitive
// option map. Plain value type.
#pragma once

#include <optional>
#include <string>

#include "formats/read_options.h"
#include "formats/text_field.h"

namespace sluice {

struct CsvOptions {
  std::string sep = ",";  // sep / delimiter; may be several characters
  char quote = '"';       // '\0' disables quoting
  char escape = '\\';
  char comment = '\0';    // '\0': no comment lines
  bool header = false;
  std::string null_value;                 // text read as NULL and written for NULL
  std::optional<std::string> empty_value; // read: "" ; write: "\"\""
  std::string nan_value = "NaN";
  std::string positive_inf = "Inf";
  std::string negative_inf = "-Inf";
  bool infer_schema = false;
  bool prefer_date = true;
  ParseMode mode = ParseMode::kPermissive;
  std::string column_name_of_corrupt_record = "_corrupt_record";
  DatetimeFormats datetime;
  /// Unset: false when reading, true when writing (Spark's defaults).
  std::optional<bool> ignore_leading_white_space;
  std::optional<bool> ignore_trailing_white_space;
  bool multi_line = false;
  /// Empty: "\n", "\r\n" or "\r" end a record. Otherwise the exact separator (one character for
  /// reading in Spark; any string here).
  std::string line_sep;
  bool quote_all = false;
  bool escape_quotes = true;
  size_t batch_rows = kDefaultReadBatchRows;

  /// Spark names: sep/delimiter, quote, escape, comment, header, nullValue, emptyValue, nanValue,
  /// positiveInf, negativeInf, inferSchema, preferDate, mode, columnNameOfCorruptRecord, timeZone,
  /// timestampFormat, timestampNTZFormat, dateFormat, ignoreLeadingWhiteSpace,
  /// ignoreTrailingWhiteSpace, multiLine, lineSep, quoteAll, escapeQuotes, encoding/charset (UTF-8
  /// only: AnalysisError otherwise), batchRows (Sluice).
  static CsvOptions FromMap(const OptionMap& options, std::string_view session_time_zone = "UTC");
};

}  // namespace sluice
