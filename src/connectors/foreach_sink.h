// Sinks that hand each micro-batch to user code: foreachBatch (a batch DataFrame and the batch id)
// and foreach (a ForeachWriter per partition: open / process each row / close).
#pragma once

#include <functional>
#include <memory>

#include "connectors/sink.h"
#include "sluice/streaming.h"

namespace sluice {

class SessionState;

class ForeachBatchSink : public Sink {
 public:
  ForeachBatchSink(std::shared_ptr<SessionState> session,
                   std::function<void(const DataFrame&, int64_t)> fn)
      : session_(std::move(session)), fn_(std::move(fn)) {}
  std::string Description() const override { return "ForeachBatchSink"; }
  void AddBatch(int64_t batch_id, const TypePtr& schema,
                const std::vector<RecordBatchPtr>& partitions, OutputMode mode) override;

 private:
  std::shared_ptr<SessionState> session_;
  std::function<void(const DataFrame&, int64_t)> fn_;
};

class ForeachSink : public Sink {
 public:
  explicit ForeachSink(std::function<std::shared_ptr<ForeachWriter>()> factory)
      : factory_(std::move(factory)) {}
  std::string Description() const override { return "ForeachSink"; }
  void AddBatch(int64_t batch_id, const TypePtr& schema,
                const std::vector<RecordBatchPtr>& partitions, OutputMode mode) override;

 private:
  std::function<std::shared_ptr<ForeachWriter>()> factory_;
};

}  // namespace sluice
