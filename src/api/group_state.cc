#include "sluice/group_state.h"

#include <fmt/format.h>

#include "types/datetime.h"

namespace sluice {

void GroupStateHandle::SetTimeoutDuration(int64_t duration_ms) {
  if (timeout_ != GroupStateTimeout::ProcessingTimeTimeout) {
    throw ExecutionError(
        "Cannot set timeout duration without enabling processing time timeout in "
        "[map|flatMap]GroupsWithState");
  }
  if (duration_ms <= 0) {
    throw ExecutionError(fmt::format("Timeout duration must be positive, got {} ms", duration_ms));
  }
  timeout_ts_ = batch_time_ms_ + duration_ms;
}

void GroupStateHandle::SetTimeoutDuration(const std::string& duration) {
  SetTimeoutDuration(ParseDurationMicros(duration) / 1000);
}

void GroupStateHandle::SetTimeoutTimestamp(int64_t timestamp_ms) {
  if (timeout_ != GroupStateTimeout::EventTimeTimeout) {
    throw ExecutionError(
        "Cannot set timeout timestamp without enabling event time timeout in "
        "[map|flatMap]GroupsWithState");
  }
  if (timestamp_ms < 0) throw ExecutionError("Timeout timestamp must be positive");
  if (watermark_present_ && timestamp_ms <= watermark_ms_) {
    throw ExecutionError(fmt::format(
        "Timeout timestamp ({}) cannot be earlier than the current watermark ({})", timestamp_ms,
        watermark_ms_));
  }
  timeout_ts_ = timestamp_ms;
}

int64_t GroupStateHandle::getCurrentWatermarkMs() const {
  if (!watermark_present_) {
    throw ExecutionError(
        "Cannot get event time watermark timestamp without setting watermark before "
        "[map|flatMap]GroupsWithState");
  }
  return watermark_ms_;
}

}  // namespace sluice
