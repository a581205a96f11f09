// Placeholder until the json functions land; replaced by their owner.
#include "expr/functions/builtin_functions.h"

namespace sluice {

void RegisterJsonFunctions(FunctionRegistry&) {}

}  // namespace sluice
