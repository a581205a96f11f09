// PhysicalPlanner: turns a resolved LogicalPlan into an executable operator tree. For streaming
// plans it also reports the streaming scans (by id, with their sources) and the watermark
// operators, which the micro-batch runtime drives.
#pragma once

#include <memory>
#include <vector>

#include "exec/physical_operator.h"
#include "plan/logical_plan.h"

namespace sluice {

class EventTimeWatermark;

struct PhysicalPlan {
  std::unique_ptr<PhysicalOperator> root;
  /// Streaming sources in plan order; scan id = index.
  std::vector<std::shared_ptr<RelationSource>> stream_sources;
  /// Watermark operators in plan order (not owned).
  std::vector<EventTimeWatermark*> watermarks;
  /// Number of stateful operators (operator ids 0..n-1).
  int num_stateful = 0;
};

PhysicalPlan PlanPhysical(const PlanPtr& plan);

}  // namespace sluice
