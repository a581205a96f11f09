// The Kafka source (Spark's KafkaSourceProvider / KafkaMicroBatchStream / KafkaRelation):
// readStream.format("kafka"), read.format("kafka") and the SQL table function read_kafka(...).
//
// Rows: key BINARY, value BINARY, topic STRING, partition INT, offset BIGINT, timestamp TIMESTAMP,
// timestampType INT [, headers ARRAY<STRUCT<key STRING, value BINARY>> with includeHeaders].
// Offsets are Spark's JSON ({"topic":{"0":23}}: the next offset to read per partition), kept in
// Sluice's offset log, never committed to a consumer group. The starting offsets of a new query
// are fixed when it first starts and kept in <checkpoint>/sources/<i>/0, as Spark does.
// Options and behaviour: docs/connectors/kafka.md.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_options.h"
#include "expr/expression.h"
#include "plan/logical_plan.h"
#include "plan/relation_source.h"

namespace sluice {

class SessionState;

namespace kafka {

/// The source schema (with the headers column when `include_headers`).
TypePtr SourceSchema(bool include_headers);

/// Spark's per-partition share of maxOffsetsPerTrigger: `limit` offsets spread over the partitions
/// in proportion to their backlog (until - from), at least one for a partition with backlog.
PartitionOffsets RateLimit(const PartitionOffsets& from, const PartitionOffsets& until, int64_t limit);

/// Spark's "offsets behind latest" metrics of a source: {min,max,avg}OffsetsBehindLatest for the
/// partitions of `latest_available`, relative to `consumed` (empty when either is unknown).
std::map<std::string, std::string> OffsetsBehindLatestMetrics(const PartitionOffsets& consumed,
                                                              const PartitionOffsets& latest_available);

/// Splits offset ranges into at least `min_partitions` pieces (Spark's KafkaOffsetRangeCalculator:
/// a range's share is proportional to its size). Ranges keep their order.
struct OffsetRange {
  TopicPartition tp;
  int64_t from = 0;
  int64_t until = 0;
};
std::vector<OffsetRange> SplitRanges(const std::vector<OffsetRange>& ranges, int min_partitions);

/// One run of a Kafka stream; exposed for tests and for the progress metrics hook.
class KafkaStream : public StreamSource {
 public:
  KafkaStream(SourceOptions options, TypePtr schema, StreamSourceContext ctx);
  ~KafkaStream() override;
  std::string Description() const override;
  std::optional<std::string> LatestOffset(const std::optional<std::string>& start,
                                          const ReadLimit& limit) override;
  std::vector<Partition> GetBatch(const std::optional<std::string>& start, const std::string& end) override;
  void PrepareForAvailableNow() override;
  void Stop() override;
  /// Progress metrics for a batch that consumed up to `end` (Spark's KafkaMicroBatchStream.metrics,
  /// plus "offsetsLost" when failOnDataLoss=false skipped deleted offsets).
  std::map<std::string, std::string> Metrics(const std::optional<std::string>& end) const override;
  /// The latest offsets available at the last LatestOffset call, before rate limits (Spark's
  /// reportLatestOffset, the progress's latestOffset); nullopt before the first call.
  std::optional<std::string> ReportLatestOffset() const override;
  /// Offsets skipped as lost so far (failOnDataLoss=false).
  int64_t lost_offsets() const { return lost_offsets_; }

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  int64_t lost_offsets_ = 0;
};

}  // namespace kafka

/// A resolved kSource plan for format "kafka". Throws AnalysisError with Spark's texts for invalid
/// options. `streaming` picks readStream (true) or read (false).
PlanPtr MakeKafkaPlan(const SessionState& session, const std::map<std::string, std::string>& options,
                      bool streaming);

/// The SQL table function read_kafka(bootstrapServers => '...', subscribe => '...', ...): a batch
/// read (startingOffsets defaults to earliest, endingOffsets to latest). Arguments are named
/// (kAlias over literals); any other `kafka.*` name passes through.
PlanPtr MakeReadKafkaPlan(const SessionState& session, const std::vector<ExprPtr>& args);

}  // namespace sluice
