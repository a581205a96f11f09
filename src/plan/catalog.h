// Catalog: what the analyzer needs from the session, as an interface so the plan layer does not
// depend on the API layer: temp views, path tables (json.`/dir`), table functions and settings.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "expr/eval_context.h"
#include "plan/logical_plan.h"

namespace sluice {

class Catalog {
 public:
  virtual ~Catalog() = default;
  /// A resolved plan for the view `name`, or null.
  virtual PlanPtr LookupView(const std::string& name) const = 0;
  /// A resolved batch plan reading `path` with `format` (json, csv, text, ...) and read `options`
  /// (e.g. versionAsOf), or throws.
  virtual PlanPtr ResolvePathTable(
      const std::string& format, const std::string& path,
      const std::vector<std::pair<std::string, std::string>>& options) const = 0;
  /// A resolved plan for a table-valued function call (named args as kAlias), or throws.
  virtual PlanPtr ResolveTableFunction(const std::string& name,
                                       const std::vector<ExprPtr>& args) const = 0;
  virtual EvalContext eval_context() const = 0;
};

}  // namespace sluice
