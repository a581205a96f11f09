// Helpers for the expression tests: bottom-up binding (what the analyzer does), constant
// evaluation, and small literal/column builders.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "expr/evaluator.h"
#include "expr/expression.h"
#include "sluice/exception.h"

namespace sluice::testing {

inline ExprPtr BindTree(ExprPtr e, const EvalContext& ctx) {
  for (auto& c : e->children) c = BindTree(c, ctx);
  return BindExpression(e, ctx);
}

inline ExprPtr Lit(Value v) { return MakeLiteral(std::move(v)); }
inline ExprPtr Call(std::string name, std::vector<ExprPtr> args) { return MakeCall(std::move(name), std::move(args)); }

inline EvalContext Ansi(bool on = true, std::string tz = "UTC") {
  EvalContext ctx;
  ctx.ansi_enabled = on;
  ctx.time_zone = std::move(tz);
  return ctx;
}

/// Binds and evaluates a constant expression.
inline Value EvalConst(ExprPtr e, const EvalContext& ctx = Ansi()) {
  ExprPtr b = BindTree(std::move(e), ctx);
  return EvaluateConstant(*b, ctx);
}

/// Binds `e` and returns its result type.
inline TypePtr TypeOf(ExprPtr e, const EvalContext& ctx = Ansi()) { return BindTree(std::move(e), ctx)->type; }

/// Binds and evaluates over a batch, returning the rows as values.
inline std::vector<Value> EvalRows(ExprPtr e, const RecordBatch& batch, const EvalContext& ctx = Ansi()) {
  ExprPtr b = BindTree(std::move(e), ctx);
  VectorPtr v = Evaluate(*b, batch, ctx);
  std::vector<Value> out;
  for (size_t i = 0; i < v->size(); ++i) out.push_back(v->GetValue(i));
  return out;
}

/// Message of the exception `f` throws (of type E), or "" if none.
template <typename E, typename F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

}  // namespace sluice::testing
