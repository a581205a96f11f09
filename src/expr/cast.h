// CAST between Sluice types with Spark's semantics: the allowed pairs (Cast.canCast and
// Cast.canAnsiCast), the string parsers CAST uses, and the error texts of failed casts. CanCast and
// CastVector themselves are declared in expr/evaluator.h. Stateless, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/types.h"
#include "sluice/value.h"

namespace sluice {

/// Spark's toSQLValue for error messages: 1, 1L, 1S, 1Y, 1.0D, 1.50BD, 'abc', DATE '2024-01-01'.
std::string SqlValueString(const Value& v);
/// Spark's toSQLType: "INT", "DECIMAL(10,2)" in double quotes.
std::string SqlTypeString(const TypePtr& t);

/// "[CAST_INVALID_INPUT] The value 'abc' of the type "STRING" cannot be cast to "INT" because it is
/// malformed. ..."
std::string CastInvalidInputMessage(const Value& v, const TypePtr& to);
/// "[CAST_OVERFLOW] The value 300 of the type "INT" cannot be cast to "TINYINT" due to an overflow. ..."
std::string CastOverflowMessage(const Value& v, const TypePtr& to);
/// "[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] <value> cannot be represented as Decimal(p, s). ..."
std::string DecimalOutOfRangeMessage(const std::string& value, int precision, int scale);

/// Parses an integral number as UTF8String.toLong does: surrounding whitespace/control characters
/// trimmed, optional sign, digits; with `allow_decimal` (legacy casts) a fractional part is accepted
/// and truncated. Returns false if malformed or outside the int64 range.
bool ParseSparkLong(std::string_view s, bool allow_decimal, int64_t* out);
/// Parses a floating-point number as Spark's CAST(string AS DOUBLE): Java syntax (with optional d/f
/// suffix) plus "inf", "infinity", "nan" in any case and sign. Returns false if malformed.
bool ParseSparkDouble(std::string_view s, double* out);
/// Parses a boolean: t, true, y, yes, 1 / f, false, n, no, 0 (any case, trimmed).
bool ParseSparkBoolean(std::string_view s, bool* out);

enum class DecimalParse { kOk, kInvalid, kOverflow };
/// Parses a decimal ("1.5", "-2e3", " 12 ") to DECIMAL(precision, scale), rounding HALF_UP.
DecimalParse ParseSparkDecimal(std::string_view s, int precision, int scale, int128_t* out);

/// Unscaled decimal -> nearest double.
double DecimalToDouble(int128_t unscaled, int scale);

}  // namespace sluice
