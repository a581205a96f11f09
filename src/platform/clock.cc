#include "platform/clock.h"

#include <algorithm>

#include "sluice/exception.h"

namespace sluice {

void Clock::Interrupt() {}

void InterruptibleClock::Interrupt() {
  std::lock_guard<std::mutex> lock(mu_);
  if (sleepers_ > 0) {
    ++interrupt_epoch_;
  } else {
    pending_interrupt_ = true;
  }
  cv_.notify_all();
}

template <typename Reached, typename WaitStep>
void InterruptibleClock::SleepLoop(Reached reached, WaitStep wait_step) {
  std::unique_lock<std::mutex> lock(mu_);
  if (pending_interrupt_) {
    pending_interrupt_ = false;
    return;
  }
  if (reached()) return;
  const uint64_t epoch = interrupt_epoch_;
  ++sleepers_;
  sleepers_cv_.notify_all();
  while (!reached() && interrupt_epoch_ == epoch) {
    wait_step(lock);
  }
  --sleepers_;
}

int64_t SystemClock::NowMicros() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemClock::SleepUntilMicros(int64_t t) {
  SleepLoop([&] { return NowMicros() >= t; },
            [&](std::unique_lock<std::mutex>& lock) {
              // Wait on the steady clock for the remaining wall time, then re-check: the wall clock
              // may have been adjusted meanwhile.
              const int64_t remaining = t - NowMicros();
              if (remaining > 0) cv_.wait_for(lock, std::chrono::microseconds(remaining));
            });
}

int64_t ManualClock::NowMicros() const {
  std::lock_guard<std::mutex> lock(mu_);
  return now_micros_;
}

void ManualClock::SleepUntilMicros(int64_t t) {
  SleepLoop([&] { return now_micros_ >= t; },
            [&](std::unique_lock<std::mutex>& lock) { cv_.wait(lock); });
}

void ManualClock::AdvanceMicros(int64_t delta_micros) {
  if (delta_micros < 0) throw InternalError("ManualClock::AdvanceMicros with a negative delta");
  std::lock_guard<std::mutex> lock(mu_);
  now_micros_ += delta_micros;
  cv_.notify_all();
}

void ManualClock::SetMicros(int64_t t) {
  std::lock_guard<std::mutex> lock(mu_);
  now_micros_ = t;
  cv_.notify_all();
}

int ManualClock::SleeperCountForTesting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sleepers_;
}

bool ManualClock::WaitForSleepersForTesting(int count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return sleepers_cv_.wait_for(lock, timeout, [&] { return sleepers_ >= count; });
}

}  // namespace sluice
