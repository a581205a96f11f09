#include "api/session_state.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fmt/format.h>
#include <thread>

#include "api/config_defaults.h"
#include "connectors/memory/memory_sink.h"
#include "plan/logical_plan.h"
#include "platform/allocator_tuning.h"
#include "platform/clock.h"
#include "platform/thread_pool.h"
#include "sluice/exception.h"
#include "streaming/stream_execution.h"
#include "types/ascii.h"

namespace sluice {

namespace {
}  // namespace

SessionState::SessionState(std::string app_name, std::map<std::string, std::string> conf,
                           std::shared_ptr<Clock> clock)
    : app_name_(std::move(app_name)), clock_(std::move(clock)), conf_(std::move(conf)) {
  if (!clock_) clock_ = std::make_shared<SystemClock>();
  if (!GetConfBool("spark.sluice.allocator.retainFreedMemory", true)) return;
  RetainFreedMemory();
}

SessionState::~SessionState() = default;

void SessionState::SetConf(const std::string& key, const std::string& value) {
  std::lock_guard<std::mutex> l(mu_);
  conf_[key] = value;
}

void SessionState::UnsetConf(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  conf_.erase(key);
}

std::optional<std::string> SessionState::GetConf(const std::string& key) const {
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = conf_.find(key);
    if (it != conf_.end()) return it->second;
  }
  return DefaultConfig(key);
}

std::string SessionState::GetConf(const std::string& key, const std::string& default_value) const {
  auto v = GetConf(key);
  return v ? *v : default_value;
}

int64_t SessionState::GetConfInt(const std::string& key, int64_t default_value) const {
  auto v = GetConf(key);
  if (!v || v->empty()) return default_value;
  try {
    size_t pos = 0;
    int64_t r = std::stoll(*v, &pos);
    if (pos != v->size()) throw std::invalid_argument(*v);
    return r;
  } catch (const std::exception&) {
    throw AnalysisError(fmt::format("[INVALID_CONF_VALUE] The value '{}' in the config \"{}\" is "
                                    "invalid: it must be an integer.",
                                    *v, key));
  }
}

bool SessionState::GetConfBool(const std::string& key, bool default_value) const {
  auto v = GetConf(key);
  if (!v || v->empty()) return default_value;
  std::string s = AsciiLower(*v);
  if (s == "true") return true;
  if (s == "false") return false;
  throw AnalysisError(fmt::format("[INVALID_CONF_VALUE] The value '{}' in the config \"{}\" is "
                                  "invalid: it must be true or false.",
                                  *v, key));
}

std::map<std::string, std::string> SessionState::AllConf() const {
  std::lock_guard<std::mutex> l(mu_);
  return conf_;
}

EvalContext SessionState::MakeEvalContext() const {
  EvalContext ctx;
  ctx.ansi_enabled = GetConfBool("spark.sql.ansi.enabled", true);
  ctx.time_zone = GetConf("spark.sql.session.timeZone", "UTC");
  ctx.case_sensitive = GetConfBool("spark.sql.caseSensitive", false);
  ctx.current_timestamp_micros = clock_->NowMicros();
  return ctx;
}

int SessionState::ShufflePartitions() const {
  int64_t n = GetConfInt("spark.sql.shuffle.partitions", 200);
  if (n < 1) {
    throw AnalysisError(fmt::format(
        "[INVALID_CONF_VALUE] The value '{}' in the config \"spark.sql.shuffle.partitions\" is "
        "invalid: it must be positive.",
        n));
  }
  return static_cast<int>(n);
}

void SessionState::CreateTempView(const std::string& name, std::shared_ptr<LogicalPlan> plan,
                                  bool replace) {
  std::lock_guard<std::mutex> l(mu_);
  std::string key = AsciiLower(name);
  if (!replace && views_.count(key)) {
    throw AnalysisError(fmt::format(
        "[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view `{}` because it "
        "already exists.",
        name));
  }
  views_[key] = std::move(plan);
}

std::shared_ptr<LogicalPlan> SessionState::LookupTempView(const std::string& name) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = views_.find(AsciiLower(name));
  return it == views_.end() ? nullptr : it->second;
}

bool SessionState::DropTempView(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  return views_.erase(AsciiLower(name)) > 0;
}

std::vector<std::string> SessionState::TempViewNames() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> out;
  for (const auto& [k, v] : views_) out.push_back(k);
  return out;
}

std::shared_ptr<MemorySink> SessionState::GetOrCreateMemorySink(const std::string& name,
                                                                const std::string& checkpoint) {
  std::lock_guard<std::mutex> l(mu_);
  auto& sink = memory_sinks_[AsciiLower(name)];
  if (!sink || sink->owner_checkpoint != checkpoint) {
    sink = std::make_shared<MemorySink>();
    sink->owner_checkpoint = checkpoint;
  }
  return sink;
}

std::shared_ptr<MemorySink> SessionState::FindMemorySink(const std::string& name) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = memory_sinks_.find(AsciiLower(name));
  return it == memory_sinks_.end() ? nullptr : it->second;
}

void SessionState::RegisterQuery(const std::shared_ptr<StreamExecution>& q) {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& w : active_) {
    auto a = w.lock();
    if (a && a->IsActive() && a->id() == q->id()) {
      throw AnalysisError(fmt::format(
          "[CONCURRENT_QUERY] Another instance of this query was just started by a concurrent "
          "session: query id {} is already active (checkpoint in use).",
          q->id()));
    }
    if (a && a->IsActive() && !q->name().empty() && a->name() == q->name()) {
      throw AnalysisError(fmt::format(
          "Cannot start query with name {} as a query with that name is already active in this "
          "SparkSession",
          q->name()));
    }
  }
  active_.push_back(q);
}

void SessionState::OnQueryTerminated(const StreamExecution* q, bool failed) {
  std::lock_guard<std::mutex> l(mu_);
  active_.erase(std::remove_if(active_.begin(), active_.end(),
                               [&](const std::weak_ptr<StreamExecution>& w) {
                                 auto a = w.lock();
                                 return !a || a.get() == q;
                               }),
                active_.end());
  ++terminated_count_;
  if (failed && !terminated_error_) terminated_error_ = q->Exception();
  cv_.notify_all();
}

std::vector<std::shared_ptr<StreamExecution>> SessionState::ActiveQueries() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::shared_ptr<StreamExecution>> out;
  for (const auto& w : active_) {
    if (auto a = w.lock()) out.push_back(a);
  }
  return out;
}

bool SessionState::AwaitAnyTermination(int64_t timeout_ms) {
  std::unique_lock<std::mutex> l(mu_);
  auto done = [&] { return terminated_count_ > 0; };
  if (timeout_ms < 0) {
    cv_.wait(l, done);
  } else if (!cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), done)) {
    return false;
  }
  if (terminated_error_) throw StreamingQueryError(*terminated_error_);
  return true;
}

void SessionState::ResetTerminated() {
  std::lock_guard<std::mutex> l(mu_);
  terminated_count_ = 0;
  terminated_error_.reset();
}

void SessionState::AddListener(std::shared_ptr<StreamingQueryListener> listener) {
  std::lock_guard<std::mutex> l(mu_);
  listeners_.push_back(std::move(listener));
}

void SessionState::RemoveListener(const std::shared_ptr<StreamingQueryListener>& listener) {
  std::lock_guard<std::mutex> l(mu_);
  listeners_.erase(std::remove(listeners_.begin(), listeners_.end(), listener), listeners_.end());
}

std::vector<std::shared_ptr<StreamingQueryListener>> SessionState::Listeners() const {
  std::lock_guard<std::mutex> l(mu_);
  return listeners_;
}

void SessionState::PauseTriggers() {
  std::lock_guard<std::mutex> l(mu_);
  ++trigger_pauses_;
}

void SessionState::ResumeTriggers() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (trigger_pauses_ > 0) --trigger_pauses_;
  }
  cv_.notify_all();
}

void SessionState::WaitTriggersAllowed(const std::function<bool()>& give_up) {
  std::unique_lock<std::mutex> l(mu_);
  while (trigger_pauses_ > 0) {
    l.unlock();
    if (give_up()) return;
    l.lock();
    cv_.wait_for(l, std::chrono::milliseconds(5));
  }
}

ThreadPool& SessionState::pool() const {
  int64_t want = GetConfInt("spark.sluice.threads", 0);
  if (want <= 0) want = std::max(1u, std::thread::hardware_concurrency());
  std::lock_guard<std::mutex> l(mu_);
  if (!pool_ || pool_size_ != want) {
    if (pool_) retired_pools_.push_back(std::move(pool_));
    pool_ = std::make_unique<ThreadPool>(static_cast<size_t>(want));
    pool_size_ = static_cast<int>(want);
  }
  return *pool_;
}

}  // namespace sluice
