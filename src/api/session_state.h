// SessionState: what a Session shares with its DataFrames and queries: configuration, temp views,
// memory sinks, active streaming queries and listeners, the clock and the worker pool.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "expr/eval_context.h"
#include "sluice/streaming.h"

namespace sluice {

struct LogicalPlan;
class Clock;
class ThreadPool;
class MemorySink;
class StreamExecution;

class SessionState : public std::enable_shared_from_this<SessionState> {
 public:
  SessionState(std::string app_name, std::map<std::string, std::string> conf,
               std::shared_ptr<Clock> clock);
  ~SessionState();

  const std::string& app_name() const { return app_name_; }

  // ---- configuration (Spark key names) ----
  void SetConf(const std::string& key, const std::string& value);
  void UnsetConf(const std::string& key);
  /// The value set, else Sluice's default for a known key, else nullopt.
  std::optional<std::string> GetConf(const std::string& key) const;
  std::string GetConf(const std::string& key, const std::string& default_value) const;
  int64_t GetConfInt(const std::string& key, int64_t default_value) const;
  bool GetConfBool(const std::string& key, bool default_value) const;
  std::map<std::string, std::string> AllConf() const;
  /// Evaluation settings derived from the configuration (ANSI mode, time zone, ...).
  EvalContext MakeEvalContext() const;
  int ShufflePartitions() const;

  // ---- catalog of temporary views ----
  void CreateTempView(const std::string& name, std::shared_ptr<LogicalPlan> plan, bool replace);
  std::shared_ptr<LogicalPlan> LookupTempView(const std::string& name) const;
  bool DropTempView(const std::string& name);
  std::vector<std::string> TempViewNames() const;

  // ---- memory sinks (queryable as temp views named after the query) ----
  /// The sink named `name` if its owner checkpoint equals `checkpoint`, else a new one (replacing).
  std::shared_ptr<MemorySink> GetOrCreateMemorySink(const std::string& name,
                                                    const std::string& checkpoint);
  std::shared_ptr<MemorySink> FindMemorySink(const std::string& name) const;

  // ---- streaming queries ----
  void RegisterQuery(const std::shared_ptr<StreamExecution>& q);
  void OnQueryTerminated(const StreamExecution* q, bool failed);
  std::vector<std::shared_ptr<StreamExecution>> ActiveQueries() const;
  bool AwaitAnyTermination(int64_t timeout_ms);
  void ResetTerminated();
  void AddListener(std::shared_ptr<StreamingQueryListener> l);
  void RemoveListener(const std::shared_ptr<StreamingQueryListener>& l);
  std::vector<std::shared_ptr<StreamingQueryListener>> Listeners() const;

  /// Holds back the start of new triggers of every query of the session until the matching
  /// ResumeTriggers (nestable). Lets a caller add data to several inputs so that one micro-batch
  /// sees all of it (used by the scenario runner; a trigger already running finishes).
  void PauseTriggers();
  void ResumeTriggers();
  /// Blocks while triggers are paused, or until `give_up()` returns true (checked periodically).
  void WaitTriggersAllowed(const std::function<bool()>& give_up);

  const std::shared_ptr<Clock>& clock() const { return clock_; }
  /// Worker pool for a batch's tasks (size from spark.sluice.threads or the core count).
  ThreadPool& pool() const;

 private:
  std::string app_name_;
  std::shared_ptr<Clock> clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::string> conf_;                          // GUARDED_BY(mu_)
  std::map<std::string, std::shared_ptr<LogicalPlan>> views_;        // GUARDED_BY(mu_), lower-case
  std::map<std::string, std::shared_ptr<MemorySink>> memory_sinks_;  // GUARDED_BY(mu_)
  std::vector<std::weak_ptr<StreamExecution>> active_;               // GUARDED_BY(mu_)
  std::vector<std::shared_ptr<StreamingQueryListener>> listeners_;   // GUARDED_BY(mu_)
  int terminated_count_ = 0;                                         // GUARDED_BY(mu_)
  std::optional<std::string> terminated_error_;                      // GUARDED_BY(mu_)
  mutable std::unique_ptr<ThreadPool> pool_;                               // GUARDED_BY(mu_)
  mutable int pool_size_ = 0;                                              // GUARDED_BY(mu_)
  int trigger_pauses_ = 0;                                           // GUARDED_BY(mu_)
  mutable std::vector<std::unique_ptr<ThreadPool>> retired_pools_;  // GUARDED_BY(mu_): may still be in use
};

}  // namespace sluice
