// Streaming checks (Spark's UnsupportedOperationChecker): rejects, before a query starts, the plan
// shapes and output modes Spark rejects, with Spark's messages.
#pragma once

#include "plan/logical_plan.h"
#include "plan/output_mode.h"

namespace sluice {

/// Throws AnalysisError if `plan` (resolved, streaming) cannot run in `mode`. With
/// `check_correctness` false (spark.sql.streaming.statefulOperator.checkCorrectness.enabled =
/// false), a stateful operator after one that may emit rows older than the watermark is allowed;
/// those rows may then be dropped as late.
void CheckStreamingPlan(const PlanPtr& plan, OutputMode mode, bool check_correctness = true);

}  // namespace sluice
