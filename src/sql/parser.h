// Spark SQL parser: text -> unresolved Expr / LogicalPlan trees (src/expr/expression.h,
// src/plan/logical_plan.h). Spark 4.x SQL is the specification.
//
// Shapes produced (the analyzer relies on them):
//  * SELECT: FROM/JOIN tree -> Filter(WHERE) -> Project, or Aggregate when GROUP BY or HAVING is
//    present (`exprs` = select list, `group_by` = grouping expressions; HAVING without GROUP BY
//    gives an empty group_by) -> Filter(HAVING) -> Distinct; ORDER BY / LIMIT apply to the whole
//    query term (also to a UNION) as Sort -> Limit. WITH wraps the query in kWith whose ctes are
//    kSubqueryAlias(name [, column_names]) plans.
//  * GROUP BY ALL is a single grouping expression kColumn {"ALL"} (as Spark, the analyzer decides
//    whether it is a column named `all`).
//  * SELECT without FROM reads a kInlineTable with one row of zero columns.
//  * UNION [DISTINCT] / UNION ALL: kUnion (flattened when legal); `distinct` for UNION DISTINCT.
//  * Comma joins and CROSS JOIN are kJoin with JoinType::kCross and no condition.
//  * `rel [AS] alias [(cols)]` is kSubqueryAlias; `VALUES ... AS t(a, b)` is kSubqueryAlias(t) over
//    kInlineTable with column_names {a, b}. json.`/path` is kUnresolvedRelation {"json", "/path"}.
//  * `rel WATERMARK expr [AS name] DELAY OF INTERVAL ...` is kWatermark over rel (over the alias
//  when
//    both are present): exprs[0] = expr, alias = name, or the last name part of a plain column.
//  * /*+ BROADCAST(t) */ (also BROADCASTJOIN, MAPJOIN) after SELECT sets broadcast_hint on the FROM
//    relation named or aliased t. Other hints are ignored.
//  * Named function arguments `name => value` are kAlias(value, name).
//
// Errors: ParseError whose message names the offending token and the 1-based line and column,
// e.g. "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM' (line 2, column 7)". Unsupported but
// recognised constructs (window functions, subquery expressions, year-month intervals, ...) also
// throw ParseError with their position. All functions are thread-safe (no shared state).
#pragma once

#include <string_view>
#include <vector>

#include "expr/expression.h"
#include "plan/logical_plan.h"
#include "sql/statement.h"

namespace sluice {

/// Parses one expression, optionally aliased (`expr [AS] name`), as DataFrame expr(), selectExpr()
/// and filter("...") use. An alias gives a kAlias node.
ExprPtr ParseExpression(std::string_view text);

/// Parses one query; a single trailing `;` is allowed.
PlanPtr ParseQuery(std::string_view text);

/// Parses a `;`-separated script. Empty statements are skipped.
std::vector<Statement> ParseStatements(std::string_view text);

}  // namespace sluice
