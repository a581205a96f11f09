// Sink: where a streaming query's micro-batch output goes. The runtime calls AddBatch once per batch
// id, before the commit log entry; after a failure the same batch id may be added again with the
// same data, so a sink must be idempotent per batch id (Spark's exactly-once contract).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "plan/output_mode.h"

namespace sluice {

class Sink {
 public:
  virtual ~Sink() = default;
  /// Spark's sink description in progress reports, e.g. "MemorySink", "FileSink[/out]".
  virtual std::string Description() const = 0;
  /// Writes batch `batch_id`. `partitions` hold the batch's rows, possibly split by task; all share
  /// `schema`. Thread: called from the query's thread.
  virtual void AddBatch(int64_t batch_id, const TypePtr& schema,
                        const std::vector<RecordBatchPtr>& partitions, OutputMode mode) = 0;
  /// Called when the query stops (also after a failure).
  virtual void Close() {}
};

}  // namespace sluice
