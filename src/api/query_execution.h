// Runs resolved batch plans: physical planning, execution on the session's pool, and collection of
// the result as one batch whose schema is the plan's output.
#pragma once

#include "columnar/record_batch.h"
#include "plan/logical_plan.h"

namespace sluice {

class SessionState;

/// Executes a resolved, non-streaming plan. Throws AnalysisError for a streaming plan.
RecordBatchPtr ExecuteBatchPlan(SessionState& session, const PlanPtr& plan);

}  // namespace sluice
