// Conditional functions: coalesce, nvl, ifnull, nvl2, nullif, if.
//
// Branch arguments are coerced to their wider common type (Spark's findWiderCommonType). The
// evaluator evaluates coalesce/nvl/ifnull/nvl2/if lazily, branch by branch on the rows that reach
// it; the kernels here are the eager equivalents used when all arguments are already evaluated.
#include "expr/evaluator.h"
#include "expr/functions/builtin_functions.h"
#include "expr/functions/operator_kernels.h"
#include "expr/type_coercion.h"

namespace sluice {

namespace {

// Coerces children [first, end) to their wider common type and returns it.
TypePtr CoerceCommon(Expr& call, size_t first, const EvalContext& ctx, const std::string& fn) {
  std::vector<TypePtr> types;
  for (size_t i = first; i < call.children.size(); ++i) types.push_back(call.children[i]->type);
  TypePtr t = FindWiderCommonType(types, ctx.ansi_enabled);
  if (!t) {
    std::string list;
    for (size_t i = 0; i < types.size(); ++i) list += (i ? ", " : "") + ops::QuotedSql(types[i]);
    throw AnalysisError(fmt::format(
        "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"{}\" due to data type mismatch: Input to "
        "`{}` should all be the same type, but it's [{}].",
        call.ToSql(), fn, list));
  }
  for (size_t i = first; i < call.children.size(); ++i) call.children[i] = CoerceTo(call.children[i], t, ctx);
  return t;
}

// Row i from the first argument in `order` that is not NULL there.
VectorPtr PickKernel(const Expr& call, const KernelArgs& a, const std::function<int(size_t)>& pick) {
  auto out = std::make_shared<Vector>(call.type);
  out->Reserve(a.num_rows);
  for (size_t i = 0; i < a.num_rows; ++i) {
    int k = pick(i);
    if (k < 0 || a.args[k]->IsNull(i)) {
      out->AppendNull();
    } else {
      out->AppendFrom(*a.args[k], i);
    }
  }
  return out;
}

TypePtr BindCoalesce(Expr& call, const EvalContext& ctx) {
  if (call.name == "coalesce") {
    if (call.children.empty()) ops::CheckArity(call, 1, SIZE_MAX);
  } else {
    ops::CheckArity(call, 2, 2);
  }
  TypePtr t = CoerceCommon(call, 0, ctx, call.name);
  bool nullable = true;
  for (const auto& ch : call.children) nullable = nullable && ch->nullable;
  call.nullable = nullable;
  return t;
}

VectorPtr CoalesceKernel(const Expr& call, const KernelArgs& a) {
  return PickKernel(call, a, [&](size_t i) {
    for (size_t k = 0; k < a.args.size(); ++k) {
      if (!a.args[k]->IsNull(i)) return static_cast<int>(k);
    }
    return -1;
  });
}

}  // namespace

void RegisterConditionalFunctions(FunctionRegistry& r) {
  for (const char* name : {"coalesce", "nvl", "ifnull"}) {
    ops::Add(
        r, name, BindCoalesce,
        [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
          return CoalesceKernel(call, a);
        },
        false);
  }
  ops::Add(
      r, "nvl2",
      [](Expr& call, const EvalContext& ctx) {
        ops::CheckArity(call, 3, 3);
        return CoerceCommon(call, 1, ctx, "nvl2");
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return PickKernel(call, a, [&](size_t i) { return a.args[0]->IsNull(i) ? 2 : 1; });
      },
      false);
  ops::Add(
      r, "if",
      [](Expr& call, const EvalContext& ctx) {
        ops::CheckArity(call, 3, 3);
        ExprPtr& cond = call.children[0];
        if (cond->type->id() == TypeId::kNull) cond = CoerceTo(cond, DataType::Boolean(), ctx);
        if (cond->type->id() != TypeId::kBoolean) ops::ThrowUnexpectedInput(call, 0, "\"BOOLEAN\"");
        TypePtr t = CoerceCommon(call, 1, ctx, "if");
        call.nullable = call.children[1]->nullable || call.children[2]->nullable;
        return t;
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        const Vector& c = *a.args[0];
        return PickKernel(call, a, [&](size_t i) { return !c.IsNull(i) && c.Get<uint8_t>(i) ? 1 : 2; });
      },
      false);
  // nullif(a, b): NULL when a = b, else a. The comparison casts both to their comparison type at
  // run time; the result keeps a's type.
  ops::Add(
      r, "nullif",
      [](Expr& call, const EvalContext& ctx) {
        ops::CheckArity(call, 2, 2);
        TypePtr t = ComparisonType(call.children[0]->type, call.children[1]->type, ctx.ansi_enabled);
        if (!t) ops::ThrowBinaryDiffTypes(call);
        return call.children[0]->type;
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        TypePtr t = ComparisonType(a.args[0]->type(), a.args[1]->type(), ctx.ansi_enabled);
        VectorPtr x = a.args[0], y = a.args[1];
        if (t->id() != TypeId::kNull) {
          x = CastVector(x, t, ctx);
          y = CastVector(y, t, ctx);
        }
        return PickKernel(call, a, [&](size_t i) {
          if (a.args[0]->IsNull(i)) return -1;
          if (!y->IsNull(i) && !x->IsNull(i) && ops::RowsEqual(*x, i, *y, i)) return -1;
          return 0;
        });
      },
      false);
}

}  // namespace sluice
