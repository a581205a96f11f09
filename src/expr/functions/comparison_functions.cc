// Comparison operators = == != <> < <= > >= <=> and greatest/least.
//
// Both sides are cast to a common type (ComparisonType: numeric widening, STRING promotion as Spark
// 4 ANSI does, DATE vs TIMESTAMP -> TIMESTAMP). Strings compare bytewise; doubles with Spark's NaN
// rule (NaN = NaN, NaN above every other value). <=> is NULL-safe and never NULL.
#include "expr/functions/builtin_functions.h"
#include "expr/functions/operator_kernels.h"
#include "expr/type_coercion.h"

namespace sluice {

namespace {

using ops::NewFixed;

enum class Cmp { kEq, kNe, kLt, kLe, kGt, kGe, kEqNullSafe };

bool Apply(Cmp op, int c) {
  switch (op) {
    case Cmp::kEq:
    case Cmp::kEqNullSafe: return c == 0;
    case Cmp::kNe: return c != 0;
    case Cmp::kLt: return c < 0;
    case Cmp::kLe: return c <= 0;
    case Cmp::kGt: return c > 0;
    case Cmp::kGe: return c >= 0;
  }
  return false;
}

bool IsOrderable(const TypePtr& t) {
  if (t->id() == TypeId::kMap) return false;
  if (t->id() == TypeId::kArray) return IsOrderable(t->element_type());
  if (t->id() == TypeId::kStruct) {
    for (const auto& f : t->fields()) {
      if (!IsOrderable(f.type)) return false;
    }
  }
  return true;
}

TypePtr BindComparison(Expr& call, const EvalContext& ctx, Cmp op) {
  ops::CheckArity(call, 2, 2);
  auto& c = call.children;
  TypePtr t = ComparisonType(c[0]->type, c[1]->type, ctx.ansi_enabled);
  if (!t) ops::ThrowBinaryDiffTypes(call);
  if (t->id() == TypeId::kNull) t = DataType::Boolean();
  if (!IsOrderable(t)) {
    throw AnalysisError(fmt::format(
        "[DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] Cannot resolve \"{}\" due to data type mismatch: "
        "The `{}` does not support ordering on type {}.",
        call.ToSql(), call.name, ops::QuotedSql(t)));
  }
  c[0] = CoerceTo(c[0], t, ctx);
  c[1] = CoerceTo(c[1], t, ctx);
  call.nullable = op != Cmp::kEqNullSafe && (c[0]->nullable || c[1]->nullable);
  return DataType::Boolean();
}

template <typename T>
void CompareLoop(const Vector& a, const Vector& b, uint8_t* o, size_t n, Cmp op) {
  const T* x = a.data<T>();
  const T* y = b.data<T>();
  switch (op) {
    case Cmp::kEq:
    case Cmp::kEqNullSafe:
      for (size_t i = 0; i < n; ++i) o[i] = ops::CompareScalar<T>(x[i], y[i]) == 0;
      break;
    case Cmp::kNe:
      for (size_t i = 0; i < n; ++i) o[i] = ops::CompareScalar<T>(x[i], y[i]) != 0;
      break;
    case Cmp::kLt:
      for (size_t i = 0; i < n; ++i) o[i] = ops::CompareScalar<T>(x[i], y[i]) < 0;
      break;
    case Cmp::kLe:
      for (size_t i = 0; i < n; ++i) o[i] = ops::CompareScalar<T>(x[i], y[i]) <= 0;
      break;
    case Cmp::kGt:
      for (size_t i = 0; i < n; ++i) o[i] = ops::CompareScalar<T>(x[i], y[i]) > 0;
      break;
    case Cmp::kGe:
      for (size_t i = 0; i < n; ++i) o[i] = ops::CompareScalar<T>(x[i], y[i]) >= 0;
      break;
  }
}

VectorPtr CompareKernel(const Expr& call, const KernelArgs& a, Cmp op) {
  size_t n = a.num_rows;
  const Vector& x = *a.args[0];
  const Vector& y = *a.args[1];
  VectorPtr out = NewFixed(DataType::Boolean(), n);
  uint8_t* o = out->data<uint8_t>();
  bool typed = ops::DispatchFixed(x.type_id(), [&](auto tag) {
    using T = decltype(tag);
    CompareLoop<T>(x, y, o, n, op);
  });
  if (!typed) {
    for (size_t i = 0; i < n; ++i) {
      if (x.IsNull(i) || y.IsNull(i)) continue;
      o[i] = Apply(op, ops::RowsCompare(x, i, y, i));
    }
  }
  if (op == Cmp::kEqNullSafe) {
    if (x.MayHaveNulls() || y.MayHaveNulls()) {
      for (size_t i = 0; i < n; ++i) {
        bool xn = x.IsNull(i), yn = y.IsNull(i);
        if (xn || yn) o[i] = xn && yn;
      }
    }
  } else {
    ops::PropagateNulls(a, out.get());
  }
  return out;
}

TypePtr BindGreatestLeast(Expr& call, const EvalContext& ctx) {
  if (call.children.size() < 2) {
    throw AnalysisError(fmt::format(
        "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `{}` requires > 1 parameters but the actual number is "
        "{}. Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
        call.name, call.children.size()));
  }
  std::vector<TypePtr> types;
  for (const auto& ch : call.children) types.push_back(ch->type);
  TypePtr t = FindWiderCommonType(types, ctx.ansi_enabled);
  if (!t) {
    std::string list;
    for (size_t i = 0; i < types.size(); ++i) list += (i ? ", " : "") + ops::QuotedSql(types[i]);
    throw AnalysisError(fmt::format(
        "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"{}\" due to data type mismatch: Input to "
        "`{}` should all be the same type, but it's [{}].",
        call.ToSql(), call.name, list));
  }
  bool nullable = true;
  for (auto& ch : call.children) {
    ch = CoerceTo(ch, t, ctx);
    if (!ch->nullable) nullable = false;
  }
  call.nullable = nullable;
  return t;
}

VectorPtr GreatestLeastKernel(const Expr& call, const KernelArgs& a, bool greatest) {
  size_t n = a.num_rows;
  auto out = std::make_shared<Vector>(call.type);
  out->Reserve(n);
  for (size_t i = 0; i < n; ++i) {
    int best = -1;
    for (size_t k = 0; k < a.args.size(); ++k) {
      if (a.args[k]->IsNull(i)) continue;
      if (best < 0) {
        best = static_cast<int>(k);
        continue;
      }
      int c = ops::RowsCompare(*a.args[k], i, *a.args[best], i);
      if (greatest ? c > 0 : c < 0) best = static_cast<int>(k);
    }
    if (best < 0) {
      out->AppendNull();
    } else {
      out->AppendFrom(*a.args[best], i);
    }
  }
  return out;
}

void AddCmp(FunctionRegistry& r, const std::string& name, Cmp op) {
  ops::Add(
      r, name, [op](Expr& call, const EvalContext& ctx) { return BindComparison(call, ctx, op); },
      [op](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return CompareKernel(call, a, op);
      },
      op != Cmp::kEqNullSafe);
}

}  // namespace

void RegisterComparisonFunctions(FunctionRegistry& r) {
  AddCmp(r, "=", Cmp::kEq);
  AddCmp(r, "!=", Cmp::kNe);
  AddCmp(r, "<", Cmp::kLt);
  AddCmp(r, "<=", Cmp::kLe);
  AddCmp(r, ">", Cmp::kGt);
  AddCmp(r, ">=", Cmp::kGe);
  AddCmp(r, "<=>", Cmp::kEqNullSafe);
  r.Alias("==", "=");
  r.Alias("<>", "!=");
  r.Alias("equal_null", "<=>");
  ops::Add(
      r, "greatest", BindGreatestLeast,
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return GreatestLeastKernel(call, a, true);
      },
      false);
  ops::Add(
      r, "least", BindGreatestLeast,
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return GreatestLeastKernel(call, a, false);
      },
      false);
}

}  // namespace sluice
