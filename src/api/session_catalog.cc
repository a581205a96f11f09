#include "api/session_catalog.h"

#include <fmt/format.h>

#include "api/session_state.h"
#include "connectors/file/file_relation.h"
#include "connectors/kafka/kafka_source.h"
#include "connectors/memory/batch_relation.h"
#include "connectors/memory/memory_sink.h"
#include "plan/analyzer.h"
#include "sluice/exception.h"

namespace sluice {

PlanPtr SessionCatalog::LookupView(const std::string& name) const {
  if (PlanPtr view = session_.LookupTempView(name)) return view;
  // A memory sink is queryable under its query name (as Spark registers a temp view for it).
  if (auto sink = session_.FindMemorySink(name)) {
    if (RecordBatchPtr table = sink->Table()) {
      return MakeBatchRelationPlan(table->schema(), {Partition{table}}, "MemorySink[" + name + "]");
    }
  }
  return nullptr;
}

PlanPtr SessionCatalog::ResolvePathTable(
    const std::string& format, const std::string& path,
    const std::vector<std::pair<std::string, std::string>>& options) const {
  std::map<std::string, std::string> opts(options.begin(), options.end());
  return MakeFileRelationPlan(session_, format, path, opts, nullptr, /*streaming=*/false);
}

PlanPtr SessionCatalog::ResolveTableFunction(const std::string& name,
                                             const std::vector<ExprPtr>& args) const {
  if (name == "read_kafka") return MakeReadKafkaPlan(session_, args);
  throw AnalysisError(fmt::format(
      "[UNRESOLVABLE_TABLE_VALUED_FUNCTION] Could not resolve `{}` to a table-valued function.",
      name));
}

EvalContext SessionCatalog::eval_context() const { return session_.MakeEvalContext(); }

PlanPtr AnalyzePlan(const SessionState& session, const PlanPtr& plan) {
  SessionCatalog catalog(session);
  Analyzer analyzer(catalog);
  return analyzer.Analyze(plan);
}

}  // namespace sluice
