// StreamExecution: runs one streaming query as a sequence of micro-batches on its own thread.
//
// Per trigger (Spark's MicroBatchExecution): ask every source for its latest offset (bounded by
// rate limits), write the batch's end offsets to the offset log *before* processing, run the
// incremental plan on exactly that input, hand the result to the sink with the batch id, write the
// commit log, report progress. On start from an existing checkpoint, the last offset-log entry
// without a commit is re-run with the same offsets and batch id. See docs/architecture.md.
//
// Thread-safety: public methods may be called from any thread; the batch loop runs on the query
// thread only.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "connectors/sink.h"
#include "sluice/streaming.h"

namespace sluice {

struct LogicalPlan;
class SessionState;
class Clock;
class IncrementalPlan;

/// Everything needed to start a query (built by DataStreamWriter::start).
struct StreamQuerySpec {
  std::shared_ptr<LogicalPlan> plan;  // analyzed, streaming
  std::shared_ptr<Sink> sink;
  /// Optional dead-letter sink for rows stateful operators drop as late (writeStream options
  /// lateRowsPath / lateRowsFormat); it receives LateRowCollector::Schema() rows per batch id.
  std::shared_ptr<Sink> late_rows_sink;
  OutputMode output_mode = OutputMode::kAppend;
  Trigger trigger = Trigger::Default();
  std::string name;                 // queryName, may be empty
  std::string checkpoint_location;  // resolved absolute dir
  bool temporary_checkpoint = false;  // delete on stop (no checkpointLocation given)
};

class StreamExecution : public std::enable_shared_from_this<StreamExecution> {
 public:
  /// Validates the query (output mode, supported operators), opens/creates the checkpoint and
  /// starts the query thread. Throws AnalysisError for an invalid query.
  static std::shared_ptr<StreamExecution> Start(std::shared_ptr<SessionState> session,
                                                StreamQuerySpec spec);
  ~StreamExecution();

  const std::string& id() const { return id_; }
  const std::string& run_id() const { return run_id_; }
  const std::string& name() const { return spec_.name; }
  bool IsActive() const;
  StreamingQueryStatus Status() const;
  std::optional<StreamingQueryProgress> LastProgress() const;
  std::vector<StreamingQueryProgress> RecentProgress() const;
  /// Every progress since the start of this run (not bounded by numRecentProgressUpdates).
  std::vector<StreamingQueryProgress> AllProgressForTesting() const;
  /// Returns true if terminated within timeout_ms (negative: wait forever). Rethrows the failure.
  bool AwaitTermination(int64_t timeout_ms);
  void ProcessAllAvailable();
  /// Blocks until the query thread has looked at all input added before the call and is waiting
  /// (for input, or on its clock for the next trigger time), or has terminated. Does not rethrow.
  void AwaitIdle();
  void Stop();
  std::optional<std::string> Exception() const;
  std::string Explain(bool extended) const;
  /// Wakes the query thread to look for new input (sources call it when data arrives).
  void NotifyNewData();

 private:
  StreamExecution(std::shared_ptr<SessionState> session, StreamQuerySpec spec);
  void Run();
  /// Runs one trigger: returns true if a batch (data or no-data) ran.
  bool RunTrigger();
  void Terminate(std::optional<std::string> error);

  std::shared_ptr<SessionState> session_;
  StreamQuerySpec spec_;
  std::shared_ptr<Clock> clock_;
  std::string id_;
  std::string run_id_;
  std::unique_ptr<IncrementalPlan> incremental_;
  std::thread thread_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool active_ = false;                 // GUARDED_BY(mu_)
  bool stop_requested_ = false;         // GUARDED_BY(mu_)
  bool idle_ = false;                   // GUARDED_BY(mu_)
  uint64_t data_epoch_ = 0;             // GUARDED_BY(mu_): bumped by NotifyNewData
  uint64_t seen_epoch_ = 0;             // GUARDED_BY(mu_): epoch the thread last looked at
  int64_t sleep_until_micros_ = 0;      // GUARDED_BY(mu_): processing-time trigger's next time
  int64_t idle_clock_micros_ = 0;       // GUARDED_BY(mu_): clock time the last look started at
  std::optional<std::string> error_;    // GUARDED_BY(mu_)
  std::deque<StreamingQueryProgress> recent_;  // GUARDED_BY(mu_)
  std::vector<StreamingQueryProgress> all_progress_;  // GUARDED_BY(mu_)
  StreamingQueryStatus status_;         // GUARDED_BY(mu_)
};

}  // namespace sluice
