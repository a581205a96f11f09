#include "streaming/stream_execution.h"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "api/config_defaults.h"
#include "api/session_state.h"
#include "exec/event_time_watermark.h"
#include "exec/late_rows.h"
#include "exec/physical_planner.h"
#include "platform/clock.h"
#include "platform/file_system.h"
#include "platform/uuid.h"
#include "plan/logical_plan.h"
#include "plan/streaming_checks.h"
#include "sluice/dataframe.h"
#include "sluice/exception.h"
#include "state/state_schema.h"
#include "state/state_store.h"
#include "streaming/checkpoint/checkpoint.h"
#include "types/datetime.h"

namespace sluice {

namespace {

std::string IsoTimestamp(int64_t ms) {
  return FormatTimestampWithPattern(ms * 1000, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC");
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Confs recorded in the offset log and restored on restart (fixed for a checkpoint's life).
const char* kCheckpointedConfs[] = {"spark.sql.shuffle.partitions",
                                    "spark.sql.streaming.multipleWatermarkPolicy"};

}  // namespace

/// The physical plan of a query run plus everything that lives across its micro-batches.
class IncrementalPlan {
 public:
  std::unique_ptr<Checkpoint> checkpoint;
  PhysicalPlan physical;
  std::vector<std::unique_ptr<StreamSource>> sources;
  std::unique_ptr<StateStoreProvider> state;
  std::vector<std::optional<std::string>> committed;  // offsets of the last processed batch
  int64_t next_batch_id = 0;
  int64_t watermark_ms = 0;       // used by the next batch
  int64_t prev_watermark_ms = 0;  // used by the last batch
  std::vector<std::optional<int64_t>> operator_watermarks;
  std::optional<OffsetSeqEntry> pending_rerun;  // offsets of a batch to re-run after restart
  int shuffle_partitions = 200;
  std::string watermark_policy = "min";
  bool last_batch_ran_no_data = false;
};

StreamExecution::StreamExecution(std::shared_ptr<SessionState> session, StreamQuerySpec spec)
    : session_(std::move(session)), spec_(std::move(spec)) {
  clock_ = session_->clock();
}

StreamExecution::~StreamExecution() {
  Stop();
  if (spec_.temporary_checkpoint) {
    std::error_code ec;
    std::filesystem::remove_all(spec_.checkpoint_location, ec);
  }
}

std::shared_ptr<StreamExecution> StreamExecution::Start(std::shared_ptr<SessionState> session,
                                                        StreamQuerySpec spec) {
  CheckStreamingPlan(spec.plan, spec.output_mode,
                     session->GetConfBool("spark.sql.streaming.statefulOperator.checkCorrectness.enabled", true));
  std::shared_ptr<StreamExecution> q(new StreamExecution(session, std::move(spec)));
  auto inc = std::make_unique<IncrementalPlan>();
  inc->checkpoint = std::make_unique<Checkpoint>(q->spec_.checkpoint_location);
  q->id_ = inc->checkpoint->query_id();
  q->run_id_ = GenerateUuid();
  inc->physical = PlanPhysical(q->spec_.plan);
  inc->state = StateStoreProvider::Create(
      inc->checkpoint->StatePath().string(),
      StateStoreConf::FromConfs([&](const std::string& k) { return session->GetConf(k); }));
  inc->shuffle_partitions = session->ShufflePartitions();
  inc->watermark_policy = session->GetConf("spark.sql.streaming.multipleWatermarkPolicy", "min");
  inc->operator_watermarks.resize(inc->physical.watermarks.size());

  // Recover from the checkpoint.
  auto latest = inc->checkpoint->offsets().GetLatest();
  size_t nsrc = inc->physical.stream_sources.size();
  inc->committed.assign(nsrc, std::nullopt);
  if (latest) {
    const auto& [batch_id, entry] = *latest;
    if (entry.source_offsets.size() != nsrc) {
      throw AnalysisError(fmt::format(
          "[STREAMING_QUERY_SOURCES_CHANGED] The checkpoint at {} was written by a query with {} "
          "sources; this query has {}. Use a new checkpoint location.",
          q->spec_.checkpoint_location, entry.source_offsets.size(), nsrc));
    }
    for (const char* key : kCheckpointedConfs) {
      auto it = entry.conf.find(key);
      if (it == entry.conf.end()) continue;
      if (std::string(key) == "spark.sql.shuffle.partitions") {
        // State is hash-partitioned by this value: an explicitly different setting is an error
        // (Spark silently keeps the checkpoint's value; the default is still overridden).
        auto conf = session->AllConf();
        auto set = conf.find(key);
        if (set != conf.end() && set->second != it->second) {
          throw AnalysisError(fmt::format(
              "spark.sql.shuffle.partitions was {} when the checkpoint at {} was created and is {} "
              "now; state is partitioned by it, so it cannot change for this checkpoint (use a new "
              "checkpoint location or set it back)",
              it->second, q->spec_.checkpoint_location, set->second));
        }
        inc->shuffle_partitions = std::stoi(it->second);
      } else {
        inc->watermark_policy = it->second;
      }
    }
    auto commit = inc->checkpoint->commits().Get(batch_id);
    if (commit) {
      inc->committed = entry.source_offsets;
      inc->next_batch_id = batch_id + 1;
      inc->prev_watermark_ms = entry.batch_watermark_ms;
      inc->watermark_ms = commit->next_batch_watermark_ms;
    } else {
      // The last batch was planned but not committed: re-run it with the same offsets and id.
      inc->pending_rerun = entry;
      inc->next_batch_id = batch_id;
      inc->watermark_ms = entry.batch_watermark_ms;
      if (batch_id > 0) {
        auto prev = inc->checkpoint->offsets().Get(batch_id - 1);
        if (prev) {
          inc->committed = prev->source_offsets;
          inc->prev_watermark_ms = prev->batch_watermark_ms;
        }
      }
    }
  }
  // State written by an incompatible query fails here, before any batch runs.
  ValidateStateSchemas(inc->checkpoint->StatePath().string(), q->spec_.checkpoint_location,
                       CollectStateSchemas(*inc->physical.root),
                       inc->checkpoint->commits().GetLatestBatchId().has_value());
  std::weak_ptr<StreamExecution> weak = q;
  for (size_t i = 0; i < nsrc; ++i) {
    StreamSourceContext ctx;
    ctx.metadata_dir = inc->checkpoint->SourcePath(static_cast<int>(i)).string();
    ctx.session = session;
    ctx.notify_new_data = [weak] {
      if (auto s = weak.lock()) s->NotifyNewData();
    };
    inc->sources.push_back(inc->physical.stream_sources[i]->CreateStream(ctx));
  }
  q->incremental_ = std::move(inc);
  session->RegisterQuery(q);
  {
    std::lock_guard<std::mutex> l(q->mu_);
    q->active_ = true;
    q->status_.message = "Initializing sources";
  }
  QueryStartedEvent started{q->id_, q->run_id_, q->spec_.name, IsoTimestamp(q->clock_->NowMillis())};
  for (const auto& listener : session->Listeners()) listener->onQueryStarted(started);
  q->thread_ = std::thread([q_raw = q.get()] { q_raw->Run(); });
  return q;
}

bool StreamExecution::IsActive() const {
  std::lock_guard<std::mutex> l(mu_);
  return active_;
}

StreamingQueryStatus StreamExecution::Status() const {
  std::lock_guard<std::mutex> l(mu_);
  return status_;
}

std::optional<StreamingQueryProgress> StreamExecution::LastProgress() const {
  std::lock_guard<std::mutex> l(mu_);
  if (recent_.empty()) return std::nullopt;
  return recent_.back();
}

std::vector<StreamingQueryProgress> StreamExecution::RecentProgress() const {
  std::lock_guard<std::mutex> l(mu_);
  return std::vector<StreamingQueryProgress>(recent_.begin(), recent_.end());
}

std::vector<StreamingQueryProgress> StreamExecution::AllProgressForTesting() const {
  std::lock_guard<std::mutex> l(mu_);
  return all_progress_;
}

bool StreamExecution::AwaitTermination(int64_t timeout_ms) {
  std::unique_lock<std::mutex> l(mu_);
  auto done = [&] { return !active_; };
  if (timeout_ms < 0) {
    cv_.wait(l, done);
  } else if (!cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), done)) {
    return false;
  }
  if (error_) throw StreamingQueryError(*error_);
  return true;
}

void StreamExecution::AwaitIdle() {
  std::unique_lock<std::mutex> l(mu_);
  uint64_t target = data_epoch_;
  int64_t call_time = clock_->NowMicros();
  bool processing_time = spec_.trigger.kind() == Trigger::Kind::kProcessingTime;
  while (true) {
    if (!active_) return;
    if (idle_) {
      // Default trigger: idle once it has looked at the data of the call and at the current clock
      // time (a clock advance can make a state timeout due).
      if (processing_time ? clock_->NowMicros() < sleep_until_micros_
                          : seen_epoch_ >= target && idle_clock_micros_ >= call_time)
        return;
    }
    cv_.wait_for(l, std::chrono::milliseconds(2));
  }
}

void StreamExecution::ProcessAllAvailable() {
  AwaitIdle();
  std::lock_guard<std::mutex> l(mu_);
  if (error_) throw StreamingQueryError(*error_);
}

void StreamExecution::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_requested_ = true;
  }
  cv_.notify_all();
  clock_->Interrupt();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

std::optional<std::string> StreamExecution::Exception() const {
  std::lock_guard<std::mutex> l(mu_);
  return error_;
}

std::string StreamExecution::Explain(bool extended) const {
  std::string out;
  if (extended) out += "== Analyzed Logical Plan ==\n" + spec_.plan->ToString() + "\n";
  out += "== Physical Plan ==\n" + incremental_->physical.root->TreeString();
  return out;
}

void StreamExecution::NotifyNewData() {
  {
    std::lock_guard<std::mutex> l(mu_);
    ++data_epoch_;
  }
  cv_.notify_all();
}

void StreamExecution::Run() {
  std::optional<std::string> failure;
  try {
    Trigger::Kind kind = spec_.trigger.kind();
    if (kind == Trigger::Kind::kAvailableNow) {
      for (auto& s : incremental_->sources) s->PrepareForAvailableNow();
    }
    int64_t interval_us = spec_.trigger.interval_ms() * 1000;
    int64_t poll_us = ParseTimeConfMicros("spark.sql.streaming.pollingDelay",
                                          session_->GetConf("spark.sql.streaming.pollingDelay", "10ms"),
                                          1000);
    while (true) {
      {
        std::lock_guard<std::mutex> l(mu_);
        if (stop_requested_) break;
        idle_ = false;
        seen_epoch_ = data_epoch_;
        idle_clock_micros_ = clock_->NowMicros();
        status_.is_trigger_active = true;
      }
      session_->WaitTriggersAllowed([this] {
        std::lock_guard<std::mutex> l(mu_);
        return stop_requested_;
      });
      int64_t trigger_us = clock_->NowMicros();
      bool ran = RunTrigger();
      bool stop_after = false;
      if (kind == Trigger::Kind::kOnce) stop_after = true;
      if (kind == Trigger::Kind::kAvailableNow && !ran) stop_after = true;
      if (stop_after) break;
      if (kind == Trigger::Kind::kProcessingTime && interval_us > 0) {
        int64_t next = trigger_us / interval_us * interval_us + interval_us;
        {
          std::lock_guard<std::mutex> l(mu_);
          if (stop_requested_) break;
          idle_ = true;
          sleep_until_micros_ = next;
          status_.is_trigger_active = false;
          status_.message = "Waiting for next trigger";
        }
        cv_.notify_all();
        while (clock_->NowMicros() < next) {
          {
            std::lock_guard<std::mutex> l(mu_);
            if (stop_requested_) break;
          }
          clock_->SleepUntilMicros(next);
        }
        continue;
      }
      if (ran) continue;  // as fast as possible while there is data
      std::unique_lock<std::mutex> l(mu_);
      if (stop_requested_) break;
      if (data_epoch_ != seen_epoch_) continue;
      idle_ = true;
      status_.is_trigger_active = false;
      status_.is_data_available = false;
      status_.message = "Waiting for data to arrive";
      cv_.notify_all();
      cv_.wait_for(l, std::chrono::microseconds(poll_us),
                   [&] { return stop_requested_ || data_epoch_ != seen_epoch_; });
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }
  Terminate(failure);
}

void StreamExecution::Terminate(std::optional<std::string> error) {
  for (auto& s : incremental_->sources) {
    try {
      s->Stop();
    } catch (...) {
    }
  }
  try {
    spec_.sink->Close();
    if (spec_.late_rows_sink) spec_.late_rows_sink->Close();
  } catch (...) {
  }
  // The state provider's maintenance thread must not outlive the query: once stop() or
  // awaitTermination() returns, the checkpoint may be deleted or reused by another run.
  incremental_->state.reset();
  {
    std::lock_guard<std::mutex> l(mu_);
    if (error) error_ = error;
    status_.message = "Stopped";
    status_.is_trigger_active = false;
  }
  // Listeners and the session learn of the termination before awaitTermination() returns.
  QueryTerminatedEvent ev{id_, run_id_, error};
  for (const auto& listener : session_->Listeners()) listener->onQueryTerminated(ev);
  session_->OnQueryTerminated(this, error.has_value());
  {
    std::lock_guard<std::mutex> l(mu_);
    active_ = false;
    idle_ = true;
  }
  cv_.notify_all();
}

bool StreamExecution::RunTrigger() {
  IncrementalPlan& inc = *incremental_;
  int64_t trigger_start = SteadyMs();
  std::map<std::string, int64_t> durations;
  size_t nsrc = inc.sources.size();
  ReadLimit limit;
  limit.all_available = spec_.trigger.kind() == Trigger::Kind::kOnce;

  OffsetSeqEntry entry;
  bool has_data = false;
  bool no_data_batch = false;
  int64_t batch_id = inc.next_batch_id;
  std::vector<std::optional<std::string>> latest(nsrc);
  if (inc.pending_rerun) {
    entry = *inc.pending_rerun;
    inc.pending_rerun.reset();
    for (size_t i = 0; i < nsrc; ++i) latest[i] = entry.source_offsets[i];
    has_data = entry.source_offsets != inc.committed;
    no_data_batch = !has_data;
  } else {
    int64_t t0 = SteadyMs();
    for (size_t i = 0; i < nsrc; ++i) {
      latest[i] = inc.sources[i]->LatestOffset(inc.committed[i], limit);
      if (latest[i] && latest[i] != inc.committed[i]) has_data = true;
    }
    durations["latestOffset"] = SteadyMs() - t0;
    if (!has_data) {
      bool enabled = session_->GetConfBool("spark.sql.streaming.noDataMicroBatches.enabled", true);
      bool watermark_moved = inc.watermark_ms > inc.prev_watermark_ms;
      bool needed = (watermark_moved && inc.physical.root->NeedsNoDataBatch(inc.watermark_ms)) ||
                    inc.physical.root->NeedsTimeoutBatch(clock_->NowMillis());
      if (!(enabled && needed && spec_.trigger.kind() != Trigger::Kind::kOnce)) {
        return false;
      }
      no_data_batch = true;
    }
    entry.batch_watermark_ms = inc.watermark_ms;
    entry.batch_timestamp_ms = clock_->NowMillis();
    entry.conf["spark.sql.shuffle.partitions"] = std::to_string(inc.shuffle_partitions);
    entry.conf["spark.sql.streaming.multipleWatermarkPolicy"] = inc.watermark_policy;
    for (size_t i = 0; i < nsrc; ++i) entry.source_offsets.push_back(latest[i] ? latest[i] : inc.committed[i]);
    int64_t t1 = SteadyMs();
    // Write-ahead: the offsets are durable before the batch runs.
    inc.checkpoint->offsets().Add(batch_id, entry);
    durations["walCommit"] = SteadyMs() - t1;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    status_.message = "Processing new data";
    status_.is_data_available = has_data;
  }

  // Read the batch's input.
  int64_t t_get = SteadyMs();
  StreamBatchContext sb;
  sb.batch_id = batch_id;
  sb.watermark_for_eviction_ms = entry.batch_watermark_ms;
  sb.watermark_for_late_rows_ms = inc.prev_watermark_ms;
  sb.state = inc.state.get();
  sb.output_mode = static_cast<int>(spec_.output_mode);
  sb.no_data_batch = no_data_batch;
  std::vector<int64_t> rows_per_source(nsrc, 0);
  for (size_t i = 0; i < nsrc; ++i) {
    const auto& end = entry.source_offsets[i];
    if (!end || end == inc.committed[i]) continue;
    auto parts = inc.sources[i]->GetBatch(inc.committed[i], *end);
    rows_per_source[i] = static_cast<int64_t>(CountRows(parts));
    sb.inputs[static_cast<int>(i)] = std::move(parts);
  }
  durations["getBatch"] = SteadyMs() - t_get;

  // Run the incremental plan.
  int64_t t_add = SteadyMs();
  ExecContext ctx;
  ctx.eval = session_->MakeEvalContext();
  ctx.eval.current_timestamp_micros = entry.batch_timestamp_ms * 1000;
  ctx.pool = &session_->pool();
  ctx.shuffle_partitions = inc.shuffle_partitions;
  ctx.stream = &sb;
  std::optional<LateRowCollector> late_rows;
  if (spec_.late_rows_sink) {
    late_rows.emplace(batch_id, ctx.eval.time_zone);
    sb.late_rows = &*late_rows;
  }
  auto parts = inc.physical.root->Execute(ctx);
  std::vector<RecordBatchPtr> out;
  int64_t out_rows = 0;
  TypePtr schema = spec_.plan->Schema();
  for (const auto& p : parts) {
    for (const auto& c : p) {
      out.push_back(RecordBatch::Make(schema, c->columns(), c->num_rows()));
      out_rows += static_cast<int64_t>(c->num_rows());
    }
  }
  spec_.sink->AddBatch(batch_id, schema, out, spec_.output_mode);
  // Late rows go out with the batch, before its commit, so a re-run batch rewrites the same ids.
  if (late_rows && late_rows->size() > 0) {
    spec_.late_rows_sink->AddBatch(batch_id, LateRowCollector::Schema(), {late_rows->Finish()},
                                   OutputMode::kAppend);
  }
  durations["addBatch"] = SteadyMs() - t_add;

  // Advance the watermark from this batch's event times.
  EventTimeStats stats;
  int64_t new_watermark = inc.watermark_ms;
  {
    std::vector<int64_t> op_wms;
    for (size_t w = 0; w < inc.physical.watermarks.size(); ++w) {
      EventTimeStats s = inc.physical.watermarks[w]->stats();
      stats.Merge(s);
      if (s.count > 0) {
        int64_t cand = (s.max_micros - inc.physical.watermarks[w]->delay_micros()) / 1000;
        if (!inc.operator_watermarks[w] || cand > *inc.operator_watermarks[w])
          inc.operator_watermarks[w] = cand;
      } else if (!inc.operator_watermarks[w]) {
        // An input that has seen no data in this run counts as watermark 0 (as Spark's tracker
        // does): with the min policy it holds the global watermark where it is (it never moves
        // back), also right after a restart, until every input has seen data.
        inc.operator_watermarks[w] = 0;
      }
      op_wms.push_back(*inc.operator_watermarks[w]);
    }
    if (!op_wms.empty()) {
      int64_t chosen = inc.watermark_policy == "max" ? *std::max_element(op_wms.begin(), op_wms.end())
                                                     : *std::min_element(op_wms.begin(), op_wms.end());
      new_watermark = std::max(new_watermark, chosen);
    }
  }
  int64_t t_commit = SteadyMs();
  CommitEntry commit;
  commit.next_batch_watermark_ms = new_watermark;
  inc.checkpoint->commits().Add(batch_id, commit);
  for (size_t i = 0; i < nsrc; ++i) {
    if (entry.source_offsets[i]) inc.sources[i]->Commit(*entry.source_offsets[i]);
  }
  std::vector<std::optional<std::string>> start_offsets = inc.committed;
  inc.committed = entry.source_offsets;
  inc.next_batch_id = batch_id + 1;
  inc.prev_watermark_ms = entry.batch_watermark_ms;
  inc.watermark_ms = new_watermark;
  int64_t retain = session_->GetConfInt("spark.sql.streaming.minBatchesToRetain", 100);
  if (retain > 0 && batch_id % 10 == 0) {
    inc.checkpoint->Purge(retain);
    if (batch_id + 1 > retain) inc.state->Purge(batch_id + 1 - retain);
  }
  durations["commitOffsets"] = SteadyMs() - t_commit;
  durations["triggerExecution"] = SteadyMs() - trigger_start;
  durations["queryPlanning"] = 0;

  // Progress.
  StreamingQueryProgress p;
  p.id = id_;
  p.run_id = run_id_;
  p.name = spec_.name;
  p.timestamp = IsoTimestamp(entry.batch_timestamp_ms);
  p.batch_id = batch_id;
  p.batch_duration = durations["triggerExecution"];
  p.duration_ms = durations;
  for (int64_t r : rows_per_source) p.num_input_rows += r;
  double secs = std::max<int64_t>(1, p.batch_duration) / 1000.0;
  p.processed_rows_per_second = p.num_input_rows / secs;
  p.input_rows_per_second = p.processed_rows_per_second;
  if (!inc.physical.watermarks.empty()) {
    if (stats.count > 0) {
      p.event_time["avg"] = IsoTimestamp(static_cast<int64_t>(stats.sum_micros / stats.count) / 1000);
      p.event_time["max"] = IsoTimestamp(stats.max_micros / 1000);
      p.event_time["min"] = IsoTimestamp(stats.min_micros / 1000);
    }
    p.event_time["watermark"] = IsoTimestamp(entry.batch_watermark_ms);
  }
  inc.physical.root->CollectStateProgress(&p.state_operators);
  for (size_t i = 0; i < nsrc; ++i) {
    SourceProgress s;
    s.description = inc.sources[i]->Description();
    s.start_offset = start_offsets[i] ? *start_offsets[i] : "null";
    s.end_offset = entry.source_offsets[i] ? *entry.source_offsets[i] : "null";
    s.latest_offset = latest[i] ? *latest[i] : s.end_offset;
    s.num_input_rows = rows_per_source[i];
    s.processed_rows_per_second = rows_per_source[i] / secs;
    s.input_rows_per_second = s.processed_rows_per_second;
    for (auto& [k, v] : inc.sources[i]->Metrics(entry.source_offsets[i])) s.metrics[k] = v;
    if (auto l = inc.sources[i]->ReportLatestOffset()) s.latest_offset = *l;
    int64_t malformed = inc.sources[i]->NumMalformedRowsForLastBatch();
    if (malformed) s.metrics["numMalformedRows"] = std::to_string(malformed);
    p.sources.push_back(std::move(s));
  }
  p.sink_description = spec_.sink->Description();
  p.sink_num_output_rows = out_rows;
  {
    std::lock_guard<std::mutex> l(mu_);
    recent_.push_back(p);
    size_t keep = static_cast<size_t>(
        std::max<int64_t>(1, session_->GetConfInt("spark.sql.streaming.numRecentProgressUpdates", 100)));
    while (recent_.size() > keep) recent_.pop_front();
    all_progress_.push_back(p);
  }
  QueryProgressEvent ev{p};
  for (const auto& listener : session_->Listeners()) listener->onQueryProgress(ev);
  inc.last_batch_ran_no_data = no_data_batch;
  return true;
}

}  // namespace sluice
