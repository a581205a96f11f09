// The Delta maintenance statements of Session::sql / `sluice sql`: OPTIMIZE (delta_optimize.h),
// VACUUM (delta_vacuum.h) and DESCRIBE HISTORY, each returning its result as a resolved local
// relation, as Delta returns them:
//   OPTIMIZE          -> path STRING, metrics STRUCT<numFilesAdded BIGINT, numFilesRemoved BIGINT,
//                        numBytesAdded BIGINT, numBytesRemoved BIGINT, partitionsOptimized BIGINT,
//                        totalConsideredFiles BIGINT, totalFilesSkipped BIGINT>
//   VACUUM            -> path STRING (the table; DRY RUN: one row per file that would be deleted)
//   DESCRIBE HISTORY  -> version BIGINT, timestamp TIMESTAMP, userId STRING, userName STRING,
//                        operation STRING, operationParameters MAP<STRING,STRING>,
//                        clusterId STRING, readVersion BIGINT, isolationLevel STRING,
//                        isBlindAppend BOOLEAN, operationMetrics MAP<STRING,STRING>,
//                        userMetadata STRING, engineInfo STRING — newest version first.
// OPTIMIZE's WHERE may reference partition columns only; it is evaluated by Sluice's engine over
// the table's partition values.
#pragma once

#include "plan/logical_plan.h"
#include "sql/statement.h"

namespace sluice {

class SessionState;

/// Runs a kDeltaOptimize / kDeltaVacuum / kDescribeHistory statement. Throws AnalysisError for
/// tables that are not delta.`path` / '/path', and the errors of the commands.
PlanPtr RunDeltaStatement(SessionState& session, const Statement& statement);

/// The rows of DESCRIBE HISTORY for the table at `path` (newest first; `limit` < 0: all).
PlanPtr DeltaHistoryPlan(const std::string& path, int64_t limit);

}  // namespace sluice
