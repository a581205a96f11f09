// Options shared by the text formats (JSON, CSV, text): Spark's case-insensitive option map with
// typed getters, the malformed-record parse modes, and the row accounting every reader reports.
// Thread-compatible plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

/// ASCII case-insensitive ordering, so that "multiLine" and "multiline" name the same option.
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

/// Data source options as given to spark.read.option(k, v): names case-insensitive, values text.
using OptionMap = std::map<std::string, std::string, CaseInsensitiveLess>;

/// Typed getters. An option that is present but not valid for its type throws AnalysisError naming
/// the option and the value.
bool GetBool(const OptionMap& options, std::string_view name, bool default_value);
int64_t GetInt(const OptionMap& options, std::string_view name, int64_t default_value);
std::string GetString(const OptionMap& options, std::string_view name,
                      std::string_view default_value);
std::optional<std::string> GetOptionalString(const OptionMap& options, std::string_view name);
/// A single character option (CSV quote/escape/comment). "" means "disabled" and gives '\0';
/// Java escapes such as "\t" and "\u0000" are accepted.
char GetChar(const OptionMap& options, std::string_view name, char default_value);

/// How a reader handles a malformed record (Spark's `mode` option).
enum class ParseMode : uint8_t {
  kPermissive,     // keep the row: nulls for what failed, the text in the corrupt-record column
  kDropMalformed,  // drop the row
  kFailFast,       // throw ExecutionError
};
/// Parses "PERMISSIVE" / "DROPMALFORMED" / "FAILFAST" (case-insensitive). Spark falls back to
/// PERMISSIVE for unknown names; so do we.
ParseMode ParseModeFromString(std::string_view text);

/// Row accounting of one reader, so the engine can account for every input record:
///   records == rows_emitted + dropped; malformed counts records that were malformed (kept with
///   nulls in PERMISSIVE, dropped in DROPMALFORMED). A JSON line holding an array of N objects is
///   one record giving N rows, so rows_emitted may exceed records there.
struct ReadCounts {
  int64_t records = 0;       // non-blank input records seen
  int64_t rows_emitted = 0;  // rows placed in output batches
  int64_t malformed = 0;
  int64_t dropped = 0;
};

/// Default number of rows per output batch of the readers.
constexpr size_t kDefaultReadBatchRows = 8192;

/// Rejects any `encoding`/`charset` other than UTF-8 with an AnalysisError.
void CheckUtf8Encoding(const OptionMap& options);

}  // namespace sluice
