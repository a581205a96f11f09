// BindExpression: resolves one expression node whose children are resolved (see evaluator.h).
// Function calls are bound through the FunctionRegistry; casts are checked against Spark's cast
// rules; CASE branches are coerced to their wider common type; struct field access becomes
// kGetField. Stateless, thread-safe.
#include <fmt/format.h>

#include "expr/cast.h"
#include "expr/evaluator.h"
#include "expr/function_registry.h"
#include "expr/functions/operator_kernels.h"
#include "expr/type_coercion.h"
#include "sluice/exception.h"
#include "types/ascii.h"

namespace sluice {

namespace {

ExprPtr BindCast(ExprPtr node, const EvalContext& ctx) {
  if (node->children.size() != 1 || !node->type) throw InternalError("malformed CAST node");
  const TypePtr& from = node->children[0]->type;
  const TypePtr& to = node->type;
  bool ansi_rules = ctx.ansi_enabled || node->is_try;
  if (!CanCast(from, to, ansi_rules)) {
    if (ansi_rules && CanCast(from, to, false)) {
      throw AnalysisError(fmt::format(
          "[DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION] Cannot resolve \"{}\" due to data type "
          "mismatch: cannot cast {} to {} with ANSI mode on. If you have to cast {} to {}, you can set "
          "\"spark.sql.ansi.enabled\" as 'false'.",
          node->ToSql(), SqlTypeString(from), SqlTypeString(to), SqlTypeString(from), SqlTypeString(to)));
    }
    throw AnalysisError(fmt::format(
        "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve \"{}\" due to data type mismatch: "
        "cannot cast {} to {}.",
        node->ToSql(), SqlTypeString(from), SqlTypeString(to)));
  }
  node->nullable = node->children[0]->nullable || node->is_try || !ctx.ansi_enabled ||
                   from->id() == TypeId::kNull;
  return node;
}

ExprPtr BindCase(ExprPtr node, const EvalContext& ctx) {
  auto& c = node->children;
  size_t pairs = (c.size() - (node->has_else ? 1 : 0)) / 2;
  for (size_t k = 0; k < pairs; ++k) {
    ExprPtr& cond = c[2 * k];
    if (cond->type->id() == TypeId::kNull) {
      cond = CoerceTo(cond, DataType::Boolean(), ctx);
    } else if (cond->type->id() != TypeId::kBoolean) {
      throw AnalysisError(fmt::format(
          "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"{}\" due to data type mismatch: "
          "Parameter {} requires the \"BOOLEAN\" type, however \"{}\" has the type {}.",
          node->ToSql(), 2 * k + 1, cond->ToSql(), SqlTypeString(cond->type)));
    }
  }
  std::vector<size_t> value_idx;
  for (size_t k = 0; k < pairs; ++k) value_idx.push_back(2 * k + 1);
  if (node->has_else) value_idx.push_back(c.size() - 1);
  std::vector<TypePtr> types;
  for (size_t i : value_idx) types.push_back(c[i]->type);
  TypePtr common = FindWiderCommonType(types, ctx.ansi_enabled);
  if (!common) {
    std::string list;
    for (size_t i = 0; i < types.size(); ++i) list += (i ? ", " : "") + SqlTypeString(types[i]);
    throw AnalysisError(fmt::format(
        "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"{}\" due to data type mismatch: Input to "
        "`casewhen` should all be the same type, but it's [{}].",
        node->ToSql(), list));
  }
  bool nullable = !node->has_else;
  for (size_t i : value_idx) {
    c[i] = CoerceTo(c[i], common, ctx);
    nullable = nullable || c[i]->nullable;
  }
  node->type = common;
  node->nullable = nullable;
  return node;
}

// `base.field` / get_field(base, 'field') on a STRUCT (or an ARRAY of STRUCTs).
ExprPtr BindGetField(ExprPtr node, const EvalContext& ctx) {
  if (node->children.size() != 2 || node->children[1]->kind != ExprKind::kLiteral) {
    throw AnalysisError("[INTERNAL_ERROR] get_field requires a field name literal");
  }
  const ExprPtr& base = node->children[0];
  std::string field = node->children[1]->literal.GetString();
  TypePtr st = base->type;
  bool over_array = false;
  if (st->id() == TypeId::kArray && st->element_type()->id() == TypeId::kStruct) {
    st = st->element_type();
    over_array = true;
  }
  if (st->id() == TypeId::kMap) {
    // m.key on a MAP is a key lookup.
    ExprPtr sub = MakeCall("subscript", {base, node->children[1]});
    return BindExpression(sub, ctx);
  }
  if (st->id() != TypeId::kStruct) {
    throw AnalysisError(fmt::format(
        "[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from \"{}\". Need a complex type "
        "[STRUCT, ARRAY, MAP] but got {}.",
        base->ToSql(), SqlTypeString(base->type)));
  }
  int idx = st->FieldIndex(field);
  if (idx < 0) {
    std::string fields;
    for (size_t i = 0; i < st->fields().size(); ++i)
      fields += (i ? ", `" : "`") + st->fields()[i].name + "`";
    throw AnalysisError(fmt::format("[FIELD_NOT_FOUND] No such struct field `{}` in {}.", field, fields));
  }
  auto out = std::make_shared<Expr>(ExprKind::kGetField);
  out->children = {base};
  out->index = idx;
  out->name = st->fields()[idx].name;
  const TypePtr& ft = st->fields()[idx].type;
  out->type = over_array ? DataType::Array(ft, true) : ft;
  out->nullable = true;
  return out;
}

ExprPtr BindCall(ExprPtr node, const EvalContext& ctx) {
  std::string name = AsciiLower(node->name);
  if (name == "get_field") return BindGetField(node, ctx);
  if (name == "subscript" && node->children.size() == 2 &&
      node->children[0]->type->id() == TypeId::kStruct &&
      node->children[1]->kind == ExprKind::kLiteral &&
      node->children[1]->literal.type()->id() == TypeId::kString) {
    return BindGetField(node, ctx);
  }
  const ScalarFunction* fn = FunctionRegistry::Global().Find(name);
  if (!fn) {
    throw AnalysisError(fmt::format(
        "[UNRESOLVED_ROUTINE] Cannot resolve function `{}` on search path [`system`.`builtin`, "
        "`system`.`session`, `spark_catalog`.`default`].",
        node->name));
  }
  node->function = fn;
  node->nullable = true;
  TypePtr t = fn->bind(*node, ctx);
  if (!t) throw InternalError("bind of " + name + " returned no type");
  node->type = t;
  if (fn->prepare) node->function_state = fn->prepare(*node, ctx);
  return node;
}

}  // namespace

ExprPtr BindExpression(ExprPtr node, const EvalContext& ctx) {
  switch (node->kind) {
    case ExprKind::kLiteral:
      node->type = node->literal.type();
      node->nullable = node->literal.is_null();
      return node;
    case ExprKind::kBoundColumn:
      return node;
    case ExprKind::kAlias:
    case ExprKind::kSortOrder:
      node->type = node->children[0]->type;
      node->nullable = node->children[0]->nullable;
      return node;
    case ExprKind::kGetField:
      return node;
    case ExprKind::kCast:
      return BindCast(node, ctx);
    case ExprKind::kCase:
      return BindCase(node, ctx);
    case ExprKind::kCall:
      return BindCall(node, ctx);
    case ExprKind::kColumn:
    case ExprKind::kStar:
      throw InternalError("BindExpression on an unresolved column reference " + node->ToString());
  }
  return node;
}

TypePtr FindWiderType(const TypePtr& a, const TypePtr& b) { return FindWiderTypeForTwo(a, b, true); }

}  // namespace sluice
