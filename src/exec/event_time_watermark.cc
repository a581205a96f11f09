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

std::vector<Partition> EventTimeWatermark::Execute(ExecContext& ctx) {
  auto input = children_[0]->Execute(ctx);
  EventTimeStats total;
  for (const auto& p : input) {
    for (const auto& c : p) {
      const Vector& v = *c->column(column_);
      const int64_t* d = v.data<int64_t>();
      for (size_t i = 0; i < c->num_rows(); ++i) {
        if (v.IsNull(i)) continue;
        total.max_micros = std::max(total.max_micros, d[i]);
        total.min_micros = std::min(total.min_micros, d[i]);
        total.sum_micros += static_cast<double>(d[i]);
        ++total.count;
      }
    }
  }
  std::lock_guard<std::mutex> l(mu_);
  stats_ = total;
  return input;
}

EventTimeStats EventTimeWatermark::stats() const {
  std::lock_guard<std::mutex> l(mu_);
  return stats_;
}

std::string EventTimeWatermark::Describe() const {
  return fmt::format("EventTimeWatermark {}: {}", column_name_, FormatInterval(delay_micros_));
}

}  // namespace sluice
