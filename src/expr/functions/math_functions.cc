// Math functions with Spark 4 semantics: rounding (round HALF_UP / bround HALF_EVEN on the
// decimal text of doubles, exact on DECIMAL), floor/ceil, exponentials and logarithms (NULL for
// arguments outside the domain, as Spark), trigonometry, pmod, base conversion (conv, bin, hex is a
// string function), factorial, and Spark's hash() (Murmur3 x86_32, seed 42) and xxhash64 (seed 42)
// which must produce exactly Spark's values.
#include <charconv>
#include <cmath>
#include <limits>

#include "expr/decimal_math.h"
#include "expr/functions/builtin_functions.h"
#include "expr/functions/scalar_kernel.h"

namespace sluice {
namespace {

using namespace scalar;

// ---------------------------------------------------------------------------------------------
// Rounding

enum class RoundMode { kHalfUp, kHalfEven, kFloor, kCeiling };

/// Rounds `x` to `scale` decimal places as Scala's BigDecimal(x).setScale(scale, mode).toDouble:
/// on the shortest decimal representation of the double.
double RoundDouble(double x, int scale, RoundMode mode) {
  if (std::isnan(x) || std::isinf(x)) return x;
  if (x == 0) return 0.0;
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::scientific);
  std::string_view text(buf, res.ptr - buf);
  bool neg = text[0] == '-';
  if (neg) text.remove_prefix(1);
  size_t e = text.find('e');
  int exp10 = std::atoi(std::string(text.substr(e + 1)).c_str());
  std::string digits;
  for (char c : text.substr(0, e))
    if (c != '.') digits.push_back(c);
  // value = 0.d1d2... * 10^(exp10 + 1); keep = number of digits left of the rounding point.
  int64_t keep = static_cast<int64_t>(exp10) + 1 + scale;
  if (keep >= static_cast<int64_t>(digits.size())) return x;  // nothing to round
  std::string kept = keep > 0 ? digits.substr(0, keep) : std::string();
  bool round_up = false;
  bool any_dropped_nonzero = false;
  for (size_t i = keep > 0 ? keep : 0; i < digits.size(); ++i)
    if (digits[i] != '0') any_dropped_nonzero = true;
  if (keep < 0) {
    // All digits are below half of the last kept position's unit.
    round_up = (mode == RoundMode::kFloor && neg && any_dropped_nonzero) ||
               (mode == RoundMode::kCeiling && !neg && any_dropped_nonzero);
  } else {
    char first = digits[keep];
    bool rest_nonzero = false;
    for (size_t i = keep + 1; i < digits.size(); ++i)
      if (digits[i] != '0') rest_nonzero = true;
    switch (mode) {
      case RoundMode::kHalfUp: round_up = first >= '5'; break;
      case RoundMode::kHalfEven:
        round_up = first > '5' || (first == '5' && rest_nonzero) ||
                   (first == '5' && !rest_nonzero && !kept.empty() && ((kept.back() - '0') & 1));
        break;
      case RoundMode::kFloor: round_up = neg && any_dropped_nonzero; break;
      case RoundMode::kCeiling: round_up = !neg && any_dropped_nonzero; break;
    }
  }
  // Integer value of `kept` (+1 if rounding up) times 10^(-scale).
  std::string mant = kept.empty() ? "0" : kept;
  if (round_up) {
    int i = static_cast<int>(mant.size()) - 1;
    while (i >= 0 && mant[i] == '9') mant[i--] = '0';
    if (i < 0) mant.insert(mant.begin(), '1');
    else ++mant[i];
  }
  if (mant.find_first_not_of('0') == std::string::npos) return 0.0;
  std::string out = (neg ? "-" : "") + mant + "e" + std::to_string(-scale);
  return std::strtod(out.c_str(), nullptr);
}

/// Rounds an unscaled decimal from `scale` to `new_scale` (< scale).
int128_t RoundUnscaled(int128_t v, int scale, int new_scale, RoundMode mode) {
  if (new_scale >= scale) {
    int128_t out = v;
    for (int i = scale; i < new_scale; ++i) out *= 10;
    return out;
  }
  int d = scale - new_scale;
  if (d > 38) return 0;
  int128_t div = decimal::Pow10(d);
  int128_t q = v / div, r = v % div;
  if (r == 0) return q;
  int128_t ar = r < 0 ? -r : r;
  bool neg = v < 0;
  switch (mode) {
    case RoundMode::kHalfUp:
      if (ar >= div - ar) q += neg ? -1 : 1;
      break;
    case RoundMode::kHalfEven:
      if (ar > div - ar || (ar == div - ar && (q & 1))) q += neg ? -1 : 1;
      break;
    case RoundMode::kFloor:
      if (neg) q -= 1;
      break;
    case RoundMode::kCeiling:
      if (!neg) q += 1;
      break;
  }
  return q;
}

/// Result type of round/bround/floor/ceil(x, scale) for a DECIMAL(p, s) input (RoundBase).
TypePtr RoundDecimalType(int p, int s, int scale) {
  int integral = p - s + 1;
  if (scale < 0) return DataType::Decimal(std::min(std::max(integral, -scale + 1), 38), 0);
  int new_scale = std::min(s, scale);
  return DataType::Decimal(std::min(integral + new_scale, 38), new_scale);
}

int ConstantScale(Expr& call, const EvalContext& ctx) {
  if (call.children.size() < 2) return 0;
  const Expr& s = *call.children[1];
  if (!s.type->IsIntegral() || !IsFoldable(s))
    throw AnalysisError(fmt::format(
        "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"{}\" due to data type mismatch: "
        "the input scale should be a foldable \"INT\" expression; however, got \"{}\".",
        call.ToSql(), s.ToSql()));
  auto v = ConstantValue(s, ctx);
  return v && !v->is_null() ? static_cast<int>(v->GetInt64()) : 0;
}

[[noreturn]] void ThrowDecimalOverflow(int128_t, int precision, int scale) {
  throw ExecutionError(fmt::format(
      "[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] The value cannot be represented as "
      "Decimal({}, {}). If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this "
      "error, and return NULL instead.",
      precision, scale));
}

/// round/bround: `x` keeps its type (DECIMAL gets RoundDecimalType).
void RegisterRound(FunctionRegistry& r, const std::string& name, RoundMode mode) {
  RegisterFn(
      r, name,
      [](Expr& call, const EvalContext& ctx) -> TypePtr {
        CheckArgCount(call, 1, 2);
        int scale = ConstantScale(call, ctx);
        if (call.children.size() == 2)
          call.children[1] = CastTo(call.children[1], DataType::Int(), ctx);
        const TypePtr& t = call.children[0]->type;
        if (t->id() == TypeId::kString || t->id() == TypeId::kNull) {
          call.children[0] = CastTo(call.children[0], DataType::Double(), ctx);
          return DataType::Double();
        }
        if (!t->IsNumeric()) ThrowUnexpectedType(call, 0, "\"NUMERIC\"");
        if (t->id() == TypeId::kDecimal) return RoundDecimalType(t->precision(), t->scale(), scale);
        return t;
      },
      [mode](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        int scale = a.args.size() == 2 && a.num_rows > 0 && !a.args[1]->IsNull(0)
                        ? a.args[1]->Get<int32_t>(0)
                        : 0;
        const Vector& v = *a.args[0];
        auto out = MakeFixedResult(call.type, a.num_rows);
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (AnyNull(a, row)) {
            out->SetNull(row);
            continue;
          }
          switch (v.type_id()) {
            case TypeId::kDouble:
              out->data<double>()[row] = RoundDouble(v.Get<double>(row), scale, mode);
              break;
            case TypeId::kFloat:
              out->data<float>()[row] =
                  static_cast<float>(RoundDouble(static_cast<double>(v.Get<float>(row)), scale, mode));
              break;
            case TypeId::kDecimal: {
              int128_t res = RoundUnscaled(v.Get<int128_t>(row), v.type()->scale(),
                                           call.type->scale(), mode);
              if (scale < 0) {
                // Round to 10^-scale, then express at scale 0.
                res = RoundUnscaled(v.Get<int128_t>(row), v.type()->scale(), scale, mode);
                for (int i = scale; i < 0; ++i) res *= 10;
              }
              if (!decimal::FitsPrecision(res, call.type->precision())) {
                if (ctx.ansi_enabled) ThrowDecimalOverflow(res, call.type->precision(), call.type->scale());
                out->SetNull(row);
                break;
              }
              out->data<int128_t>()[row] = res;
              break;
            }
            default: {  // integral
              int64_t x = GetIntegral(v, row);
              int128_t res = x;
              if (scale < 0) {
                res = RoundUnscaled(x, 0, scale, mode);
                for (int i = scale; i < 0 && res != 0; ++i) res *= 10;
              }
              switch (v.type_id()) {
                case TypeId::kByte: out->data<int8_t>()[row] = static_cast<int8_t>(res); break;
                case TypeId::kShort: out->data<int16_t>()[row] = static_cast<int16_t>(res); break;
                case TypeId::kInt: out->data<int32_t>()[row] = static_cast<int32_t>(res); break;
                default: out->data<int64_t>()[row] = static_cast<int64_t>(res); break;
              }
            }
          }
        }
        return VectorPtr(out);
      });
}

int64_t SaturatingToLong(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (d <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

void RegisterFloorCeil(FunctionRegistry& r, const std::string& name, bool is_floor) {
  RoundMode mode = is_floor ? RoundMode::kFloor : RoundMode::kCeiling;
  RegisterFn(
      r, name,
      [](Expr& call, const EvalContext& ctx) -> TypePtr {
        CheckArgCount(call, 1, 2);
        const TypePtr& t = call.children[0]->type;
        if (!t->IsNumeric() && t->id() != TypeId::kString && t->id() != TypeId::kNull)
          ThrowUnexpectedType(call, 0, "(\"DOUBLE\" or \"DECIMAL\" or \"BIGINT\")");
        if (call.children.size() == 2) {
          int scale = ConstantScale(call, ctx);
          call.children[1] = CastTo(call.children[1], DataType::Int(), ctx);
          TypePtr dt = t->id() == TypeId::kDecimal ? t : DecimalForType(t);
          if (!dt) dt = DataType::Decimal(30, 15);
          call.children[0] = CastTo(call.children[0], dt, ctx);
          return RoundDecimalType(dt->precision(), dt->scale(), scale);
        }
        if (t->id() == TypeId::kDecimal) {
          if (t->scale() == 0) return t;
          return DataType::Decimal(std::min(t->precision() - t->scale() + 1, 38), 0);
        }
        if (t->IsIntegral()) {
          call.children[0] = CastTo(call.children[0], DataType::Long(), ctx);
          return DataType::Long();
        }
        call.children[0] = CastTo(call.children[0], DataType::Double(), ctx);
        return DataType::Long();
      },
      [mode](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        const Vector& v = *a.args[0];
        auto out = MakeFixedResult(call.type, a.num_rows);
        int target_scale = call.type->id() == TypeId::kDecimal ? call.type->scale() : 0;
        int scale = a.args.size() == 2 && a.num_rows > 0 && !a.args[1]->IsNull(0)
                        ? a.args[1]->Get<int32_t>(0)
                        : 0;
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (AnyNull(a, row)) {
            out->SetNull(row);
            continue;
          }
          switch (v.type_id()) {
            case TypeId::kDouble: {
              double d = v.Get<double>(row);
              out->data<int64_t>()[row] =
                  SaturatingToLong(mode == RoundMode::kFloor ? std::floor(d) : std::ceil(d));
              break;
            }
            case TypeId::kDecimal: {
              int128_t res;
              if (a.args.size() == 2 && scale < 0) {
                res = RoundUnscaled(v.Get<int128_t>(row), v.type()->scale(), scale, mode);
                for (int i = scale; i < 0; ++i) res *= 10;
              } else {
                res = RoundUnscaled(v.Get<int128_t>(row), v.type()->scale(), target_scale, mode);
              }
              if (!decimal::FitsPrecision(res, call.type->precision())) {
                if (ctx.ansi_enabled) ThrowDecimalOverflow(res, call.type->precision(), target_scale);
                out->SetNull(row);
                break;
              }
              out->data<int128_t>()[row] = res;
              break;
            }
            default:
              out->data<int64_t>()[row] = v.Get<int64_t>(row);
          }
        }
        return VectorPtr(out);
      });
}

// ---------------------------------------------------------------------------------------------
// Unary/binary double functions

BindFn BindDoubles(size_t n) {
  return [n](Expr& call, const EvalContext& ctx) {
    CheckArgCount(call, n, n);
    for (size_t i = 0; i < n; ++i) CoerceDouble(call, i, ctx);
    return DataType::Double();
  };
}

/// f returns false for a NULL result.
void RegisterUnaryDouble(FunctionRegistry& r, const std::string& name, bool (*f)(double, double*)) {
  RegisterFn(r, name, BindDoubles(1),
             [f](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               const double* in = a.args[0]->data<double>();
               return BuildFixed<double>(call.type, a,
                                         [&](size_t row, double* out) { return f(in[row], out); });
             });
}

void RegisterBinaryDouble(FunctionRegistry& r, const std::string& name,
                          bool (*f)(double, double, double*)) {
  RegisterFn(r, name, BindDoubles(2),
             [f](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               const double* x = a.args[0]->data<double>();
               const double* y = a.args[1]->data<double>();
               return BuildFixed<double>(call.type, a, [&](size_t row, double* out) {
                 return f(x[row], y[row], out);
               });
             });
}

void RegisterDoubleFunctions(FunctionRegistry& r) {
#define SLUICE_UNARY(NAME, EXPR) \
  RegisterUnaryDouble(r, NAME, [](double x, double* o) { *o = (EXPR); return true; })
  SLUICE_UNARY("sqrt", std::sqrt(x));
  SLUICE_UNARY("cbrt", std::cbrt(x));
  SLUICE_UNARY("exp", std::exp(x));
  SLUICE_UNARY("expm1", std::expm1(x));
  SLUICE_UNARY("sin", std::sin(x));
  SLUICE_UNARY("cos", std::cos(x));
  SLUICE_UNARY("tan", std::tan(x));
  SLUICE_UNARY("asin", std::asin(x));
  SLUICE_UNARY("acos", std::acos(x));
  SLUICE_UNARY("atan", std::atan(x));
  SLUICE_UNARY("sinh", std::sinh(x));
  SLUICE_UNARY("cosh", std::cosh(x));
  SLUICE_UNARY("tanh", std::tanh(x));
  SLUICE_UNARY("asinh", std::asinh(x));
  SLUICE_UNARY("acosh", std::acosh(x));
  SLUICE_UNARY("atanh", std::atanh(x));
  SLUICE_UNARY("cot", 1.0 / std::tan(x));
  SLUICE_UNARY("sec", 1.0 / std::cos(x));
  SLUICE_UNARY("csc", 1.0 / std::sin(x));
  SLUICE_UNARY("degrees", x * (180.0 / M_PI));
  SLUICE_UNARY("radians", x / 180.0 * M_PI);
  SLUICE_UNARY("signum", x > 0 ? 1.0 : x < 0 ? -1.0 : x);
  SLUICE_UNARY("rint", std::nearbyint(x));
#undef SLUICE_UNARY
  r.Alias("sign", "signum");
  // Logarithms are NULL outside their domain, as Spark.
  RegisterUnaryDouble(r, "ln", [](double x, double* o) {
    if (x <= 0) return false;
    *o = std::log(x);
    return true;
  });
  RegisterUnaryDouble(r, "log10", [](double x, double* o) {
    if (x <= 0) return false;
    *o = std::log10(x);
    return true;
  });
  RegisterUnaryDouble(r, "log2", [](double x, double* o) {
    if (x <= 0) return false;
    *o = std::log(x) / std::log(2.0);
    return true;
  });
  RegisterUnaryDouble(r, "log1p", [](double x, double* o) {
    if (x <= -1) return false;
    *o = std::log1p(x);
    return true;
  });
  // log(x) is ln(x); log(base, x).
  RegisterFn(
      r, "log",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 2);
        for (size_t i = 0; i < call.children.size(); ++i) CoerceDouble(call, i, ctx);
        return DataType::Double();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildFixed<double>(call.type, a, [&](size_t row, double* out) {
          if (a.args.size() == 1) {
            double x = a.args[0]->Get<double>(row);
            if (x <= 0) return false;
            *out = std::log(x);
            return true;
          }
          double b = a.args[0]->Get<double>(row), x = a.args[1]->Get<double>(row);
          if (b <= 0 || x <= 0) return false;
          *out = std::log(x) / std::log(b);
          return true;
        });
      });
  RegisterBinaryDouble(r, "pow", [](double x, double y, double* o) {
    *o = std::pow(x, y);
    return true;
  });
  r.Alias("power", "pow");
  RegisterBinaryDouble(r, "atan2", [](double y, double x, double* o) {
    *o = std::atan2(y + 0.0, x + 0.0);
    return true;
  });
  RegisterBinaryDouble(r, "hypot", [](double x, double y, double* o) {
    *o = std::hypot(x, y);
    return true;
  });
  auto constant = [](double value) {
    return [value](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
      auto out = MakeFixedResult(call.type, a.num_rows);
      std::fill_n(out->data<double>(), a.num_rows, value);
      return VectorPtr(out);
    };
  };
  RegisterFn(r, "pi", BindDoubles(0), constant(M_PI));
  RegisterFn(r, "e", BindDoubles(0), constant(M_E));
}

// ---------------------------------------------------------------------------------------------
// pmod

[[noreturn]] void ThrowDivideByZero() {
  throw ExecutionError(
      "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return "
      "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.");
}

void RegisterPmod(FunctionRegistry& r) {
  RegisterFn(
      r, "pmod",
      [](Expr& call, const EvalContext& ctx) -> TypePtr {
        CheckArgCount(call, 2, 2);
        for (size_t i = 0; i < 2; ++i) {
          const TypePtr& t = call.children[i]->type;
          if (!t->IsNumeric() && t->id() != TypeId::kNull && t->id() != TypeId::kString)
            ThrowUnexpectedType(call, i, "\"NUMERIC\"");
          if (t->id() == TypeId::kString)
            call.children[i] = CastTo(call.children[i], DataType::Double(), ctx);
        }
        TypePtr a = call.children[0]->type, b = call.children[1]->type;
        TypePtr t;
        if ((a->id() == TypeId::kDecimal || b->id() == TypeId::kDecimal) && !a->IsFractional() &&
            !b->IsFractional()) {
          TypePtr da = a->id() == TypeId::kNull ? b : DecimalForType(a);
          TypePtr db = b->id() == TypeId::kNull ? a : DecimalForType(b);
          da = DecimalForType(da);
          db = DecimalForType(db);
          int s = std::max(da->scale(), db->scale());
          int p = std::min(da->precision() - da->scale(), db->precision() - db->scale()) + s;
          t = BoundedDecimal(p, s);
          call.children[0] = CastTo(call.children[0], DataType::Decimal(38, s), ctx);
          call.children[1] = CastTo(call.children[1], DataType::Decimal(38, s), ctx);
          return t;
        }
        t = WiderType(a, b, ctx);
        if (!t || t->id() == TypeId::kNull) t = t ? DataType::Int() : DataType::Double();
        call.children[0] = CastTo(call.children[0], t, ctx);
        call.children[1] = CastTo(call.children[1], t, ctx);
        return t;
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        const Vector& x = *a.args[0];
        const Vector& y = *a.args[1];
        auto out = MakeFixedResult(call.type, a.num_rows);
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (AnyNull(a, row)) {
            out->SetNull(row);
            continue;
          }
          switch (call.type->id()) {
            case TypeId::kFloat:
            case TypeId::kDouble: {
              double xv = x.type_id() == TypeId::kFloat ? x.Get<float>(row) : x.Get<double>(row);
              double yv = y.type_id() == TypeId::kFloat ? y.Get<float>(row) : y.Get<double>(row);
              if (yv == 0) {
                if (ctx.ansi_enabled) ThrowDivideByZero();
                out->SetNull(row);
                break;
              }
              double m = std::fmod(xv, yv);
              if (m < 0) m = std::fmod(m + yv, yv);
              if (call.type->id() == TypeId::kFloat) out->data<float>()[row] = static_cast<float>(m);
              else out->data<double>()[row] = m;
              break;
            }
            case TypeId::kDecimal: {
              int128_t xv = x.Get<int128_t>(row), yv = y.Get<int128_t>(row);
              if (yv == 0) {
                if (ctx.ansi_enabled) ThrowDivideByZero();
                out->SetNull(row);
                break;
              }
              int128_t m = xv % yv;
              if (m < 0) m = (m + yv) % yv;
              out->data<int128_t>()[row] = m;
              break;
            }
            default: {
              int64_t xv = GetIntegral(x, row), yv = GetIntegral(y, row);
              if (yv == 0) {
                if (ctx.ansi_enabled) ThrowDivideByZero();
                out->SetNull(row);
                break;
              }
              int64_t m = yv == -1 ? 0 : xv % yv;
              if (m < 0) m = (m + yv) % yv;
              switch (call.type->id()) {
                case TypeId::kByte: out->data<int8_t>()[row] = static_cast<int8_t>(m); break;
                case TypeId::kShort: out->data<int16_t>()[row] = static_cast<int16_t>(m); break;
                case TypeId::kInt: out->data<int32_t>()[row] = static_cast<int32_t>(m); break;
                default: out->data<int64_t>()[row] = m; break;
              }
            }
          }
        }
        return VectorPtr(out);
      });
  if (r.Find("%") && !r.Find("mod")) r.Alias("mod", "%");
}

// ---------------------------------------------------------------------------------------------
// hash / xxhash64

uint32_t Rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
uint64_t Rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/// Spark's Murmur3_x86_32.
struct Murmur3 {
  static uint32_t MixK1(uint32_t k1) {
    k1 *= 0xcc9e2d51u;
    k1 = Rotl32(k1, 15);
    return k1 * 0x1b873593u;
  }
  static uint32_t MixH1(uint32_t h1, uint32_t k1) {
    h1 ^= k1;
    h1 = Rotl32(h1, 13);
    return h1 * 5 + 0xe6546b64u;
  }
  static uint32_t Fmix(uint32_t h1, uint32_t len) {
    h1 ^= len;
    h1 ^= h1 >> 16;
    h1 *= 0x85ebca6bu;
    h1 ^= h1 >> 13;
    h1 *= 0xc2b2ae35u;
    h1 ^= h1 >> 16;
    return h1;
  }
  static uint32_t HashInt(int32_t v, uint32_t seed) {
    return Fmix(MixH1(seed, MixK1(static_cast<uint32_t>(v))), 4);
  }
  static uint32_t HashLong(int64_t v, uint32_t seed) {
    uint64_t u = static_cast<uint64_t>(v);
    uint32_t h1 = MixH1(seed, MixK1(static_cast<uint32_t>(u)));
    h1 = MixH1(h1, MixK1(static_cast<uint32_t>(u >> 32)));
    return Fmix(h1, 8);
  }
  /// hashUnsafeBytes: 4-byte little-endian words, then each trailing (signed) byte mixed alone.
  static uint32_t HashBytes(std::string_view b, uint32_t seed) {
    size_t aligned = b.size() - b.size() % 4;
    uint32_t h1 = seed;
    for (size_t i = 0; i < aligned; i += 4) {
      uint32_t w;
      std::memcpy(&w, b.data() + i, 4);
      h1 = MixH1(h1, MixK1(w));
    }
    for (size_t i = aligned; i < b.size(); ++i) {
      int32_t half = static_cast<int8_t>(b[i]);
      h1 = MixH1(h1, MixK1(static_cast<uint32_t>(half)));
    }
    return Fmix(h1, static_cast<uint32_t>(b.size()));
  }
};

/// Spark's XXH64.
struct XxHash64 {
  static constexpr uint64_t P1 = 0x9E3779B185EBCA87ULL, P2 = 0xC2B2AE3D27D4EB4FULL,
                            P3 = 0x165667B19E3779F9ULL, P4 = 0x85EBCA77C2B2AE63ULL,
                            P5 = 0x27D4EB2F165667C5ULL;
  static uint64_t Fmix(uint64_t h) {
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
  }
  static uint64_t HashInt(int32_t v, uint64_t seed) {
    uint64_t h = seed + P5 + 4;
    h ^= (static_cast<uint64_t>(static_cast<uint32_t>(v))) * P1;
    h = Rotl64(h, 23) * P2 + P3;
    return Fmix(h);
  }
  static uint64_t HashLong(int64_t v, uint64_t seed) {
    uint64_t h = seed + P5 + 8;
    h ^= Rotl64(static_cast<uint64_t>(v) * P2, 31) * P1;
    h = Rotl64(h, 27) * P1 + P4;
    return Fmix(h);
  }
  static uint64_t Round(uint64_t acc, uint64_t input) {
    acc += input * P2;
    acc = Rotl64(acc, 31);
    return acc * P1;
  }
  static uint64_t Merge(uint64_t acc, uint64_t val) {
    acc ^= Round(0, val);
    return acc * P1 + P4;
  }
  static uint64_t HashBytes(std::string_view b, uint64_t seed) {
    const char* p = b.data();
    const char* end = p + b.size();
    uint64_t h;
    auto read64 = [](const char* q) {
      uint64_t v;
      std::memcpy(&v, q, 8);
      return v;
    };
    auto read32 = [](const char* q) {
      uint32_t v;
      std::memcpy(&v, q, 4);
      return v;
    };
    if (b.size() >= 32) {
      uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
      const char* limit = end - 32;
      do {
        v1 = Round(v1, read64(p));
        v2 = Round(v2, read64(p + 8));
        v3 = Round(v3, read64(p + 16));
        v4 = Round(v4, read64(p + 24));
        p += 32;
      } while (p <= limit);
      h = Rotl64(v1, 1) + Rotl64(v2, 7) + Rotl64(v3, 12) + Rotl64(v4, 18);
      h = Merge(h, v1);
      h = Merge(h, v2);
      h = Merge(h, v3);
      h = Merge(h, v4);
    } else {
      h = seed + P5;
    }
    h += b.size();
    while (p + 8 <= end) {
      h ^= Round(0, read64(p));
      h = Rotl64(h, 27) * P1 + P4;
      p += 8;
    }
    if (p + 4 <= end) {
      h ^= static_cast<uint64_t>(read32(p)) * P1;
      h = Rotl64(h, 23) * P2 + P3;
      p += 4;
    }
    while (p < end) {
      h ^= static_cast<uint64_t>(static_cast<unsigned char>(*p)) * P5;
      h = Rotl64(h, 11) * P1;
      ++p;
    }
    return Fmix(h);
  }
};

/// Big-endian two's complement bytes of `v`, minimal length (java.math.BigInteger.toByteArray).
std::string BigIntegerBytes(int128_t v) {
  std::string bytes;
  for (int i = 15; i >= 0; --i) bytes.push_back(static_cast<char>((static_cast<unsigned __int128>(v) >> (8 * i)) & 0xFF));
  size_t start = 0;
  while (start + 1 < bytes.size()) {
    unsigned char b0 = bytes[start], b1 = bytes[start + 1];
    if ((b0 == 0x00 && !(b1 & 0x80)) || (b0 == 0xFF && (b1 & 0x80))) ++start;
    else break;
  }
  return bytes.substr(start);
}

/// Hashes row `row` of `v` into `seed` with hasher H (Murmur3 or XxHash64), as Spark's HashExpression.
template <typename H, typename S>
S HashValue(const Vector& v, size_t row, S seed) {
  if (v.IsNull(row)) return seed;
  switch (v.type_id()) {
    case TypeId::kNull: return seed;
    case TypeId::kBoolean: return H::HashInt(v.Get<uint8_t>(row) ? 1 : 0, seed);
    case TypeId::kByte: return H::HashInt(v.Get<int8_t>(row), seed);
    case TypeId::kShort: return H::HashInt(v.Get<int16_t>(row), seed);
    case TypeId::kInt:
    case TypeId::kDate: return H::HashInt(v.Get<int32_t>(row), seed);
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kInterval: return H::HashLong(v.Get<int64_t>(row), seed);
    case TypeId::kFloat: {
      float f = v.Get<float>(row);
      int32_t bits;
      if (f == 0.0f) bits = 0;
      else if (std::isnan(f)) bits = 0x7fc00000;
      else std::memcpy(&bits, &f, 4);
      return H::HashInt(bits, seed);
    }
    case TypeId::kDouble: {
      double d = v.Get<double>(row);
      int64_t bits;
      if (d == 0.0) bits = 0;
      else if (std::isnan(d)) bits = 0x7ff8000000000000LL;
      else std::memcpy(&bits, &d, 8);
      return H::HashLong(bits, seed);
    }
    case TypeId::kDecimal: {
      int128_t u = v.Get<int128_t>(row);
      if (v.type()->precision() <= 18) return H::HashLong(static_cast<int64_t>(u), seed);
      return H::HashBytes(BigIntegerBytes(u), seed);
    }
    case TypeId::kString:
    case TypeId::kBinary: return H::HashBytes(v.GetString(row), seed);
    case TypeId::kStruct: {
      S h = seed;
      for (size_t i = 0; i < v.num_children(); ++i) h = HashValue<H, S>(*v.child(i), row, h);
      return h;
    }
    case TypeId::kArray: {
      S h = seed;
      for (int64_t k = v.ListBegin(row); k < v.ListEnd(row); ++k)
        h = HashValue<H, S>(*v.child(0), k, h);
      return h;
    }
    case TypeId::kMap: {
      S h = seed;
      for (int64_t k = v.ListBegin(row); k < v.ListEnd(row); ++k) {
        h = HashValue<H, S>(*v.child(0), k, h);
        h = HashValue<H, S>(*v.child(1), k, h);
      }
      return h;
    }
  }
  return seed;
}

void RegisterHashes(FunctionRegistry& r) {
  auto bind = [](TypePtr t) {
    return [t](Expr& call, const EvalContext&) {
      if (call.children.empty())
        throw AnalysisError(fmt::format(
            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `{}` requires > 0 parameters but the actual "
            "number is 0.",
            call.name));
      return t;
    };
  };
  RegisterFn(
      r, "hash", bind(DataType::Int()),
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeFixedResult(call.type, a.num_rows);
        int32_t* data = out->data<int32_t>();
        for (size_t row = 0; row < a.num_rows; ++row) {
          uint32_t h = 42;
          for (const auto& v : a.args) h = HashValue<Murmur3, uint32_t>(*v, row, h);
          data[row] = static_cast<int32_t>(h);
        }
        return VectorPtr(out);
      },
      false);
  RegisterFn(
      r, "xxhash64", bind(DataType::Long()),
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeFixedResult(call.type, a.num_rows);
        int64_t* data = out->data<int64_t>();
        for (size_t row = 0; row < a.num_rows; ++row) {
          uint64_t h = 42;
          for (const auto& v : a.args) h = HashValue<XxHash64, uint64_t>(*v, row, h);
          data[row] = static_cast<int64_t>(h);
        }
        return VectorPtr(out);
      },
      false);
}

// ---------------------------------------------------------------------------------------------
// conv / bin / factorial

int DigitOf(char c, int radix) {
  int d = c >= '0' && c <= '9'   ? c - '0'
          : c >= 'a' && c <= 'z' ? c - 'a' + 10
          : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                 : -1;
  return d < radix ? d : -1;
}

/// Spark's NumberConverter.convert; false for NULL.
bool Conv(std::string_view n, int from, int to, bool ansi, std::string* out) {
  if (from < 2 || from > 36 || std::abs(to) < 2 || std::abs(to) > 36 || n.empty()) return false;
  bool negative = n[0] == '-';
  size_t first = negative ? 1 : 0;
  uint64_t v = 0;
  for (size_t i = first; i < n.size(); ++i) {
    int d = DigitOf(n[i], from);
    if (d < 0) break;
    uint64_t next;
    if (__builtin_mul_overflow(v, static_cast<uint64_t>(from), &next) ||
        __builtin_add_overflow(next, static_cast<uint64_t>(d), &next)) {
      if (ansi)
        throw ExecutionError(
            "[ARITHMETIC_OVERFLOW] Overflow in function conv(). If necessary set "
            "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.");
      v = ~uint64_t{0};
      break;
    }
    v = next;
  }
  int64_t sv = static_cast<int64_t>(v);
  if (negative && to > 0) sv = sv < 0 ? -1 : -sv;
  if (to < 0 && sv < 0) {
    sv = -sv;
    negative = true;
  }
  uint64_t u = static_cast<uint64_t>(sv);
  int radix = std::abs(to);
  std::string digits;
  do {
    int d = static_cast<int>(u % radix);
    digits.insert(digits.begin(), static_cast<char>(d < 10 ? '0' + d : 'A' + d - 10));
    u /= radix;
  } while (u > 0);
  if (negative && to < 0) digits.insert(digits.begin(), '-');
  *out = digits;
  return true;
}

void RegisterConversions(FunctionRegistry& r) {
  RegisterFn(
      r, "conv",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 3, 3);
        CoerceString(call, 0, ctx);
        CoerceIntegral(call, 1, DataType::Int(), ctx);
        CoerceIntegral(call, 2, DataType::Int(), ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          return Conv(a.args[0]->GetString(row), a.args[1]->Get<int32_t>(row),
                      a.args[2]->Get<int32_t>(row), ctx.ansi_enabled, out);
        });
      });
  RegisterFn(
      r, "bin",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 1);
        CoerceIntegral(call, 0, DataType::Long(), ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          uint64_t u = static_cast<uint64_t>(a.args[0]->Get<int64_t>(row));
          do {
            out->insert(out->begin(), static_cast<char>('0' + (u & 1)));
            u >>= 1;
          } while (u);
          return true;
        });
      });
  RegisterFn(
      r, "factorial",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 1);
        CoerceIntegral(call, 0, DataType::Int(), ctx);
        return DataType::Long();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildFixed<int64_t>(call.type, a, [&](size_t row, int64_t* out) {
          int32_t n = a.args[0]->Get<int32_t>(row);
          if (n < 0 || n > 20) return false;
          int64_t f = 1;
          for (int i = 2; i <= n; ++i) f *= i;
          *out = f;
          return true;
        });
      });
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& registry) {
  RegisterRound(registry, "round", RoundMode::kHalfUp);
  RegisterRound(registry, "bround", RoundMode::kHalfEven);
  RegisterFloorCeil(registry, "floor", true);
  RegisterFloorCeil(registry, "ceil", false);
  registry.Alias("ceiling", "ceil");
  RegisterDoubleFunctions(registry);
  RegisterPmod(registry);
  RegisterHashes(registry);
  RegisterConversions(registry);
}

}  // namespace sluice
