// Thin C++ layer over librdkafka for the Kafka connector: owned client handles, topic listing,
// offset look-ups (earliest / latest / by timestamp, batched per leader through ListOffsets) and
// RangeReader, which reads exact offset ranges [from, until) of partitions in order.
//
// Thread-compatible: a handle and a RangeReader are used by one thread at a time (the query
// thread); librdkafka's own threads do the network I/O.
#pragma once

#include <librdkafka/rdkafka.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_options.h"

namespace sluice::kafka {

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const;
};
/// An owned librdkafka client (producer or consumer); destroying it closes the client.
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

/// Creates a client from `conf` (user properties) then `fixed` (Sluice's, applied last).
/// Properties librdkafka does not know (Java-only ones) are skipped with a warning on stderr;
/// invalid values throw AnalysisError. `configure` may set callbacks on the conf before creation.
Handle NewClient(rd_kafka_type_t type, const std::map<std::string, std::string>& conf,
                 const std::map<std::string, std::string>& fixed,
                 const std::function<void(rd_kafka_conf_t*)>& configure = nullptr);

/// Partition counts of every topic the cluster reports (unknown topics are left out).
/// Retries transient failures; throws ExecutionError when the cluster cannot be reached.
std::map<std::string, int> ListTopics(rd_kafka_t* rk, int timeout_ms);

/// The partitions `sub` selects among `topics` (pattern: full match; topics named "__*" excluded).
std::vector<TopicPartition> SelectPartitions(const Subscription& sub,
                                             const std::map<std::string, int>& topics);

/// Offsets for `query` (per partition a timestamp in ms, or kLatestOffset / kEarliestOffset), in
/// one batched ListOffsets round per leader. A timestamp with no later record gives -1.
/// Throws ExecutionError after retries.
PartitionOffsets ListOffsets(rd_kafka_t* rk, const PartitionOffsets& query, int timeout_ms);

/// Same timestamp / marker for every partition in `tps`.
PartitionOffsets ListOffsets(rd_kafka_t* rk, const std::vector<TopicPartition>& tps, int64_t what,
                             int timeout_ms);

/// Reads exact offset ranges with one consumer that stays assigned between calls, so consecutive
/// micro-batches continue where the last one stopped (librdkafka keeps prefetching).
class RangeReader {
 public:
  struct Range {
    TopicPartition tp;
    int64_t from = 0;   // first offset
    int64_t until = 0;  // exclusive
  };
  /// Called for every record in a range, in offset order. REQUIRES: msg->err == 0.
  using EmitFn = std::function<void(size_t range_index, const rd_kafka_message_t* msg)>;
  /// Called when records were deleted (retention) or a partition vanished; `lost` offsets are
  /// counted. Throws to fail the read (failOnDataLoss = true), returns to skip past them.
  using DataLossFn = std::function<void(const std::string& message, int64_t lost)>;

  RangeReader(const std::map<std::string, std::string>& conf, const std::string& group_id,
              int64_t poll_timeout_ms);
  ~RangeReader();

  /// Reads all `ranges` (empty ones are skipped). Throws ExecutionError when no progress is made
  /// for the poll timeout (kafkaConsumer.pollTimeoutMs).
  void Read(const std::vector<Range>& ranges, const EmitFn& emit, const DataLossFn& on_loss);

  rd_kafka_t* handle() const { return rk_.get(); }

 private:
  struct MessageDeleter {
    void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
  };
  using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

  void Assign(const std::vector<Range>& ranges);
  /// Routes the partition's fetched records into the consumer queue (attached) or keeps them in
  /// the partition's own queue (detached). Detaching instead of pausing keeps the fetcher running
  /// (bounded by queued.max.messages.kbytes), so the next range starts from prefetched records
  /// rather than waiting for a resumed fetch.
  void SetAttached(const TopicPartition& tp, bool attached);
  void ReleasePartitionQueues();

  Handle rk_;
  rd_kafka_queue_t* queue_ = nullptr;
  int64_t poll_timeout_ms_;
  std::map<TopicPartition, int64_t> positions_;             // assigned partitions: next offset to hand out
  std::map<TopicPartition, std::deque<MessagePtr>> stash_;  // fetched past a range's end
  std::map<TopicPartition, rd_kafka_queue_t*> detached_;  // partition queue handles
};

}  // namespace sluice::kafka
