// Element access: subscript (a[i] on an ARRAY, 0-based; m[k] on a MAP). Struct field access
// (s.f, s['f']) is resolved by the binder to kGetField and never reaches this file.
//
// a[i] out of bounds: ANSI raises INVALID_ARRAY_INDEX, legacy returns NULL. m[k] for a missing key
// is NULL.
#include "expr/functions/builtin_functions.h"
#include "expr/functions/operator_kernels.h"
#include "expr/type_coercion.h"

namespace sluice {

namespace {

TypePtr BindSubscript(Expr& call, const EvalContext& ctx) {
  ops::CheckArity(call, 2, 2);
  const TypePtr& base = call.children[0]->type;
  ExprPtr& key = call.children[1];
  if (base->id() == TypeId::kArray) {
    if (key->type->id() == TypeId::kNull || key->type->id() == TypeId::kString || key->type->IsIntegral()) {
      key = CoerceTo(key, DataType::Int(), ctx);
    } else {
      ops::ThrowUnexpectedInput(call, 1, "\"INTEGRAL\"");
    }
    return base->element_type();
  }
  if (base->id() == TypeId::kMap) {
    TypePtr kt = base->key_type();
    TypePtr t = FindWiderTypeForTwo(kt, key->type, ctx.ansi_enabled);
    if (!t || !t->SameShape(*kt)) {
      if (!(key->type->id() == TypeId::kString || key->type->id() == TypeId::kNull)) {
        ops::ThrowUnexpectedInput(call, 1, ops::QuotedSql(kt));
      }
    }
    key = CoerceTo(key, kt, ctx);
    return base->value_type();
  }
  throw AnalysisError(fmt::format(
      "[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from \"{}\". Need a complex type "
      "[STRUCT, ARRAY, MAP] but got {}.",
      call.children[0]->ToSql(), ops::QuotedSql(base)));
}

VectorPtr SubscriptKernel(const Expr& call, const KernelArgs& a, const EvalContext& ctx) {
  size_t n = a.num_rows;
  const Vector& base = *a.args[0];
  const Vector& key = *a.args[1];
  auto out = std::make_shared<Vector>(call.type);
  out->Reserve(n);
  bool is_array = base.type_id() == TypeId::kArray;
  for (size_t i = 0; i < n; ++i) {
    if (base.IsNull(i) || key.IsNull(i)) {
      out->AppendNull();
      continue;
    }
    int64_t b = base.ListBegin(i), e = base.ListEnd(i);
    if (is_array) {
      int64_t idx = key.Get<int32_t>(i);
      if (idx < 0 || idx >= e - b) {
        if (ctx.ansi_enabled) {
          throw ExecutionError(fmt::format(
              "[INVALID_ARRAY_INDEX] The index {} is out of bounds. The array has {} elements. Use the "
              "SQL function `get()` to tolerate accessing element at invalid index and return NULL "
              "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error. "
              "SQLSTATE: 22003",
              idx, e - b));
        }
        out->AppendNull();
        continue;
      }
      out->AppendFrom(*base.child(0), static_cast<size_t>(b + idx));
    } else {
      const Vector& keys = *base.child(0);
      int64_t found = -1;
      for (int64_t k = b; k < e; ++k) {
        if (!keys.IsNull(k) && ops::RowsEqual(keys, k, key, i)) {
          found = k;
          break;
        }
      }
      if (found < 0) {
        out->AppendNull();
      } else {
        out->AppendFrom(*base.child(1), static_cast<size_t>(found));
      }
    }
  }
  return out;
}

}  // namespace

void RegisterAccessFunctions(FunctionRegistry& r) {
  ops::Add(r, "subscript", BindSubscript,
           [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
             return SubscriptKernel(call, a, ctx);
           });
}

}  // namespace sluice
