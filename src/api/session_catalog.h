// SessionCatalog: the Catalog the analyzer sees for one session (temp views, path tables,
// table-valued functions, settings).
#pragma once

#include "plan/catalog.h"

namespace sluice {

class SessionState;

class SessionCatalog : public Catalog {
 public:
  explicit SessionCatalog(const SessionState& session) : session_(session) {}
  PlanPtr LookupView(const std::string& name) const override;
  PlanPtr ResolvePathTable(
      const std::string& format, const std::string& path,
      const std::vector<std::pair<std::string, std::string>>& options) const override;
  PlanPtr ResolveTableFunction(const std::string& name, const std::vector<ExprPtr>& args) const override;
  EvalContext eval_context() const override;

 private:
  const SessionState& session_;
};

/// Analyzes `plan` in the session.
PlanPtr AnalyzePlan(const SessionState& session, const PlanPtr& plan);

}  // namespace sluice
