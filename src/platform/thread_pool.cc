#include "platform/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>

namespace sluice {

// State of one RunAll() call, shared by the caller and the helper jobs it queued. Helpers may start
// after the caller returned; they then find no task left and exit without touching the tasks.
struct ThreadPool::Batch {
  explicit Batch(std::vector<std::function<void()>> t)
      : tasks(std::move(t)), errors(tasks.size()), remaining(tasks.size()) {}

  std::vector<std::function<void()>> tasks;
  std::vector<std::exception_ptr> errors;  // one slot per task, written by whoever ran it
  std::atomic<size_t> next{0};             // index of the next unclaimed task
  std::mutex mu;
  std::condition_variable done_cv;
  size_t remaining;                        // GUARDED_BY(mu)
};

ThreadPool::ThreadPool(size_t size) {
  if (size == 0) size = std::max(1u, std::thread::hardware_concurrency());
  workers_.reserve(size);
  for (size_t i = 0; i < size; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::WorkerLoop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();  // jobs never throw: Submit() wraps them in a packaged_task, helpers catch everything
  }
}

std::future<void> ThreadPool::Submit(std::function<void()> task) {
  auto packaged = std::make_shared<std::packaged_task<void()>>(std::move(task));
  std::future<void> result = packaged->get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.emplace_back([packaged] { (*packaged)(); });
  }
  cv_.notify_one();
  return result;
}

void ThreadPool::Drain(Batch& batch) {
  for (;;) {
    const size_t i = batch.next.fetch_add(1);
    if (i >= batch.tasks.size()) return;
    try {
      batch.tasks[i]();
    } catch (...) {
      batch.errors[i] = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(batch.mu);
    if (--batch.remaining == 0) batch.done_cv.notify_all();
  }
}

void ThreadPool::RunAll(std::vector<std::function<void()>> tasks) {
  if (tasks.empty()) return;
  auto batch = std::make_shared<Batch>(std::move(tasks));
  const size_t helpers = std::min(size(), batch->tasks.size()) - 1;
  if (helpers > 0) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (size_t i = 0; i < helpers; ++i) queue_.emplace_back([batch] { Drain(*batch); });
    }
    cv_.notify_all();
  }
  Drain(*batch);
  {
    std::unique_lock<std::mutex> lock(batch->mu);
    batch->done_cv.wait(lock, [&] { return batch->remaining == 0; });
  }
  for (auto& e : batch->errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace sluice
