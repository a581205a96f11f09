// Spark's text renderings of values (see value_format.h), and Value::ToString.
//
// Doubles and floats follow Java's Double.toString / Float.toString: the shortest decimal that
// round-trips (std::to_chars), printed plainly for 1e-3 <= |v| < 1e7 ("123.0", "0.001") and in
// computerized scientific notation otherwise ("1.0E7", "1.234E-4").
#include "types/value_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "types/datetime.h"

namespace sluice {

namespace {

// Renders digits (no leading zeros, at least one) with decimal exponent `exp10` meaning
// value = 0.d1d2d3... * 10^exp10... here: value = d1.d2d3... * 10^sci_exp.
std::string JavaStyle(bool negative, const std::string& digits, int sci_exp) {
  std::string out;
  if (negative) out.push_back('-');
  if (sci_exp >= -3 && sci_exp < 7) {
    if (sci_exp >= 0) {
      size_t int_len = static_cast<size_t>(sci_exp) + 1;
      if (digits.size() <= int_len) {
        out.append(digits);
        out.append(int_len - digits.size(), '0');
        out.append(".0");
      } else {
        out.append(digits.substr(0, int_len));
        out.push_back('.');
        out.append(digits.substr(int_len));
      }
    } else {
      out.append("0.");
      out.append(static_cast<size_t>(-sci_exp - 1), '0');
      out.append(digits);
    }
  } else {
    out.push_back(digits[0]);
    out.push_back('.');
    if (digits.size() > 1) {
      out.append(digits.substr(1));
    } else {
      out.push_back('0');
    }
    out.push_back('E');
    out.append(std::to_string(sci_exp));
  }
  return out;
}

template <typename T>
std::string FormatJavaFloating(T v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string s(buf, res.ptr);
  bool negative = false;
  size_t i = 0;
  if (s[0] == '-') {
    negative = true;
    i = 1;
  }
  size_t e = s.find('e');
  std::string digits;
  for (size_t k = i; k < e; ++k) {
    if (s[k] != '.') digits.push_back(s[k]);
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int exp = std::stoi(s.substr(e + 1));
  if (digits.size() == 1) {
    // Java renders at least two significant digits, choosing the two-digit decimal closest to the
    // exact binary value when it still round-trips (Double.MIN_VALUE -> "4.9E-324").
    auto r2 = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific, 1);
    T back{};
    std::from_chars(buf, r2.ptr, back);
    if (back == v) {
      std::string s2(buf, r2.ptr);
      size_t e2 = s2.find('e');
      size_t b2 = s2[0] == '-' ? 1 : 0;
      std::string d2;
      for (size_t k = b2; k < e2; ++k) {
        if (s2[k] != '.') d2.push_back(s2[k]);
      }
      while (d2.size() > 1 && d2.back() == '0') d2.pop_back();
      return JavaStyle(negative, d2, std::stoi(s2.substr(e2 + 1)));
    }
  }
  return JavaStyle(negative, digits, exp);
}

std::string Int128ToString(int128_t v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  std::string s;
  while (u > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (neg) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (u < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", u);
          out->append(buf);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

std::string Base64(std::string_view bytes) {
  static const char* kTable = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  while (i + 2 < bytes.size()) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                 static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kTable[(n >> 18) & 63]);
    out.push_back(kTable[(n >> 12) & 63]);
    out.push_back(kTable[(n >> 6) & 63]);
    out.push_back(kTable[n & 63]);
    i += 3;
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out.push_back(kTable[(n >> 18) & 63]);
    out.push_back(kTable[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kTable[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

// Scalar (non-nested, non-null) rendering shared by the three formats.
std::string FormatScalar(const Value& v, std::string_view tz) {
  switch (v.type()->id()) {
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
      return FormatDecimal(v.GetDecimal(), v.type()->scale());
    case TypeId::kString:
    case TypeId::kBinary:
      return v.GetString();
    case TypeId::kDate:
      return FormatDate(static_cast<int32_t>(v.GetInt64()));
    case TypeId::kTimestamp:
      return FormatTimestamp(v.GetInt64(), tz);
    case TypeId::kTimestampNtz:
      return FormatTimestampNtz(v.GetInt64());
    case TypeId::kInterval:
      return FormatInterval(v.GetInt64());
    default:
      return "";
  }
}

void AppendCast(std::string* out, const Value& v, std::string_view tz, bool nested) {
  if (v.is_null()) {
    out->append(nested ? "null" : "NULL");
    return;
  }
  switch (v.type()->id()) {
    case TypeId::kArray: {
      out->push_back('[');
      const auto& els = v.children();
      for (size_t i = 0; i < els.size(); ++i) {
        if (i > 0) out->append(", ");
        AppendCast(out, els[i], tz, true);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      const auto& fs = v.children();
      for (size_t i = 0; i < fs.size(); ++i) {
        if (i > 0) out->append(", ");
        AppendCast(out, fs[i], tz, true);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kMap: {
      out->push_back('{');
      for (size_t i = 0; i < v.MapSize(); ++i) {
        if (i > 0) out->append(", ");
        AppendCast(out, v.MapKey(i), tz, true);
        out->append(" -> ");
        AppendCast(out, v.MapValue(i), tz, true);
      }
      out->push_back('}');
      return;
    }
    default:
      out->append(FormatScalar(v, tz));
  }
}

std::string HiveString(const Value& v, std::string_view tz, bool nested) {
  if (v.is_null()) return nested ? "null" : "NULL";
  switch (v.type()->id()) {
    case TypeId::kString:
      return nested ? "\"" + v.GetString() + "\"" : v.GetString();
    case TypeId::kArray: {
      std::string out = "[";
      const auto& els = v.children();
      for (size_t i = 0; i < els.size(); ++i) {
        if (i > 0) out.push_back(',');
        out.append(HiveString(els[i], tz, true));
      }
      out.push_back(']');
      return out;
    }
    case TypeId::kStruct: {
      std::string out = "{";
      const auto& fs = v.children();
      const auto& fields = v.type()->fields();
      for (size_t i = 0; i < fs.size(); ++i) {
        if (i > 0) out.push_back(',');
        out.push_back('"');
        out.append(i < fields.size() ? fields[i].name : std::string());
        out.append("\":");
        out.append(HiveString(fs[i], tz, true));
      }
      out.push_back('}');
      return out;
    }
    case TypeId::kMap: {
      // HiveResult sorts the rendered entries.
      std::vector<std::string> entries;
      for (size_t i = 0; i < v.MapSize(); ++i) {
        entries.push_back(HiveString(v.MapKey(i), tz, true) + ":" + HiveString(v.MapValue(i), tz, true));
      }
      std::sort(entries.begin(), entries.end());
      std::string out = "{";
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) out.push_back(',');
        out.append(entries[i]);
      }
      out.push_back('}');
      return out;
    }
    default:
      return FormatScalar(v, tz);
  }
}

void AppendJson(std::string* out, const Value& v, std::string_view tz) {
  if (v.is_null()) {
    out->append("null");
    return;
  }
  switch (v.type()->id()) {
    case TypeId::kNull:
      out->append("null");
      return;
    case TypeId::kBoolean:
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kDecimal:
      out->append(FormatScalar(v, tz));
      return;
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double d = v.GetDouble();
      std::string s = FormatScalar(v, tz);
      if (std::isnan(d) || std::isinf(d)) {
        AppendJsonString(out, s);
      } else {
        out->append(s);
      }
      return;
    }
    case TypeId::kString:
      AppendJsonString(out, v.GetString());
      return;
    case TypeId::kBinary:
      AppendJsonString(out, Base64(v.GetString()));
      return;
    case TypeId::kDate:
      AppendJsonString(out, FormatDate(static_cast<int32_t>(v.GetInt64())));
      return;
    case TypeId::kTimestamp:
      AppendJsonString(out, FormatTimestampWithPattern(v.GetInt64(), "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", tz));
      return;
    case TypeId::kTimestampNtz:
      AppendJsonString(out, FormatTimestampWithPattern(v.GetInt64(), "yyyy-MM-dd'T'HH:mm:ss.SSS", "UTC"));
      return;
    case TypeId::kInterval:
      AppendJsonString(out, FormatInterval(v.GetInt64()));
      return;
    case TypeId::kArray: {
      out->push_back('[');
      const auto& els = v.children();
      for (size_t i = 0; i < els.size(); ++i) {
        if (i > 0) out->push_back(',');
        AppendJson(out, els[i], tz);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kStruct: {
      // to_json drops null fields (ignoreNullFields defaults to true).
      out->push_back('{');
      const auto& fs = v.children();
      const auto& fields = v.type()->fields();
      bool first = true;
      for (size_t i = 0; i < fs.size(); ++i) {
        if (fs[i].is_null()) continue;
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(out, i < fields.size() ? fields[i].name : std::string());
        out->push_back(':');
        AppendJson(out, fs[i], tz);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kMap: {
      out->push_back('{');
      for (size_t i = 0; i < v.MapSize(); ++i) {
        if (i > 0) out->push_back(',');
        const Value& k = v.MapKey(i);
        AppendJsonString(out, k.type()->id() == TypeId::kString ? k.GetString() : FormatCastString(k, tz));
        out->push_back(':');
        AppendJson(out, v.MapValue(i), tz);
      }
      out->push_back('}');
      return;
    }
  }
}

}  // namespace

std::string FormatDouble(double v) { return FormatJavaFloating(v); }

std::string FormatFloat(float v) { return FormatJavaFloating(v); }

std::string FormatDecimal(int128_t unscaled, int scale) {
  std::string digits = Int128ToString(unscaled);
  if (scale <= 0) return digits;
  bool neg = !digits.empty() && digits[0] == '-';
  if (neg) digits.erase(0, 1);
  if (digits.size() <= static_cast<size_t>(scale)) {
    digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
  }
  digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  return neg ? "-" + digits : digits;
}

std::string FormatCastString(const Value& v, std::string_view tz) {
  std::string out;
  AppendCast(&out, v, tz, false);
  return out;
}

std::string FormatHiveString(const Value& v, std::string_view tz) { return HiveString(v, tz, false); }

std::string FormatJsonValue(const Value& v, std::string_view tz) {
  std::string out;
  AppendJson(&out, v, tz);
  return out;
}

std::string Value::ToString() const { return FormatCastString(*this, "UTC"); }

}  // namespace sluice
