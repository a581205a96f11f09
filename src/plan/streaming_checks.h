// Streaming checks (Spark's UnsupportedOperationChecker): rejects, before a query starts, the plan
// shapes and output modes Spark rejects, with Spark's messages.
#pragma once

#include "plan/logical_plan.h"
#include "plan/output_mode.h"

namespace sluice {

/// Throws AnalysisError if `plan` (resolved, streaming) cannot run in `mode`.
void CheckStreamingPlan(const PlanPtr& plan, OutputMode mode);

}  // namespace sluice
