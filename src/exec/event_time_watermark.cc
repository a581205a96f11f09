#include "exec/event_time_watermark.h"

#include <fmt/format.h>

#include "types/datetime.h"

namespace sluice {

void EventTimeStats::Merge(const EventTimeStats& o) {
  max_micros = std::max(max_micros, o.max_micros);
  min_micros = std::min(min_micros, o.min_micros);
  sum_micros += o.sum_micros;
  count += o.count;
}

EventTimeWatermark::EventTimeWatermark(std::unique_ptr<PhysicalOperator> child, int column,
                                       int64_t delay_micros, std::string column_name)
    : PhysicalOperator(child->schema(), {}),
      column_(column),
      delay_micros_(delay_micros),
      column_name_(std::move(column_name)) {
  children_.push_back(std::move(child));
}

namespace {

// Statistics of the non-null values of an event-time column.
EventTimeStats ChunkStats(const Vector& v, size_t n) {
  EventTimeStats s;
  const int64_t* d = v.data<int64_t>();
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  double sum = 0;
  size_t count = 0;
  if (!v.MayHaveNulls()) {
    for (size_t i = 0; i < n; ++i) {
      lo = std::min(lo, d[i]);
      hi = std::max(hi, d[i]);
      sum += static_cast<double>(d[i]);
    }
    count = n;
  } else {
    for (size_t i = 0; i < n; ++i) {
      if (v.IsNull(i)) continue;
      lo = std::min(lo, d[i]);
      hi = std::max(hi, d[i]);
      sum += static_cast<double>(d[i]);
      ++count;
    }
  }
  if (count > 0) {
    s.min_micros = lo;
    s.max_micros = hi;
    s.sum_micros = sum;
    s.count = static_cast<int64_t>(count);
  }
  return s;
}

}  // namespace

std::vector<Partition> EventTimeWatermark::Execute(ExecContext& ctx) {
  auto input = children_[0]->Execute(ctx);
  EventTimeStats total;
  for (const auto& p : input) {
    for (const auto& c : p) total.Merge(ChunkStats(*c->column(column_), c->num_rows()));
  }
  std::lock_guard<std::mutex> l(mu_);
  stats_ = total;
  return input;
}

std::vector<ChunkStream> EventTimeWatermark::ExecuteStreams(ExecContext& ctx) {
  {
    std::lock_guard<std::mutex> l(mu_);
    stats_ = EventTimeStats{};
  }
  return MapChunkStreams(children_[0]->ExecuteStreams(ctx), [this](const RecordBatchPtr& c) {
    EventTimeStats s = ChunkStats(*c->column(column_), c->num_rows());
    std::lock_guard<std::mutex> l(mu_);
    stats_.Merge(s);
    return c;
  });
}

EventTimeStats EventTimeWatermark::stats() const {
  std::lock_guard<std::mutex> l(mu_);
  return stats_;
}

std::string EventTimeWatermark::Describe() const {
  return fmt::format("EventTimeWatermark {}: {}", column_name_, FormatInterval(delay_micros_));
}

}  // namespace sluice
