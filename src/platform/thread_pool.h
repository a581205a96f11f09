// ThreadPool runs tasks on a fixed set of worker threads. RunAll() is the fork/join entry point used
// by the executor to process partitions in parallel.
//
// Thread-safe: any thread (including a worker running a task) may call Submit() or RunAll(). RunAll()
// never deadlocks when nested, because the calling thread itself runs the tasks of its batch that no
// worker has claimed yet; it only ever waits for tasks that are already running.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace sluice {

class ThreadPool {
 public:
  /// Starts `size` workers; 0 means std::thread::hardware_concurrency() (at least 1).
  explicit ThreadPool(size_t size = 0);
  /// Finishes the queued tasks, then joins the workers.
  ~ThreadPool();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Returns the number of workers, which is also the parallelism of RunAll().
  size_t size() const { return workers_.size(); }

  /// Queues `task`; the future reports its completion or rethrows its exception.
  std::future<void> Submit(std::function<void()> task);

  /// Runs every task, up to size() at a time (the caller counts as one), and returns when all have
  /// finished. If tasks threw, rethrows the exception of the lowest-indexed failed task, but only
  /// after every task has finished. With size() == 1, or with a single task, all tasks run inline
  /// in the calling thread, in order.
  void RunAll(std::vector<std::function<void()>> tasks);

 private:
  struct Batch;
  void WorkerLoop();
  static void Drain(Batch& batch);

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;                    // GUARDED_BY(mu_)
  std::vector<std::thread> workers_;
};

}  // namespace sluice
