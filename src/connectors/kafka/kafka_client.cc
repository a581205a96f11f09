#include "connectors/kafka/kafka_client.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "sluice/exception.h"

namespace sluice::kafka {

namespace {

constexpr int kAttempts = 3;

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using ListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter>;

bool Retriable(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT ||
         err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE || err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
         err == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT || err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN ||
         err == RD_KAFKA_RESP_ERR__WAIT_COORD || err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
         err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION || err == RD_KAFKA_RESP_ERR__TRANSPORT ||
         err == RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE || err == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
         err == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE;
}

}  // namespace

void HandleDeleter::operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }

Handle NewClient(rd_kafka_type_t type, const std::map<std::string, std::string>& conf,
                 const std::map<std::string, std::string>& fixed,
                 const std::function<void(rd_kafka_conf_t*)>& configure) {
  rd_kafka_conf_t* c = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& k, const std::string& v) {
    rd_kafka_conf_res_t r = rd_kafka_conf_set(c, k.c_str(), v.c_str(), err, sizeof(err));
    if (r == RD_KAFKA_CONF_UNKNOWN) {
      std::cerr << "sluice kafka: ignoring option 'kafka." << k << "' (not a librdkafka property)\n";
    } else if (r != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(c);
      throw AnalysisError(fmt::format("Invalid Kafka option 'kafka.{}': {}", k, err));
    }
  };
  for (const auto& [k, v] : conf) set(k, v);
  for (const auto& [k, v] : fixed) set(k, v);
  if (configure) configure(c);
  rd_kafka_t* rk = rd_kafka_new(type, c, err, sizeof(err));
  if (!rk) {
    rd_kafka_conf_destroy(c);
    throw AnalysisError(fmt::format("Failed to create Kafka client: {}", err));
  }
  return Handle(rk);
}

std::map<std::string, int> ListTopics(rd_kafka_t* rk, int timeout_ms) {
  rd_kafka_resp_err_t last = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const rd_kafka_metadata_t* md = nullptr;
    last = rd_kafka_metadata(rk, 1, nullptr, &md, timeout_ms);
    if (last == RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::map<std::string, int> out;
      for (int i = 0; i < md->topic_cnt; ++i) {
        const auto& t = md->topics[i];
        // A topic whose leaders are unavailable (a broker is down) still exists.
        if (t.partition_cnt <= 0 || t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) continue;
        out[t.topic] = t.partition_cnt;
      }
      rd_kafka_metadata_destroy(md);
      return out;
    }
  }
  throw ExecutionError(
      fmt::format("Failed to list Kafka topics after {} attempts: {}", kAttempts, rd_kafka_err2str(last)));
}

std::vector<TopicPartition> SelectPartitions(const Subscription& sub,
                                             const std::map<std::string, int>& topics) {
  std::vector<TopicPartition> out;
  auto add_topic = [&](const std::string& t) {
    auto it = topics.find(t);
    if (it == topics.end()) return;
    for (int p = 0; p < it->second; ++p) out.push_back(TopicPartition{t, p});
  };
  switch (sub.kind) {
    case Subscription::Kind::kSubscribe:
      for (const auto& t : sub.topics) add_topic(t);
      break;
    case Subscription::Kind::kPattern: {
      RE2 re(sub.pattern);
      if (!re.ok()) {
        throw AnalysisError(
            fmt::format("Invalid value '{}' for option 'subscribePattern': {}", sub.pattern, re.error()));
      }
      for (const auto& [t, n] : topics) {
        if (t.rfind("__", 0) == 0) continue;  // internal topics, as the Java consumer excludes
        if (RE2::FullMatch(t, re)) add_topic(t);
      }
      break;
    }
    case Subscription::Kind::kAssign:
      // Assigned partitions are used as given (a missing one is reported when read).
      out = sub.partitions;
      break;
  }
  std::sort(out.begin(), out.end());
  return out;
}

PartitionOffsets ListOffsets(rd_kafka_t* rk, const PartitionOffsets& query, int timeout_ms) {
  PartitionOffsets out;
  if (query.empty()) return out;
  rd_kafka_resp_err_t last = RD_KAFKA_RESP_ERR_NO_ERROR;
  PartitionOffsets pending = query;
  for (int attempt = 0; attempt < kAttempts && !pending.empty(); ++attempt) {
    ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(pending.size())));
    for (const auto& [tp, ts] : pending) {
      rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = ts;
    }
    last = rd_kafka_offsets_for_times(rk, list.get(), timeout_ms);
    if (last != RD_KAFKA_RESP_ERR_NO_ERROR && !Retriable(last)) break;
    if (last != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    for (int i = 0; i < list->cnt; ++i) {
      const auto& e = list->elems[i];
      TopicPartition tp{e.topic, e.partition};
      if (e.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        out[tp] = e.offset;
        pending.erase(tp);
      } else {
        last = e.err;
      }
    }
    if (!pending.empty() && attempt + 1 < kAttempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100 * (attempt + 1)));
    }
  }
  if (!pending.empty()) {
    throw ExecutionError(fmt::format("Failed to fetch Kafka offsets of {} after {} attempts: {}",
                                     pending.begin()->first.ToString(), kAttempts, rd_kafka_err2str(last)));
  }
  return out;
}

PartitionOffsets ListOffsets(rd_kafka_t* rk, const std::vector<TopicPartition>& tps, int64_t what,
                             int timeout_ms) {
  PartitionOffsets q;
  for (const auto& tp : tps) q[tp] = what;
  return ListOffsets(rk, q, timeout_ms);
}

// ---- RangeReader ----

RangeReader::RangeReader(const std::map<std::string, std::string>& conf, const std::string& group_id,
                         int64_t poll_timeout_ms)
    : poll_timeout_ms_(poll_timeout_ms) {
  std::map<std::string, std::string> fixed = {{"enable.auto.commit", "false"},
                                              {"enable.auto.offset.store", "false"},
                                              {"auto.offset.reset", "earliest"},
                                              {"enable.partition.eof", "true"}};
  if (!conf.count("group.id")) fixed["group.id"] = group_id;
  // Short fetch waits keep the end of a range (and the mock, which holds every fetch) from adding
  // latency.
  std::map<std::string, std::string> user = conf;
  if (!user.count("fetch.wait.max.ms")) user["fetch.wait.max.ms"] = "10";
  // librdkafka 2.0 stops fetching a partition whose queue holds queued.min.messages and only
  // re-checks on its 1 s timer; a deeper queue (still bounded by queued.max.messages.kbytes)
  // keeps the fetcher ahead of decoding.
  if (!user.count("queued.min.messages")) user["queued.min.messages"] = "1000000";
  rk_ = NewClient(RD_KAFKA_CONSUMER, user, fixed);
  rd_kafka_poll_set_consumer(rk_.get());
  queue_ = rd_kafka_queue_get_consumer(rk_.get());
}

RangeReader::~RangeReader() {
  stash_.clear();
  ReleasePartitionQueues();
  if (queue_) rd_kafka_queue_destroy(queue_);
  if (rk_) {
    rd_kafka_assign(rk_.get(), nullptr);
    rd_kafka_consumer_close(rk_.get());
  }
}

void RangeReader::Assign(const std::vector<Range>& ranges) {
  ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(ranges.size())));
  for (const auto& r : ranges) {
    rd_kafka_topic_partition_list_add(list.get(), r.tp.topic.c_str(), r.tp.partition)->offset = r.from;
  }
  ReleasePartitionQueues();
  rd_kafka_resp_err_t err = rd_kafka_assign(rk_.get(), list.get());
  if (err) throw ExecutionError(fmt::format("Kafka assign failed: {}", rd_kafka_err2str(err)));
  positions_.clear();
  stash_.clear();
  for (const auto& r : ranges) positions_[r.tp] = r.from;
}

void RangeReader::SetAttached(const TopicPartition& tp, bool attached) {
  auto it = detached_.find(tp);
  if (attached) {
    if (it == detached_.end()) return;
    // Records queued meanwhile move to the consumer queue, in order, ahead of later fetches.
    rd_kafka_queue_forward(it->second, queue_);
    rd_kafka_queue_destroy(it->second);
    detached_.erase(it);
  } else {
    if (it != detached_.end()) return;
    rd_kafka_queue_t* q = rd_kafka_queue_get_partition(rk_.get(), tp.topic.c_str(), tp.partition);
    if (q == nullptr) return;  // not assigned
    rd_kafka_queue_forward(q, nullptr);
    detached_[tp] = q;
  }
}

void RangeReader::ReleasePartitionQueues() {
  for (auto& [tp, q] : detached_) {
    rd_kafka_queue_forward(q, queue_);
    rd_kafka_queue_destroy(q);
  }
  detached_.clear();
}

void RangeReader::Read(const std::vector<Range>& all_ranges, const EmitFn& emit, const DataLossFn& on_loss) {
  std::vector<Range> ranges;
  std::vector<size_t> index;  // position in all_ranges
  for (size_t i = 0; i < all_ranges.size(); ++i) {
    if (all_ranges[i].until > all_ranges[i].from) {
      ranges.push_back(all_ranges[i]);
      index.push_back(i);
    }
  }
  if (ranges.empty()) return;
  bool reassign = false;
  for (const auto& r : ranges) {
    auto it = positions_.find(r.tp);
    if (it == positions_.end() || it->second != r.from) reassign = true;
  }
  if (reassign) Assign(ranges);

  std::map<TopicPartition, size_t> pending;  // tp -> index into ranges
  for (size_t i = 0; i < ranges.size(); ++i) pending[ranges[i].tp] = i;
  int timeout = static_cast<int>(std::min<int64_t>(poll_timeout_ms_, 60000));

  auto finish = [&](const TopicPartition& tp) {
    positions_[tp] = ranges[pending[tp]].until;
    pending.erase(tp);
    SetAttached(tp, false);
  };
  // Checks a gap before offset `next` of `tp` (whose next expected offset is positions_[tp]):
  // records deleted by retention are data loss; compacted records and transaction markers are not.
  auto check_gap = [&](const TopicPartition& tp, int64_t next) {
    int64_t expected = positions_[tp];
    PartitionOffsets earliest = ListOffsets(rk_.get(), {tp}, kEarliestOffset, timeout);
    int64_t low = earliest.count(tp) ? earliest[tp] : 0;
    if (expected < low) {
      int64_t lost = std::min(low, next) - expected;
      on_loss(fmt::format("Cannot fetch offset {} (TopicPartition: {}): the earliest available "
                          "offset is {}; {} offsets were skipped.",
                          expected, tp.ToString(), low, lost),
              lost);
    }
  };
  // Handles one record; returns true when it was kept in the stash.
  auto handle = [&](rd_kafka_message_t* m) -> bool {
    TopicPartition tp{rd_kafka_topic_name(m->rkt), m->partition};
    auto pos = positions_.find(tp);
    if (pos == positions_.end() || m->offset < pos->second) return false;  // stale or seen
    auto pit = pending.find(tp);
    if (pit == pending.end()) {
      stash_[tp].emplace_back(m);
      SetAttached(tp, false);
      return true;
    }
    const Range& r = ranges[pit->second];
    if (m->offset >= r.until) {
      stash_[tp].emplace_back(m);
      finish(tp);
      return true;
    }
    if (m->offset > pos->second) check_gap(tp, m->offset);
    emit(index[pit->second], m);
    pos->second = m->offset + 1;
    if (pos->second >= r.until) finish(tp);
    return false;
  };

  // Records fetched by an earlier call first.
  for (auto it = pending.begin(); it != pending.end();) {
    TopicPartition tp = it->first;
    ++it;
    auto st = stash_.find(tp);
    if (st == stash_.end()) continue;
    std::deque<MessagePtr> q = std::move(st->second);
    stash_.erase(st);
    while (!q.empty()) {
      MessagePtr m = std::move(q.front());
      q.pop_front();
      if (handle(m.get())) m.release();  // stashed again
    }
  }
  for (const auto& [tp, i] : pending) SetAttached(tp, true);

  std::vector<rd_kafka_message_t*> batch(1024);
  int64_t last_progress = SteadyMs();
  while (!pending.empty()) {
    ssize_t n = rd_kafka_consume_batch_queue(queue_, 100, batch.data(), batch.size());
    if (n < 0)
      throw ExecutionError(fmt::format("Kafka consume failed: {}", rd_kafka_err2str(rd_kafka_last_error())));
    if (n > 0) last_progress = SteadyMs();
    // Owned at once, so that a throwing data-loss callback releases the rest of the batch.
    std::vector<MessagePtr> owned;
    owned.reserve(static_cast<size_t>(n));
    for (ssize_t i = 0; i < n; ++i) owned.emplace_back(batch[i]);
    for (auto& om : owned) {
      rd_kafka_message_t* m = om.get();
      bool kept = false;
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        TopicPartition tp{rd_kafka_topic_name(m->rkt), m->partition};
        auto pit = pending.find(tp);
        if (pit != pending.end()) {
          const Range& r = ranges[pit->second];
          if (m->offset >= r.until) {
            if (positions_[tp] < r.until) check_gap(tp, r.until);
            finish(tp);
          } else if (m->offset >= positions_[tp]) {
            // At the end of the log before the range's end: either this end-of-partition event is
            // older than the records still to come, or the log lost records (truncated/recreated).
            PartitionOffsets latest = ListOffsets(rk_.get(), {tp}, kLatestOffset, timeout);
            if (latest.count(tp) && latest[tp] < r.until) {
              int64_t lost = r.until - std::max(latest[tp], positions_[tp]);
              on_loss(fmt::format("Cannot fetch offsets up to {} (TopicPartition: {}): the latest "
                                  "available offset is {}.",
                                  r.until, tp.ToString(), latest[tp]),
                      lost);
              finish(tp);
            }
          }
        }
      } else if (m->err) {
        bool gone = m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                    m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
                    m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
        if (gone && m->rkt) {
          TopicPartition tp{rd_kafka_topic_name(m->rkt), m->partition};
          auto pit = pending.find(tp);
          if (pit != pending.end()) {
            const Range& r = ranges[pit->second];
            on_loss(fmt::format("Partition {} is gone: {}.", tp.ToString(), rd_kafka_message_errstr(m)),
                    r.until - positions_[tp]);
            finish(tp);
          }
        }
        // Other errors (transport, broker down) are retried by librdkafka.
      } else {
        kept = handle(m);
      }
      if (kept) om.release();  // now owned by the stash
    }
    if (!pending.empty() && SteadyMs() - last_progress > poll_timeout_ms_) {
      const auto& [tp, i] = *pending.begin();
      throw ExecutionError(fmt::format("Failed to get records for {} {} after polling for {}", tp.ToString(),
                                       positions_[tp], poll_timeout_ms_));
    }
  }
}

}  // namespace sluice::kafka
