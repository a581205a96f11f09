// Options of the Kafka source and sink (Spark's KafkaSourceProvider), and the offset JSON Spark
// writes for Kafka: {"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}.
//
// Everything here is pure (no network): parsing, validation with Spark's error texts, and the
// librdkafka configuration derived from the `kafka.`-prefixed options. See docs/connectors/kafka.md.
// Thread-compatible plain values.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "formats/read_options.h"

namespace sluice::kafka {

/// One partition of one topic; ordered by topic, then partition (Spark's offset JSON order).
struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
  /// "topic-3", as Kafka's TopicPartition.toString.
  std::string ToString() const;
};

/// Offsets per partition. In startingOffsets/endingOffsets JSON, -1 means latest and -2 earliest.
using PartitionOffsets = std::map<TopicPartition, int64_t>;

constexpr int64_t kLatestOffset = -1;
constexpr int64_t kEarliestOffset = -2;

/// Serializes as Spark does: {"t":{"0":5,"1":7}} with topics and partitions in ascending order.
std::string OffsetsToJson(const PartitionOffsets& offsets);
/// Parses offset JSON. Throws AnalysisError with Spark's text ("Expected e.g. {...}, got ...").
PartitionOffsets OffsetsFromJson(const std::string& json);
/// Parses the `assign` option ({"topicA":[0,1],"topicB":[2]}).
std::vector<TopicPartition> PartitionsFromJson(const std::string& json);
/// Parses startingOffsetsByTimestamp ({"t":{"0":1700000000000}}).
PartitionOffsets TimestampsFromJson(const std::string& json);

/// How the partitions to read are chosen (exactly one of subscribe, subscribePattern, assign).
struct Subscription {
  enum class Kind { kSubscribe, kPattern, kAssign } kind = Kind::kSubscribe;
  std::vector<std::string> topics;         // kSubscribe
  std::string pattern;                     // kPattern (a Java regex, matched in full)
  std::vector<TopicPartition> partitions;  // kAssign
};

/// Where a read starts or ends.
struct OffsetSpec {
  enum class Kind { kEarliest, kLatest, kSpecific, kTimestamp, kByTimestamp } kind = Kind::kLatest;
  PartitionOffsets offsets;  // kSpecific (-1/-2 allowed), kByTimestamp (timestamps)
  int64_t timestamp_ms = 0;  // kTimestamp: one timestamp for every partition
};

/// The validated source options.
struct SourceOptions {
  std::map<std::string, std::string> client_conf;  // librdkafka properties from `kafka.*`
  Subscription subscription;
  OffsetSpec starting;
  OffsetSpec ending;  // batch reads only
  bool fail_on_data_loss = true;
  bool include_headers = false;
  std::optional<int64_t> max_offsets_per_trigger;
  std::optional<int64_t> min_offsets_per_trigger;
  int64_t max_trigger_delay_ms = 15 * 60 * 1000;
  int min_partitions = 0;                  // 0: one input partition per topic partition
  int64_t poll_timeout_ms = 120000;        // kafkaConsumer.pollTimeoutMs
  bool timestamp_strategy_latest = false;  // startingOffsetsByTimestampStrategy = latest
  std::string group_id_prefix = "spark-kafka-source";
};

/// Validates `options` for a streaming (`streaming` = true) or batch read, with Spark's messages
/// (AnalysisError). Option names are case-insensitive.
SourceOptions ParseSourceOptions(const OptionMap& options, bool streaming);

/// How the sink writes.
enum class DeliveryGuarantee { kAtLeastOnce, kExactlyOnce };

struct SinkOptions {
  std::map<std::string, std::string> client_conf;
  std::optional<std::string> topic;  // the `topic` option (overrides no column; used when absent)
  DeliveryGuarantee guarantee = DeliveryGuarantee::kAtLeastOnce;
  std::string marker_topic = "__sluice_kafka_sink_commits";
  int64_t flush_timeout_ms = 120000;
};

/// Validates sink options (AnalysisError with Spark's texts).
SinkOptions ParseSinkOptions(const OptionMap& options);

/// Parses a Java time string ("15m", "30s", "500ms", "2h"; bare numbers are ms). Throws
/// AnalysisError naming `name`.
int64_t ParseTimeStringMs(const std::string& name, const std::string& text);

/// The librdkafka properties from the `kafka.` options (prefix removed), rejecting the consumer
/// settings Spark rejects (`auto.offset.reset`, deserializers, `enable.auto.commit`, ...).
std::map<std::string, std::string> ClientConf(const OptionMap& options, bool for_source);

}  // namespace sluice::kafka
