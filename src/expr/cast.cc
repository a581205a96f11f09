// CAST: allowed pairs (CanCast), string parsers and the vectorized cast kernels (CastVector).
//
// Failure handling follows Spark: with ANSI on (and not try_cast) a malformed or overflowing value
// raises ExecutionError; otherwise the row becomes NULL (legacy casts wrap integral overflow as Java
// does). Rows that are NULL in the input are never inspected, so garbage in NULL slots cannot raise.
#include "expr/cast.h"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "expr/decimal_math.h"
#include "expr/evaluator.h"
#include "sluice/exception.h"
#include "types/datetime.h"
#include "types/value_format.h"

namespace sluice {

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

std::string SqlTypeString(const TypePtr& t) { return "\"" + (t ? t->Sql() : std::string("VOID")) + "\""; }

std::string SqlValueString(const Value& v) {
  if (v.is_null()) return "NULL";
  switch (v.type()->id()) {
    case TypeId::kString: {
      std::string out = "'";
      for (char c : v.GetString()) {
        if (c == '\'' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      return out + "'";
    }
    case TypeId::kByte: return std::to_string(v.GetInt64()) + "Y";
    case TypeId::kShort: return std::to_string(v.GetInt64()) + "S";
    case TypeId::kInt: return std::to_string(v.GetInt64());
    case TypeId::kLong: return std::to_string(v.GetInt64()) + "L";
    case TypeId::kFloat: return FormatFloat(static_cast<float>(v.GetDouble()));
    case TypeId::kDouble: return FormatDouble(v.GetDouble()) + "D";
    case TypeId::kDecimal: return FormatDecimal(v.GetDecimal(), v.type()->scale()) + "BD";
    case TypeId::kDate: return "DATE '" + FormatCastString(v) + "'";
    case TypeId::kTimestamp: return "TIMESTAMP '" + FormatCastString(v) + "'";
    case TypeId::kTimestampNtz: return "TIMESTAMP_NTZ '" + FormatCastString(v) + "'";
    default: return FormatCastString(v);
  }
}

std::string CastInvalidInputMessage(const Value& v, const TypePtr& to) {
  return fmt::format(
      "[CAST_INVALID_INPUT] The value {} of the type {} cannot be cast to {} because it is malformed. "
      "Correct the value as per the syntax, or change its target type. Use `try_cast` to tolerate "
      "malformed input and return NULL instead. SQLSTATE: 22018",
      SqlValueString(v), SqlTypeString(v.type()), SqlTypeString(to));
}

std::string CastOverflowMessage(const Value& v, const TypePtr& to) {
  return fmt::format(
      "[CAST_OVERFLOW] The value {} of the type {} cannot be cast to {} due to an overflow. Use "
      "`try_cast` to tolerate overflow and return NULL instead. If necessary set "
      "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error. SQLSTATE: 22003",
      SqlValueString(v), SqlTypeString(v.type()), SqlTypeString(to));
}

std::string DecimalOutOfRangeMessage(const std::string& value, int precision, int scale) {
  return fmt::format(
      "[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] {} cannot be represented as Decimal({}, {}). If "
      "necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error, and return NULL "
      "instead. SQLSTATE: 22003",
      value, precision, scale);
}

// ---------------------------------------------------------------------------------------------
// Parsers
// ---------------------------------------------------------------------------------------------

namespace {

bool IsTrimChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsTrimChar(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsTrimChar(s.back())) s.remove_suffix(1);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

bool ParseSparkLong(std::string_view s, bool allow_decimal, int64_t* out) {
  s = Trim(s);
  if (s.empty()) return false;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    ++i;
    if (i == s.size()) return false;
  }
  int128_t v = 0;
  size_t digits_begin = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    v = v * 10 + (s[i] - '0');
    if (v > static_cast<int128_t>(std::numeric_limits<int64_t>::max()) + 1) return false;
    ++i;
  }
  bool had_digits = i > digits_begin;
  if (i < s.size()) {
    if (s[i] != '.' || !allow_decimal) return false;
    ++i;
    size_t fb = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i != s.size()) return false;
    if (!had_digits && i == fb) return false;
  } else if (!had_digits) {
    return false;
  }
  if (neg) v = -v;
  if (v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min()) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

bool ParseSparkDouble(std::string_view s, double* out) {
  s = Trim(s);
  if (s.empty()) return false;
  std::string_view body = s;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (IEquals(body, "inf") || IEquals(body, "infinity")) {
    *out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (IEquals(body, "nan")) {
    if (s[0] == '+' || s[0] == '-') return false;
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (!body.empty() && (body.back() == 'd' || body.back() == 'D' || body.back() == 'f' || body.back() == 'F'))
    body.remove_suffix(1);
  if (body.empty()) return false;
  // Java grammar: digits [. digits] [e[+-]digits] with at least one digit in the mantissa.
  size_t i = 0, md = 0;
  while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i, ++md;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i, ++md;
  }
  if (md == 0) return false;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    size_t eb = i;
    while (i < body.size() && std::isdigit(static_cast<unsigned char>(body[i]))) ++i;
    if (i == eb) return false;
  }
  if (i != body.size()) return false;
  std::string text(body);
  if (!text.empty() && text[0] == '.') text.insert(0, "0");
  double v = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::general);
  if (res.ec == std::errc::result_out_of_range) {
    // Overflow -> infinity, underflow -> zero, as Java does.
    bool big = text.find_first_of("eE") != std::string::npos && text[text.find_first_of("eE") + 1] != '-';
    v = big ? std::numeric_limits<double>::infinity() : 0.0;
  } else if (res.ec != std::errc() || res.ptr != text.data() + text.size()) {
    return false;
  }
  *out = neg ? -v : v;
  return true;
}

bool ParseSparkBoolean(std::string_view s, bool* out) {
  s = Trim(s);
  for (std::string_view t : {"t", "true", "y", "yes", "1"}) {
    if (IEquals(s, t)) return *out = true, true;
  }
  for (std::string_view f : {"f", "false", "n", "no", "0"}) {
    if (IEquals(s, f)) return *out = false, true;
  }
  return false;
}

DecimalParse ParseSparkDecimal(std::string_view s, int precision, int scale, int128_t* out) {
  s = Trim(s);
  if (s.empty()) return DecimalParse::kInvalid;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    ++i;
  }
  std::string digits;
  int frac_digits = 0;
  size_t mantissa_digits = 0;
  bool seen_point = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      ++mantissa_digits;
      if (!(digits.empty() && c == '0')) digits.push_back(c);
      if (seen_point) ++frac_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (mantissa_digits == 0) return DecimalParse::kInvalid;
  int64_t exp = 0;
  if (i < s.size()) {
    if (s[i] != 'e' && s[i] != 'E') return DecimalParse::kInvalid;
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      eneg = s[i] == '-';
      ++i;
    }
    size_t eb = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      exp = exp * 10 + (s[i] - '0');
      if (exp > 100000) return DecimalParse::kInvalid;
      ++i;
    }
    if (i == eb || i != s.size()) return DecimalParse::kInvalid;
    if (eneg) exp = -exp;
  }
  if (digits.empty()) {
    *out = 0;
    return DecimalParse::kOk;
  }
  // value = digits * 10^(exp - frac_digits); unscaled at `scale` = digits * 10^k.
  int64_t k = exp - frac_digits + scale;
  int128_t v = 0;
  if (k >= 0) {
    if (static_cast<int64_t>(digits.size()) + k > decimal::kMaxPrecision) return DecimalParse::kOverflow;
    for (char c : digits) v = v * 10 + (c - '0');
    v *= decimal::Pow10(static_cast<int>(k));
  } else {
    int64_t keep = static_cast<int64_t>(digits.size()) + k;
    if (keep > decimal::kMaxPrecision) return DecimalParse::kOverflow;
    for (int64_t d = 0; d < keep; ++d) v = v * 10 + (digits[d] - '0');
    if (keep >= 0 && keep < static_cast<int64_t>(digits.size()) && digits[keep] >= '5') v += 1;
  }
  if (!decimal::FitsPrecision(v, precision)) return DecimalParse::kOverflow;
  *out = neg ? -v : v;
  return DecimalParse::kOk;
}

double DecimalToDouble(int128_t unscaled, int scale) {
  if (decimal::Abs(unscaled) < (static_cast<int128_t>(1) << 53) && scale <= 22) {
    static const double kP[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    return static_cast<double>(unscaled) / kP[scale];
  }
  std::string s = FormatDecimal(unscaled, scale);
  double d = 0;
  std::from_chars(s.data(), s.data() + s.size(), d);
  return d;
}

// ---------------------------------------------------------------------------------------------
// CanCast
// ---------------------------------------------------------------------------------------------

bool CanCast(const TypePtr& from, const TypePtr& to, bool ansi) {
  if (!from || !to) return false;
  if (from->SameShape(*to)) return true;
  TypeId f = from->id(), t = to->id();
  if (f == TypeId::kNull) return true;
  if (t == TypeId::kString) {
    // Anything atomic or nested whose parts can be rendered.
    return true;
  }
  bool f_num = from->IsNumeric();
  bool t_num = to->IsNumeric();
  switch (t) {
    case TypeId::kBinary:
      return f == TypeId::kString || (!ansi && from->IsIntegral());
    case TypeId::kBoolean:
      if (f == TypeId::kString || f_num) return true;
      return !ansi && (f == TypeId::kDate || f == TypeId::kTimestamp);
    case TypeId::kTimestamp:
      if (f == TypeId::kString || f == TypeId::kDate || f == TypeId::kTimestampNtz || f_num) return true;
      return !ansi && f == TypeId::kBoolean;
    case TypeId::kTimestampNtz:
      return f == TypeId::kString || f == TypeId::kDate || f == TypeId::kTimestamp;
    case TypeId::kDate:
      return f == TypeId::kString || f == TypeId::kTimestamp || f == TypeId::kTimestampNtz;
    case TypeId::kInterval:
      return f == TypeId::kString || f == TypeId::kInterval || (from->IsIntegral() && !ansi);
    case TypeId::kArray:
      return f == TypeId::kArray && CanCast(from->element_type(), to->element_type(), ansi);
    case TypeId::kMap:
      return f == TypeId::kMap && CanCast(from->key_type(), to->key_type(), ansi) &&
             CanCast(from->value_type(), to->value_type(), ansi);
    case TypeId::kStruct: {
      if (f != TypeId::kStruct || from->fields().size() != to->fields().size()) return false;
      for (size_t i = 0; i < from->fields().size(); ++i) {
        if (!CanCast(from->fields()[i].type, to->fields()[i].type, ansi)) return false;
      }
      return true;
    }
    default:
      break;
  }
  if (t_num) {
    if (f_num || f == TypeId::kString || f == TypeId::kBoolean || f == TypeId::kTimestamp) return true;
    if (f == TypeId::kInterval) return to->IsIntegral() || t == TypeId::kDecimal;
    return !ansi && f == TypeId::kDate;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// CastVector
// ---------------------------------------------------------------------------------------------

namespace {

struct CastMode {
  bool ansi;     // raise instead of NULL
  bool is_try;   // try_cast: NULL on overflow (legacy casts wrap integral overflow instead)
  std::string_view tz;
};

VectorPtr NewFixed(const TypePtr& to, size_t n) {
  auto v = std::make_shared<Vector>(to);
  v->Resize(n);
  return v;
}

void CopyNulls(const Vector& in, Vector* out) {
  if (!in.MayHaveNulls()) return;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in.IsNull(i)) out->SetNull(i);
  }
}

// Calls f(i) for every non-null row.
template <typename F>
void ForValid(const Vector& in, F&& f) {
  size_t n = in.size();
  if (!in.MayHaveNulls()) {
    for (size_t i = 0; i < n; ++i) f(i);
  } else {
    for (size_t i = 0; i < n; ++i) {
      if (!in.IsNull(i)) f(i);
    }
  }
}

// Calls f(tag) with a value of the C type that stores integral/boolean type `id`.
template <typename F>
bool DispatchIntegral(TypeId id, F&& f) {
  switch (id) {
    case TypeId::kBoolean: f(uint8_t{}); return true;
    case TypeId::kByte: f(int8_t{}); return true;
    case TypeId::kShort: f(int16_t{}); return true;
    case TypeId::kInt: f(int32_t{}); return true;
    case TypeId::kLong: f(int64_t{}); return true;
    default: return false;
  }
}

[[noreturn]] void ThrowOverflow(const Vector& in, size_t i, const TypePtr& to) {
  throw ExecutionError(CastOverflowMessage(in.GetValue(i), to));
}
[[noreturn]] void ThrowInvalid(const Vector& in, size_t i, const TypePtr& to) {
  throw ExecutionError(CastInvalidInputMessage(in.GetValue(i), to));
}

template <typename T>
VectorPtr CastToIntegral(const Vector& in, const TypePtr& to, const CastMode& m) {
  size_t n = in.size();
  auto out = NewFixed(to, n);
  CopyNulls(in, out.get());
  T* dst = out->data<T>();
  constexpr int64_t kMin = std::numeric_limits<T>::min();
  constexpr int64_t kMax = std::numeric_limits<T>::max();
  TypeId f = in.type_id();
  auto fail = [&](size_t i, bool invalid) {
    if (m.ansi) {
      if (invalid) ThrowInvalid(in, i, to);
      ThrowOverflow(in, i, to);
    }
    out->SetNull(i);
  };
  if (DispatchIntegral(f, [&](auto tag) {
        using S = decltype(tag);
        const S* src = in.data<S>();
        if constexpr (std::numeric_limits<S>::min() >= kMin && std::numeric_limits<S>::max() <= kMax) {
          for (size_t i = 0; i < n; ++i) dst[i] = static_cast<T>(src[i]);
        } else {
          ForValid(in, [&](size_t i) {
            int64_t v = src[i];
            if (v < kMin || v > kMax) {
              if (m.ansi) ThrowOverflow(in, i, to);
              if (m.is_try) out->SetNull(i);
              dst[i] = static_cast<T>(v);  // legacy: wrap as Java does
            } else {
              dst[i] = static_cast<T>(v);
            }
          });
        }
      })) {
    return out;
  }
  switch (f) {
    case TypeId::kFloat:
    case TypeId::kDouble:
      ForValid(in, [&](size_t i) {
        double d = f == TypeId::kFloat ? static_cast<double>(in.Get<float>(i)) : in.Get<double>(i);
        double t = std::trunc(d);
        // In range iff kMin <= t < 2^(bits-1) (= -kMin, exactly representable).
        bool ok = !std::isnan(d) && t >= static_cast<double>(kMin) && t < -static_cast<double>(kMin);
        if (ok) {
          dst[i] = static_cast<T>(static_cast<int64_t>(t));
        } else if (m.ansi) {
          ThrowOverflow(in, i, to);
        } else if (m.is_try) {
          out->SetNull(i);
        } else {
          // Java: NaN -> 0, saturate to int/long, then narrow byte/short from int.
          int64_t sat;
          if (std::isnan(d)) {
            sat = 0;
          } else if (sizeof(T) == 8) {
            sat = d < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
          } else {
            sat = d < 0 ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max();
            if (t >= std::numeric_limits<int32_t>::min() && t <= std::numeric_limits<int32_t>::max())
              sat = static_cast<int64_t>(t);
          }
          dst[i] = static_cast<T>(sat);
        }
      });
      return out;
    case TypeId::kDecimal: {
      int128_t div = decimal::Pow10(in.type()->scale());
      const int128_t* src = in.data<int128_t>();
      ForValid(in, [&](size_t i) {
        int128_t q = src[i] / div;
        if (q < kMin || q > kMax) {
          if (m.ansi) ThrowOverflow(in, i, to);
          if (m.is_try) out->SetNull(i);
          dst[i] = static_cast<T>(static_cast<int64_t>(q));
        } else {
          dst[i] = static_cast<T>(q);
        }
      });
      return out;
    }
    case TypeId::kString:
      ForValid(in, [&](size_t i) {
        int64_t v;
        if (!ParseSparkLong(in.GetString(i), !m.ansi, &v) || v < kMin || v > kMax) {
          fail(i, true);
          return;
        }
        dst[i] = static_cast<T>(v);
      });
      return out;
    case TypeId::kTimestamp: {
      const int64_t* src = in.data<int64_t>();
      ForValid(in, [&](size_t i) {
        int64_t secs = src[i] / kMicrosPerSecond - ((src[i] % kMicrosPerSecond) < 0 ? 1 : 0);
        if (secs < kMin || secs > kMax) {
          if (m.ansi) ThrowOverflow(in, i, to);
          if (m.is_try) out->SetNull(i);
          dst[i] = static_cast<T>(secs);
        } else {
          dst[i] = static_cast<T>(secs);
        }
      });
      return out;
    }
    case TypeId::kInterval: {
      // A day-time interval as a number of seconds (Spark: single-unit SECOND intervals).
      const int64_t* src = in.data<int64_t>();
      ForValid(in, [&](size_t i) {
        int64_t secs = src[i] / kMicrosPerSecond;
        if (secs < kMin || secs > kMax) {
          fail(i, false);
          return;
        }
        dst[i] = static_cast<T>(secs);
      });
      return out;
    }
    default:
      // DATE and others (legacy only): NULL.
      ForValid(in, [&](size_t i) { out->SetNull(i); });
      return out;
  }
}

template <typename T>
VectorPtr CastToFloating(const Vector& in, const TypePtr& to, const CastMode& m) {
  size_t n = in.size();
  auto out = NewFixed(to, n);
  CopyNulls(in, out.get());
  T* dst = out->data<T>();
  TypeId f = in.type_id();
  if (DispatchIntegral(f, [&](auto tag) {
        using S = decltype(tag);
        const S* src = in.data<S>();
        for (size_t i = 0; i < n; ++i) dst[i] = static_cast<T>(src[i]);
      })) {
    return out;
  }
  switch (f) {
    case TypeId::kFloat: {
      const float* src = in.data<float>();
      for (size_t i = 0; i < n; ++i) dst[i] = static_cast<T>(src[i]);
      return out;
    }
    case TypeId::kDouble: {
      const double* src = in.data<double>();
      for (size_t i = 0; i < n; ++i) dst[i] = static_cast<T>(src[i]);
      return out;
    }
    case TypeId::kDecimal: {
      int scale = in.type()->scale();
      const int128_t* src = in.data<int128_t>();
      ForValid(in, [&](size_t i) { dst[i] = static_cast<T>(DecimalToDouble(src[i], scale)); });
      return out;
    }
    case TypeId::kString:
      ForValid(in, [&](size_t i) {
        double d;
        if (!ParseSparkDouble(in.GetString(i), &d)) {
          if (m.ansi) ThrowInvalid(in, i, to);
          out->SetNull(i);
          return;
        }
        dst[i] = static_cast<T>(d);
      });
      return out;
    case TypeId::kTimestamp: {
      const int64_t* src = in.data<int64_t>();
      ForValid(in, [&](size_t i) { dst[i] = static_cast<T>(static_cast<double>(src[i]) / kMicrosPerSecond); });
      return out;
    }
    default:
      ForValid(in, [&](size_t i) { out->SetNull(i); });
      return out;
  }
}

VectorPtr CastToDecimal(const Vector& in, const TypePtr& to, const CastMode& m) {
  size_t n = in.size();
  int p = to->precision(), s = to->scale();
  auto out = NewFixed(to, n);
  CopyNulls(in, out.get());
  int128_t* dst = out->data<int128_t>();
  TypeId f = in.type_id();
  auto overflow = [&](size_t i, const std::string& text) {
    if (m.ansi) throw ExecutionError(DecimalOutOfRangeMessage(text, p, s));
    out->SetNull(i);
  };
  if (DispatchIntegral(f, [&](auto tag) {
        using S = decltype(tag);
        const S* src = in.data<S>();
        ForValid(in, [&](size_t i) {
          int128_t v;
          if (!decimal::ToPrecision(static_cast<int128_t>(src[i]), 0, p, s, &v)) {
            overflow(i, std::to_string(static_cast<int64_t>(src[i])));
            return;
          }
          dst[i] = v;
        });
      })) {
    return out;
  }
  switch (f) {
    case TypeId::kDecimal: {
      int fs = in.type()->scale();
      const int128_t* src = in.data<int128_t>();
      ForValid(in, [&](size_t i) {
        int128_t v;
        if (!decimal::ToPrecision(src[i], fs, p, s, &v)) {
          overflow(i, FormatDecimal(src[i], fs));
          return;
        }
        dst[i] = v;
      });
      return out;
    }
    case TypeId::kFloat:
    case TypeId::kDouble:
      ForValid(in, [&](size_t i) {
        double d = f == TypeId::kFloat ? static_cast<double>(in.Get<float>(i)) : in.Get<double>(i);
        if (std::isnan(d) || std::isinf(d)) {
          if (m.ansi) ThrowOverflow(in, i, to);
          out->SetNull(i);
          return;
        }
        std::string text = f == TypeId::kFloat ? FormatFloat(static_cast<float>(d)) : FormatDouble(d);
        int128_t v;
        if (ParseSparkDecimal(text, p, s, &v) != DecimalParse::kOk) {
          overflow(i, text);
          return;
        }
        dst[i] = v;
      });
      return out;
    case TypeId::kString:
      ForValid(in, [&](size_t i) {
        int128_t v;
        std::string_view text = in.GetString(i);
        DecimalParse r = ParseSparkDecimal(text, p, s, &v);
        if (r == DecimalParse::kInvalid) {
          if (m.ansi) ThrowInvalid(in, i, to);
          out->SetNull(i);
        } else if (r == DecimalParse::kOverflow) {
          overflow(i, std::string(Trim(text)));
        } else {
          dst[i] = v;
        }
      });
      return out;
    case TypeId::kTimestamp: {
      const int64_t* src = in.data<int64_t>();
      ForValid(in, [&](size_t i) {
        int128_t v;
        if (!decimal::ToPrecision(src[i], 6, p, s, &v)) {
          overflow(i, FormatDecimal(src[i], 6));
          return;
        }
        dst[i] = v;
      });
      return out;
    }
    case TypeId::kInterval: {
      const int64_t* src = in.data<int64_t>();
      ForValid(in, [&](size_t i) {
        int128_t v;
        if (!decimal::ToPrecision(src[i], 6, p, s, &v)) {
          overflow(i, FormatDecimal(src[i], 6));
          return;
        }
        dst[i] = v;
      });
      return out;
    }
    default:
      ForValid(in, [&](size_t i) { out->SetNull(i); });
      return out;
  }
}

VectorPtr CastToBoolean(const Vector& in, const TypePtr& to, const CastMode& m) {
  size_t n = in.size();
  auto out = NewFixed(to, n);
  CopyNulls(in, out.get());
  uint8_t* dst = out->data<uint8_t>();
  TypeId f = in.type_id();
  if (DispatchIntegral(f, [&](auto tag) {
        using S = decltype(tag);
        const S* src = in.data<S>();
        for (size_t i = 0; i < n; ++i) dst[i] = src[i] != 0;
      })) {
    return out;
  }
  switch (f) {
    case TypeId::kFloat:
      for (size_t i = 0; i < n; ++i) dst[i] = in.Get<float>(i) != 0;
      return out;
    case TypeId::kDouble:
      for (size_t i = 0; i < n; ++i) dst[i] = in.Get<double>(i) != 0;
      return out;
    case TypeId::kDecimal:
      for (size_t i = 0; i < n; ++i) dst[i] = in.Get<int128_t>(i) != 0;
      return out;
    case TypeId::kTimestamp:
      for (size_t i = 0; i < n; ++i) dst[i] = in.Get<int64_t>(i) != 0;
      return out;
    case TypeId::kString:
      ForValid(in, [&](size_t i) {
        bool b;
        if (!ParseSparkBoolean(in.GetString(i), &b)) {
          if (m.ansi) ThrowInvalid(in, i, to);
          out->SetNull(i);
          return;
        }
        dst[i] = b;
      });
      return out;
    default:
      ForValid(in, [&](size_t i) { out->SetNull(i); });
      return out;
  }
}

// Integers as decimal digits, written straight into the result's character buffer (the text
// std::to_string gives, without a string per row).
template <typename T>
VectorPtr IntegersToString(const Vector& in, const TypePtr& to) {
  size_t n = in.size();
  auto out = std::make_shared<Vector>(to);
  std::vector<char>& chars = out->mutable_chars();
  std::vector<int64_t>& offsets = out->mutable_offsets();
  chars.resize(n * 20);  // at most 20 characters: "-9223372036854775808"
  offsets.resize(n + 1);
  const T* d = in.data<T>();
  char* p = chars.data();
  for (size_t i = 0; i < n; ++i) {
    if (!in.IsNull(i)) p = std::to_chars(p, chars.data() + chars.size(), d[i]).ptr;
    offsets[i + 1] = p - chars.data();
  }
  chars.resize(static_cast<size_t>(p - chars.data()));
  out->Resize(n);  // the offsets are in place: this sets the size
  if (in.MayHaveNulls()) {
    for (size_t i = 0; i < n; ++i) {
      if (in.IsNull(i)) out->SetNull(i);
    }
  }
  return out;
}

VectorPtr CastToString(const Vector& in, const TypePtr& to, const CastMode& m) {
  switch (in.type_id()) {
    case TypeId::kByte: return IntegersToString<int8_t>(in, to);
    case TypeId::kShort: return IntegersToString<int16_t>(in, to);
    case TypeId::kInt: return IntegersToString<int32_t>(in, to);
    case TypeId::kLong: return IntegersToString<int64_t>(in, to);
    default: break;
  }
  size_t n = in.size();
  auto out = std::make_shared<Vector>(to);
  out->Reserve(n);
  TypeId f = in.type_id();
  bool nulls = in.MayHaveNulls();
  for (size_t i = 0; i < n; ++i) {
    if (nulls && in.IsNull(i)) {
      out->AppendNull();
      continue;
    }
    switch (f) {
      case TypeId::kBoolean: out->AppendString(in.Get<uint8_t>(i) ? "true" : "false"); break;
      case TypeId::kByte: out->AppendString(std::to_string(in.Get<int8_t>(i))); break;
      case TypeId::kShort: out->AppendString(std::to_string(in.Get<int16_t>(i))); break;
      case TypeId::kInt: out->AppendString(std::to_string(in.Get<int32_t>(i))); break;
      case TypeId::kLong: out->AppendString(std::to_string(in.Get<int64_t>(i))); break;
      case TypeId::kFloat: out->AppendString(FormatFloat(in.Get<float>(i))); break;
      case TypeId::kDouble: out->AppendString(FormatDouble(in.Get<double>(i))); break;
      case TypeId::kDecimal: out->AppendString(FormatDecimal(in.Get<int128_t>(i), in.type()->scale())); break;
      case TypeId::kString:
      case TypeId::kBinary: out->AppendString(in.GetString(i)); break;
      case TypeId::kDate: out->AppendString(FormatDate(in.Get<int32_t>(i))); break;
      case TypeId::kTimestamp: out->AppendString(FormatTimestamp(in.Get<int64_t>(i), m.tz)); break;
      case TypeId::kTimestampNtz: out->AppendString(FormatTimestampNtz(in.Get<int64_t>(i))); break;
      case TypeId::kInterval: out->AppendString(FormatInterval(in.Get<int64_t>(i))); break;
      default: out->AppendString(FormatCastString(in.GetValue(i), m.tz)); break;
    }
  }
  return out;
}

VectorPtr CastToBinary(const Vector& in, const TypePtr& to, const CastMode& m) {
  size_t n = in.size();
  auto out = std::make_shared<Vector>(to);
  out->Reserve(n);
  bool nulls = in.MayHaveNulls();
  for (size_t i = 0; i < n; ++i) {
    if (nulls && in.IsNull(i)) {
      out->AppendNull();
      continue;
    }
    if (in.type()->IsStringLike()) {
      out->AppendString(in.GetString(i));
      continue;
    }
    // Legacy integral -> BINARY: big-endian bytes of the value's width.
    int width = in.type()->FixedWidth();
    int64_t v = in.GetValue(i).GetInt64();
    std::string bytes(static_cast<size_t>(width), '\0');
    for (int b = 0; b < width; ++b) bytes[width - 1 - b] = static_cast<char>((v >> (8 * b)) & 0xff);
    out->AppendString(bytes);
  }
  return out;
}

VectorPtr CastToDate(const Vector& in, const TypePtr& to, const CastMode& m) {
  size_t n = in.size();
  auto out = NewFixed(to, n);
  CopyNulls(in, out.get());
  int32_t* dst = out->data<int32_t>();
  switch (in.type_id()) {
    case TypeId::kString:
      ForValid(in, [&](size_t i) {
        auto d = ParseDate(in.GetString(i));
        if (!d) {
          if (m.ansi) ThrowInvalid(in, i, to);
          out->SetNull(i);
          return;
        }
        dst[i] = *d;
      });
      break;
    case TypeId::kTimestamp:
      ForValid(in, [&](size_t i) {
        int64_t local = UtcToLocal(m.tz, in.Get<int64_t>(i));
        dst[i] = static_cast<int32_t>(local / kMicrosPerDay - ((local % kMicrosPerDay) < 0 ? 1 : 0));
      });
      break;
    case TypeId::kTimestampNtz:
      ForValid(in, [&](size_t i) {
        int64_t local = in.Get<int64_t>(i);
        dst[i] = static_cast<int32_t>(local / kMicrosPerDay - ((local % kMicrosPerDay) < 0 ? 1 : 0));
      });
      break;
    default:
      ForValid(in, [&](size_t i) { out->SetNull(i); });
  }
  return out;
}

VectorPtr CastToTimestamp(const Vector& in, const TypePtr& to, const CastMode& m) {
  size_t n = in.size();
  bool ntz = to->id() == TypeId::kTimestampNtz;
  auto out = NewFixed(to, n);
  CopyNulls(in, out.get());
  int64_t* dst = out->data<int64_t>();
  TypeId f = in.type_id();
  auto sat_micros = [](int128_t secs_micros) -> int64_t {
    if (secs_micros > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
    if (secs_micros < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(secs_micros);
  };
  if (f != TypeId::kBoolean && DispatchIntegral(f, [&](auto tag) {
        using S = decltype(tag);
        const S* src = in.data<S>();
        for (size_t i = 0; i < n; ++i) dst[i] = sat_micros(static_cast<int128_t>(src[i]) * kMicrosPerSecond);
      })) {
    return out;
  }
  switch (f) {
    case TypeId::kBoolean:
      for (size_t i = 0; i < n; ++i) dst[i] = in.Get<uint8_t>(i);
      break;
    case TypeId::kString:
      ForValid(in, [&](size_t i) {
        auto t = ntz ? ParseTimestampNtz(in.GetString(i)) : ParseTimestamp(in.GetString(i), m.tz);
        if (!t) {
          if (m.ansi) ThrowInvalid(in, i, to);
          out->SetNull(i);
          return;
        }
        dst[i] = *t;
      });
      break;
    case TypeId::kDate:
      ForValid(in, [&](size_t i) {
        int64_t local = static_cast<int64_t>(in.Get<int32_t>(i)) * kMicrosPerDay;
        dst[i] = ntz ? local : LocalToUtc(m.tz, local);
      });
      break;
    case TypeId::kTimestamp:
      ForValid(in, [&](size_t i) { dst[i] = UtcToLocal(m.tz, in.Get<int64_t>(i)); });
      break;
    case TypeId::kTimestampNtz:
      ForValid(in, [&](size_t i) { dst[i] = LocalToUtc(m.tz, in.Get<int64_t>(i)); });
      break;
    case TypeId::kFloat:
    case TypeId::kDouble:
      ForValid(in, [&](size_t i) {
        double d = f == TypeId::kFloat ? static_cast<double>(in.Get<float>(i)) : in.Get<double>(i);
        double micros = d * kMicrosPerSecond;
        if (std::isnan(d) || std::isinf(d) || micros >= 9.2233720368547758e18 || micros < -9.2233720368547758e18) {
          if (m.ansi) ThrowOverflow(in, i, to);
          out->SetNull(i);
          return;
        }
        dst[i] = static_cast<int64_t>(micros);
      });
      break;
    case TypeId::kDecimal: {
      int scale = in.type()->scale();
      ForValid(in, [&](size_t i) {
        int128_t v = in.Get<int128_t>(i);
        int128_t micros = scale <= 6 ? v * decimal::Pow10(6 - scale) : v / decimal::Pow10(scale - 6);
        if (micros > std::numeric_limits<int64_t>::max() || micros < std::numeric_limits<int64_t>::min()) {
          if (m.ansi) ThrowOverflow(in, i, to);
          out->SetNull(i);
          return;
        }
        dst[i] = static_cast<int64_t>(micros);
      });
      break;
    }
    default:
      ForValid(in, [&](size_t i) { out->SetNull(i); });
  }
  return out;
}

VectorPtr CastToInterval(const Vector& in, const TypePtr& to, const CastMode& m) {
  size_t n = in.size();
  auto out = NewFixed(to, n);
  CopyNulls(in, out.get());
  int64_t* dst = out->data<int64_t>();
  TypeId f = in.type_id();
  if (f == TypeId::kString) {
    ForValid(in, [&](size_t i) {
      std::string_view s = Trim(in.GetString(i));
      std::string text(s);
      // "INTERVAL '1 02:03:04' DAY TO SECOND" or "1 02:03:04[.ffffff]"
      std::string body = text;
      size_t q1 = text.find('\'');
      if (q1 != std::string::npos) {
        size_t q2 = text.find('\'', q1 + 1);
        if (q2 != std::string::npos) body = text.substr(q1 + 1, q2 - q1 - 1);
      }
      int sign = 1;
      std::string_view b = body;
      if (!b.empty() && (b[0] == '-' || b[0] == '+')) {
        sign = b[0] == '-' ? -1 : 1;
        b.remove_prefix(1);
      }
      long long days = 0, hh = 0, mm = 0;
      double ss = 0;
      char tail = 0;
      std::string bs(b);
      if (std::sscanf(bs.c_str(), "%lld %lld:%lld:%lf%c", &days, &hh, &mm, &ss, &tail) == 4) {
        dst[i] = sign * (days * kMicrosPerDay + hh * kMicrosPerHour + mm * kMicrosPerMinute +
                         static_cast<int64_t>(std::llround(ss * kMicrosPerSecond)));
        return;
      }
      try {
        dst[i] = ParseDurationMicros(text);
      } catch (const SluiceError&) {
        if (m.ansi) ThrowInvalid(in, i, to);
        out->SetNull(i);
      }
    });
  } else if (f == TypeId::kInterval) {
    for (size_t i = 0; i < n; ++i) dst[i] = in.Get<int64_t>(i);
  } else if (DispatchIntegral(f, [&](auto tag) {
               using S = decltype(tag);
               for (size_t i = 0; i < n; ++i) dst[i] = static_cast<int64_t>(in.Get<S>(i)) * kMicrosPerSecond;
             })) {
  } else {
    ForValid(in, [&](size_t i) { out->SetNull(i); });
  }
  return out;
}

// A copy of `child` (n rows, aligned with `parent`) with rows that are NULL in `parent` set to NULL,
// so casting the child never inspects values under a NULL parent.
VectorPtr MaskChild(const Vector& parent, const VectorPtr& child) {
  if (!parent.MayHaveNulls()) return child;
  VectorPtr copy = child->Slice(0, child->size());
  for (size_t i = 0; i < parent.size(); ++i) {
    if (parent.IsNull(i)) copy->SetNull(i);
  }
  return copy;
}

VectorPtr CastNested(const Vector& in, const TypePtr& to, const EvalContext& ctx, bool is_try) {
  size_t n = in.size();
  auto out = std::make_shared<Vector>(to);
  out->Resize(n);
  switch (to->id()) {
    case TypeId::kStruct:
      for (size_t f = 0; f < to->fields().size(); ++f) {
        out->mutable_child(f) = CastVector(MaskChild(in, in.child(f)), to->fields()[f].type, ctx, is_try);
      }
      break;
    case TypeId::kArray:
      out->mutable_offsets() = in.offsets();
      out->mutable_child(0) = CastVector(in.child(0), to->element_type(), ctx, is_try);
      break;
    case TypeId::kMap:
      out->mutable_offsets() = in.offsets();
      out->mutable_child(0) = CastVector(in.child(0), to->key_type(), ctx, is_try);
      out->mutable_child(1) = CastVector(in.child(1), to->value_type(), ctx, is_try);
      break;
    default:
      throw InternalError("CastNested on " + to->SimpleString());
  }
  CopyNulls(in, out.get());
  return out;
}

}  // namespace

VectorPtr CastVector(const VectorPtr& input, const TypePtr& to, const EvalContext& ctx, bool is_try) {
  const TypePtr& from = input->type();
  if (from->Equals(*to)) return input;
  size_t n = input->size();
  if (from->id() == TypeId::kNull) return Vector::MakeNull(to, n);
  CastMode m{ctx.ansi_enabled && !is_try, is_try, ctx.time_zone};
  const Vector& in = *input;
  switch (to->id()) {
    case TypeId::kNull: return Vector::MakeNull(to, n);
    case TypeId::kBoolean: return CastToBoolean(in, to, m);
    case TypeId::kByte: return CastToIntegral<int8_t>(in, to, m);
    case TypeId::kShort: return CastToIntegral<int16_t>(in, to, m);
    case TypeId::kInt: return CastToIntegral<int32_t>(in, to, m);
    case TypeId::kLong: return CastToIntegral<int64_t>(in, to, m);
    case TypeId::kFloat: return CastToFloating<float>(in, to, m);
    case TypeId::kDouble: return CastToFloating<double>(in, to, m);
    case TypeId::kDecimal: return CastToDecimal(in, to, m);
    case TypeId::kString: return CastToString(in, to, m);
    case TypeId::kBinary: return CastToBinary(in, to, m);
    case TypeId::kDate: return CastToDate(in, to, m);
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: return CastToTimestamp(in, to, m);
    case TypeId::kInterval: return CastToInterval(in, to, m);
    case TypeId::kStruct:
    case TypeId::kArray:
    case TypeId::kMap:
      if (from->id() != to->id()) throw InternalError("cannot cast " + from->Sql() + " to " + to->Sql());
      return CastNested(in, to, ctx, is_try);
  }
  throw InternalError("unsupported cast to " + to->Sql());
}

}  // namespace sluice
