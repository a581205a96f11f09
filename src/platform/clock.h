// Clock is the time seam of the micro-batch runtime: triggers read the time and sleep through it so
// that tests can drive a query with a ManualClock (as Spark's StreamManualClock does) instead of
// waiting on the wall clock.
//
// Time is microseconds since the Unix epoch (UTC). Every class here is thread-safe: any thread may
// read the time, sleep, advance a manual clock or interrupt sleepers.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace sluice {

/// Source of the current time plus an interruptible sleep.
///
/// Interrupt semantics: Interrupt() wakes every thread currently inside SleepUntilMicros(). If no
/// thread is sleeping, the interrupt is remembered and the next SleepUntilMicros() call returns at
/// once (then the flag is cleared). Callers must therefore re-check their own stop condition and the
/// time after every sleep; a sleep may end early.
class Clock {
 public:
  virtual ~Clock() = default;

  /// Returns the current time in microseconds since the epoch.
  virtual int64_t NowMicros() const = 0;
  /// Returns NowMicros() / 1000.
  int64_t NowMillis() const { return NowMicros() / 1000; }

  /// Blocks until NowMicros() >= t or until Interrupt() is called. Returns at once if t has passed.
  virtual void SleepUntilMicros(int64_t t) = 0;

  /// Wakes the sleepers early (see the class comment). The base version does nothing.
  virtual void Interrupt();
};

/// Shared sleeping machinery of SystemClock and ManualClock: a mutex, a condition variable and the
/// interrupt bookkeeping. Not part of the public contract; use Clock.
class InterruptibleClock : public Clock {
 public:
  void Interrupt() override;

 protected:
  /// Waits until `reached()` (checked with mu_ held) is true or an interrupt arrives. `wait_step`
  /// waits once on cv_ with the given lock. Defined in clock.cc, used only there.
  template <typename Reached, typename WaitStep>
  void SleepLoop(Reached reached, WaitStep wait_step);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  int sleepers_ = 0;               // GUARDED_BY(mu_)
  uint64_t interrupt_epoch_ = 0;   // GUARDED_BY(mu_); bumped when sleepers are interrupted
  bool pending_interrupt_ = false; // GUARDED_BY(mu_); an interrupt nobody was sleeping for
  mutable std::condition_variable sleepers_cv_;  // signalled when a thread starts sleeping
};

/// The real wall clock (std::chrono::system_clock); sleeps use a steady wait and re-check the time.
class SystemClock : public InterruptibleClock {
 public:
  int64_t NowMicros() const override;
  void SleepUntilMicros(int64_t t) override;
};

/// A clock that only moves when told to. SleepUntilMicros() blocks until another thread advances the
/// time to t or beyond, or interrupts. Useful in tests with a query running on its own thread.
class ManualClock : public InterruptibleClock {
 public:
  explicit ManualClock(int64_t start_micros = 0) : now_micros_(start_micros) {}

  int64_t NowMicros() const override;
  void SleepUntilMicros(int64_t t) override;

  /// Moves the time forward by `delta_micros` (REQUIRES: delta_micros >= 0) and wakes sleepers.
  void AdvanceMicros(int64_t delta_micros);
  /// Sets the time (it may go backwards; sleepers re-check) and wakes sleepers.
  void SetMicros(int64_t t);

  /// Returns how many threads are blocked in SleepUntilMicros() right now.
  int SleeperCountForTesting() const;
  /// Waits up to `timeout` for at least `count` sleepers; returns whether they arrived.
  bool WaitForSleepersForTesting(int count, std::chrono::milliseconds timeout) const;

 private:
  int64_t now_micros_;  // GUARDED_BY(mu_)
};

}  // namespace sluice
