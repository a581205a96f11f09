// Conversion between the text of one field and a typed column slot, with Spark's rules for the
// text formats (CSV cells, JSON map keys, and the scalar renderings the JSON/CSV writers share).
// Also the Java renderings Spark's writers use (BigDecimal.toString, base64) and TruncateVector,
// which readers use to roll back a partly appended record. Thread-compatible; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "columnar/vector.h"
#include "sluice/types.h"
#include "sluice/value.h"

namespace sluice {

/// Date/time options of a reader or writer (Spark's timeZone, timestampFormat,
/// timestampNTZFormat, dateFormat). An unset format means: lenient parsing as CAST does when
/// reading; Spark's default pattern when writing.
struct DatetimeFormats {
  std::string time_zone = "UTC";
  std::optional<std::string> timestamp_format;
  std::optional<std::string> timestamp_ntz_format;
  std::optional<std::string> date_format;
};

/// Spark's default write patterns.
inline constexpr std::string_view kDefaultTimestampWritePattern = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
inline constexpr std::string_view kDefaultTimestampNtzWritePattern = "yyyy-MM-dd'T'HH:mm:ss[.SSS]";
inline constexpr std::string_view kDefaultDateWritePattern = "yyyy-MM-dd";

// ---- parsing (each returns false when the text is not a valid value of the type) ----

/// Java's Integer/Long.parseLong: optional sign and ASCII digits only, range-checked to [lo, hi].
bool ParseJavaInteger(std::string_view s, int64_t lo, int64_t hi, int64_t* out);
/// Java's Double.parseDouble: surrounding whitespace, "NaN", "Infinity", a d/f suffix accepted.
bool ParseJavaDouble(std::string_view s, double* out);
/// java.math.BigDecimal text ("-1.5", "1e3") rounded HALF_UP to `scale`; false if the result
/// needs more than `precision` digits.
bool ParseDecimalText(std::string_view s, int precision, int scale, int128_t* out);
/// Digits before and after the point of a decimal text, for schema inference: "12.50" -> (2, 2)
/// precision 4 scale 2, "1e3" -> precision 4, scale 0. False if not a decimal number.
bool DecimalTextShape(std::string_view s, int* precision, int* scale);
bool ParseDateText(std::string_view s, const DatetimeFormats& formats, int32_t* out);
bool ParseTimestampText(std::string_view s, const DatetimeFormats& formats, int64_t* out);
bool ParseTimestampNtzText(std::string_view s, const DatetimeFormats& formats, int64_t* out);

/// ParseTimestampText / ParseTimestampNtzText for many values with the same formats: what depends
/// only on the formats (is the session zone UTC, is there a pattern) is decided once, and ISO-8601
/// text "yyyy-MM-dd(T| )HH:mm:ss[.f{1,9}][Z|(+|-)hh:mm]" takes a fast path; anything else goes to
/// the general parsers, so results are the same. Keeps a reference to `formats`.
class TimestampTextParser {
 public:
  explicit TimestampTextParser(const DatetimeFormats& formats);
  bool ParseTimestamp(std::string_view s, int64_t* out) const;
  bool ParseTimestampNtz(std::string_view s, int64_t* out) const;

 private:
  const DatetimeFormats& formats_;
  bool session_utc_;
};
/// Standard base64 with optional padding; false on bad input.
bool DecodeBase64(std::string_view s, std::string* out);
void AppendBase64(std::string_view bytes, std::string* out);

/// Appends the value of `text` for a scalar column type to `out` (CSV's cell conversion: numbers
/// as Java parses them, booleans case-insensitively, dates/timestamps per `formats`, strings and
/// binary as is). On failure appends nothing and returns false. REQUIRES: !out.type()->IsNested().
bool AppendTextValue(std::string_view text, const DatetimeFormats& formats, Vector& out);

// ---- rendering ----

/// java.math.BigDecimal.toString of unscaled * 10^-scale: "1.50", "0.001", "1E-7", "0E-10".
void AppendJavaBigDecimal(int128_t unscaled, int scale, std::string* out);
void AppendInt128(int128_t v, std::string* out);
/// Formats a timestamp with `pattern` (the default write pattern takes a fast path).
void AppendTimestampText(int64_t utc_micros, std::string_view pattern, std::string_view tz,
                         std::string* out);
void AppendTimestampNtzText(int64_t micros, std::string_view pattern, std::string* out);
void AppendDateText(int32_t days, std::string_view pattern, std::string* out);
/// Spark's text for a scalar slot (CSV writer / JSON map keys): Java number renderings, dates and
/// timestamps with the write patterns of `formats`. REQUIRES: row is not null, type not nested.
void AppendScalarText(const Vector& v, size_t row, const DatetimeFormats& formats,
                      std::string* out);

/// Truncates `v` (and, for nested types, its children) back to `n` rows. REQUIRES: n <= v.size().
void TruncateVector(Vector& v, size_t n);

}  // namespace sluice
