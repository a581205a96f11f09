// Spark's implicit type coercion rules (AnsiTypeCoercion when ANSI mode is on, TypeCoercion
// otherwise): common types for CASE/COALESCE/IN/greatest, string promotion for binary operators,
// and DECIMAL result types (DecimalPrecision with allowPrecisionLoss = true). Stateless.
#pragma once

#include <vector>

#include "expr/eval_context.h"
#include "expr/expression.h"
#include "sluice/types.h"

namespace sluice {

/// DecimalType.forType: TINYINT -> (3,0), SMALLINT -> (5,0), INT -> (10,0), BIGINT -> (20,0),
/// FLOAT -> (14,7), DOUBLE -> (30,15); a DECIMAL is returned as is; null otherwise.
TypePtr DecimalForType(const TypePtr& t);
/// DECIMAL(min(p, 38), min(s, 38)).
TypePtr BoundedDecimal(int precision, int scale);
/// DecimalType.adjustPrecisionScale: fits (p, s) into 38 digits, keeping at least min(s, 6) of scale.
TypePtr AdjustedDecimal(int precision, int scale);
/// Smallest DECIMAL that holds both (each may be integral or decimal).
TypePtr WiderDecimal(const TypePtr& a, const TypePtr& b);

/// findTightestCommonType: a common type without loss of precision, or null.
TypePtr FindTightestCommonType(const TypePtr& a, const TypePtr& b, bool ansi);
/// findWiderTypeForTwo (tightest, then decimal widening, then string promotion, then nested).
TypePtr FindWiderTypeForTwo(const TypePtr& a, const TypePtr& b, bool ansi);
/// Fold of FindWiderTypeForTwo over `types` (starting from NULL); null if none.
TypePtr FindWiderCommonType(const std::vector<TypePtr>& types, bool ansi);
/// AnsiStringPromotionTypeCoercion.findWiderTypeForString: STRING with an integral -> BIGINT, with a
/// fractional/decimal -> DOUBLE, with NULL -> STRING, with another atomic type -> that type; else null.
TypePtr StringPromotionType(const TypePtr& a, const TypePtr& b);
/// The type both sides of a comparison are cast to, or null if they cannot be compared.
TypePtr ComparisonType(const TypePtr& a, const TypePtr& b, bool ansi);

/// Returns `e` cast to `type` (a resolved kCast node), or `e` when it already has that type. A NULL
/// literal becomes a typed NULL literal.
ExprPtr CoerceTo(const ExprPtr& e, const TypePtr& type, const EvalContext& ctx);

/// True if `t` is BOOLEAN/numeric/string/binary/datetime/interval (not nested, not NULL).
bool IsAtomicType(const TypePtr& t);

}  // namespace sluice
