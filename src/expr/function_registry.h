// FunctionRegistry: the scalar functions and operators Sluice knows, by lower-case name.
//
// Binding: the analyzer resolves a kCall's children first, then calls ScalarFunction::bind, which
// checks argument types, may replace arguments (e.g. wrap them in kCast nodes for Spark's implicit
// coercion) and returns the result type. Evaluation: the evaluator evaluates the arguments to
// vectors and calls `kernel`. A function with `null_intolerant` gets NULL out for any NULL in
// (the kernel may then ignore validity of inputs; the evaluator sets the output validity).
// Aggregate functions are not here (src/exec/aggregate_function.h).
// Thread-safety: Global() is fully populated on first use; lookups are thread-safe afterwards.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "columnar/vector.h"
#include "expr/eval_context.h"
#include "expr/expression.h"

namespace sluice {

/// Arguments as evaluated for one batch. `constant[i]` is true when argument i is a literal or a
/// cast of one, as coercion makes of literal operands (then args[i] still has num_rows rows, but a
/// kernel may read row 0 only, e.g. a regex pattern).
struct KernelArgs {
  std::vector<VectorPtr> args;
  std::vector<bool> constant;
  size_t num_rows = 0;
};

/// Per-call state prepared once at bind time (e.g. a compiled regex); may be null.
using FunctionState = std::shared_ptr<void>;

struct ScalarFunction {
  std::string name;
  /// Validates/coerces `call.children` in place and returns the result type. Throws AnalysisError
  /// with Spark-like text, e.g. "[DATATYPE_MISMATCH] Cannot resolve "lower(1)" ...".
  std::function<TypePtr(Expr& call, const EvalContext& ctx)> bind;
  /// Optional: builds per-call state after bind (call is fully resolved).
  std::function<FunctionState(const Expr& call, const EvalContext& ctx)> prepare;
  /// Computes the result vector (call.type) for the batch.
  std::function<VectorPtr(const Expr& call, const KernelArgs& args, const FunctionState& state,
                          const EvalContext& ctx)>
      kernel;
  bool null_intolerant = true;
  bool deterministic = true;
};

class FunctionRegistry {
 public:
  static FunctionRegistry& Global();
  void Register(ScalarFunction fn);
  /// Registers `alias` as another name of `name`.
  void Alias(const std::string& alias, const std::string& name);
  /// Null if unknown.
  const ScalarFunction* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::unordered_map<std::string, std::shared_ptr<ScalarFunction>> fns_;
};

/// Each file under src/expr/functions/ exposes one `void RegisterXxxFunctions(FunctionRegistry&)`
/// declared in src/expr/functions/builtin_functions.h; Global() calls them all once (lazily,
/// thread-safe), so no static-initialization order or dead-stripping issues arise.

}  // namespace sluice
