// Building blocks of the operator kernels (arithmetic, comparison, predicates, conditionals):
// result allocation, NULL propagation, dispatch on the physical type of a column, and Spark's
// error texts for binary operators. Private to src/expr/. Stateless, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "columnar/vector.h"
#include "expr/expression.h"
#include "expr/function_registry.h"
#include "sluice/exception.h"
#include "sluice/types.h"

namespace sluice::ops {

/// A fixed-width vector of `n` valid zero rows.
inline VectorPtr NewFixed(const TypePtr& type, size_t n) {
  auto v = std::make_shared<Vector>(type);
  v->Resize(n);
  return v;
}

/// Marks row i of `out` NULL wherever any argument is NULL. Returns true if any row is NULL.
inline bool PropagateNulls(const KernelArgs& a, Vector* out) {
  bool any = false;
  for (const auto& arg : a.args) {
    if (!arg->MayHaveNulls()) continue;
    for (size_t i = 0; i < a.num_rows; ++i) {
      if (arg->IsNull(i)) {
        out->SetNull(i);
        any = true;
      }
    }
  }
  return any;
}

/// Calls f(tag) with a value of the C type that stores `id` (BOOLEAN as uint8_t, DATE as int32_t,
/// timestamps/intervals as int64_t, DECIMAL as int128_t). Returns false for other types.
template <typename F>
bool DispatchFixed(TypeId id, F&& f) {
  switch (id) {
    case TypeId::kBoolean: f(uint8_t{}); return true;
    case TypeId::kByte: f(int8_t{}); return true;
    case TypeId::kShort: f(int16_t{}); return true;
    case TypeId::kInt:
    case TypeId::kDate: f(int32_t{}); return true;
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kInterval: f(int64_t{}); return true;
    case TypeId::kFloat: f(float{}); return true;
    case TypeId::kDouble: f(double{}); return true;
    case TypeId::kDecimal: f(int128_t{}); return true;
    default: return false;
  }
}

/// "[ARITHMETIC_OVERFLOW] integer overflow. Use 'try_add' to tolerate overflow and return NULL
/// instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error."
inline std::string ArithmeticOverflowMessage(std::string_view what, std::string_view try_fn) {
  std::string hint = try_fn.empty() ? std::string() : fmt::format(" Use '{}' to tolerate overflow and return NULL instead.", try_fn);
  return fmt::format(
      "[ARITHMETIC_OVERFLOW] {}.{} If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
      "this error. SQLSTATE: 22003",
      what, hint);
}

/// "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL
/// instead. ..."
inline std::string DivideByZeroMessage() {
  return "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return "
         "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error. "
         "SQLSTATE: 22012";
}

inline std::string QuotedSql(const TypePtr& t) { return "\"" + (t ? t->Sql() : std::string("VOID")) + "\""; }

/// "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve "(a + b)" due to data type mismatch:
/// the left and right operands of the binary operator have incompatible types ("INT" and "BOOLEAN")."
[[noreturn]] inline void ThrowBinaryDiffTypes(const Expr& call) {
  throw AnalysisError(fmt::format(
      "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"{}\" due to data type mismatch: the "
      "left and right operands of the binary operator have incompatible types ({} and {}).",
      call.ToSql(), QuotedSql(call.children[0]->type), QuotedSql(call.children[1]->type)));
}

/// "[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE] Cannot resolve "(a AND b)" due to data type mismatch:
/// the binary operator requires the input type "BOOLEAN", not "INT"."
[[noreturn]] inline void ThrowBinaryWrongType(const Expr& call, std::string_view required,
                                              const TypePtr& actual) {
  throw AnalysisError(fmt::format(
      "[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE] Cannot resolve \"{}\" due to data type mismatch: the "
      "binary operator requires the input type {}, not {}.",
      call.ToSql(), required, QuotedSql(actual)));
}

/// "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "f(x)" due to data type mismatch: The
/// first parameter requires the "BOOLEAN" type, however "x" has the type "INT"."
[[noreturn]] inline void ThrowUnexpectedInput(const Expr& call, size_t arg, std::string_view required) {
  static const char* const kOrd[] = {"first", "second", "third", "fourth", "fifth",
                                     "sixth", "seventh", "eighth", "ninth", "tenth"};
  std::string ord = arg < 10 ? kOrd[arg] : fmt::format("{}th", arg + 1);
  throw AnalysisError(fmt::format(
      "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"{}\" due to data type mismatch: The "
      "{} parameter requires the {} type, however \"{}\" has the type {}.",
      call.ToSql(), ord, required, call.children[arg]->ToSql(), QuotedSql(call.children[arg]->type)));
}

/// "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `f` requires 2 parameters but the actual number is 3."
inline void CheckArity(const Expr& call, size_t min_args, size_t max_args) {
  size_t n = call.children.size();
  if (n >= min_args && n <= max_args) return;
  std::string expected = min_args == max_args ? std::to_string(min_args)
                         : max_args == SIZE_MAX ? fmt::format("at least {}", min_args)
                                                : fmt::format("[{}, {}]", min_args, max_args);
  throw AnalysisError(fmt::format(
      "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `{}` requires {} parameters but the actual number is "
      "{}. Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
      call.name, expected, n));
}

/// Three-way comparison with Spark's ordering of doubles: NaN equals NaN and is larger than any
/// other value; -0.0 equals 0.0.
template <typename T>
inline int CompareScalar(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    bool na = a != a, nb = b != b;
    if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  }
  return a < b ? -1 : (b < a ? 1 : 0);
}

/// Registers a function with the given parts.
inline void Add(FunctionRegistry& r, std::string name,
                std::function<TypePtr(Expr&, const EvalContext&)> bind,
                std::function<VectorPtr(const Expr&, const KernelArgs&, const FunctionState&,
                                        const EvalContext&)>
                    kernel,
                bool null_intolerant = true) {
  ScalarFunction f;
  f.name = std::move(name);
  f.bind = std::move(bind);
  f.kernel = std::move(kernel);
  f.null_intolerant = null_intolerant;
  r.Register(std::move(f));
}

}  // namespace sluice::ops

namespace sluice::ops {

/// Equality of row i of `a` and row j of `b` (same type, both valid), with Spark's NaN rule.
inline bool RowsEqual(const Vector& a, size_t i, const Vector& b, size_t j) {
  bool eq = false;
  if (DispatchFixed(a.type_id(), [&](auto tag) {
        using T = decltype(tag);
        eq = CompareScalar<T>(a.Get<T>(i), b.Get<T>(j)) == 0;
      })) {
    return eq;
  }
  if (a.type()->IsStringLike()) return a.GetString(i) == b.GetString(j);
  return a.CompareRows(i, b, j) == 0;
}

/// Three-way comparison of row i of `a` and row j of `b` (same type, both valid).
inline int RowsCompare(const Vector& a, size_t i, const Vector& b, size_t j) {
  int c = 0;
  if (DispatchFixed(a.type_id(), [&](auto tag) {
        using T = decltype(tag);
        c = CompareScalar<T>(a.Get<T>(i), b.Get<T>(j));
      })) {
    return c;
  }
  if (a.type()->IsStringLike()) {
    int r = a.GetString(i).compare(b.GetString(j));
    return r < 0 ? -1 : (r > 0 ? 1 : 0);
  }
  return a.CompareRows(i, b, j);
}

}  // namespace sluice::ops
