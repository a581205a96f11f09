// Literal rules of SqlParser: numbers (Spark's typing rules), typed literals (DATE, TIMESTAMP,
// TIMESTAMP_NTZ, X'..'), strings and day-time INTERVAL literals.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "sluice/exception.h"
#include "sql/parser_impl.h"
#include "types/datetime.h"

namespace sluice {

namespace {

constexpr int kMaxDecimalPrecision = 38;

[[noreturn]] void ThrowRange(const Token& token, const std::string& literal, const char* type,
                             const std::string& min, const std::string& max) {
  ThrowParseErrorAt(token, "[INVALID_NUMERIC_LITERAL_RANGE] Numeric literal " + literal +
                               " is outside the valid range for " + type +
                               " with minimum value of " + min + " and maximum value of " + max +
                               ". Please adjust the value accordingly.");
}

// Decimal digits of `body` (digits, optional '.', optional exponent) as an unscaled value and
// scale. Returns false if the precision exceeds 38 digits.
bool ParseDecimalText(std::string_view body, bool negative, int128_t* unscaled, int* precision,
                      int* scale) {
  std::string digits;
  int frac = 0;
  bool after_dot = false;
  size_t i = 0;
  for (; i < body.size(); ++i) {
    char c = body[i];
    if (c == '.') {
      after_dot = true;
    } else if (c >= '0' && c <= '9') {
      digits.push_back(c);
      if (after_dot) ++frac;
    } else {
      break;
    }
  }
  int exponent = 0;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    exponent = std::atoi(std::string(body.substr(i + 1)).c_str());
    if (exponent > 1000 || exponent < -1000) return false;
  }
  int s = frac - exponent;
  if (s < 0) {
    digits.append(static_cast<size_t>(-s), '0');
    s = 0;
  }
  size_t first = digits.find_first_not_of('0');
  std::string significant = first == std::string::npos ? "0" : digits.substr(first);
  if (significant.size() > static_cast<size_t>(kMaxDecimalPrecision)) return false;
  int128_t v = 0;
  for (char c : significant) v = v * 10 + (c - '0');
  int p = std::max(static_cast<int>(significant.size()), s);
  if (p > kMaxDecimalPrecision) return false;
  *unscaled = negative ? -v : v;
  *precision = std::max(p, 1);
  *scale = s;
  return true;
}

enum class IntervalUnit {
  kNone,
  kYearMonth,
  kWeek,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kMillisecond,
  kMicrosecond
};

IntervalUnit ClassifyUnit(const Token& t) {
  if (t.kind != TokenKind::kWord) return IntervalUnit::kNone;
  const std::string& u = t.upper;
  if (u == "YEAR" || u == "YEARS" || u == "MONTH" || u == "MONTHS") return IntervalUnit::kYearMonth;
  if (u == "WEEK" || u == "WEEKS") return IntervalUnit::kWeek;
  if (u == "DAY" || u == "DAYS") return IntervalUnit::kDay;
  if (u == "HOUR" || u == "HOURS") return IntervalUnit::kHour;
  if (u == "MINUTE" || u == "MINUTES") return IntervalUnit::kMinute;
  if (u == "SECOND" || u == "SECONDS") return IntervalUnit::kSecond;
  if (u == "MILLISECOND" || u == "MILLISECONDS") return IntervalUnit::kMillisecond;
  if (u == "MICROSECOND" || u == "MICROSECONDS") return IntervalUnit::kMicrosecond;
  return IntervalUnit::kNone;
}

int64_t UnitMicros(IntervalUnit unit) {
  switch (unit) {
    case IntervalUnit::kWeek:
      return 7 * kMicrosPerDay;
    case IntervalUnit::kDay:
      return kMicrosPerDay;
    case IntervalUnit::kHour:
      return kMicrosPerHour;
    case IntervalUnit::kMinute:
      return kMicrosPerMinute;
    case IntervalUnit::kSecond:
      return kMicrosPerSecond;
    case IntervalUnit::kMillisecond:
      return 1000;
    case IntervalUnit::kMicrosecond:
      return 1;
    default:
      return 0;
  }
}

[[noreturn]] void ThrowYearMonth(const Token& t) {
  ThrowParseErrorAt(t, "[UNSUPPORTED_FEATURE] year-month intervals are not supported");
}

// "[+-]digits[.digits]" times unit -> micros (fraction truncated to microseconds).
bool ScaleIntervalValue(std::string_view text, int64_t unit, int128_t* out) {
  size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  bool neg = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    neg = text[i] == '-';
    ++i;
  }
  int128_t whole = 0;
  int128_t frac = 0;
  int128_t frac_div = 1;
  bool any = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    whole = whole * 10 + (text[i] - '0');
    any = true;
    if (whole > static_cast<int128_t>(std::numeric_limits<int64_t>::max())) return false;
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (frac_div < static_cast<int128_t>(1000000000000000000LL)) {
        frac = frac * 10 + (text[i] - '0');
        frac_div *= 10;
      }
      any = true;
    }
  }
  while (i < text.size() && text[i] == ' ') ++i;
  if (!any || i != text.size()) return false;
  int128_t v = whole * unit + frac * unit / frac_div;
  if (v > static_cast<int128_t>(std::numeric_limits<int64_t>::max())) return false;
  *out = neg ? -v : v;
  return true;
}

// Parses the string of an ANSI unit-to-unit interval ('1 02:03:04' DAY TO SECOND).
bool ParseUnitToUnit(std::string_view text, IntervalUnit from, IntervalUnit to, int64_t* out) {
  std::string s(text);
  size_t b = s.find_first_not_of(' ');
  size_t e = s.find_last_not_of(' ');
  if (b == std::string::npos) return false;
  s = s.substr(b, e - b + 1);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s = s.substr(1);
  }
  // Split into fields: days (space-separated) then colon-separated h:m:s.
  std::vector<std::string> fields;
  std::string rest = s;
  if (from == IntervalUnit::kDay) {
    size_t space = rest.find(' ');
    if (to == IntervalUnit::kDay) return false;
    if (space == std::string::npos) return false;
    fields.push_back(rest.substr(0, space));
    rest = rest.substr(space + 1);
  }
  size_t start = 0;
  while (true) {
    size_t colon = rest.find(':', start);
    fields.push_back(
        rest.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  std::vector<IntervalUnit> units;
  for (IntervalUnit u :
       {IntervalUnit::kDay, IntervalUnit::kHour, IntervalUnit::kMinute, IntervalUnit::kSecond}) {
    if (u >= from && u <= to) units.push_back(u);
  }
  if (units.size() < 2 || fields.size() != units.size()) return false;
  int128_t total = 0;
  for (size_t i = 0; i < units.size(); ++i) {
    const std::string& f = fields[i];
    if (f.empty() || f[0] == '+' || f[0] == '-') return false;
    bool fraction_ok = units[i] == IntervalUnit::kSecond;
    if (!fraction_ok && f.find('.') != std::string::npos) return false;
    int128_t v;
    if (!ScaleIntervalValue(f, UnitMicros(units[i]), &v)) return false;
    if (i > 0) {
      int128_t limit =
          units[i] == IntervalUnit::kHour
              ? 24 * kMicrosPerHour
              : (units[i] == IntervalUnit::kMinute ? 60 * kMicrosPerMinute : 60 * kMicrosPerSecond);
      if (v >= limit) return false;
    }
    total += v;
  }
  if (total > static_cast<int128_t>(std::numeric_limits<int64_t>::max())) return false;
  *out = static_cast<int64_t>(neg ? -total : total);
  return true;
}

const char* UnitName(IntervalUnit u) {
  switch (u) {
    case IntervalUnit::kDay:
      return "DAY";
    case IntervalUnit::kHour:
      return "HOUR";
    case IntervalUnit::kMinute:
      return "MINUTE";
    case IntervalUnit::kSecond:
      return "SECOND";
    default:
      return "?";
  }
}

}  // namespace

std::string SqlParser::ParseStringSequence() {
  if (Peek().kind != TokenKind::kString) Fail("expected a string literal");
  std::string out;
  while (Peek().kind == TokenKind::kString) out += Next().value;
  return out;
}

ExprPtr SqlParser::ParseNumberLiteral(const Token& token, bool negative) {
  std::string text = token.text;
  std::string literal = (negative ? "-" : "") + text;
  std::string upper = text;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string suffix;
  if (upper.size() > 2 && upper.compare(upper.size() - 2, 2, "BD") == 0) {
    suffix = "BD";
  } else if (!upper.empty() && std::string("LSYDF").find(upper.back()) != std::string::npos) {
    suffix = std::string(1, upper.back());
  }
  std::string body = text.substr(0, text.size() - suffix.size());
  bool has_dot = body.find('.') != std::string::npos;
  bool has_exp = body.find_first_of("eE") != std::string::npos;

  if (suffix == "D" || suffix == "F" || (suffix.empty() && has_exp)) {
    errno = 0;
    double d = std::strtod(body.c_str(), nullptr);
    if (negative) d = -d;
    if (suffix == "F") {
      if (std::isinf(static_cast<float>(d)) || errno == ERANGE) {
        ThrowRange(token, literal, "float", "-3.4028235E38", "3.4028235E38");
      }
      return MakeLiteral(Value::Float(static_cast<float>(d)));
    }
    if (std::isinf(d) || errno == ERANGE) {
      ThrowRange(token, literal, "double", "-1.7976931348623157E308", "1.7976931348623157E308");
    }
    return MakeLiteral(Value::Double(d));
  }
  if (suffix == "BD" || (suffix.empty() && has_dot)) {
    int128_t unscaled;
    int precision, scale;
    if (!ParseDecimalText(body, negative, &unscaled, &precision, &scale)) {
      ThrowParseErrorAt(token, "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal literal " +
                                   literal + " exceeds the maximum precision 38");
    }
    return MakeLiteral(Value::Decimal(unscaled, precision, scale));
  }
  if (has_dot || has_exp) ThrowSyntaxError(token, "invalid number");
  // Integral literal.
  std::string digits = body;
  size_t first = digits.find_first_not_of('0');
  digits = first == std::string::npos ? "0" : digits.substr(first);
  if (digits.size() > static_cast<size_t>(kMaxDecimalPrecision)) {
    if (suffix.empty()) {
      ThrowParseErrorAt(token, "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Numeric literal " +
                                   literal + " exceeds the maximum precision 38");
    }
    digits = std::string(39, '9');  // out of range for every integral type
  }
  int128_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  if (negative) v = -v;
  auto fits = [&](int128_t lo, int128_t hi) { return digits.size() <= 38 && v >= lo && v <= hi; };
  if (suffix == "Y") {
    if (!fits(-128, 127)) ThrowRange(token, literal, "tinyint", "-128", "127");
    return MakeLiteral(Value::Byte(static_cast<int8_t>(v)));
  }
  if (suffix == "S") {
    if (!fits(-32768, 32767)) ThrowRange(token, literal, "smallint", "-32768", "32767");
    return MakeLiteral(Value::Short(static_cast<int16_t>(v)));
  }
  constexpr int128_t kLongMin = std::numeric_limits<int64_t>::min();
  constexpr int128_t kLongMax = std::numeric_limits<int64_t>::max();
  if (suffix == "L") {
    if (!fits(kLongMin, kLongMax)) {
      ThrowRange(token, literal, "bigint", "-9223372036854775808", "9223372036854775807");
    }
    return MakeLiteral(Value::Long(static_cast<int64_t>(v)));
  }
  if (fits(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max())) {
    return MakeLiteral(Value::Int(static_cast<int32_t>(v)));
  }
  if (fits(kLongMin, kLongMax)) return MakeLiteral(Value::Long(static_cast<int64_t>(v)));
  return MakeLiteral(Value::Decimal(v, static_cast<int>(digits.size()), 0));
}

ExprPtr SqlParser::ParseTypedLiteral(const Token& type_token, const Token& string_token,
                                     const std::string& value) {
  const std::string& type = type_token.upper;
  auto invalid = [&]() {
    ThrowParseErrorAt(string_token, "[INVALID_TYPED_LITERAL] The value of the typed literal \"" +
                                        type + "\" is invalid: '" + value + "'");
  };
  if (type == "DATE") {
    auto days = ParseDate(value);
    if (!days) invalid();
    return MakeLiteral(Value::Date(*days));
  }
  if (type == "TIMESTAMP" || type == "TIMESTAMP_LTZ") {
    std::optional<int64_t> micros;
    try {
      micros = ParseTimestamp(value, "UTC");
    } catch (const SluiceError&) {
      invalid();
    }
    if (!micros) invalid();
    return MakeLiteral(Value::Timestamp(*micros));
  }
  if (type == "TIMESTAMP_NTZ") {
    auto micros = ParseTimestampNtz(value);
    if (!micros) invalid();
    return MakeLiteral(Value::TimestampNtz(*micros));
  }
  // X'hex'
  std::string hex = value;
  if (hex.size() % 2 == 1) hex = "0" + hex;
  std::string bytes;
  for (size_t i = 0; i < hex.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = nibble(hex[i]);
    int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) invalid();
    bytes.push_back(static_cast<char>(hi * 16 + lo));
  }
  return MakeLiteral(Value::Binary(std::move(bytes)));
}

ExprPtr SqlParser::ParseIntervalLiteral(const Token& interval_token) {
  return MakeLiteral(Value::Interval(ParseIntervalMicros(interval_token)));
}

int64_t SqlParser::ParseIntervalMicros(const Token& interval_token) {
  // INTERVAL 'text' with no unit after it: a duration string ('10 seconds', '1 hour 30 minutes').
  if (Peek().kind == TokenKind::kString) {
    size_t k = 0;
    while (Peek(k).kind == TokenKind::kString) ++k;
    if (ClassifyUnit(Peek(k)) == IntervalUnit::kNone) {
      const Token& s = Peek();
      std::string text = ParseStringSequence();
      try {
        return ParseDurationMicros(text);
      } catch (const SluiceError& e) {
        std::string lower = text;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower.find("year") != std::string::npos || lower.find("month") != std::string::npos) {
          ThrowYearMonth(s);
        }
        ThrowParseErrorAt(
            s, "[INVALID_INTERVAL_FORMAT] Cannot parse the interval '" + text + "': " + e.what());
      }
    }
  }
  // Value tokens: [+-] (number | string), followed by a unit word.
  auto value_length = [&](size_t ahead) -> size_t {
    size_t k = ahead;
    if (PeekOp("-", k) || PeekOp("+", k)) ++k;
    if (Peek(k).kind == TokenKind::kNumber) return k + 1 - ahead;
    if (Peek(k).kind == TokenKind::kString) return k + 1 - ahead;
    return 0;
  };
  int128_t total = 0;
  bool first = true;
  while (true) {
    size_t len = value_length(0);
    if (len == 0) {
      if (first) Fail("expected an interval value");
      break;
    }
    if (!first && ClassifyUnit(Peek(len)) == IntervalUnit::kNone) break;
    const Token& value_start = Peek();
    bool negative = false;
    if (PeekOp("-") || PeekOp("+")) negative = Next().text == "-";
    const Token& value_token = Next();
    std::string text =
        value_token.kind == TokenKind::kString ? value_token.value : value_token.text;
    const Token& unit_token = Peek();
    IntervalUnit unit = ClassifyUnit(unit_token);
    if (unit == IntervalUnit::kNone)
      Fail("expected an interval unit (DAY, HOUR, MINUTE, SECOND, ...)");
    Next();
    if (unit == IntervalUnit::kYearMonth) ThrowYearMonth(unit_token);
    if (first && PeekWord("TO")) {
      Next();
      const Token& to_token = Peek();
      IntervalUnit to = ClassifyUnit(to_token);
      if (to == IntervalUnit::kYearMonth) ThrowYearMonth(to_token);
      if (to == IntervalUnit::kNone) Fail("expected an interval unit after TO");
      Next();
      auto ansi = [](IntervalUnit u) {
        return u == IntervalUnit::kDay || u == IntervalUnit::kHour || u == IntervalUnit::kMinute ||
               u == IntervalUnit::kSecond;
      };
      int64_t micros = 0;
      if (!ansi(unit) || !ansi(to) || to <= unit) {
        ThrowParseErrorAt(unit_token, "[INVALID_INTERVAL_FORMAT] Interval " + unit_token.upper +
                                          " TO " + to_token.upper + " is not supported");
      }
      if (!ParseUnitToUnit(text, unit, to, &micros)) {
        ThrowParseErrorAt(value_token, std::string("[INVALID_INTERVAL_FORMAT] Interval string '") +
                                           text + "' does not match the " + UnitName(unit) +
                                           " TO " + UnitName(to) + " format");
      }
      return negative ? -micros : micros;
    }
    if (value_token.kind == TokenKind::kNumber) {
      std::string upper = text;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (upper.find_first_not_of("0123456789.") != std::string::npos) {
        ThrowParseErrorAt(value_token, "[INVALID_INTERVAL_FORMAT] Invalid interval value " + text);
      }
    }
    int128_t v;
    if (!ScaleIntervalValue(text, UnitMicros(unit), &v)) {
      ThrowParseErrorAt(value_start, "[INVALID_INTERVAL_FORMAT] Invalid interval value '" + text +
                                         "' for unit " + unit_token.upper);
    }
    total += negative ? -v : v;
    if (total > static_cast<int128_t>(std::numeric_limits<int64_t>::max()) ||
        total < static_cast<int128_t>(std::numeric_limits<int64_t>::min())) {
      ThrowParseErrorAt(interval_token, "[INVALID_INTERVAL_FORMAT] Interval value is out of range");
    }
    first = false;
  }
  return static_cast<int64_t>(total);
}

}  // namespace sluice
