#include "connectors/foreach_sink.h"

#include "api/session_state.h"
#include "connectors/memory/batch_relation.h"

namespace sluice {

void ForeachBatchSink::AddBatch(int64_t batch_id, const TypePtr& schema,
                                const std::vector<RecordBatchPtr>& partitions, OutputMode) {
  std::vector<Partition> parts;
  for (const auto& b : partitions) parts.push_back({b});
  fn_(DataFrame(session_, MakeBatchRelationPlan(schema, std::move(parts), "ForeachBatch")), batch_id);
}

void ForeachSink::AddBatch(int64_t batch_id, const TypePtr& schema,
                           const std::vector<RecordBatchPtr>& partitions, OutputMode) {
  for (size_t part = 0; part < partitions.size(); ++part) {
    auto writer = factory_();
    if (!writer->open(static_cast<int64_t>(part), batch_id)) {
      writer->close(nullptr);
      continue;
    }
    std::exception_ptr error;
    try {
      const auto& b = partitions[part];
      for (size_t i = 0; i < b->num_rows(); ++i) writer->process(Row(schema, b->GetRow(i)));
    } catch (...) {
      error = std::current_exception();
    }
    writer->close(error);
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace sluice
