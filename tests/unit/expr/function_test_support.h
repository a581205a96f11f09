// Helpers shared by the scalar-function tests (string, datetime, json, collection, math):
// literal builders, bottom-up binding as the analyzer does it, and evaluation of fn(args) over a
// one-row batch or over columns.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "expr/evaluator.h"
#include "expr/expression.h"
#include "sluice/exception.h"

namespace sluice::function_test {

inline EvalContext Ctx(bool ansi = true) {
  EvalContext c;
  c.ansi_enabled = ansi;
  return c;
}
inline ExprPtr S(const std::string& s) { return MakeLiteral(Value::String(s)); }
inline ExprPtr I(int32_t v) { return MakeLiteral(Value::Int(v)); }
inline ExprPtr NullStr() { return MakeLiteral(Value::Null(StringType())); }

/// Binds an expression tree bottom-up (children first), as the analyzer does.
inline ExprPtr BindTree(ExprPtr e, const EvalContext& ctx) {
  if (e->kind == ExprKind::kLiteral || e->kind == ExprKind::kBoundColumn) return e;
  for (auto& c : e->children) c = BindTree(c, ctx);
  return BindExpression(e, ctx);
}

/// fn(args) evaluated over a one-row batch.
inline Value Call(const std::string& fn, std::vector<ExprPtr> args, const EvalContext& ctx = Ctx()) {
  ExprPtr bound = BindTree(MakeCall(fn, std::move(args)), ctx);
  auto batch = RecordBatch::FromRows(StructType({StructField("x", IntegerType())}), {{Value::Int(0)}});
  return Evaluate(*bound, *batch, ctx)->GetValue(0);
}
inline std::string Str(const std::string& fn, std::vector<ExprPtr> args, const EvalContext& ctx = Ctx()) {
  Value v = Call(fn, std::move(args), ctx);
  EXPECT_FALSE(v.is_null()) << fn;
  return v.is_null() ? "<null>" : v.GetString();
}

/// fn(c0, c1, ...) over columns (not constants), row by row.
inline std::vector<Value> CallColumns(const std::string& fn, std::vector<TypePtr> types,
                               const std::vector<std::vector<Value>>& rows,
                               const EvalContext& ctx = Ctx()) {
  std::vector<StructField> fields;
  std::vector<ExprPtr> args;
  for (size_t i = 0; i < types.size(); ++i) {
    fields.emplace_back("c" + std::to_string(i), types[i]);
    args.push_back(MakeBoundColumn(static_cast<int>(i), types[i], "c" + std::to_string(i)));
  }
  auto batch = RecordBatch::FromRows(StructType(fields), rows);
  ExprPtr bound = BindTree(MakeCall(fn, std::move(args)), ctx);
  VectorPtr out = Evaluate(*bound, *batch, ctx);
  std::vector<Value> values;
  for (size_t i = 0; i < out->size(); ++i) values.push_back(out->GetValue(i));
  return values;
}
inline ExprPtr L(int64_t v) { return MakeLiteral(Value::Long(v)); }
inline ExprPtr Dbl(double v) { return MakeLiteral(Value::Double(v)); }
inline ExprPtr F(const std::string& fn, std::vector<ExprPtr> args) { return MakeCall(fn, std::move(args)); }

}  // namespace sluice::function_test
