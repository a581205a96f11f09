#include "testing/scenario/value_text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "types/ascii.h"
#include "types/datetime.h"
#include "types/value_format.h"

namespace sluice::scenario {
namespace {

constexpr double kRelativeTolerance = 1e-9;

std::string_view Trim(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  size_t e = s.size();
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

[[noreturn]] void Bad(std::string_view text, const TypePtr& type, const std::string& why = "") {
  std::string msg = "cannot read '" + std::string(text) + "' as " + type->SimpleString();
  if (!why.empty()) msg += ": " + why;
  throw std::invalid_argument(msg);
}

// Splits the inside of a nested literal at top-level commas (outside [] and {}).
std::vector<std::string_view> SplitItems(std::string_view inner) {
  std::vector<std::string_view> items;
  if (Trim(inner).empty()) return items;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < inner.size(); ++i) {
    char c = inner[i];
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
    if (c == ',' && depth == 0) {
      items.push_back(Trim(inner.substr(start, i - start)));
      start = i + 1;
    }
  }
  items.push_back(Trim(inner.substr(start)));
  return items;
}

// Position of the top-level " -> " (or "->") of a map entry, or npos.
size_t FindArrow(std::string_view entry) {
  int depth = 0;
  for (size_t i = 0; i + 1 < entry.size(); ++i) {
    char c = entry[i];
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
    if (depth == 0 && c == '-' && entry[i + 1] == '>') return i;
  }
  return std::string_view::npos;
}

bool ParseDoubleText(std::string_view text, double* out) {
  std::string s = AsciiLower(Trim(text));
  if (s == "nan") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (s == "infinity" || s == "+infinity" || s == "inf") {
    *out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (s == "-infinity" || s == "-inf") {
    *out = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// Parses an integral literal, also "2.0" / "1e3" when the value is integral.
bool ParseIntegralText(std::string_view text, int64_t* out) {
  std::string_view s = Trim(text);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec == std::errc() && ptr == s.data() + s.size()) return true;
  double d;
  if (!ParseDoubleText(s, &d) || !std::isfinite(d) || d != std::floor(d) ||
      std::fabs(d) > 9.2e18) {
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

// Parses a decimal literal into an unscaled value at `scale`; fails if digits would be lost.
bool ParseDecimalText(std::string_view text, int scale, int128_t* out) {
  std::string_view s = Trim(text);
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  std::string digits;
  int frac_digits = 0;
  bool seen_point = false;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
      if (seen_point) ++frac_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (digits.empty()) return false;
  int exponent = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return false;
    std::string_view e = s.substr(i + 1);
    if (!e.empty() && e[0] == '+') e.remove_prefix(1);
    auto [ptr, ec] = std::from_chars(e.data(), e.data() + e.size(), exponent);
    if (ec != std::errc() || ptr != e.data() + e.size()) return false;
  }
  int shift = scale - frac_digits + exponent;  // multiply the digit string by 10^shift
  if (shift < 0) {
    // Dropped digits must be zeros.
    int drop = -shift;
    if (drop > static_cast<int>(digits.size())) {
      if (digits.find_first_not_of('0') != std::string::npos) return false;
      digits = "0";
    } else {
      std::string tail = digits.substr(digits.size() - drop);
      if (tail.find_first_not_of('0') != std::string::npos) return false;
      digits.resize(digits.size() - drop);
      if (digits.empty()) digits = "0";
    }
    shift = 0;
  }
  int128_t v = 0;
  for (char c : digits) {
    v = v * 10 + (c - '0');
    if (v > (static_cast<int128_t>(1) << 125)) return false;
  }
  for (int k = 0; k < shift; ++k) {
    v *= 10;
    if (v > (static_cast<int128_t>(1) << 125)) return false;
  }
  *out = neg ? -v : v;
  return true;
}

// "INTERVAL '1 02:03:04.5' DAY TO SECOND" or a duration such as "5 seconds".
bool ParseIntervalText(std::string_view text, int64_t* out) {
  std::string s = AsciiLower(Trim(text));
  if (s.rfind("interval '", 0) == 0) {
    size_t close = s.find('\'', 10);
    if (close == std::string::npos) return false;
    std::string body = s.substr(10, close - 10);
    bool neg = !body.empty() && body[0] == '-';
    if (neg) body.erase(0, 1);
    long long days = 0, h = 0, m = 0;
    double sec = 0;
    if (std::sscanf(body.c_str(), "%lld %lld:%lld:%lf", &days, &h, &m, &sec) != 4) return false;
    double total = static_cast<double>(days) * kMicrosPerDay + static_cast<double>(h) * kMicrosPerHour +
                   static_cast<double>(m) * kMicrosPerMinute;
    int64_t micros = static_cast<int64_t>(total) + static_cast<int64_t>(std::llround(sec * 1e6));
    *out = neg ? -micros : micros;
    return true;
  }
  try {
    *out = ParseDurationMicros(s);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

bool IsNullText(std::string_view text, bool nested) {
  return text == "NULL" || (nested && text == "null");
}

Value ParseValue(std::string_view text, const TypePtr& type, std::string_view tz, bool nested) {
  if (IsNullText(nested ? Trim(text) : text, nested)) return Value::Null(type);
  std::string_view t = nested ? Trim(text) : text;
  switch (type->id()) {
    case TypeId::kNull:
      Bad(text, type, "only NULL");
    case TypeId::kBoolean: {
      std::string l = AsciiLower(Trim(t));
      if (l == "true") return Value::Boolean(true);
      if (l == "false") return Value::Boolean(false);
      Bad(text, type, "expected true or false");
    }
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong: {
      int64_t v;
      if (!ParseIntegralText(t, &v)) Bad(text, type, "expected an integer");
      int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
      if (type->id() == TypeId::kByte) lo = -128, hi = 127;
      if (type->id() == TypeId::kShort) lo = -32768, hi = 32767;
      if (type->id() == TypeId::kInt) {
        lo = std::numeric_limits<int32_t>::min();
        hi = std::numeric_limits<int32_t>::max();
      }
      if (v < lo || v > hi) Bad(text, type, "out of range");
      return Value::FromInt64(type, v);
    }
    case TypeId::kFloat: {
      double d;
      if (!ParseDoubleText(t, &d)) Bad(text, type, "expected a number");
      return Value::Float(static_cast<float>(d));
    }
    case TypeId::kDouble: {
      double d;
      if (!ParseDoubleText(t, &d)) Bad(text, type, "expected a number");
      return Value::Double(d);
    }
    case TypeId::kDecimal: {
      int128_t v;
      if (!ParseDecimalText(t, type->scale(), &v)) {
        Bad(text, type, "expected a decimal with at most " + std::to_string(type->scale()) +
                            " fractional digits");
      }
      return Value::Decimal(v, type->precision(), type->scale());
    }
    case TypeId::kString:
      return Value::String(UnescapeText(t));
    case TypeId::kBinary:
      return Value::Binary(UnescapeText(t));
    case TypeId::kDate: {
      auto d = ParseDate(Trim(t));
      if (!d) Bad(text, type, "expected YYYY-MM-DD");
      return Value::Date(*d);
    }
    case TypeId::kTimestamp: {
      auto ts = ParseTimestamp(Trim(t), tz);
      if (!ts) Bad(text, type, "expected YYYY-MM-DD HH:MM:SS[.ffffff]");
      return Value::Timestamp(*ts);
    }
    case TypeId::kTimestampNtz: {
      auto ts = ParseTimestampNtz(Trim(t));
      if (!ts) Bad(text, type, "expected YYYY-MM-DD HH:MM:SS[.ffffff]");
      return Value::TimestampNtz(*ts);
    }
    case TypeId::kInterval: {
      int64_t v;
      if (!ParseIntervalText(t, &v)) Bad(text, type, "expected INTERVAL '...' or a duration");
      return Value::Interval(v);
    }
    case TypeId::kStruct: {
      std::string_view s = Trim(t);
      if (s.size() < 2 || s.front() != '{' || s.back() != '}') Bad(text, type, "expected {v1, v2}");
      auto items = SplitItems(s.substr(1, s.size() - 2));
      const auto& fields = type->fields();
      if (items.size() != fields.size()) {
        Bad(text, type, "expected " + std::to_string(fields.size()) + " field values, got " +
                            std::to_string(items.size()));
      }
      std::vector<Value> children;
      for (size_t i = 0; i < items.size(); ++i) {
        children.push_back(ParseValue(items[i], fields[i].type, tz, true));
      }
      return Value::Struct(type, std::move(children));
    }
    case TypeId::kArray: {
      std::string_view s = Trim(t);
      if (s.size() < 2 || s.front() != '[' || s.back() != ']') Bad(text, type, "expected [a, b]");
      std::vector<Value> children;
      for (std::string_view item : SplitItems(s.substr(1, s.size() - 2))) {
        children.push_back(ParseValue(item, type->element_type(), tz, true));
      }
      return Value::Array(type, std::move(children));
    }
    case TypeId::kMap: {
      std::string_view s = Trim(t);
      if (s.size() < 2 || s.front() != '{' || s.back() != '}') Bad(text, type, "expected {k -> v}");
      std::vector<Value> keys, values;
      for (std::string_view entry : SplitItems(s.substr(1, s.size() - 2))) {
        size_t arrow = FindArrow(entry);
        if (arrow == std::string_view::npos) Bad(text, type, "map entry without '->'");
        keys.push_back(ParseValue(entry.substr(0, arrow), type->key_type(), tz, true));
        values.push_back(ParseValue(entry.substr(arrow + 2), type->value_type(), tz, true));
      }
      return Value::Map(type, std::move(keys), std::move(values));
    }
  }
  Bad(text, type, "unsupported type");
}

bool DoublesMatch(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  return std::fabs(a - b) <= kRelativeTolerance * std::max(std::fabs(a), std::fabs(b));
}

bool IsIntegralLike(TypeId id) {
  switch (id) {
    case TypeId::kBoolean:
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kInterval:
      return true;
    default:
      return false;
  }
}

// Compares two decimals with different scales exactly.
bool DecimalsMatch(int128_t a, int as, int128_t b, int bs) {
  while (as < bs) {
    a *= 10;
    ++as;
  }
  while (bs < as) {
    b *= 10;
    ++bs;
  }
  return a == b;
}

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Render(const Value& v, std::string_view tz) {
  if (v.is_null()) return "NULL";
  const TypePtr& type = v.type();
  switch (type->id()) {
    case TypeId::kNull:
      return "NULL";
    case TypeId::kBoolean:
      return v.GetBool() ? "true" : "false";
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
      return std::to_string(v.GetInt64());
    case TypeId::kFloat:
      return FormatFloat(static_cast<float>(v.GetDouble()));
    case TypeId::kDouble:
      return FormatDouble(v.GetDouble());
    case TypeId::kDecimal:
      return FormatDecimal(v.GetDecimal(), type->scale());
    case TypeId::kString:
    case TypeId::kBinary:
      return Escape(v.GetString());
    case TypeId::kDate:
      return FormatDate(static_cast<int32_t>(v.GetInt64()));
    case TypeId::kTimestamp:
      return FormatTimestamp(v.GetInt64(), tz);
    case TypeId::kTimestampNtz:
      return FormatTimestampNtz(v.GetInt64());
    case TypeId::kInterval:
      return FormatInterval(v.GetInt64());
    case TypeId::kStruct:
    case TypeId::kArray: {
      bool is_struct = type->id() == TypeId::kStruct;
      std::string out = is_struct ? "{" : "[";
      for (size_t i = 0; i < v.children().size(); ++i) {
        if (i) out += ", ";
        out += Render(v.children()[i], tz);
      }
      out += is_struct ? "}" : "]";
      return out;
    }
    case TypeId::kMap: {
      std::string out = "{";
      for (size_t i = 0; i < v.MapSize(); ++i) {
        if (i) out += ", ";
        out += Render(v.MapKey(i), tz) + " -> " + Render(v.MapValue(i), tz);
      }
      return out + "}";
    }
  }
  return v.ToString();
}

}  // namespace

std::string UnescapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      char n = text[i + 1];
      if (n == 't') {
        out.push_back('\t');
        ++i;
        continue;
      }
      if (n == 'n') {
        out.push_back('\n');
        ++i;
        continue;
      }
      if (n == '\\') {
        out.push_back('\\');
        ++i;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

Value ParseValueText(std::string_view text, const TypePtr& type, std::string_view tz) {
  return ParseValue(text, type, tz, false);
}

std::vector<Value> ParseRowText(const std::vector<std::string>& cells, const TypePtr& schema,
                                std::string_view tz) {
  const auto& fields = schema->fields();
  if (cells.size() != fields.size()) {
    std::string names;
    for (size_t i = 0; i < fields.size(); ++i) names += (i ? ", " : "") + fields[i].name;
    throw std::invalid_argument("row has " + std::to_string(cells.size()) +
                                " TAB-separated values, expected " +
                                std::to_string(fields.size()) + " (" + names + ")");
  }
  std::vector<Value> row;
  row.reserve(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    try {
      row.push_back(ParseValueText(cells[i], fields[i].type, tz));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("column " + fields[i].name + ": " + e.what());
    }
  }
  return row;
}

bool ValuesMatch(const Value& expected, const Value& actual) {
  if (expected.is_null() || actual.is_null()) return expected.is_null() && actual.is_null();
  TypeId e = expected.type()->id();
  TypeId a = actual.type()->id();
  bool e_num = expected.type()->IsNumeric();
  bool a_num = actual.type()->IsNumeric();
  if (e_num && a_num) {
    if (e == TypeId::kDecimal && a == TypeId::kDecimal) {
      return DecimalsMatch(expected.GetDecimal(), expected.type()->scale(), actual.GetDecimal(),
                           actual.type()->scale());
    }
    if (expected.type()->IsIntegral() && actual.type()->IsIntegral()) {
      return expected.GetInt64() == actual.GetInt64();
    }
    if (a == TypeId::kFloat) {
      return DoublesMatch(static_cast<float>(expected.AsDouble()), actual.GetDouble());
    }
    return DoublesMatch(expected.AsDouble(), actual.AsDouble());
  }
  if (IsIntegralLike(e) && IsIntegralLike(a)) return expected.GetInt64() == actual.GetInt64();
  if (expected.type()->IsStringLike() && actual.type()->IsStringLike()) {
    return expected.GetString() == actual.GetString();
  }
  if (e != a) return false;
  switch (a) {
    case TypeId::kStruct:
    case TypeId::kArray: {
      const auto& ec = expected.children();
      const auto& ac = actual.children();
      if (ec.size() != ac.size()) return false;
      for (size_t i = 0; i < ec.size(); ++i) {
        if (!ValuesMatch(ec[i], ac[i])) return false;
      }
      return true;
    }
    case TypeId::kMap: {
      if (expected.MapSize() != actual.MapSize()) return false;
      std::vector<bool> used(actual.MapSize(), false);
      for (size_t i = 0; i < expected.MapSize(); ++i) {
        bool found = false;
        for (size_t j = 0; j < actual.MapSize() && !found; ++j) {
          if (!used[j] && ValuesMatch(expected.MapKey(i), actual.MapKey(j)) &&
              ValuesMatch(expected.MapValue(i), actual.MapValue(j))) {
            used[j] = true;
            found = true;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    default:
      return expected == actual;
  }
}

bool RowsMatch(const std::vector<Value>& expected, const std::vector<Value>& actual) {
  if (expected.size() != actual.size()) return false;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (!ValuesMatch(expected[i], actual[i])) return false;
  }
  return true;
}

std::string RenderValueText(const Value& v, std::string_view tz) { return Render(v, tz); }

std::string RenderRowText(const std::vector<Value>& row, std::string_view tz) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) out += '\t';
    out += Render(row[i], tz);
  }
  return out;
}

bool CompareRows(const std::vector<std::vector<Value>>& expected,
                 const std::vector<std::vector<Value>>& actual, bool ordered, std::string* diff,
                 std::string_view tz) {
  if (ordered) {
    size_t n = std::min(expected.size(), actual.size());
    for (size_t i = 0; i < n; ++i) {
      if (!RowsMatch(expected[i], actual[i])) {
        if (diff) {
          *diff = "row " + std::to_string(i + 1) + " differs: expected '" +
                  RenderRowText(expected[i], tz) + "', got '" + RenderRowText(actual[i], tz) + "'";
        }
        return false;
      }
    }
    if (expected.size() != actual.size()) {
      if (diff) {
        *diff = "expected " + std::to_string(expected.size()) + " rows, got " +
                std::to_string(actual.size());
      }
      return false;
    }
    return true;
  }
  std::vector<bool> used(actual.size(), false);
  std::vector<size_t> missing;
  for (size_t i = 0; i < expected.size(); ++i) {
    bool found = false;
    for (size_t j = 0; j < actual.size() && !found; ++j) {
      if (!used[j] && RowsMatch(expected[i], actual[j])) {
        used[j] = true;
        found = true;
      }
    }
    if (!found) missing.push_back(i);
  }
  std::vector<size_t> unexpected;
  for (size_t j = 0; j < actual.size(); ++j) {
    if (!used[j]) unexpected.push_back(j);
  }
  if (missing.empty() && unexpected.empty()) return true;
  if (diff) {
    std::string d;
    for (size_t i : missing) {
      d += (d.empty() ? "" : "; ") + ("missing '" + RenderRowText(expected[i], tz) + "'");
    }
    for (size_t j : unexpected) {
      d += (d.empty() ? "" : "; ") + ("unexpected '" + RenderRowText(actual[j], tz) + "'");
    }
    *diff = d;
  }
  return false;
}

}  // namespace sluice::scenario
