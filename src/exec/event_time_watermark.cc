#include "exec/event_time_watermark.h"

#include <fmt/format.h>

#include "columnar/int64_range.h"
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
  __int128 sum = 0;  // exact: no rounding per row, no serial chain of floating-point adds
  size_t count = 0;
  if (!v.MayHaveNulls()) {
    Int64Range range = RangeOf(d, n);
    lo = range.min;
    hi = range.max;
    count = n;
    auto spread = static_cast<unsigned __int128>(static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo));
    if (n > 0 && spread * n < (unsigned __int128){1} << 63) {
      // Offsets from the least value sum in 64 bits without overflow (a vectorizable loop).
      uint64_t offsets = 0;
      for (size_t i = 0; i < n; ++i) offsets += static_cast<uint64_t>(d[i]) - static_cast<uint64_t>(lo);
      sum = static_cast<__int128>(lo) * static_cast<__int128>(n) + static_cast<__int128>(offsets);
    } else {
      for (size_t i = 0; i < n; ++i) sum += d[i];
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      if (v.IsNull(i)) continue;
      lo = std::min(lo, d[i]);
      hi = std::max(hi, d[i]);
      sum += d[i];
      ++count;
    }
  }
  if (count > 0) {
    s.min_micros = lo;
    s.max_micros = hi;
    s.sum_micros = static_cast<double>(sum);
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
