// Vectorized evaluation of resolved expressions over record batches, and the binder entry points
// the analyzer uses for function calls, casts and CASE.
#pragma once

#include "columnar/record_batch.h"
#include "expr/eval_context.h"
#include "expr/expression.h"

namespace sluice {

/// Resolves one node whose children are already resolved: kCall (scalar functions and operators,
/// via FunctionRegistry), kCast (checks Spark's cast rules: ANSI or legacy), kCase (coerces branch
/// types), a "get_field" call on a STRUCT (becomes kGetField). Sets `type` and `nullable`; may insert
/// kCast nodes for implicit coercion. Returns the resolved node (possibly a new one).
/// Throws AnalysisError for unknown functions ("[UNRESOLVED_ROUTINE] Cannot resolve function `foo`")
/// and type mismatches.
ExprPtr BindExpression(ExprPtr node, const EvalContext& ctx);

/// Finds the common type of several types as Spark's implicit coercion does (for CASE, COALESCE,
/// IN, UNION); null if none.
TypePtr FindWiderType(const TypePtr& a, const TypePtr& b);

/// True if a cast from `from` to `to` is allowed (ANSI rules when ansi is true).
bool CanCast(const TypePtr& from, const TypePtr& to, bool ansi);

/// Evaluates a resolved expression over `batch`. The result has batch.num_rows() rows.
/// Throws ExecutionError for ANSI failures (e.g. "[CAST_INVALID_INPUT] The value 'abc' of the type
/// \"STRING\" cannot be cast to \"INT\" ...", "[DIVIDE_BY_ZERO]", "[ARITHMETIC_OVERFLOW]").
VectorPtr Evaluate(const Expr& expr, const RecordBatch& batch, const EvalContext& ctx);

/// Casts a whole vector (used by sources/sinks and the analyzer's constant folding).
VectorPtr CastVector(const VectorPtr& input, const TypePtr& to, const EvalContext& ctx,
                     bool is_try = false);

/// Evaluates a constant expression (no column references) to a Value.
Value EvaluateConstant(const Expr& expr, const EvalContext& ctx);

}  // namespace sluice
