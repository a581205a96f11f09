// Arithmetic operators: + - * / % div, negative/positive/abs, try_add/try_subtract/try_multiply/
// try_divide, bitwise & | ^ ~, and datetime arithmetic (timestamp +/- interval, date +/- days,
// timestamp - timestamp, date - date, interval arithmetic).
//
// Coercion follows Spark 4 (AnsiTypeCoercion/DecimalPrecision/DivisionRule): STRING operands are
// promoted (ANSI: with an integral -> BIGINT, with a fractional/decimal -> DOUBLE; legacy: DOUBLE),
// `/` is fractional (DOUBLE, or DECIMAL for decimal inputs), `div` is BIGINT. Overflow and division
// by zero: ANSI raises, legacy wraps integers / returns NULL, try_* return NULL.
#include <bit>
#include <cmath>
#include <limits>

#include "expr/cast.h"
#include "expr/decimal_math.h"
#include "expr/functions/builtin_functions.h"
#include "expr/functions/operator_kernels.h"
#include "expr/type_coercion.h"
#include "types/datetime.h"
#include "types/value_format.h"

namespace sluice {

namespace {

using ops::NewFixed;
using ops::PropagateNulls;

enum class Op { kAdd, kSub, kMul, kDiv, kRem, kIntDiv };

// What happens on overflow / division by zero.
enum class OnError { kRaise, kWrap, kNull };

OnError ErrorMode(bool is_try, const EvalContext& ctx) {
  if (is_try) return OnError::kNull;
  return ctx.ansi_enabled ? OnError::kRaise : OnError::kWrap;
}

const char* TryName(Op op) {
  switch (op) {
    case Op::kAdd: return "try_add";
    case Op::kSub: return "try_subtract";
    case Op::kMul: return "try_multiply";
    case Op::kDiv:
    case Op::kIntDiv:
    case Op::kRem: return "try_divide";
  }
  return "";
}

const char* OverflowWhat(TypeId id) {
  switch (id) {
    case TypeId::kByte: return "tinyint overflow";
    case TypeId::kShort: return "smallint overflow";
    case TypeId::kInt: return "integer overflow";
    default: return "long overflow";
  }
}

bool IsIntegralOrNull(const TypePtr& t) { return t->IsIntegral(); }
bool IsTs(const TypePtr& t) { return t->id() == TypeId::kTimestamp || t->id() == TypeId::kTimestampNtz; }
bool IsDate(const TypePtr& t) { return t->id() == TypeId::kDate; }
bool IsInterval(const TypePtr& t) { return t->id() == TypeId::kInterval; }
bool IsString(const TypePtr& t) { return t->id() == TypeId::kString; }
bool IsNullT(const TypePtr& t) { return t->id() == TypeId::kNull; }

// True when `e` is a constant interval of whole days (INTERVAL '1' DAY), for date +/- interval.
bool IsWholeDaysLiteral(const Expr& e) {
  const Expr* x = &e;
  while (x->kind == ExprKind::kAlias) x = x->children[0].get();
  return x->kind == ExprKind::kLiteral && !x->literal.is_null() &&
         x->literal.GetInt64() % kMicrosPerDay == 0;
}

// Replaces NULL-typed operands by the other side's type (both NULL -> `both_null`).
void CoerceNullOperands(Expr& call, const EvalContext& ctx, const TypePtr& both_null) {
  auto& c = call.children;
  bool ln = IsNullT(c[0]->type), rn = IsNullT(c[1]->type);
  if (ln && rn) {
    c[0] = CoerceTo(c[0], both_null, ctx);
    c[1] = CoerceTo(c[1], both_null, ctx);
  } else if (ln) {
    c[0] = CoerceTo(c[0], c[1]->type, ctx);
  } else if (rn) {
    c[1] = CoerceTo(c[1], c[0]->type, ctx);
  }
}

// String promotion of a binary numeric operator (both operands end up the same non-string type).
void PromoteStrings(Expr& call, const EvalContext& ctx) {
  auto& c = call.children;
  const TypePtr& l = c[0]->type;
  const TypePtr& r = c[1]->type;
  if (!IsString(l) && !IsString(r)) return;
  TypePtr target;
  if (IsString(l) && IsString(r)) {
    target = DataType::Double();
  } else if (ctx.ansi_enabled) {
    target = StringPromotionType(l, r);
  } else {
    const TypePtr& other = IsString(l) ? r : l;
    target = other->IsNumeric() ? DataType::Double() : StringPromotionType(l, r);
  }
  if (!target) return;
  c[0] = CoerceTo(c[0], target, ctx);
  c[1] = CoerceTo(c[1], target, ctx);
}

// Coerces two numeric operands for + - * %: decimals keep their own (p, s) (integral operands
// become DECIMAL(forType)), decimal with float/double -> DOUBLE, otherwise the tightest common type.
// Returns the operand type for non-decimal arithmetic, or null for decimal arithmetic.
TypePtr CoerceNumericOperands(Expr& call, const EvalContext& ctx) {
  auto& c = call.children;
  const TypePtr l = c[0]->type, r = c[1]->type;
  bool ld = l->id() == TypeId::kDecimal, rd = r->id() == TypeId::kDecimal;
  if (ld || rd) {
    if (l->IsFractional() || r->IsFractional()) {
      c[0] = CoerceTo(c[0], DataType::Double(), ctx);
      c[1] = CoerceTo(c[1], DataType::Double(), ctx);
      return DataType::Double();
    }
    c[0] = CoerceTo(c[0], DecimalForType(l), ctx);
    c[1] = CoerceTo(c[1], DecimalForType(r), ctx);
    return nullptr;
  }
  TypePtr t = FindTightestCommonType(l, r, ctx.ansi_enabled);
  if (!t) ops::ThrowBinaryDiffTypes(call);
  c[0] = CoerceTo(c[0], t, ctx);
  c[1] = CoerceTo(c[1], t, ctx);
  return t;
}

TypePtr DecimalResultType(Op op, const TypePtr& a, const TypePtr& b) {
  int p1 = a->precision(), s1 = a->scale(), p2 = b->precision(), s2 = b->scale();
  switch (op) {
    case Op::kAdd:
    case Op::kSub: {
      int s = std::max(s1, s2);
      return AdjustedDecimal(s + std::max(p1 - s1, p2 - s2) + 1, s);
    }
    case Op::kMul: return AdjustedDecimal(p1 + p2 + 1, s1 + s2);
    case Op::kDiv: {
      int int_digits = p1 - s1 + s2;
      int scale = std::max(6, s1 + p2 + 1);
      return AdjustedDecimal(int_digits + scale, scale);
    }
    case Op::kRem: {
      int s = std::max(s1, s2);
      return AdjustedDecimal(std::min(p1 - s1, p2 - s2) + s, s);
    }
    case Op::kIntDiv: return DataType::Long();
  }
  return nullptr;
}

const std::string kNumericOrInterval =
    "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\")";

void RequireNumeric(const Expr& call) {
  for (const auto& ch : call.children) {
    if (!ch->type->IsNumeric()) ops::ThrowBinaryWrongType(call, kNumericOrInterval, ch->type);
  }
}

// ---- bind ----

TypePtr BindAddSub(Expr& call, const EvalContext& ctx, Op op) {
  ops::CheckArity(call, 2, 2);
  auto& c = call.children;
  CoerceNullOperands(call, ctx, DataType::Double());
  // STRING next to a datetime/interval is read as that datetime (or as a timestamp).
  if (IsString(c[0]->type) && (IsDate(c[1]->type) || IsTs(c[1]->type))) c[0] = CoerceTo(c[0], c[1]->type, ctx);
  if (IsString(c[1]->type) && (IsDate(c[0]->type) || IsTs(c[0]->type))) c[1] = CoerceTo(c[1], c[0]->type, ctx);
  if (IsString(c[0]->type) && IsInterval(c[1]->type)) c[0] = CoerceTo(c[0], DataType::Timestamp(), ctx);
  if (op == Op::kAdd && IsInterval(c[0]->type) && IsString(c[1]->type)) c[1] = CoerceTo(c[1], DataType::Timestamp(), ctx);
  const TypePtr l = c[0]->type, r = c[1]->type;
  // Datetime arithmetic.
  if (IsTs(l) && IsInterval(r)) return l;
  if (op == Op::kAdd && IsInterval(l) && IsTs(r)) return r;
  if (IsDate(l) && IsInterval(r)) {
    if (IsWholeDaysLiteral(*c[1])) return DataType::Date();
    c[0] = CoerceTo(c[0], DataType::Timestamp(), ctx);
    return DataType::Timestamp();
  }
  if (op == Op::kAdd && IsInterval(l) && IsDate(r)) {
    if (IsWholeDaysLiteral(*c[0])) return DataType::Date();
    c[1] = CoerceTo(c[1], DataType::Timestamp(), ctx);
    return DataType::Timestamp();
  }
  if (IsDate(l) && IsIntegralOrNull(r)) {
    c[1] = CoerceTo(c[1], DataType::Int(), ctx);
    return DataType::Date();
  }
  if (op == Op::kAdd && IsIntegralOrNull(l) && IsDate(r)) {
    c[0] = CoerceTo(c[0], DataType::Int(), ctx);
    return DataType::Date();
  }
  if (op == Op::kSub && IsDate(l) && IsDate(r)) return DataType::Interval();
  if (op == Op::kSub && (IsTs(l) || IsDate(l)) && (IsTs(r) || IsDate(r))) {
    TypePtr t = IsTs(l) ? l : r;
    if (IsTs(l) && IsTs(r) && l->id() != r->id()) t = DataType::Timestamp();
    c[0] = CoerceTo(c[0], t, ctx);
    c[1] = CoerceTo(c[1], t, ctx);
    return DataType::Interval();
  }
  if (IsInterval(l) && IsInterval(r)) return l;
  PromoteStrings(call, ctx);
  RequireNumeric(call);
  TypePtr t = CoerceNumericOperands(call, ctx);
  return t ? t : DecimalResultType(op, c[0]->type, c[1]->type);
}

TypePtr BindMul(Expr& call, const EvalContext& ctx) {
  ops::CheckArity(call, 2, 2);
  auto& c = call.children;
  CoerceNullOperands(call, ctx, DataType::Double());
  // interval * number, number * interval.
  for (int k = 0; k < 2; ++k) {
    if (IsInterval(c[k]->type)) {
      ExprPtr& num = c[1 - k];
      if (IsString(num->type)) num = CoerceTo(num, DataType::Double(), ctx);
      if (!num->type->IsNumeric()) ops::ThrowBinaryWrongType(call, "\"NUMERIC\"", num->type);
      num = CoerceTo(num, num->type->IsIntegral() ? DataType::Long() : DataType::Double(), ctx);
      return DataType::Interval();
    }
  }
  PromoteStrings(call, ctx);
  RequireNumeric(call);
  TypePtr t = CoerceNumericOperands(call, ctx);
  return t ? t : DecimalResultType(Op::kMul, c[0]->type, c[1]->type);
}

TypePtr BindDiv(Expr& call, const EvalContext& ctx) {
  ops::CheckArity(call, 2, 2);
  auto& c = call.children;
  CoerceNullOperands(call, ctx, DataType::Double());
  if (IsInterval(c[0]->type)) {
    ExprPtr& num = c[1];
    if (IsString(num->type)) num = CoerceTo(num, DataType::Double(), ctx);
    if (!num->type->IsNumeric()) ops::ThrowBinaryWrongType(call, "\"NUMERIC\"", num->type);
    num = CoerceTo(num, num->type->IsIntegral() ? DataType::Long() : DataType::Double(), ctx);
    return DataType::Interval();
  }
  PromoteStrings(call, ctx);
  RequireNumeric(call);
  const TypePtr l = c[0]->type, r = c[1]->type;
  bool ld = l->id() == TypeId::kDecimal, rd = r->id() == TypeId::kDecimal;
  if ((ld || rd) && !l->IsFractional() && !r->IsFractional()) {
    c[0] = CoerceTo(c[0], DecimalForType(l), ctx);
    c[1] = CoerceTo(c[1], DecimalForType(r), ctx);
    return DecimalResultType(Op::kDiv, c[0]->type, c[1]->type);
  }
  c[0] = CoerceTo(c[0], DataType::Double(), ctx);
  c[1] = CoerceTo(c[1], DataType::Double(), ctx);
  return DataType::Double();
}

TypePtr BindRem(Expr& call, const EvalContext& ctx) {
  ops::CheckArity(call, 2, 2);
  CoerceNullOperands(call, ctx, DataType::Double());
  PromoteStrings(call, ctx);
  RequireNumeric(call);
  TypePtr t = CoerceNumericOperands(call, ctx);
  return t ? t : DecimalResultType(Op::kRem, call.children[0]->type, call.children[1]->type);
}

TypePtr BindIntDiv(Expr& call, const EvalContext& ctx) {
  ops::CheckArity(call, 2, 2);
  auto& c = call.children;
  CoerceNullOperands(call, ctx, DataType::Long());
  PromoteStrings(call, ctx);
  RequireNumeric(call);
  const TypePtr l = c[0]->type, r = c[1]->type;
  if (l->IsFractional() || r->IsFractional()) {
    // Spark accepts only integral and decimal operands for `div`.
    const TypePtr& bad = l->IsFractional() ? l : r;
    ops::ThrowBinaryWrongType(call, "(\"INTEGRAL\" or \"DECIMAL\")", bad);
  }
  if (l->id() == TypeId::kDecimal || r->id() == TypeId::kDecimal) {
    TypePtr w = WiderDecimal(l, r);
    c[0] = CoerceTo(c[0], w, ctx);
    c[1] = CoerceTo(c[1], w, ctx);
  } else {
    c[0] = CoerceTo(c[0], DataType::Long(), ctx);
    c[1] = CoerceTo(c[1], DataType::Long(), ctx);
  }
  return DataType::Long();
}

TypePtr BindUnaryNumeric(Expr& call, const EvalContext& ctx, bool allow_interval) {
  ops::CheckArity(call, 1, 1);
  ExprPtr& x = call.children[0];
  if (IsNullT(x->type) || IsString(x->type)) x = CoerceTo(x, DataType::Double(), ctx);
  if (x->type->IsNumeric() || (allow_interval && IsInterval(x->type))) return x->type;
  ops::ThrowUnexpectedInput(call, 0, "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\")");
}

TypePtr BindBitwise(Expr& call, const EvalContext& ctx) {
  ops::CheckArity(call, 2, 2);
  auto& c = call.children;
  CoerceNullOperands(call, ctx, DataType::Long());
  PromoteStrings(call, ctx);
  for (const auto& ch : c) {
    if (!ch->type->IsIntegral()) ops::ThrowBinaryWrongType(call, "\"INTEGRAL\"", ch->type);
  }
  TypePtr t = FindTightestCommonType(c[0]->type, c[1]->type, ctx.ansi_enabled);
  c[0] = CoerceTo(c[0], t, ctx);
  c[1] = CoerceTo(c[1], t, ctx);
  return t;
}

TypePtr BindBitNot(Expr& call, const EvalContext& ctx) {
  ops::CheckArity(call, 1, 1);
  ExprPtr& x = call.children[0];
  if (IsNullT(x->type) || IsString(x->type)) x = CoerceTo(x, DataType::Long(), ctx);
  if (!x->type->IsIntegral()) ops::ThrowUnexpectedInput(call, 0, "\"INTEGRAL\"");
  return x->type;
}

// ---- kernels ----

enum class Status { kOk, kOverflow, kDivZero };

// Runs `f(x, y, &out) -> Status` over two fixed-width columns of types A and B into R.
template <typename R, typename A, typename B, typename F>
VectorPtr BinaryLoop(const Expr& call, const KernelArgs& a, OnError mode, Op op, F&& f) {
  size_t n = a.num_rows;
  VectorPtr out = std::make_shared<Vector>(call.type);
  out->ResizeForOverwrite(n);  // every row is written below
  PropagateNulls(a, out.get());
  const A* x = a.args[0]->data<A>();
  const B* y = a.args[1]->data<B>();
  R* o = out->data<R>();
  for (size_t i = 0; i < n; ++i) {
    Status s = f(x[i], y[i], &o[i]);
    if (s == Status::kOk) continue;
    if (out->IsNull(i)) {
      o[i] = R{};  // f may not have written it
      continue;
    }
    if (s == Status::kDivZero) {
      if (mode == OnError::kRaise) throw ExecutionError(ops::DivideByZeroMessage());
      out->SetNull(i);
      o[i] = R{};
      continue;
    }
    if (mode == OnError::kRaise) {
      throw ExecutionError(ops::ArithmeticOverflowMessage(OverflowWhat(call.type->id()), TryName(op)));
    }
    if (mode == OnError::kNull) {
      out->SetNull(i);
      o[i] = R{};
    }
  }
  return out;
}

// Division of 64-bit unsigned numbers by a fixed d >= 2 without a hardware divide per row
// (Granlund and Montgomery, "Division by invariant integers using multiplication", round-up
// method with an added term): with p = ceil(log2 d) and m = floor(2^64 (2^p - d) / d) + 1,
// t = floor(m x / 2^64) and x / d = (t + (x - t) / 2) >> (p - 1), exact for every 64-bit x. The
// remainder is x - (x / d) d.
class ConstantDivisor {
 public:
  using U128 = unsigned __int128;
  /// REQUIRES: d >= 2.
  explicit ConstantDivisor(uint64_t d) : d_(d) {
    int p = 64 - std::countl_zero(d - 1);  // ceil(log2 d), in [1, 64]
    shift_ = p - 1;
    U128 two_p = U128{1} << p;             // up to 2^64
    m_ = static_cast<uint64_t>(((two_p - d) << 64) / d + 1);
  }

  uint64_t Quotient(uint64_t x) const {
    auto t = static_cast<uint64_t>((static_cast<U128>(m_) * x) >> 64);
    return (t + ((x - t) >> 1)) >> shift_;
  }
  uint64_t Remainder(uint64_t x) const { return x - Quotient(x) * d_; }

 private:
  uint64_t d_;
  uint64_t m_;
  int shift_;
};

// x % y (sign of x) or x div y (truncated) when y is a literal with |y| >= 2, where neither can
// fail; nullptr otherwise (the general loop handles 0, -1 and 1).
template <typename T>
VectorPtr ConstantDivisionKernel(const Expr& call, const KernelArgs& a, Op op) {
  if (a.constant.size() < 2 || !a.constant[1] || a.num_rows == 0 || a.args[1]->IsNull(0)) return nullptr;
  const int64_t y = a.args[1]->Get<T>(0);
  if (y >= -1 && y <= 1) return nullptr;
  const uint64_t abs_y = y < 0 ? uint64_t{0} - static_cast<uint64_t>(y) : static_cast<uint64_t>(y);
  const ConstantDivisor divisor(abs_y);
  size_t n = a.num_rows;
  VectorPtr out = std::make_shared<Vector>(call.type);
  out->ResizeForOverwrite(n);  // every row is written below
  PropagateNulls(a, out.get());
  const T* x = a.args[0]->data<T>();
  T* o = out->data<T>();
  for (size_t i = 0; i < n; ++i) {
    const int64_t xi = x[i];
    const uint64_t abs_x = xi < 0 ? uint64_t{0} - static_cast<uint64_t>(xi) : static_cast<uint64_t>(xi);
    if (op == Op::kRem) {
      auto r = static_cast<int64_t>(divisor.Remainder(abs_x));
      o[i] = static_cast<T>(xi < 0 ? -r : r);
    } else {
      auto q = static_cast<int64_t>(divisor.Quotient(abs_x));
      o[i] = static_cast<T>((xi < 0) != (y < 0) ? -q : q);
    }
  }
  // Null rows keep whatever their storage computed, as in BinaryLoop.
  return out;
}

template <typename T>
VectorPtr IntegralKernel(const Expr& call, const KernelArgs& a, OnError mode, Op op) {
  if (op == Op::kRem || op == Op::kIntDiv) {
    if (VectorPtr fast = ConstantDivisionKernel<T>(call, a, op)) return fast;
  }
  switch (op) {
    case Op::kAdd:
      return BinaryLoop<T, T, T>(call, a, mode, op, [](T x, T y, T* o) {
        return __builtin_add_overflow(x, y, o) ? Status::kOverflow : Status::kOk;
      });
    case Op::kSub:
      return BinaryLoop<T, T, T>(call, a, mode, op, [](T x, T y, T* o) {
        return __builtin_sub_overflow(x, y, o) ? Status::kOverflow : Status::kOk;
      });
    case Op::kMul:
      return BinaryLoop<T, T, T>(call, a, mode, op, [](T x, T y, T* o) {
        return __builtin_mul_overflow(x, y, o) ? Status::kOverflow : Status::kOk;
      });
    case Op::kRem:
      return BinaryLoop<T, T, T>(call, a, mode, op, [](T x, T y, T* o) {
        if (y == 0) return Status::kDivZero;
        *o = y == -1 ? T{0} : static_cast<T>(x % y);
        return Status::kOk;
      });
    case Op::kIntDiv:
      return BinaryLoop<T, T, T>(call, a, mode, op, [](T x, T y, T* o) {
        if (y == 0) return Status::kDivZero;
        if (y == -1 && x == std::numeric_limits<T>::min()) {
          *o = x;  // wraps, as Java
          return Status::kOverflow;
        }
        *o = static_cast<T>(x / y);
        return Status::kOk;
      });
    case Op::kDiv:
      break;
  }
  throw InternalError("integral kernel for '/'");
}

template <typename T>
VectorPtr FloatingKernel(const Expr& call, const KernelArgs& a, OnError mode, Op op) {
  switch (op) {
    case Op::kAdd:
      return BinaryLoop<T, T, T>(call, a, mode, op, [](T x, T y, T* o) { *o = x + y; return Status::kOk; });
    case Op::kSub:
      return BinaryLoop<T, T, T>(call, a, mode, op, [](T x, T y, T* o) { *o = x - y; return Status::kOk; });
    case Op::kMul:
      return BinaryLoop<T, T, T>(call, a, mode, op, [](T x, T y, T* o) { *o = x * y; return Status::kOk; });
    case Op::kDiv:
      return BinaryLoop<T, T, T>(call, a, mode, op, [](T x, T y, T* o) {
        if (y == 0) return Status::kDivZero;
        *o = x / y;
        return Status::kOk;
      });
    case Op::kRem:
      return BinaryLoop<T, T, T>(call, a, mode, op, [](T x, T y, T* o) {
        if (y == 0) return Status::kDivZero;
        *o = std::fmod(x, y);
        return Status::kOk;
      });
    case Op::kIntDiv:
      break;
  }
  throw InternalError("floating kernel for div");
}

VectorPtr DecimalKernel(const Expr& call, const KernelArgs& a, OnError mode, Op op) {
  size_t n = a.num_rows;
  const TypePtr& rt = call.type;
  int s1 = a.args[0]->type()->scale(), s2 = a.args[1]->type()->scale();
  int p = rt->precision(), s = rt->scale();
  bool long_result = rt->id() == TypeId::kLong;
  VectorPtr out = NewFixed(rt, n);
  PropagateNulls(a, out.get());
  const int128_t* x = a.args[0]->data<int128_t>();
  const int128_t* y = a.args[1]->data<int128_t>();
  for (size_t i = 0; i < n; ++i) {
    if (out->IsNull(i)) continue;
    int128_t r = 0;
    bool ok = true, div_zero = false;
    switch (op) {
      case Op::kAdd:
      case Op::kSub: {
        int ms = std::max(s1, s2);
        int128_t u, v;
        ok = decimal::Rescale(x[i], s1, ms, &u) && decimal::Rescale(y[i], s2, ms, &v) &&
             !(op == Op::kAdd ? __builtin_add_overflow(u, v, &r) : __builtin_sub_overflow(u, v, &r)) &&
             decimal::ToPrecision(r, ms, p, s, &r);
        break;
      }
      case Op::kMul:
        ok = !__builtin_mul_overflow(x[i], y[i], &r) && decimal::ToPrecision(r, s1 + s2, p, s, &r);
        break;
      case Op::kDiv: {
        if (y[i] == 0) {
          div_zero = true;
          break;
        }
        int k = s - s1 + s2;
        int128_t num = x[i], den = y[i];
        if (k >= 0) {
          ok = decimal::Rescale(num, 0, k, &num);
        } else {
          ok = decimal::Rescale(den, 0, -k, &den);
        }
        if (ok) {
          r = decimal::DivRoundHalfUp(num, den);
          ok = decimal::FitsPrecision(r, p);
        }
        break;
      }
      case Op::kRem: {
        if (y[i] == 0) {
          div_zero = true;
          break;
        }
        int ms = std::max(s1, s2);
        int128_t u, v;
        ok = decimal::Rescale(x[i], s1, ms, &u) && decimal::Rescale(y[i], s2, ms, &v);
        if (ok) {
          r = u % v;
          ok = decimal::ToPrecision(r, ms, p, s, &r);
        }
        break;
      }
      case Op::kIntDiv: {
        if (y[i] == 0) {
          div_zero = true;
          break;
        }
        // Same scale on both sides (bind casts to the wider decimal).
        r = x[i] / y[i];
        ok = r >= std::numeric_limits<int64_t>::min() && r <= std::numeric_limits<int64_t>::max();
        break;
      }
    }
    if (div_zero) {
      if (mode == OnError::kRaise) throw ExecutionError(ops::DivideByZeroMessage());
      out->SetNull(i);
      continue;
    }
    if (!ok) {
      if (mode == OnError::kRaise) {
        if (long_result) throw ExecutionError(ops::ArithmeticOverflowMessage("long overflow", TryName(op)));
        throw ExecutionError(DecimalOutOfRangeMessage("Decimal result", p, s));
      }
      out->SetNull(i);
      continue;
    }
    if (long_result) {
      out->data<int64_t>()[i] = static_cast<int64_t>(r);
    } else {
      out->data<int128_t>()[i] = r;
    }
  }
  return out;
}

// Datetime and interval arithmetic for + and -.
VectorPtr DatetimeKernel(const Expr& call, const KernelArgs& a, OnError mode, Op op) {
  const TypePtr& lt = a.args[0]->type();
  const TypePtr& rt = a.args[1]->type();
  const TypePtr& out_t = call.type;
  int sign = op == Op::kSub ? -1 : 1;
  auto overflow = [&](int64_t x, int64_t y, int64_t* o) {
    bool of = sign > 0 ? __builtin_add_overflow(x, y, o) : __builtin_sub_overflow(x, y, o);
    return of ? Status::kOverflow : Status::kOk;
  };
  if (out_t->id() == TypeId::kDate) {
    // date +/- days, date +/- whole-day interval, days + date.
    if (IsDate(lt) && rt->id() == TypeId::kInt) {
      return BinaryLoop<int32_t, int32_t, int32_t>(call, a, mode, op, [&](int32_t d, int32_t k, int32_t* o) {
        int64_t v = static_cast<int64_t>(d) + sign * static_cast<int64_t>(k);
        *o = static_cast<int32_t>(v);
        return v == *o ? Status::kOk : Status::kOverflow;
      });
    }
    if (lt->id() == TypeId::kInt && IsDate(rt)) {
      return BinaryLoop<int32_t, int32_t, int32_t>(call, a, mode, op, [&](int32_t k, int32_t d, int32_t* o) {
        int64_t v = static_cast<int64_t>(d) + k;
        *o = static_cast<int32_t>(v);
        return v == *o ? Status::kOk : Status::kOverflow;
      });
    }
    if (IsDate(lt) && IsInterval(rt)) {
      return BinaryLoop<int32_t, int32_t, int64_t>(call, a, mode, op, [&](int32_t d, int64_t iv, int32_t* o) {
        *o = static_cast<int32_t>(d + sign * (iv / kMicrosPerDay));
        return Status::kOk;
      });
    }
    if (IsInterval(lt) && IsDate(rt)) {
      return BinaryLoop<int32_t, int64_t, int32_t>(call, a, mode, op, [&](int64_t iv, int32_t d, int32_t* o) {
        *o = static_cast<int32_t>(d + iv / kMicrosPerDay);
        return Status::kOk;
      });
    }
  }
  if (IsTs(out_t) || IsInterval(out_t)) {
    if (IsDate(lt) && IsDate(rt)) {
      return BinaryLoop<int64_t, int32_t, int32_t>(call, a, mode, op, [&](int32_t x, int32_t y, int64_t* o) {
        *o = (static_cast<int64_t>(x) - y) * kMicrosPerDay;
        return Status::kOk;
      });
    }
    if (IsInterval(lt) && !IsInterval(rt)) {
      // interval + timestamp
      return BinaryLoop<int64_t, int64_t, int64_t>(call, a, mode, op, [&](int64_t iv, int64_t ts, int64_t* o) {
        return __builtin_add_overflow(ts, iv, o) ? Status::kOverflow : Status::kOk;
      });
    }
    return BinaryLoop<int64_t, int64_t, int64_t>(call, a, mode, op, overflow);
  }
  throw InternalError("unsupported datetime arithmetic " + call.ToString());
}

bool IsDatetimeArithmetic(const KernelArgs& a, const TypePtr& out) {
  auto dt = [](const TypePtr& t) { return t->IsDatetime() || t->id() == TypeId::kInterval; };
  return dt(a.args[0]->type()) || dt(a.args[1]->type()) || dt(out);
}

VectorPtr ArithmeticKernel(const Expr& call, const KernelArgs& a, const EvalContext& ctx, Op op, bool is_try) {
  OnError mode = ErrorMode(is_try, ctx);
  const TypePtr& in = a.args[0]->type();
  if ((op == Op::kAdd || op == Op::kSub) && IsDatetimeArithmetic(a, call.type)) {
    return DatetimeKernel(call, a, mode, op);
  }
  if ((op == Op::kMul || op == Op::kDiv) && IsInterval(call.type)) {
    size_t iv_arg = IsInterval(a.args[0]->type()) ? 0 : 1;
    const Vector& num = *a.args[1 - iv_arg];
    const Vector& iv = *a.args[iv_arg];
    size_t n = a.num_rows;
    VectorPtr out = NewFixed(call.type, n);
    PropagateNulls(a, out.get());
    int64_t* o = out->data<int64_t>();
    for (size_t i = 0; i < n; ++i) {
      if (out->IsNull(i)) continue;
      int64_t micros = iv.Get<int64_t>(i);
      bool overflow = false, div_zero = false;
      if (num.type_id() == TypeId::kLong) {
        int64_t k = num.Get<int64_t>(i);
        if (op == Op::kMul) {
          overflow = __builtin_mul_overflow(micros, k, &o[i]);
        } else if (k == 0) {
          div_zero = true;
        } else {
          o[i] = static_cast<int64_t>(decimal::DivRoundHalfUp(micros, k));
        }
      } else {
        double k = num.Get<double>(i);
        double r = op == Op::kMul ? micros * k : (k == 0 ? 0 : micros / k);
        if (op == Op::kDiv && k == 0) {
          div_zero = true;
        } else if (std::isnan(r) || r >= 9.2233720368547758e18 || r < -9.2233720368547758e18) {
          overflow = true;
        } else {
          o[i] = static_cast<int64_t>(std::round(r));
        }
      }
      if (div_zero) {
        if (mode == OnError::kRaise) throw ExecutionError(ops::DivideByZeroMessage());
        out->SetNull(i);
      } else if (overflow) {
        if (mode == OnError::kRaise) throw ExecutionError(ops::ArithmeticOverflowMessage("long overflow", TryName(op)));
        out->SetNull(i);
      }
    }
    return out;
  }
  switch (in->id()) {
    case TypeId::kByte: return IntegralKernel<int8_t>(call, a, mode, op);
    case TypeId::kShort: return IntegralKernel<int16_t>(call, a, mode, op);
    case TypeId::kInt: return IntegralKernel<int32_t>(call, a, mode, op);
    case TypeId::kLong: return IntegralKernel<int64_t>(call, a, mode, op);
    case TypeId::kFloat: return FloatingKernel<float>(call, a, mode, op);
    case TypeId::kDouble: return FloatingKernel<double>(call, a, mode, op);
    case TypeId::kDecimal: return DecimalKernel(call, a, mode, op);
    default: break;
  }
  throw InternalError("no arithmetic kernel for " + in->Sql());
}

VectorPtr NegateKernel(const Expr& call, const KernelArgs& a, const EvalContext& ctx, bool abs) {
  size_t n = a.num_rows;
  const Vector& x = *a.args[0];
  VectorPtr out = NewFixed(call.type, n);
  PropagateNulls(a, out.get());
  OnError mode = ErrorMode(false, ctx);
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const T* src = x.data<T>();
    T* o = out->data<T>();
    for (size_t i = 0; i < n; ++i) {
      T v = src[i];
      if (abs && !(v < 0)) {
        o[i] = v;
        continue;
      }
      if constexpr (std::is_integral_v<T>) {
        if (v == std::numeric_limits<T>::min()) {
          if (out->IsNull(i)) continue;
          if (mode == OnError::kRaise) {
            throw ExecutionError(ops::ArithmeticOverflowMessage(OverflowWhat(call.type->id()), ""));
          }
          o[i] = v;  // wraps
          continue;
        }
        o[i] = static_cast<T>(-v);
      } else {
        o[i] = -v;
      }
    }
  };
  switch (x.type_id()) {
    case TypeId::kByte: run(int8_t{}); break;
    case TypeId::kShort: run(int16_t{}); break;
    case TypeId::kInt: run(int32_t{}); break;
    case TypeId::kLong:
    case TypeId::kInterval: run(int64_t{}); break;
    case TypeId::kFloat: run(float{}); break;
    case TypeId::kDouble: run(double{}); break;
    case TypeId::kDecimal: {
      const int128_t* src = x.data<int128_t>();
      int128_t* o = out->data<int128_t>();
      for (size_t i = 0; i < n; ++i) o[i] = abs && src[i] >= 0 ? src[i] : -src[i];
      break;
    }
    default: throw InternalError("negate of " + x.type()->Sql());
  }
  return out;
}

template <typename F>
VectorPtr BitwiseKernel(const Expr& call, const KernelArgs& a, F&& f) {
  size_t n = a.num_rows;
  VectorPtr out = NewFixed(call.type, n);
  PropagateNulls(a, out.get());
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const T* x = a.args[0]->data<T>();
    const T* y = a.args.size() > 1 ? a.args[1]->data<T>() : x;
    T* o = out->data<T>();
    for (size_t i = 0; i < n; ++i) o[i] = static_cast<T>(f(x[i], y[i]));
  };
  switch (call.type->id()) {
    case TypeId::kByte: run(int8_t{}); break;
    case TypeId::kShort: run(int16_t{}); break;
    case TypeId::kInt: run(int32_t{}); break;
    case TypeId::kLong: run(int64_t{}); break;
    default: throw InternalError("bitwise op on " + call.type->Sql());
  }
  return out;
}

void AddArith(FunctionRegistry& r, const std::string& name, Op op, bool is_try) {
  auto bind = [op](Expr& call, const EvalContext& ctx) -> TypePtr {
    switch (op) {
      case Op::kAdd:
      case Op::kSub: return BindAddSub(call, ctx, op);
      case Op::kMul: return BindMul(call, ctx);
      case Op::kDiv: return BindDiv(call, ctx);
      case Op::kRem: return BindRem(call, ctx);
      case Op::kIntDiv: return BindIntDiv(call, ctx);
    }
    return nullptr;
  };
  ops::Add(r, name, bind,
           [op, is_try](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
             return ArithmeticKernel(call, a, ctx, op, is_try);
           });
}

}  // namespace

void RegisterArithmeticFunctions(FunctionRegistry& r) {
  AddArith(r, "+", Op::kAdd, false);
  AddArith(r, "-", Op::kSub, false);
  AddArith(r, "*", Op::kMul, false);
  AddArith(r, "/", Op::kDiv, false);
  AddArith(r, "%", Op::kRem, false);
  AddArith(r, "div", Op::kIntDiv, false);
  AddArith(r, "try_add", Op::kAdd, true);
  AddArith(r, "try_subtract", Op::kSub, true);
  AddArith(r, "try_multiply", Op::kMul, true);
  AddArith(r, "try_divide", Op::kDiv, true);
  AddArith(r, "try_mod", Op::kRem, true);
  r.Alias("mod", "%");
  ops::Add(
      r, "negative", [](Expr& call, const EvalContext& ctx) { return BindUnaryNumeric(call, ctx, true); },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        return NegateKernel(call, a, ctx, false);
      });
  ops::Add(
      r, "positive", [](Expr& call, const EvalContext& ctx) { return BindUnaryNumeric(call, ctx, true); },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) { return a.args[0]; });
  ops::Add(
      r, "abs", [](Expr& call, const EvalContext& ctx) { return BindUnaryNumeric(call, ctx, true); },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        return NegateKernel(call, a, ctx, true);
      });
  ops::Add(r, "&", BindBitwise, [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
    return BitwiseKernel(call, a, [](auto x, auto y) { return x & y; });
  });
  ops::Add(r, "|", BindBitwise, [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
    return BitwiseKernel(call, a, [](auto x, auto y) { return x | y; });
  });
  ops::Add(r, "^", BindBitwise, [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
    return BitwiseKernel(call, a, [](auto x, auto y) { return x ^ y; });
  });
  ops::Add(r, "~", BindBitNot, [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
    return BitwiseKernel(call, a, [](auto x, auto) { return ~x; });
  });
}

}  // namespace sluice
