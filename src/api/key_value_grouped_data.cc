#include <fmt/format.h>

#include "api/session_catalog.h"
#include "api/session_state.h"
#include "plan/analyzer.h"
#include "plan/group_state_spec.h"
#include "plan/logical_plan.h"
#include "sluice/dataframe.h"

namespace sluice {

KeyValueGroupedData DataFrame::groupByKey(const std::vector<Column>& keys) const {
  if (keys.empty()) throw AnalysisError("groupByKey needs at least one key column");
  return KeyValueGroupedData(*this, keys);
}

DataFrame KeyValueGroupedData::Apply(
    std::function<std::vector<Row>(const Row&, const std::vector<Row>&, GroupStateHandle&)> fn,
    const TypePtr& output_schema, const std::string& output_mode, GroupStateTimeout timeout,
    bool is_map) const {
  const auto& session = df_.session_state();
  const PlanPtr& child = df_.plan();
  if (output_schema->id() != TypeId::kStruct) {
    throw AnalysisError("the output schema of (flat)mapGroupsWithState must be a STRUCT");
  }
  OutputMode mode = ParseOutputMode(output_mode);
  if (mode == OutputMode::kComplete) {
    throw AnalysisError("The output mode of function should be append or update");
  }
  auto spec = std::make_shared<GroupStateSpec>();
  spec->fn = std::move(fn);
  spec->function_output_mode = mode;
  spec->timeout = timeout;
  spec->is_map = is_map;
  if (timeout == GroupStateTimeout::EventTimeTimeout) {
    bool has_watermark = false;
    for (const auto& a : child->output) has_watermark |= a.is_event_time;
    if (!has_watermark && child->is_streaming) {
      throw AnalysisError(
          "Watermark must be specified in the query using '[Dataset/DataFrame].withWatermark()' for "
          "using event-time timeout in a [map|flatMap]GroupsWithState. Event-time timeout not "
          "supported without watermark.");
    }
  }
  SessionCatalog catalog(*session);
  Analyzer analyzer(catalog);
  auto plan = MakePlan(PlanKind::kFlatMapGroupsWithState, {child});
  for (const auto& k : keys_) {
    ExprPtr r = analyzer.ResolveExpression(k.expr(), child);
    if (r->kind == ExprKind::kAlias) r = r->children[0];
    plan->group_by.push_back(r);
    plan->column_names.push_back(Analyzer::OutputName(k.expr()));
  }
  plan->group_state = spec;
  for (const auto& f : output_schema->fields()) {
    Attribute a;
    a.name = f.name;
    a.type = f.type;
    a.nullable = true;
    plan->output.push_back(a);
  }
  plan->resolved = true;
  plan->is_streaming = child->is_streaming;
  return DataFrame(session, plan);
}

}  // namespace sluice
