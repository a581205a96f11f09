#include "connectors/memory/batch_relation.h"

namespace sluice {

PlanPtr MakeBatchRelationPlan(TypePtr schema, std::vector<Partition> partitions, std::string description) {
  return MakeSourcePlan(std::make_shared<BatchRelation>(std::move(schema), std::move(partitions), std::move(description)),
                        /*streaming=*/false, SourceNullability::kFromSchema);
}

}  // namespace sluice
