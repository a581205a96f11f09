#include "connectors/memory/batch_relation.h"

namespace sluice {

PlanPtr MakeBatchRelationPlan(TypePtr schema, std::vector<Partition> partitions, std::string description) {
  auto plan = MakePlan(PlanKind::kSource);
  for (const auto& f : schema->fields()) {
    Attribute a;
    a.name = f.name;
    a.type = f.type;
    a.nullable = f.nullable;
    plan->output.push_back(a);
  }
  plan->source = std::make_shared<BatchRelation>(std::move(schema), std::move(partitions), std::move(description));
  plan->resolved = true;
  return plan;
}

}  // namespace sluice
