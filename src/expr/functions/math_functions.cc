// Placeholder until the math functions land; replaced by their owner.
#include "expr/functions/builtin_functions.h"

namespace sluice {

void RegisterMathFunctions(FunctionRegistry&) {}

}  // namespace sluice
