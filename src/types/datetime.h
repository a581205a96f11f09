// Calendar arithmetic and text conversion for DATE (days since epoch) and TIMESTAMP (microseconds
// since epoch, UTC) values, with Spark's rules. Session time zones are IANA names ("UTC",
// "America/Los_Angeles") or fixed offsets ("+02:00"); conversions use the system tz database.
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

/// Civil date <-> days since 1970-01-01 (proleptic Gregorian).
int32_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

/// Offset of `tz` from UTC at the UTC instant `utc_micros`, in microseconds. Throws ExecutionError
/// for an unknown zone.
int64_t ZoneOffsetMicros(std::string_view tz, int64_t utc_micros);
/// Local wall-clock micros in `tz` -> UTC micros (for ambiguous/skipped local times, as Java does).
int64_t LocalToUtc(std::string_view tz, int64_t local_micros);
inline int64_t UtcToLocal(std::string_view tz, int64_t utc_micros) {
  return utc_micros + ZoneOffsetMicros(tz, utc_micros);
}

/// Parses a date as Spark's CAST(string AS DATE): "2024-01-05", "2024-1-5", "2024-01-05T..." etc.
std::optional<int32_t> ParseDate(std::string_view s);
/// Parses a timestamp as Spark's CAST(string AS TIMESTAMP): "2024-01-01 10:00:00[.ffffff]",
/// 'T' separator, optional zone suffix ("Z", "+02:00", " UTC"); a string without a zone is in `tz`.
std::optional<int64_t> ParseTimestamp(std::string_view s, std::string_view tz);
/// As ParseTimestamp but for TIMESTAMP_NTZ (zone suffix not allowed; no conversion).
std::optional<int64_t> ParseTimestampNtz(std::string_view s);

/// Parses with a Spark datetime pattern ("yyyy-MM-dd HH:mm:ss", "dd/MM/yyyy", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX").
std::optional<int64_t> ParseTimestampWithPattern(std::string_view s, std::string_view pattern,
                                                 std::string_view tz);
/// Formats with a Spark datetime pattern (date_format).
std::string FormatTimestampWithPattern(int64_t utc_micros, std::string_view pattern,
                                       std::string_view tz);

/// "2024-01-05".
std::string FormatDate(int32_t days);
/// Spark's CAST(ts AS STRING) in zone tz: "2024-01-01 10:00:00", fraction without trailing zeros
/// ("2024-01-01 10:00:00.5").
std::string FormatTimestamp(int64_t utc_micros, std::string_view tz);
std::string FormatTimestampNtz(int64_t micros);
/// Spark's day-time interval rendering: "INTERVAL '0 00:05:00' DAY TO SECOND".
std::string FormatInterval(int64_t micros);

/// Parses durations as Spark's window()/withWatermark()/trigger strings and interval literals:
/// "10 minutes", "5 seconds", "1 hour 30 minutes", "500 milliseconds", "2 days", "interval 1 day".
/// Throws ParseError for text that is not a day-time duration (months/years are rejected).
int64_t ParseDurationMicros(std::string_view text);

}  // namespace sluice
