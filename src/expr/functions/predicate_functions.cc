// Boolean predicates: and, or, not (SQL three-valued logic), isnull, isnotnull, in.
//
// The evaluator evaluates `and`/`or` lazily (the right side only on rows the left does not decide);
// the kernels here are the eager equivalents. `x IN (a, b, ...)` is NULL when x is NULL, or when no
// item matches and some item is NULL.
#include "expr/functions/builtin_functions.h"
#include "expr/functions/operator_kernels.h"
#include "expr/type_coercion.h"

namespace sluice {

namespace {

using ops::NewFixed;

void CoerceBoolean(Expr& call, size_t i, const EvalContext& ctx, bool binary) {
  ExprPtr& x = call.children[i];
  if (x->type->id() == TypeId::kNull || x->type->id() == TypeId::kString) {
    x = CoerceTo(x, DataType::Boolean(), ctx);
    return;
  }
  if (x->type->id() == TypeId::kBoolean) return;
  if (binary) ops::ThrowBinaryWrongType(call, "\"BOOLEAN\"", x->type);
  ops::ThrowUnexpectedInput(call, i, "\"BOOLEAN\"");
}

TypePtr BindLogic(Expr& call, const EvalContext& ctx) {
  ops::CheckArity(call, 2, 2);
  CoerceBoolean(call, 0, ctx, true);
  CoerceBoolean(call, 1, ctx, true);
  call.nullable = call.children[0]->nullable || call.children[1]->nullable;
  return DataType::Boolean();
}

VectorPtr LogicKernel(const KernelArgs& a, bool is_and) {
  size_t n = a.num_rows;
  const Vector& x = *a.args[0];
  const Vector& y = *a.args[1];
  VectorPtr out = NewFixed(DataType::Boolean(), n);
  uint8_t* o = out->data<uint8_t>();
  const uint8_t* xv = x.data<uint8_t>();
  const uint8_t* yv = y.data<uint8_t>();
  if (!x.MayHaveNulls() && !y.MayHaveNulls()) {
    for (size_t i = 0; i < n; ++i) o[i] = is_and ? (xv[i] & yv[i]) : (xv[i] | yv[i]);
    return out;
  }
  for (size_t i = 0; i < n; ++i) {
    bool xn = x.IsNull(i), yn = y.IsNull(i);
    bool xb = !xn && xv[i], yb = !yn && yv[i];
    if (is_and) {
      if ((!xn && !xb) || (!yn && !yb)) {
        o[i] = 0;
      } else if (xn || yn) {
        out->SetNull(i);
      } else {
        o[i] = 1;
      }
    } else {
      if (xb || yb) {
        o[i] = 1;
      } else if (xn || yn) {
        out->SetNull(i);
      } else {
        o[i] = 0;
      }
    }
  }
  return out;
}

TypePtr BindIn(Expr& call, const EvalContext& ctx) {
  if (call.children.size() < 2) ops::CheckArity(call, 2, SIZE_MAX);
  std::vector<TypePtr> types;
  for (const auto& ch : call.children) types.push_back(ch->type);
  TypePtr t = FindWiderCommonType(types, ctx.ansi_enabled);
  if (!t) {
    std::string list;
    for (size_t i = 1; i < types.size(); ++i) list += (i > 1 ? ", " : "") + ops::QuotedSql(types[i]);
    throw AnalysisError(fmt::format(
        "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"{}\" due to data type mismatch: Input to "
        "`in` should all be the same type, but it's [{}, {}].",
        call.ToSql(), ops::QuotedSql(types[0]), list));
  }
  if (t->id() == TypeId::kNull) t = DataType::Boolean();
  for (auto& ch : call.children) ch = CoerceTo(ch, t, ctx);
  return DataType::Boolean();
}

VectorPtr InKernel(const KernelArgs& a) {
  size_t n = a.num_rows;
  const Vector& x = *a.args[0];
  VectorPtr out = NewFixed(DataType::Boolean(), n);
  uint8_t* o = out->data<uint8_t>();
  for (size_t i = 0; i < n; ++i) {
    if (x.IsNull(i)) {
      out->SetNull(i);
      continue;
    }
    bool found = false, saw_null = false;
    for (size_t k = 1; k < a.args.size() && !found; ++k) {
      const Vector& item = *a.args[k];
      if (item.IsNull(i)) {
        saw_null = true;
      } else if (ops::RowsEqual(x, i, item, i)) {
        found = true;
      }
    }
    if (found) {
      o[i] = 1;
    } else if (saw_null) {
      out->SetNull(i);
    }
  }
  return out;
}

}  // namespace

void RegisterPredicateFunctions(FunctionRegistry& r) {
  ops::Add(
      r, "and", BindLogic,
      [](const Expr&, const KernelArgs& a, const FunctionState&, const EvalContext&) { return LogicKernel(a, true); },
      false);
  ops::Add(
      r, "or", BindLogic,
      [](const Expr&, const KernelArgs& a, const FunctionState&, const EvalContext&) { return LogicKernel(a, false); },
      false);
  ops::Add(
      r, "not",
      [](Expr& call, const EvalContext& ctx) {
        ops::CheckArity(call, 1, 1);
        CoerceBoolean(call, 0, ctx, false);
        call.nullable = call.children[0]->nullable;
        return DataType::Boolean();
      },
      [](const Expr&, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        VectorPtr out = NewFixed(DataType::Boolean(), a.num_rows);
        const uint8_t* x = a.args[0]->data<uint8_t>();
        uint8_t* o = out->data<uint8_t>();
        for (size_t i = 0; i < a.num_rows; ++i) o[i] = !x[i];
        return out;
      });
  r.Alias("!", "not");
  for (bool is_null : {true, false}) {
    ops::Add(
        r, is_null ? "isnull" : "isnotnull",
        [](Expr& call, const EvalContext&) {
          ops::CheckArity(call, 1, 1);
          call.nullable = false;
          return DataType::Boolean();
        },
        [is_null](const Expr&, const KernelArgs& a, const FunctionState&, const EvalContext&) {
          VectorPtr out = NewFixed(DataType::Boolean(), a.num_rows);
          uint8_t* o = out->data<uint8_t>();
          const Vector& x = *a.args[0];
          for (size_t i = 0; i < a.num_rows; ++i) o[i] = x.IsNull(i) == is_null;
          return out;
        },
        false);
  }
  ops::Add(
      r, "in", BindIn,
      [](const Expr&, const KernelArgs& a, const FunctionState&, const EvalContext&) { return InKernel(a); }, false);
}

}  // namespace sluice
