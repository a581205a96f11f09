// Spark's text renderings of values: CAST(x AS STRING), the spark-sql command-line output
// (HiveResult.toHiveString), and JSON values (to_json / JSON sink). Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "sluice/value.h"

namespace sluice {

/// Java's Double.toString / Float.toString as Spark prints doubles: "1.0", "0.1", "1.0E10",
/// "1.0E-5", "NaN", "Infinity", "-0.0".
std::string FormatDouble(double v);
std::string FormatFloat(float v);
/// Unscaled value and scale -> "123.45", "-0.05", "100" (scale 0).
std::string FormatDecimal(int128_t unscaled, int scale);

/// CAST(v AS STRING) in Spark 4: nested values as "[1, 2]", "{1, a}", "{k -> v}", null elements as
/// "null"; a top-level null gives "NULL".
std::string FormatCastString(const Value& v, std::string_view tz = "UTC");
/// What spark-sql prints for a value in a result row: top-level "NULL"; strings raw; nested values
/// in JSON-like form with quoted strings: [1,2], {"a":1,"b":"x"}, {"k":"v"}, nulls as null.
std::string FormatHiveString(const Value& v, std::string_view tz = "UTC");
/// JSON rendering as Spark's to_json / JSON writer (timestamps as "2024-01-01T10:00:00.000Z").
std::string FormatJsonValue(const Value& v, std::string_view tz = "UTC");

}  // namespace sluice
