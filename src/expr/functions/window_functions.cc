// Event-time window helpers usable as scalar functions: window_time(window) is the window's end
// minus one microsecond, the event time of a window as Spark defines it. (window() and
// session_window() are grouping constructs planned by the analyzer, not scalar functions.)
#include "expr/functions/builtin_functions.h"
#include "expr/functions/scalar_kernel.h"

namespace sluice {

void RegisterWindowFunctions(FunctionRegistry& registry) {
  ScalarFunction fn;
  fn.name = "window_time";
  fn.bind = [](Expr& call, const EvalContext&) -> TypePtr {
    scalar::CheckArgCount(call, 1, 1);
    const TypePtr& t = call.children[0]->type;
    bool ok = t->id() == TypeId::kStruct && t->fields().size() == 2 &&
              (t->fields()[1].type->id() == TypeId::kTimestamp ||
               t->fields()[1].type->id() == TypeId::kTimestampNtz);
    if (!ok) scalar::ThrowUnexpectedType(call, 0, "\"STRUCT<start: TIMESTAMP, end: TIMESTAMP>\"");
    return t->fields()[1].type;
  };
  fn.kernel = [](const Expr& call, const KernelArgs& args, const FunctionState&,
                 const EvalContext&) -> VectorPtr {
    const Vector& w = *args.args[0];
    auto out = std::make_shared<Vector>(call.type);
    out->Resize(args.num_rows);
    const Vector& end = *w.child(1);
    for (size_t i = 0; i < args.num_rows; ++i) out->data<int64_t>()[i] = end.Get<int64_t>(i) - 1;
    return out;
  };
  registry.Register(std::move(fn));
}

}  // namespace sluice
