#include "formats/text_field.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "types/datetime.h"
#include "types/value_format.h"

namespace sluice {

namespace {

bool IsJavaSpace(char c) { return static_cast<unsigned char>(c) <= ' '; }

std::string_view TrimJava(std::string_view s) {
  while (!s.empty() && IsJavaSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsJavaSpace(s.back())) s.remove_suffix(1);
  return s;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

void AppendPadded(int64_t v, int width, std::string* out) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  int len = static_cast<int>(p - buf);
  for (int i = len; i < width; ++i) out->push_back('0');
  out->append(buf, p);
}

// Year as Java's "yyyy" prints it: 4+ digits, '+' before years beyond 9999.
void AppendYear(int64_t year, std::string* out) {
  if (year > 9999) out->push_back('+');
  if (year < 0) {
    out->push_back('-');
    AppendPadded(-year, 4, out);
  } else {
    AppendPadded(year, 4, out);
  }
}

void AppendLocalDateTime(int64_t local_micros, bool millis, std::string* out) {
  int64_t days = FloorDiv(local_micros, kMicrosPerDay);
  int64_t rem = local_micros - days * kMicrosPerDay;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  AppendYear(y, out);
  out->push_back('-');
  AppendPadded(m, 2, out);
  out->push_back('-');
  AppendPadded(d, 2, out);
  out->push_back('T');
  AppendPadded(rem / kMicrosPerHour, 2, out);
  out->push_back(':');
  AppendPadded((rem / kMicrosPerMinute) % 60, 2, out);
  out->push_back(':');
  AppendPadded((rem / kMicrosPerSecond) % 60, 2, out);
  if (millis) {
    out->push_back('.');
    AppendPadded((rem / 1000) % 1000, 3, out);
  }
}

bool IsUtcZone(std::string_view tz) {
  return tz == "UTC" || tz == "Z" || tz == "GMT" || tz == "Etc/UTC" || tz == "+00:00";
}

const int8_t kBase64Index[256] = {
#define X -1
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, 62, X, X, X, 63, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X,
    X, X, X, X, X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
    23, 24, 25, X, X, X, X, X, X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41,
    42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
#undef X
};

}  // namespace

bool ParseJavaInteger(std::string_view s, int64_t lo, int64_t hi, int64_t* out) {
  if (s.empty()) return false;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return false;
  // Accumulate negatively so that INT64_MIN parses.
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (v < (std::numeric_limits<int64_t>::min() + d) / 10) return false;
    v = v * 10 - d;
  }
  if (!neg) {
    if (v == std::numeric_limits<int64_t>::min()) return false;
    v = -v;
  }
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

bool ParseJavaDouble(std::string_view s, double* out) {
  s = TrimJava(s);
  if (s.empty()) return false;
  bool neg = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "NaN") {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (body == "Infinity") {
    *out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (!body.empty()) {
    char last = body.back();
    if (last == 'd' || last == 'D' || last == 'f' || last == 'F') body.remove_suffix(1);
  }
  if (body.empty() || body[0] == '+' || body[0] == '-') return false;
  // from_chars(general) rejects "1." and ".5"? It accepts both; it rejects "inf"/"nan" spelled so
  // only through our checks above, but accepts "inf" itself: exclude letters other than e/E.
  for (char c : body) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
      return false;
    }
  }
  double v = 0;
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (p != body.data() + body.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    // Java gives +-Infinity for overflow and 0 for underflow.
    bool has_neg_exp = false;
    auto epos = body.find_first_of("eE");
    if (epos != std::string_view::npos && epos + 1 < body.size() && body[epos + 1] == '-') {
      has_neg_exp = true;
    }
    v = has_neg_exp ? 0.0 : std::numeric_limits<double>::infinity();
  } else if (ec != std::errc()) {
    return false;
  }
  *out = neg ? -v : v;
  return true;
}

namespace {

// Splits decimal text into its significant digits and a power of ten: value = digits * 10^exp.
bool SplitDecimal(std::string_view s, bool* neg, std::string* digits, int64_t* exp10) {
  size_t i = 0;
  *neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    *neg = s[i] == '-';
    ++i;
  }
  digits->clear();
  int64_t frac = 0;
  bool any = false, point = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (!(digits->empty() && c == '0')) digits->push_back(c);
      if (point) ++frac;
      if (digits->size() > 200) return false;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any) return false;
  int64_t e = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return false;
    ++i;
    int64_t ev;
    if (!ParseJavaInteger(s.substr(i), -100000, 100000, &ev)) return false;
    e = ev;
  }
  *exp10 = e - frac;
  return true;
}

}  // namespace

bool ParseDecimalText(std::string_view s, int precision, int scale, int128_t* out) {
  bool neg;
  std::string digits;
  int64_t exp10;
  if (!SplitDecimal(s, &neg, &digits, &exp10)) return false;
  if (digits.empty()) {
    *out = 0;
    return true;
  }
  int64_t shift = exp10 + scale;
  int128_t v = 0;
  if (shift >= 0) {
    if (static_cast<int64_t>(digits.size()) + shift > precision) return false;
    for (char c : digits) v = v * 10 + (c - '0');
    for (int64_t k = 0; k < shift; ++k) v *= 10;
  } else {
    int64_t keep = static_cast<int64_t>(digits.size()) + shift;  // digits kept before rounding
    if (keep > precision) return false;
    for (int64_t k = 0; k < keep; ++k) v = v * 10 + (digits[k] - '0');
    if (keep >= 0 && digits[keep] >= '5') v += 1;  // HALF_UP on the first dropped digit
    // Rounding may add a digit (99.5 -> 100).
    int128_t limit = 1;
    for (int k = 0; k < precision; ++k) limit *= 10;
    if (v >= limit) return false;
  }
  *out = neg ? -v : v;
  return true;
}

bool DecimalTextShape(std::string_view s, int* precision, int* scale) {
  bool neg;
  std::string digits;
  int64_t exp10;
  if (!SplitDecimal(s, &neg, &digits, &exp10)) return false;
  int64_t p = std::max<int64_t>(1, static_cast<int64_t>(digits.size()));
  int64_t sc = -exp10;
  if (digits.empty()) {
    // BigDecimal("0.00") has precision 1, scale 2.
    sc = std::max<int64_t>(sc, 0);
  }
  if (sc < 0) {
    p -= sc;  // BigDecimal 1E+3 -> as Spark makes it DecimalType(4, 0)
    sc = 0;
  }
  if (sc > p) p = sc;
  if (p > 1000) return false;
  *precision = static_cast<int>(p);
  *scale = static_cast<int>(sc);
  return true;
}

bool ParseDateText(std::string_view s, const DatetimeFormats& formats, int32_t* out) {
  if (formats.date_format) {
    auto micros = ParseTimestampWithPattern(s, *formats.date_format, "UTC");
    if (!micros) return false;
    *out = static_cast<int32_t>(FloorDiv(*micros, kMicrosPerDay));
    return true;
  }
  auto d = ParseDate(s);
  if (!d) return false;
  *out = *d;
  return true;
}

namespace {

enum class IsoZone : uint8_t { kNotHandled, kLocal, kUtc };

int TwoDigits(const char* p) {
  unsigned a = static_cast<unsigned char>(p[0]) - '0', b = static_cast<unsigned char>(p[1]) - '0';
  return (a > 9 || b > 9) ? -1 : static_cast<int>(a * 10 + b);
}

// The fast path of ParseTimestamp/ParseTimestampNtz for "yyyy-MM-dd(T| )HH:mm:ss[.f{1,9}]" with
// an optional "Z" or "(+|-)hh:mm" suffix, with the general parser's validity rules (month and day
// in range, hour <= 23, fraction truncated to microseconds, offsets up to 18:00). Returns
// kNotHandled for any other text (which may still be valid for the general parser), kUtc with UTC
// micros when a zone suffix was given, kLocal with wall-clock micros otherwise.
IsoZone ParseIsoTimestamp(std::string_view s, int64_t* out) {
  if (s.size() < 19 || s.size() > 35) return IsoZone::kNotHandled;
  const char* p = s.data();
  int y1 = TwoDigits(p), y2 = TwoDigits(p + 2), mo = TwoDigits(p + 5), d = TwoDigits(p + 8);
  int h = TwoDigits(p + 11), mi = TwoDigits(p + 14), sec = TwoDigits(p + 17);
  if ((y1 | y2 | mo | d | h | mi | sec) < 0 || p[4] != '-' || p[7] != '-' ||
      (p[10] != 'T' && p[10] != ' ') || p[13] != ':' || p[16] != ':') {
    return IsoZone::kNotHandled;
  }
  int64_t year = y1 * 100 + y2;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return IsoZone::kNotHandled;
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return IsoZone::kNotHandled;
  size_t i = 19;
  int64_t frac = 0;
  if (i < s.size() && p[i] == '.') {
    size_t b = ++i;
    while (i < s.size() && static_cast<unsigned>(p[i] - '0') <= 9) {
      if (i - b < 6) frac = frac * 10 + (p[i] - '0');
      ++i;
    }
    size_t digits = i - b;
    if (digits == 0 || digits > 9) return IsoZone::kNotHandled;
    for (size_t k = digits; k < 6; ++k) frac *= 10;
  }
  int64_t local = static_cast<int64_t>(DaysFromCivil(year, static_cast<unsigned>(mo),
                                                     static_cast<unsigned>(d))) *
                      kMicrosPerDay +
                  h * kMicrosPerHour + mi * kMicrosPerMinute + sec * kMicrosPerSecond + frac;
  if (i == s.size()) {
    *out = local;
    return IsoZone::kLocal;
  }
  if (p[i] == 'Z' && i + 1 == s.size()) {
    *out = local;
    return IsoZone::kUtc;
  }
  if ((p[i] == '+' || p[i] == '-') && i + 6 == s.size() && p[i + 3] == ':') {
    int oh = TwoDigits(p + i + 1), om = TwoDigits(p + i + 4);
    if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > 18 * 60) return IsoZone::kNotHandled;
    int64_t offset = oh * kMicrosPerHour + om * kMicrosPerMinute;
    *out = p[i] == '-' ? local + offset : local - offset;
    return IsoZone::kUtc;
  }
  return IsoZone::kNotHandled;
}

}  // namespace

TimestampTextParser::TimestampTextParser(const DatetimeFormats& formats)
    : formats_(formats), session_utc_(IsUtcZone(formats.time_zone)) {}

bool TimestampTextParser::ParseTimestamp(std::string_view s, int64_t* out) const {
  if (!formats_.timestamp_format) {
    int64_t v;
    switch (ParseIsoTimestamp(s, &v)) {
      case IsoZone::kUtc: *out = v; return true;
      case IsoZone::kLocal: *out = session_utc_ ? v : LocalToUtc(formats_.time_zone, v); return true;
      case IsoZone::kNotHandled: break;
    }
  }
  return ParseTimestampText(s, formats_, out);
}

bool TimestampTextParser::ParseTimestampNtz(std::string_view s, int64_t* out) const {
  if (!formats_.timestamp_ntz_format) {
    int64_t v;
    switch (ParseIsoTimestamp(s, &v)) {
      case IsoZone::kLocal: *out = v; return true;
      case IsoZone::kUtc: return false;  // a zone suffix is not allowed
      case IsoZone::kNotHandled: break;
    }
  }
  return ParseTimestampNtzText(s, formats_, out);
}

bool ParseTimestampText(std::string_view s, const DatetimeFormats& formats, int64_t* out) {
  std::optional<int64_t> v = formats.timestamp_format
                                 ? ParseTimestampWithPattern(s, *formats.timestamp_format,
                                                             formats.time_zone)
                                 : ParseTimestamp(s, formats.time_zone);
  if (!v) return false;
  *out = *v;
  return true;
}

bool ParseTimestampNtzText(std::string_view s, const DatetimeFormats& formats, int64_t* out) {
  std::optional<int64_t> v = formats.timestamp_ntz_format
                                 ? ParseTimestampWithPattern(s, *formats.timestamp_ntz_format, "UTC")
                                 : ParseTimestampNtz(s);
  if (!v) return false;
  *out = *v;
  return true;
}

bool DecodeBase64(std::string_view s, std::string* out) {
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '=') break;
    int8_t d = kBase64Index[c];
    if (d < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  for (; i < s.size(); ++i) {
    if (s[i] != '=') return false;
  }
  return true;
}

void AppendBase64(std::string_view bytes, std::string* out) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                 static_cast<uint8_t>(bytes[i + 2]);
    out->push_back(kAlphabet[(v >> 18) & 63]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(kAlphabet[(v >> 6) & 63]);
    out->push_back(kAlphabet[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out->push_back(kAlphabet[(v >> 18) & 63]);
    out->push_back(kAlphabet[(v >> 12) & 63]);
    out->push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out->push_back('=');
  }
}

bool AppendTextValue(std::string_view text, const DatetimeFormats& formats, Vector& out) {
  int64_t i64;
  switch (out.type_id()) {
    case TypeId::kBoolean: {
      if (text.size() == 4 && (text[0] | 0x20) == 't' && (text[1] | 0x20) == 'r' &&
          (text[2] | 0x20) == 'u' && (text[3] | 0x20) == 'e') {
        out.Append<uint8_t>(1);
        return true;
      }
      if (text.size() == 5 && (text[0] | 0x20) == 'f' && (text[1] | 0x20) == 'a' &&
          (text[2] | 0x20) == 'l' && (text[3] | 0x20) == 's' && (text[4] | 0x20) == 'e') {
        out.Append<uint8_t>(0);
        return true;
      }
      return false;
    }
    case TypeId::kByte:
      if (!ParseJavaInteger(text, INT8_MIN, INT8_MAX, &i64)) return false;
      out.Append<int8_t>(static_cast<int8_t>(i64));
      return true;
    case TypeId::kShort:
      if (!ParseJavaInteger(text, INT16_MIN, INT16_MAX, &i64)) return false;
      out.Append<int16_t>(static_cast<int16_t>(i64));
      return true;
    case TypeId::kInt:
      if (!ParseJavaInteger(text, INT32_MIN, INT32_MAX, &i64)) return false;
      out.Append<int32_t>(static_cast<int32_t>(i64));
      return true;
    case TypeId::kLong:
      if (!ParseJavaInteger(text, INT64_MIN, INT64_MAX, &i64)) return false;
      out.Append<int64_t>(i64);
      return true;
    case TypeId::kFloat: {
      double d;
      if (!ParseJavaDouble(text, &d)) return false;
      out.Append<float>(static_cast<float>(d));
      return true;
    }
    case TypeId::kDouble: {
      double d;
      if (!ParseJavaDouble(text, &d)) return false;
      out.Append<double>(d);
      return true;
    }
    case TypeId::kDecimal: {
      // Spark's decimal parser for the default (US) locale drops grouping commas.
      std::string cleaned;
      std::string_view t = text;
      if (text.find(',') != std::string_view::npos) {
        for (char c : text) {
          if (c != ',') cleaned.push_back(c);
        }
        t = cleaned;
      }
      int128_t v;
      if (!ParseDecimalText(t, out.type()->precision(), out.type()->scale(), &v)) return false;
      out.Append<int128_t>(v);
      return true;
    }
    case TypeId::kString:
    case TypeId::kBinary: out.AppendString(text); return true;
    case TypeId::kDate: {
      int32_t d;
      if (!ParseDateText(text, formats, &d)) return false;
      out.Append<int32_t>(d);
      return true;
    }
    case TypeId::kTimestamp:
      if (!ParseTimestampText(text, formats, &i64)) return false;
      out.Append<int64_t>(i64);
      return true;
    case TypeId::kTimestampNtz:
      if (!ParseTimestampNtzText(text, formats, &i64)) return false;
      out.Append<int64_t>(i64);
      return true;
    case TypeId::kNull: out.AppendNull(); return true;
    default: return false;
  }
}

void AppendInt128(int128_t v, std::string* out) {
  char buf[48];
  int n = 0;
  bool neg = v < 0;
  // Work on negative values so that the minimum has no overflow.
  if (!neg) v = -v;
  do {
    buf[n++] = static_cast<char>('0' - static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  if (neg) out->push_back('-');
  while (n > 0) out->push_back(buf[--n]);
}

void AppendJavaBigDecimal(int128_t unscaled, int scale, std::string* out) {
  std::string digits;
  bool neg = unscaled < 0;
  AppendInt128(unscaled, &digits);
  if (neg) digits.erase(0, 1);
  int64_t len = static_cast<int64_t>(digits.size());
  int64_t adjusted = len - 1 - scale;
  if (neg) out->push_back('-');
  if (scale >= 0 && adjusted >= -6) {
    if (scale == 0) {
      out->append(digits);
    } else if (len > scale) {
      out->append(digits, 0, len - scale);
      out->push_back('.');
      out->append(digits, len - scale, std::string::npos);
    } else {
      out->append("0.");
      out->append(scale - len, '0');
      out->append(digits);
    }
    return;
  }
  out->push_back(digits[0]);
  if (len > 1) {
    out->push_back('.');
    out->append(digits, 1, std::string::npos);
  }
  out->push_back('E');
  if (adjusted >= 0) out->push_back('+');
  AppendPadded(adjusted, 0, out);
}

void AppendTimestampText(int64_t utc_micros, std::string_view pattern, std::string_view tz,
                         std::string* out) {
  if (pattern != kDefaultTimestampWritePattern) {
    out->append(FormatTimestampWithPattern(utc_micros, pattern, tz));
    return;
  }
  int64_t offset = IsUtcZone(tz) ? 0 : ZoneOffsetMicros(tz, utc_micros);
  AppendLocalDateTime(utc_micros + offset, true, out);
  if (offset == 0) {
    out->push_back('Z');
    return;
  }
  int64_t abs_off = offset < 0 ? -offset : offset;
  out->push_back(offset < 0 ? '-' : '+');
  AppendPadded(abs_off / kMicrosPerHour, 2, out);
  out->push_back(':');
  AppendPadded((abs_off / kMicrosPerMinute) % 60, 2, out);
  if ((abs_off / kMicrosPerSecond) % 60 != 0) {
    out->push_back(':');
    AppendPadded((abs_off / kMicrosPerSecond) % 60, 2, out);
  }
}

void AppendTimestampNtzText(int64_t micros, std::string_view pattern, std::string* out) {
  if (pattern != kDefaultTimestampNtzWritePattern) {
    out->append(FormatTimestampWithPattern(micros, pattern, "UTC"));
    return;
  }
  AppendLocalDateTime(micros, true, out);
}

void AppendDateText(int32_t days, std::string_view pattern, std::string* out) {
  if (pattern != kDefaultDateWritePattern) {
    out->append(FormatTimestampWithPattern(days * kMicrosPerDay, pattern, "UTC"));
    return;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  AppendYear(y, out);
  out->push_back('-');
  AppendPadded(m, 2, out);
  out->push_back('-');
  AppendPadded(d, 2, out);
}

void AppendScalarText(const Vector& v, size_t row, const DatetimeFormats& formats,
                      std::string* out) {
  char buf[32];
  switch (v.type_id()) {
    case TypeId::kBoolean: out->append(v.Get<uint8_t>(row) ? "true" : "false"); return;
    case TypeId::kByte: {
      auto r = std::to_chars(buf, buf + 32, static_cast<int>(v.Get<int8_t>(row)));
      out->append(buf, r.ptr);
      return;
    }
    case TypeId::kShort: {
      auto r = std::to_chars(buf, buf + 32, static_cast<int>(v.Get<int16_t>(row)));
      out->append(buf, r.ptr);
      return;
    }
    case TypeId::kInt: {
      auto r = std::to_chars(buf, buf + 32, v.Get<int32_t>(row));
      out->append(buf, r.ptr);
      return;
    }
    case TypeId::kLong: {
      auto r = std::to_chars(buf, buf + 32, v.Get<int64_t>(row));
      out->append(buf, r.ptr);
      return;
    }
    case TypeId::kFloat: out->append(FormatFloat(v.Get<float>(row))); return;
    case TypeId::kDouble: out->append(FormatDouble(v.Get<double>(row))); return;
    case TypeId::kDecimal:
      AppendJavaBigDecimal(v.Get<int128_t>(row), v.type()->scale(), out);
      return;
    case TypeId::kString:
    case TypeId::kBinary: out->append(v.GetString(row)); return;
    case TypeId::kDate:
      AppendDateText(v.Get<int32_t>(row),
                     formats.date_format ? *formats.date_format : kDefaultDateWritePattern, out);
      return;
    case TypeId::kTimestamp:
      AppendTimestampText(
          v.Get<int64_t>(row),
          formats.timestamp_format ? *formats.timestamp_format : kDefaultTimestampWritePattern,
          formats.time_zone, out);
      return;
    case TypeId::kTimestampNtz:
      AppendTimestampNtzText(v.Get<int64_t>(row),
                             formats.timestamp_ntz_format ? *formats.timestamp_ntz_format
                                                          : kDefaultTimestampNtzWritePattern,
                             out);
      return;
    case TypeId::kInterval: out->append(FormatInterval(v.Get<int64_t>(row))); return;
    default: out->append(v.GetValue(row).ToString()); return;
  }
}

void TruncateVector(Vector& v, size_t n) {
  if (n >= v.size()) return;
  switch (v.type_id()) {
    case TypeId::kArray:
    case TypeId::kMap: {
      size_t child_rows = static_cast<size_t>(v.ListBegin(n));
      for (size_t c = 0; c < v.num_children(); ++c) TruncateVector(*v.mutable_child(c), child_rows);
      break;
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < v.num_children(); ++c) TruncateVector(*v.mutable_child(c), n);
      break;
    default: break;
  }
  v.Resize(n);
}

}  // namespace sluice
