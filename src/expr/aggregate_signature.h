// Aggregate function signatures: which calls are aggregates and what type they return, with
// Spark's rules (sum of integers is BIGINT, sum of DECIMAL(p,s) is DECIMAL(p+10,s), avg of integers
// is DOUBLE, avg of DECIMAL(p,s) is DECIMAL(p+4,s+4), count is BIGINT and never null, ...).
// The accumulators live in src/exec/aggregate_function.h.
#pragma once

#include <string_view>

#include "expr/eval_context.h"
#include "expr/expression.h"

namespace sluice {

/// True for the names of aggregate functions ("count", "sum", "avg", "mean", "min", "max",
/// "first", "last", "first_value", "last_value", "any_value", "collect_list", "collect_set",
/// "approx_count_distinct", "count_if", "bool_and", "bool_or", "every", "any", "some",
/// "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "max_by", "min_by").
bool IsAggregateFunctionName(std::string_view name);

/// Resolves an aggregate kCall whose children are resolved: canonicalizes the name ("mean" ->
/// "avg", count(*) -> count(1)), inserts casts, sets `type`/`nullable`. Throws AnalysisError.
void BindAggregateCall(Expr& call, const EvalContext& ctx);

}  // namespace sluice
