#include "api/query_execution.h"

#include "api/session_state.h"
#include "exec/physical_planner.h"
#include "sluice/exception.h"

namespace sluice {

RecordBatchPtr ExecuteBatchPlan(SessionState& session, const PlanPtr& plan) {
  if (plan->is_streaming) {
    throw AnalysisError(
        "[UNSUPPORTED_STREAMING_OPERATION] Queries with streaming sources must be executed with "
        "writeStream.start();");
  }
  PhysicalPlan physical = PlanPhysical(plan);
  ExecContext ctx;
  ctx.eval = session.MakeEvalContext();
  ctx.pool = &session.pool();
  ctx.shuffle_partitions = session.ShufflePartitions();
  auto parts = physical.root->Execute(ctx);
  TypePtr schema = plan->Schema();
  RecordBatchPtr all = Gather(physical.root->schema(), parts);
  return RecordBatch::Make(schema, all->columns(), all->num_rows());
}

}  // namespace sluice
