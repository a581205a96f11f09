// BatchRelation: a batch source over record batches already in memory (a micro-batch handed to
// foreachBatch, the table of a memory sink).
#pragma once

#include "plan/logical_plan.h"
#include "plan/relation_source.h"

namespace sluice {

class BatchRelation : public RelationSource {
 public:
  BatchRelation(TypePtr schema, std::vector<Partition> partitions, std::string description)
      : schema_(std::move(schema)), partitions_(std::move(partitions)), description_(std::move(description)) {}
  TypePtr schema() const override { return schema_; }
  bool is_streaming() const override { return false; }
  std::string Description() const override { return description_; }
  std::vector<Partition> ReadAll(const EvalContext&) const override { return partitions_; }

 private:
  TypePtr schema_;
  std::vector<Partition> partitions_;
  std::string description_;
};

/// A resolved batch plan over `partitions`.
PlanPtr MakeBatchRelationPlan(TypePtr schema, std::vector<Partition> partitions, std::string description);

}  // namespace sluice
