// Building blocks shared by the built-in scalar function families (string, datetime, json,
// collection, math): Spark-style argument checks and implicit casts for `bind`, constant-argument
// reading, and small UTF-8 routines used by kernels. Private to src/expr/functions/.
// Thread-safe: stateless functions only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "columnar/vector.h"
#include "expr/evaluator.h"
#include "expr/expression.h"
#include "expr/function_registry.h"
#include "expr/type_coercion.h"
#include "sluice/exception.h"
#include "sluice/types.h"

namespace sluice::scalar {

/// English ordinal as Spark's error messages spell it ("first", "second", ...).
inline std::string Ordinal(size_t i) {
  static const char* const kNames[] = {"first", "second", "third", "fourth", "fifth",
                                       "sixth", "seventh", "eighth", "ninth", "tenth"};
  if (i < 10) return kNames[i];
  return fmt::format("{}th", i + 1);
}

/// Spark's quoted type name in messages: "INT", "ARRAY<STRING>".
inline std::string QuotedType(const TypePtr& t) { return "\"" + (t ? t->Sql() : "VOID") + "\""; }

/// Throws "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "f(x)" due to data type
/// mismatch: The first parameter requires the "STRING" type, however "x" has the type "ARRAY<INT>"."
[[noreturn]] inline void ThrowUnexpectedType(const Expr& call, size_t arg, std::string_view required) {
  const Expr& a = *call.children[arg];
  throw AnalysisError(fmt::format(
      "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"{}\" due to data type mismatch: "
      "The {} parameter requires the {} type, however \"{}\" has the type {}.",
      call.ToSql(), Ordinal(arg), required, a.ToSql(), QuotedType(a.type)));
}

/// Throws "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `f` requires 2 parameters but the actual number is 3."
inline void CheckArgCount(const Expr& call, size_t min_args, size_t max_args) {
  size_t n = call.children.size();
  if (n >= min_args && n <= max_args) return;
  std::string expected = min_args == max_args ? std::to_string(min_args)
                         : max_args == SIZE_MAX
                             ? fmt::format("at least {}", min_args)
                             : fmt::format("[{}, {}]", min_args, max_args);
  throw AnalysisError(fmt::format(
      "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `{}` requires {} parameters but the actual number "
      "is {}. Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
      call.name, expected, n));
}

/// Wraps `e` in a resolved CAST to `type` unless it already has that type.
inline ExprPtr CastTo(const ExprPtr& e, const TypePtr& type, const EvalContext& ctx) {
  if (e->type && e->type->Equals(*type)) return e;
  return CoerceTo(e, type, ctx);
}

/// Spark's findWiderTypeForTwo under the session's ANSI setting; null if none.
inline TypePtr WiderType(const TypePtr& a, const TypePtr& b, const EvalContext& ctx) {
  return FindWiderTypeForTwo(a, b, ctx.ansi_enabled);
}

inline bool IsAtomic(const TypePtr& t) { return t && !t->IsNested(); }

/// Implicitly casts argument `i` to STRING as Spark does for string functions (any atomic type);
/// nested types are rejected.
inline void CoerceString(Expr& call, size_t i, const EvalContext& ctx) {
  const TypePtr& t = call.children[i]->type;
  if (t->id() == TypeId::kString) return;
  if (!IsAtomic(t)) ThrowUnexpectedType(call, i, "\"STRING\"");
  call.children[i] = CastTo(call.children[i], DataType::String(), ctx);
}

/// STRING or BINARY kept as is; other atomic types cast to STRING.
inline void CoerceStringOrBinary(Expr& call, size_t i, const EvalContext& ctx) {
  const TypePtr& t = call.children[i]->type;
  if (t->IsStringLike()) return;
  if (!IsAtomic(t)) ThrowUnexpectedType(call, i, "(\"STRING\" or \"BINARY\")");
  call.children[i] = CastTo(call.children[i], DataType::String(), ctx);
}

/// BINARY kept; STRING (and other atomic types) cast to BINARY through STRING.
inline void CoerceBinary(Expr& call, size_t i, const EvalContext& ctx) {
  const TypePtr& t = call.children[i]->type;
  if (t->id() == TypeId::kBinary) return;
  if (!IsAtomic(t)) ThrowUnexpectedType(call, i, "\"BINARY\"");
  if (t->id() != TypeId::kString && t->id() != TypeId::kNull)
    call.children[i] = CastTo(call.children[i], DataType::String(), ctx);
  call.children[i] = CastTo(call.children[i], DataType::Binary(), ctx);
}

/// Integral (or NULL, or a STRING that Spark would implicitly cast) argument cast to `target`
/// (INT or BIGINT).
inline void CoerceIntegral(Expr& call, size_t i, const TypePtr& target, const EvalContext& ctx) {
  const TypePtr& t = call.children[i]->type;
  if (t->IsIntegral() || t->id() == TypeId::kNull || t->id() == TypeId::kString) {
    call.children[i] = CastTo(call.children[i], target, ctx);
    return;
  }
  ThrowUnexpectedType(call, i, QuotedType(target));
}

/// Numeric (or NULL/STRING) argument cast to DOUBLE.
inline void CoerceDouble(Expr& call, size_t i, const EvalContext& ctx) {
  const TypePtr& t = call.children[i]->type;
  if (t->IsNumeric() || t->id() == TypeId::kNull || t->id() == TypeId::kString) {
    call.children[i] = CastTo(call.children[i], DataType::Double(), ctx);
    return;
  }
  ThrowUnexpectedType(call, i, "\"DOUBLE\"");
}

/// True if `e` can be evaluated without input rows (Spark's `foldable`).
inline bool IsFoldable(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kLiteral:
      return true;
    case ExprKind::kColumn:
    case ExprKind::kBoundColumn:
    case ExprKind::kStar:
      return false;
    case ExprKind::kCall:
      if (e.function && !e.function->deterministic) return false;
      break;
    default:
      break;
  }
  for (const auto& c : e.children)
    if (!IsFoldable(*c)) return false;
  return true;
}

/// The value of a foldable argument, or nullopt when it is not foldable.
inline std::optional<Value> ConstantValue(const Expr& e, const EvalContext& ctx) {
  if (e.kind == ExprKind::kLiteral) return e.literal;
  if (!IsFoldable(e)) return std::nullopt;
  return EvaluateConstant(e, ctx);
}

/// Row-wise NULL test over all arguments.
inline bool AnyNull(const KernelArgs& a, size_t row) {
  for (const auto& v : a.args)
    if (v->IsNull(row)) return true;
  return false;
}

/// A fixed-width result vector of `n` valid zero rows.
inline VectorPtr MakeFixedResult(const TypePtr& type, size_t n) {
  auto v = std::make_shared<Vector>(type);
  v->Resize(n);
  return v;
}

/// An empty result vector to be filled with Append*.
inline VectorPtr MakeResult(const TypePtr& type, size_t n) {
  auto v = std::make_shared<Vector>(type);
  v->Reserve(n);
  return v;
}

/// Builds a STRING/BINARY result row by row. `f(row, &out)` returns false for a NULL result. Rows
/// with a NULL argument are NULL when `skip_nulls` is true.
template <typename F>
VectorPtr BuildStrings(const TypePtr& type, const KernelArgs& a, F&& f, bool skip_nulls = true) {
  auto out = MakeResult(type, a.num_rows);
  std::string buf;
  for (size_t row = 0; row < a.num_rows; ++row) {
    if (skip_nulls && AnyNull(a, row)) {
      out->AppendNull();
      continue;
    }
    buf.clear();
    if (f(row, &buf)) {
      out->AppendString(buf);
    } else {
      out->AppendNull();
    }
  }
  return out;
}

/// Builds a fixed-width result of C++ type T row by row; `f(row, &value)` returns false for NULL.
template <typename T, typename F>
VectorPtr BuildFixed(const TypePtr& type, const KernelArgs& a, F&& f, bool skip_nulls = true) {
  auto out = MakeFixedResult(type, a.num_rows);
  T* data = out->data<T>();
  for (size_t row = 0; row < a.num_rows; ++row) {
    if (skip_nulls && AnyNull(a, row)) {
      out->SetNull(row);
      continue;
    }
    T v{};
    if (f(row, &v)) {
      data[row] = v;
    } else {
      out->SetNull(row);
    }
  }
  return out;
}

/// Integral argument value of any integral/date physical type as int64.
inline int64_t GetIntegral(const Vector& v, size_t row) {
  switch (v.type_id()) {
    case TypeId::kBoolean:
      return v.Get<uint8_t>(row);
    case TypeId::kByte:
      return v.Get<int8_t>(row);
    case TypeId::kShort:
      return v.Get<int16_t>(row);
    case TypeId::kInt:
    case TypeId::kDate:
      return v.Get<int32_t>(row);
    default:
      return v.Get<int64_t>(row);
  }
}

using BindFn = std::function<TypePtr(Expr&, const EvalContext&)>;
using KernelFn = std::function<VectorPtr(const Expr&, const KernelArgs&, const FunctionState&,
                                        const EvalContext&)>;
using PrepareFn = std::function<FunctionState(const Expr&, const EvalContext&)>;

/// Registers a function; `null_intolerant` as in ScalarFunction.
inline void RegisterFn(FunctionRegistry& r, std::string name, BindFn bind, KernelFn kernel,
                       bool null_intolerant = true, PrepareFn prepare = nullptr,
                       bool deterministic = true) {
  ScalarFunction f;
  f.name = std::move(name);
  f.bind = std::move(bind);
  f.kernel = std::move(kernel);
  f.prepare = std::move(prepare);
  f.null_intolerant = null_intolerant;
  f.deterministic = deterministic;
  r.Register(std::move(f));
}

// ---- UTF-8 ----

/// Length in bytes of the UTF-8 sequence that starts with byte `c` (1 for invalid bytes).
inline int Utf8SeqLen(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1;
}

/// Number of characters (code points) in `s`, as Spark's UTF8String.numChars.
inline int64_t Utf8Length(std::string_view s) {
  int64_t n = 0;
  for (size_t i = 0; i < s.size();) {
    i += Utf8SeqLen(static_cast<unsigned char>(s[i]));
    ++n;
  }
  return n;
}

/// Byte offset of character `char_index` (clamped to s.size()).
inline size_t Utf8Offset(std::string_view s, int64_t char_index) {
  size_t i = 0;
  for (int64_t c = 0; c < char_index && i < s.size(); ++c)
    i += Utf8SeqLen(static_cast<unsigned char>(s[i]));
  return i < s.size() ? i : s.size();
}

/// Characters [begin, end) of `s` (character indexes, clamped).
inline std::string_view Utf8Substr(std::string_view s, int64_t begin, int64_t end) {
  if (end <= begin) return {};
  size_t b = Utf8Offset(s, begin);
  size_t e = b;
  for (int64_t c = begin; c < end && e < s.size(); ++c)
    e += Utf8SeqLen(static_cast<unsigned char>(s[e]));
  if (e > s.size()) e = s.size();
  return s.substr(b, e - b);
}

/// Decodes the code point at s[*pos] and advances *pos (invalid bytes decode as themselves).
inline uint32_t Utf8Decode(std::string_view s, size_t* pos) {
  unsigned char c = static_cast<unsigned char>(s[*pos]);
  int len = Utf8SeqLen(c);
  if (len == 1 || *pos + len > s.size()) {
    ++*pos;
    return c;
  }
  uint32_t cp = len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[*pos + k]) & 0x3F);
  *pos += len;
  return cp;
}

inline void Utf8Append(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

/// Splits `s` into code points.
inline std::vector<uint32_t> Utf8CodePoints(std::string_view s) {
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < s.size();) cps.push_back(Utf8Decode(s, &i));
  return cps;
}

}  // namespace sluice::scalar
