// Streaming API: DataStreamReader / DataStreamWriter / StreamingQuery / StreamingQueryManager /
// listeners / triggers, with PySpark's names and semantics (micro-batch execution).
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sluice/dataframe.h"
#include "sluice/row.h"
#include "sluice/types.h"

namespace sluice {

class SessionState;
class StreamExecution;

/// When a streaming query runs its micro-batches.
class Trigger {
 public:
  enum class Kind { kDefault, kProcessingTime, kOnce, kAvailableNow };
  /// As fast as possible: a new batch as soon as the previous one finished and input is available.
  static Trigger Default() { return Trigger(Kind::kDefault, 0); }
  /// Fixed interval: "5 seconds", "1 minute"; 0 = Default.
  static Trigger ProcessingTime(const std::string& interval);
  static Trigger ProcessingTimeMs(int64_t interval_ms) { return Trigger(Kind::kProcessingTime, interval_ms); }
  /// One batch with all available input, then stop (deprecated in Spark; still supported).
  static Trigger Once() { return Trigger(Kind::kOnce, 0); }
  /// All available input in as many batches as rate limits require, then stop.
  static Trigger AvailableNow() { return Trigger(Kind::kAvailableNow, 0); }

  Kind kind() const { return kind_; }
  int64_t interval_ms() const { return interval_ms_; }

 private:
  Trigger(Kind k, int64_t ms) : kind_(k), interval_ms_(ms) {}
  Kind kind_;
  int64_t interval_ms_;
};

/// Progress of one micro-batch (Spark's StreamingQueryProgress). json() renders Spark's JSON.
struct SourceProgress {
  std::string description;
  std::string start_offset;   // JSON text, "null" if none
  std::string end_offset;
  std::string latest_offset;
  int64_t num_input_rows = 0;
  double input_rows_per_second = 0;
  double processed_rows_per_second = 0;
  std::map<std::string, std::string> metrics;
};

struct StateOperatorProgress {
  std::string operator_name;
  int64_t num_rows_total = 0;
  int64_t num_rows_updated = 0;
  int64_t all_updates_time_ms = 0;
  int64_t num_rows_removed = 0;
  int64_t all_removals_time_ms = 0;
  int64_t commit_time_ms = 0;
  int64_t memory_used_bytes = 0;
  int64_t num_rows_dropped_by_watermark = 0;
  int64_t num_shuffle_partitions = 0;
  int64_t num_state_store_instances = 0;
  std::map<std::string, int64_t> custom_metrics;
};

struct StreamingQueryProgress {
  std::string id;
  std::string run_id;
  std::string name;  // empty = null
  std::string timestamp;  // ISO-8601 trigger start, "2024-01-01T00:00:00.000Z"
  int64_t batch_id = 0;
  int64_t batch_duration = 0;
  int64_t num_input_rows = 0;
  double input_rows_per_second = 0;
  double processed_rows_per_second = 0;
  std::map<std::string, int64_t> duration_ms;
  std::map<std::string, std::string> event_time;  // min, max, avg, watermark (ISO-8601)
  std::vector<StateOperatorProgress> state_operators;
  std::vector<SourceProgress> sources;
  std::string sink_description;
  int64_t sink_num_output_rows = -1;
  std::map<std::string, std::string> observed_metrics;

  /// Spark's compact JSON.
  std::string json() const;
  std::string prettyJson() const;
};

/// StreamingQuery.status.
struct StreamingQueryStatus {
  std::string message;
  bool is_data_available = false;
  bool is_trigger_active = false;
  std::string json() const;
};

/// Handle on a running (or finished) streaming query. Thread-safe.
class StreamingQuery {
 public:
  explicit StreamingQuery(std::shared_ptr<StreamExecution> exec) : exec_(std::move(exec)) {}

  std::string id() const;
  std::string runId() const;
  /// Query name, empty when unnamed.
  std::string name() const;
  bool isActive() const;
  StreamingQueryStatus status() const;
  std::optional<StreamingQueryProgress> lastProgress() const;
  std::vector<StreamingQueryProgress> recentProgress() const;
  /// Waits for the query to stop; rethrows its failure as StreamingQueryError.
  void awaitTermination() const;
  /// Waits at most timeout_ms; returns whether the query has terminated.
  bool awaitTermination(int64_t timeout_ms) const;
  /// Blocks until all input available at the time of the call has been processed (for tests).
  void processAllAvailable() const;
  void stop() const;
  /// The failure that stopped the query, if any (message), else nullopt.
  std::optional<std::string> exception() const;
  std::string explainString(bool extended = false) const;
  void explain(bool extended = false) const;

  const std::shared_ptr<StreamExecution>& execution() const { return exec_; }

 private:
  std::shared_ptr<StreamExecution> exec_;
};

/// Events of StreamingQueryListener.
struct QueryStartedEvent { std::string id, run_id, name, timestamp; };
struct QueryProgressEvent { StreamingQueryProgress progress; };
struct QueryIdleEvent { std::string id, run_id, timestamp; };
struct QueryTerminatedEvent { std::string id, run_id; std::optional<std::string> exception; };

/// Receives query lifecycle events. Callbacks run on the query's thread; keep them short.
class StreamingQueryListener {
 public:
  virtual ~StreamingQueryListener() = default;
  virtual void onQueryStarted(const QueryStartedEvent& event) {}
  virtual void onQueryProgress(const QueryProgressEvent& event) {}
  virtual void onQueryIdle(const QueryIdleEvent& event) {}
  virtual void onQueryTerminated(const QueryTerminatedEvent& event) {}
};

/// session.streams().
class StreamingQueryManager {
 public:
  explicit StreamingQueryManager(std::shared_ptr<SessionState> s) : session_(std::move(s)) {}
  std::vector<StreamingQuery> active() const;
  /// By query id; nullopt if not active.
  std::optional<StreamingQuery> get(const std::string& id) const;
  /// Waits until any query terminates (since the last resetTerminated); rethrows its failure.
  void awaitAnyTermination() const;
  bool awaitAnyTermination(int64_t timeout_ms) const;
  void resetTerminated() const;
  void addListener(std::shared_ptr<StreamingQueryListener> listener) const;
  void removeListener(const std::shared_ptr<StreamingQueryListener>& listener) const;

 private:
  std::shared_ptr<SessionState> session_;
};

/// session.readStream().
class DataStreamReader {
 public:
  explicit DataStreamReader(std::shared_ptr<SessionState> s) : session_(std::move(s)) {}
  DataStreamReader& format(const std::string& source) &;
  DataStreamReader&& format(const std::string& a0) && { return std::move(format(a0)); }
  DataStreamReader& option(const std::string& key, const std::string& value) &;
  DataStreamReader&& option(const std::string& a0, const std::string& a1) && { return std::move(option(a0, a1)); }
  DataStreamReader& option(const std::string& key, const char* value) & { return option(key, std::string(value)); }
  DataStreamReader&& option(const std::string& a0, const char* a1) && { return std::move(option(a0, a1)); }
  DataStreamReader& option(const std::string& key, int64_t value) &;
  DataStreamReader&& option(const std::string& a0, int64_t a1) && { return std::move(option(a0, a1)); }
  DataStreamReader& option(const std::string& key, bool value) &;
  DataStreamReader&& option(const std::string& a0, bool a1) && { return std::move(option(a0, a1)); }
  DataStreamReader& options(const std::map<std::string, std::string>& opts) &;
  DataStreamReader&& options(const std::map<std::string, std::string>& a0) && { return std::move(options(a0)); }
  DataStreamReader& schema(const TypePtr& schema) &;
  DataStreamReader&& schema(const TypePtr& a0) && { return std::move(schema(a0)); }
  DataStreamReader& schema(const std::string& ddl) &;
  DataStreamReader&& schema(const std::string& a0) && { return std::move(schema(a0)); }
  DataFrame load() const;
  DataFrame load(const std::string& path);
  DataFrame json(const std::string& path) { return format("json").load(path); }
  DataFrame parquet(const std::string& path) { return format("parquet").load(path); }
  DataFrame csv(const std::string& path) { return format("csv").load(path); }
  DataFrame text(const std::string& path) { return format("text").load(path); }
  /// A streaming read of a table; memory-sink and temp-view names resolve here.
  DataFrame table(const std::string& name) const;

 private:
  std::shared_ptr<SessionState> session_;
  std::string format_;
  std::map<std::string, std::string> options_;
  TypePtr schema_;
};

/// Rows handed to a foreach writer.
class ForeachWriter {
 public:
  virtual ~ForeachWriter() = default;
  /// Returns false to skip the partition.
  virtual bool open(int64_t partition_id, int64_t epoch_id) { return true; }
  virtual void process(const Row& row) = 0;
  virtual void close(const std::exception_ptr& error) {}
};

/// df.writeStream().
class DataStreamWriter {
 public:
  explicit DataStreamWriter(DataFrame df) : df_(std::move(df)) {}
  DataStreamWriter& format(const std::string& sink) &;
  DataStreamWriter&& format(const std::string& a0) && { return std::move(format(a0)); }
  /// "append" (default), "update", "complete".
  DataStreamWriter& outputMode(const std::string& mode) &;
  DataStreamWriter&& outputMode(const std::string& a0) && { return std::move(outputMode(a0)); }
  DataStreamWriter& option(const std::string& key, const std::string& value) &;
  DataStreamWriter&& option(const std::string& a0, const std::string& a1) && { return std::move(option(a0, a1)); }
  DataStreamWriter& option(const std::string& key, const char* value) & { return option(key, std::string(value)); }
  DataStreamWriter&& option(const std::string& a0, const char* a1) && { return std::move(option(a0, a1)); }
  DataStreamWriter& option(const std::string& key, int64_t value) &;
  DataStreamWriter&& option(const std::string& a0, int64_t a1) && { return std::move(option(a0, a1)); }
  DataStreamWriter& option(const std::string& key, bool value) &;
  DataStreamWriter&& option(const std::string& a0, bool a1) && { return std::move(option(a0, a1)); }
  DataStreamWriter& options(const std::map<std::string, std::string>& opts) &;
  DataStreamWriter&& options(const std::map<std::string, std::string>& a0) && { return std::move(options(a0)); }
  DataStreamWriter& queryName(const std::string& name) &;
  DataStreamWriter&& queryName(const std::string& a0) && { return std::move(queryName(a0)); }
  DataStreamWriter& trigger(const Trigger& trigger) &;
  DataStreamWriter&& trigger(const Trigger& a0) && { return std::move(trigger(a0)); }
  DataStreamWriter& partitionBy(const std::vector<std::string>& cols) &;
  DataStreamWriter&& partitionBy(const std::vector<std::string>& a0) && { return std::move(partitionBy(a0)); }
  DataStreamWriter& foreachBatch(std::function<void(const DataFrame& batch, int64_t batch_id)> fn) &;
  DataStreamWriter&& foreachBatch(std::function<void(const DataFrame& batch, int64_t batch_id)> a0) && { return std::move(foreachBatch(std::move(a0))); }
  DataStreamWriter& foreach(std::function<std::shared_ptr<ForeachWriter>()> writer_factory) &;
  DataStreamWriter&& foreach(std::function<std::shared_ptr<ForeachWriter>()> a0) && { return std::move(foreach(std::move(a0))); }
  StreamingQuery start();
  StreamingQuery start(const std::string& path);
  StreamingQuery toTable(const std::string& table_name);

 private:
  friend class StreamExecution;
  DataFrame df_;
  std::string format_;
  std::string output_mode_ = "append";
  std::map<std::string, std::string> options_;
  std::string query_name_;
  Trigger trigger_ = Trigger::Default();
  std::vector<std::string> partition_by_;
  std::function<void(const DataFrame&, int64_t)> foreach_batch_;
  std::function<std::shared_ptr<ForeachWriter>()> foreach_writer_;
};

}  // namespace sluice
