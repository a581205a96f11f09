// Registration entry points of the built-in scalar function families. Each file under
// src/expr/functions/ defines exactly one of these; FunctionRegistry::Global() calls them all once.
#pragma once

#include "expr/function_registry.h"

namespace sluice {

// Operators and core functions (src/expr/functions/{arithmetic,comparison,predicate,conditional,access}_functions.cc).
/// + - * / % div negative positive abs, try_add/try_subtract/try_multiply/try_divide, bitwise & | ^ ~.
void RegisterArithmeticFunctions(FunctionRegistry& registry);
/// = == != <> < <= > >= <=>, greatest, least.
void RegisterComparisonFunctions(FunctionRegistry& registry);
/// and, or, not, isnull, isnotnull, in.
void RegisterPredicateFunctions(FunctionRegistry& registry);
/// coalesce, nvl, ifnull, nullif, if, nvl2.
void RegisterConditionalFunctions(FunctionRegistry& registry);
/// subscript (a[i], m[k]).
void RegisterAccessFunctions(FunctionRegistry& registry);

// Function families owned by the functions engineer.
void RegisterStringFunctions(FunctionRegistry&);
void RegisterDatetimeFunctions(FunctionRegistry&);
void RegisterJsonFunctions(FunctionRegistry&);
void RegisterCollectionFunctions(FunctionRegistry&);
void RegisterMathFunctions(FunctionRegistry&);
void RegisterWindowFunctions(FunctionRegistry&);

}  // namespace sluice
