// The `rate` and `rate-micro-batch` test sources (Spark's RateStreamProvider and
// RatePerMicroBatchProvider): rows (timestamp TIMESTAMP, value BIGINT) generated from the session
// clock, so a ManualClock drives them deterministically in tests.
//   rate: rowsPerSecond (1), rampUpTime ("0s"), numPartitions (cores). Offsets are whole seconds
//     since the source was first started (kept in the checkpoint), as Spark's.
//   rate-micro-batch: rowsPerBatch (required), numPartitions, startTimestamp (0),
//     advanceMillisPerBatch (1000). Every trigger has one new batch of rows.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "plan/logical_plan.h"

namespace sluice {

class SessionState;

/// A resolved streaming kSource plan for format "rate" or "rate-micro-batch". Throws AnalysisError
/// for invalid options (named as Spark names them).
PlanPtr MakeRatePlan(const SessionState& session, const std::string& format,
                     const std::map<std::string, std::string>& options);

}  // namespace sluice
