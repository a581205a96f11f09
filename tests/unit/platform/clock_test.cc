#include "platform/clock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace sluice {
namespace {

using namespace std::chrono_literals;

TEST(ManualClockTest, AdvanceAndSet) {
  ManualClock clock(1000);
  EXPECT_EQ(clock.NowMicros(), 1000);
  clock.AdvanceMicros(500);
  EXPECT_EQ(clock.NowMicros(), 1500);
  EXPECT_EQ(clock.NowMillis(), 1);
  clock.SetMicros(42);
  EXPECT_EQ(clock.NowMicros(), 42);
}

TEST(ManualClockTest, SleepInThePastReturnsAtOnce) {
  ManualClock clock(100);
  clock.SleepUntilMicros(50);
  clock.SleepUntilMicros(100);
  EXPECT_EQ(clock.SleeperCountForTesting(), 0);
}

TEST(ManualClockTest, SleepWakesWhenAnotherThreadAdvancesPastTarget) {
  ManualClock clock(0);
  std::atomic<bool> woke{false};
  std::thread sleeper([&] {
    clock.SleepUntilMicros(1000);
    woke = true;
  });
  ASSERT_TRUE(clock.WaitForSleepersForTesting(1, 5s));
  clock.AdvanceMicros(999);
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(woke);  // not yet at the target
  EXPECT_EQ(clock.SleeperCountForTesting(), 1);
  clock.AdvanceMicros(1);
  sleeper.join();
  EXPECT_TRUE(woke);
  EXPECT_EQ(clock.SleeperCountForTesting(), 0);
}

TEST(ManualClockTest, SetMicrosWakesSleepers) {
  ManualClock clock(0);
  std::thread sleeper([&] { clock.SleepUntilMicros(5000); });
  ASSERT_TRUE(clock.WaitForSleepersForTesting(1, 5s));
  clock.SetMicros(10000);
  sleeper.join();
  EXPECT_EQ(clock.NowMicros(), 10000);
}

TEST(ManualClockTest, InterruptWakesAllSleepersEarly) {
  ManualClock clock(0);
  std::thread a([&] { clock.SleepUntilMicros(1000000); });
  std::thread b([&] { clock.SleepUntilMicros(2000000); });
  ASSERT_TRUE(clock.WaitForSleepersForTesting(2, 5s));
  clock.Interrupt();
  a.join();
  b.join();
  EXPECT_EQ(clock.NowMicros(), 0);
}

TEST(ManualClockTest, InterruptWithNoSleeperIsRememberedOnce) {
  ManualClock clock(0);
  clock.Interrupt();
  clock.SleepUntilMicros(1000);  // returns at once: consumes the pending interrupt
  std::atomic<bool> woke{false};
  std::thread sleeper([&] {
    clock.SleepUntilMicros(1000);  // blocks: the interrupt was consumed
    woke = true;
  });
  ASSERT_TRUE(clock.WaitForSleepersForTesting(1, 5s));
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(woke);
  clock.AdvanceMicros(1000);
  sleeper.join();
  EXPECT_TRUE(woke);
}

TEST(ManualClockTest, NegativeAdvanceIsRejected) {
  ManualClock clock(0);
  EXPECT_ANY_THROW(clock.AdvanceMicros(-1));
}

TEST(SystemClockTest, NowIsWallTimeAndSleepWaits) {
  SystemClock clock;
  const int64_t wall = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  EXPECT_LT(std::llabs(clock.NowMicros() - wall), 5000000);
  const int64_t start = clock.NowMicros();
  clock.SleepUntilMicros(start + 20000);
  EXPECT_GE(clock.NowMicros(), start + 20000);
}

TEST(SystemClockTest, InterruptEndsLongSleep) {
  SystemClock clock;
  const auto start = std::chrono::steady_clock::now();
  std::thread sleeper([&] { clock.SleepUntilMicros(clock.NowMicros() + 60 * 1000000LL); });
  std::this_thread::sleep_for(50ms);
  clock.Interrupt();
  sleeper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
}

TEST(ClockTest, UsableThroughTheInterface) {
  ManualClock manual(7);
  Clock& clock = manual;
  EXPECT_EQ(clock.NowMicros(), 7);
  clock.Interrupt();
  clock.SleepUntilMicros(1000);  // pending interrupt
}

}  // namespace
}  // namespace sluice
