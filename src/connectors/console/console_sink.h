// ConsoleSink: prints each micro-batch as Spark's console sink does ("Batch: N" header, then the
// rows as show() renders them, numRows/truncate options).
#pragma once

#include <memory>

#include "connectors/sink.h"

namespace sluice {

class SessionState;

class ConsoleSink : public Sink {
 public:
  ConsoleSink(std::shared_ptr<SessionState> session, int num_rows, bool truncate);
  std::string Description() const override;
  void AddBatch(int64_t batch_id, const TypePtr& schema,
                const std::vector<RecordBatchPtr>& partitions, OutputMode mode) override;

 private:
  std::shared_ptr<SessionState> session_;
  int num_rows_;
  bool truncate_;
};

/// Discards its input ("noop" format), for benchmarks.
class NoopSink : public Sink {
 public:
  std::string Description() const override { return "NoopSink"; }
  void AddBatch(int64_t, const TypePtr&, const std::vector<RecordBatchPtr>&, OutputMode) override {}
};

}  // namespace sluice
