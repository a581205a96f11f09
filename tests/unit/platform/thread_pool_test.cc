#include "platform/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>

namespace sluice {
namespace {

std::vector<std::function<void()>> CountingTasks(int n, std::atomic<int>& counter) {
  std::vector<std::function<void()>> tasks;
  for (int i = 0; i < n; ++i) tasks.push_back([&counter] { counter.fetch_add(1); });
  return tasks;
}

TEST(ThreadPoolTest, RunAllRunsEveryTask) {
  ThreadPool pool(4);
  EXPECT_EQ(pool.size(), 4u);
  std::atomic<int> counter{0};
  pool.RunAll(CountingTasks(1000, counter));
  EXPECT_EQ(counter, 1000);
  pool.RunAll({});
}

TEST(ThreadPoolTest, DefaultSizeIsHardwareConcurrency) {
  ThreadPool pool;
  EXPECT_GE(pool.size(), 1u);
}

TEST(ThreadPoolTest, RunAllRunsInParallel) {
  ThreadPool pool(4);
  std::atomic<int> arrived{0};
  std::vector<std::function<void()>> tasks;
  // Each task waits for all four to be running at once: only possible with real parallelism.
  for (int i = 0; i < 4; ++i) {
    tasks.push_back([&] {
      arrived.fetch_add(1);
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (arrived < 4 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    });
  }
  pool.RunAll(std::move(tasks));
  EXPECT_EQ(arrived, 4);
}

TEST(ThreadPoolTest, SizeOneRunsInlineInOrder) {
  ThreadPool pool(1);
  std::vector<int> order;
  const auto caller = std::this_thread::get_id();
  std::vector<std::function<void()>> tasks;
  for (int i = 0; i < 5; ++i) {
    tasks.push_back([&, i] {
      EXPECT_EQ(std::this_thread::get_id(), caller);
      order.push_back(i);
    });
  }
  pool.RunAll(std::move(tasks));
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(ThreadPoolTest, RethrowsLowestIndexedExceptionAfterAllFinished) {
  ThreadPool pool(3);
  std::atomic<int> finished{0};
  std::vector<std::function<void()>> tasks;
  for (int i = 0; i < 20; ++i) {
    tasks.push_back([&, i] {
      std::this_thread::sleep_for(std::chrono::milliseconds(i % 3));
      finished.fetch_add(1);
      if (i == 7) throw std::runtime_error("task 7");
      if (i == 12) throw std::logic_error("task 12");
    });
  }
  try {
    pool.RunAll(std::move(tasks));
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "task 7");
  }
  EXPECT_EQ(finished, 20);
  // The pool is still usable afterwards.
  std::atomic<int> counter{0};
  pool.RunAll(CountingTasks(10, counter));
  EXPECT_EQ(counter, 10);
}

TEST(ThreadPoolTest, NestedRunAllDoesNotDeadlock) {
  for (size_t size : {1u, 2u, 4u}) {
    ThreadPool pool(size);
    std::atomic<int> counter{0};
    std::vector<std::function<void()>> outer;
    for (int i = 0; i < 8; ++i) {
      outer.push_back([&] {
        std::vector<std::function<void()>> inner;
        for (int j = 0; j < 8; ++j) {
          inner.push_back([&] {
            pool.RunAll(CountingTasks(3, counter));  // third level
          });
        }
        pool.RunAll(std::move(inner));
      });
    }
    pool.RunAll(std::move(outer));
    EXPECT_EQ(counter, 8 * 8 * 3) << "size " << size;
  }
}

TEST(ThreadPoolTest, NestedExceptionPropagatesOutward) {
  ThreadPool pool(2);
  std::vector<std::function<void()>> outer;
  outer.push_back([&] { pool.RunAll({[] { throw std::runtime_error("inner"); }, [] {}}); });
  outer.push_back([] {});
  EXPECT_THROW(pool.RunAll(std::move(outer)), std::runtime_error);
}

TEST(ThreadPoolTest, SubmitReturnsFuture) {
  ThreadPool pool(2);
  std::atomic<int> counter{0};
  auto ok = pool.Submit([&] { counter = 5; });
  auto bad = pool.Submit([] { throw std::runtime_error("boom"); });
  ok.get();
  EXPECT_EQ(counter, 5);
  EXPECT_THROW(bad.get(), std::runtime_error);
}

TEST(ThreadPoolTest, DestructorFinishesQueuedTasks) {
  std::atomic<int> counter{0};
  {
    ThreadPool pool(2);
    for (int i = 0; i < 50; ++i) pool.Submit([&] { counter.fetch_add(1); });
  }
  EXPECT_EQ(counter, 50);
}

TEST(ThreadPoolTest, ConcurrentRunAllFromManyThreads) {
  ThreadPool pool(3);
  std::atomic<int> counter{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int r = 0; r < 20; ++r) pool.RunAll(CountingTasks(10, counter));
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(counter, 4 * 20 * 10);
}

}  // namespace
}  // namespace sluice
