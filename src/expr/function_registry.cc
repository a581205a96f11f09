// FunctionRegistry (see function_registry.h). Global() is populated exactly once, lazily, by
// calling every Register*Functions of src/expr/functions/builtin_functions.h under std::call_once;
// afterwards the registry is only read, so lookups need no lock.
#include "expr/function_registry.h"

#include <algorithm>
#include <cctype>
#include <mutex>

#include "expr/functions/builtin_functions.h"
#include "sluice/exception.h"
#include "types/ascii.h"

namespace sluice {

FunctionRegistry& FunctionRegistry::Global() {
  static FunctionRegistry registry;
  static std::once_flag once;
  std::call_once(once, [] {
    RegisterArithmeticFunctions(registry);
    RegisterComparisonFunctions(registry);
    RegisterPredicateFunctions(registry);
    RegisterConditionalFunctions(registry);
    RegisterAccessFunctions(registry);
    RegisterStringFunctions(registry);
    RegisterDatetimeFunctions(registry);
    RegisterJsonFunctions(registry);
    RegisterCollectionFunctions(registry);
    RegisterMathFunctions(registry);
    RegisterWindowFunctions(registry);
  });
  return registry;
}

void FunctionRegistry::Register(ScalarFunction fn) {
  std::string key = AsciiLower(fn.name);
  fns_[key] = std::make_shared<ScalarFunction>(std::move(fn));
}

void FunctionRegistry::Alias(const std::string& alias, const std::string& name) {
  auto it = fns_.find(AsciiLower(name));
  if (it == fns_.end()) throw InternalError("alias of unknown function " + name);
  fns_[AsciiLower(alias)] = it->second;
}

const ScalarFunction* FunctionRegistry::Find(std::string_view name) const {
  auto it = fns_.find(std::string(name));
  if (it == fns_.end()) it = fns_.find(AsciiLower(name));
  return it == fns_.end() ? nullptr : it->second.get();
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> names;
  names.reserve(fns_.size());
  for (const auto& [k, v] : fns_) names.push_back(k);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace sluice
