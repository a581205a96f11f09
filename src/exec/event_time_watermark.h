// EventTimeWatermark: passes rows through and records the min/max/sum/count of the event-time
// column for the micro-batch (Spark's EventTimeWatermarkExec). The runtime reads the statistics
// after the batch to advance the watermark (max event time - delay) and to report `eventTime`.
#pragma once

#include <mutex>

#include "exec/physical_operator.h"

namespace sluice {

struct EventTimeStats {
  int64_t max_micros = INT64_MIN;
  int64_t min_micros = INT64_MAX;
  double sum_micros = 0;
  int64_t count = 0;
  void Merge(const EventTimeStats& o);
};

class EventTimeWatermark : public PhysicalOperator {
 public:
  EventTimeWatermark(std::unique_ptr<PhysicalOperator> child, int column, int64_t delay_micros,
                     std::string column_name);
  std::vector<Partition> Execute(ExecContext& ctx) override;
  /// As Execute, recording the statistics of each chunk as it is pulled: they are complete once
  /// every stream has been drained.
  std::vector<ChunkStream> ExecuteStreams(ExecContext& ctx) override;
  std::string Describe() const override;

  /// Statistics of the last Execute or ExecuteStreams (reset at each call).
  EventTimeStats stats() const;
  int64_t delay_micros() const { return delay_micros_; }

 private:
  int column_;
  int64_t delay_micros_;
  std::string column_name_;
  mutable std::mutex mu_;
  EventTimeStats stats_;  // GUARDED_BY(mu_)
};

}  // namespace sluice
