// The Kafka sink (Spark's KafkaWriter / KafkaStreamingWrite) for writeStream.format("kafka") and
// the batch writer behind df.write().format("kafka").
//
// Input columns (Spark's): value (STRING or BINARY, required), key (STRING or BINARY), topic
// (STRING; the `topic` option wins over it), partition (INT; else the murmur2 partitioner, as the
// Java client), headers (ARRAY<STRUCT<key STRING, value BINARY>>).
//
// Delivery (option deliveryGuarantee):
//   at-least-once (default, as Spark): a batch is produced and flushed; a batch re-run after a
//     failure produces its rows again.
//   exactly-once (beyond Spark): one Kafka transaction per micro-batch with transactional.id
//     "sluice-<query id>". The transaction also writes a marker record (key = transactional.id,
//     value = batch id) to the topic of option transactionMarkerTopic (default
//     __sluice_kafka_sink_commits); on (re)start the sink reads the markers with read_committed
//     and skips batches already committed, so a re-run batch never shows twice to read_committed
//     consumers. See docs/connectors/kafka.md for the trade-offs.
//
// Thread-compatible: the query thread calls AddBatch.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_options.h"
#include "connectors/sink.h"

namespace sluice {

namespace kafka {

/// Spark's KafkaWriter.validateQuery: throws AnalysisError for a schema Kafka cannot take.
void ValidateWriteSchema(const TypePtr& schema, const std::optional<std::string>& topic_option);

/// The transactional id of the exactly-once sink of query `query_id`.
std::string TransactionalId(const std::string& query_id);

class KafkaSink : public Sink {
 public:
  /// `checkpoint_location` gives the query id (read from its metadata file at the first batch).
  KafkaSink(SinkOptions options, std::string checkpoint_location);
  ~KafkaSink() override;
  std::string Description() const override;
  void AddBatch(int64_t batch_id, const TypePtr& schema, const std::vector<RecordBatchPtr>& partitions,
                OutputMode mode) override;
  void Close() override;
  /// The batch id last committed by this query's transactions (exactly-once; -1 if none).
  int64_t last_committed_batch() const { return last_committed_; }
  /// Batches skipped because their transaction had already committed (exactly-once).
  int64_t skipped_batches() const { return skipped_; }

 private:
  class Producer;
  void EnsureProducer();
  int64_t ReadLastCommittedBatch(const std::string& txn_id);

  SinkOptions o_;
  std::string checkpoint_location_;
  std::unique_ptr<Producer> producer_;
  std::string txn_id_;
  int64_t last_committed_ = -1;
  int64_t skipped_ = 0;
};

}  // namespace kafka

/// A streaming sink for format "kafka" writing query output of `schema`. Throws AnalysisError for
/// invalid options or columns.
std::shared_ptr<Sink> MakeKafkaSink(const std::map<std::string, std::string>& options, const TypePtr& schema,
                                    const std::string& checkpoint_location);

/// df.write().format("kafka").save(): writes every row (at-least-once). `save_mode` must be
/// append or errorifexists (Spark). Throws AnalysisError / ExecutionError.
void WriteKafka(const std::map<std::string, std::string>& options, const std::string& save_mode,
                const TypePtr& schema, const std::vector<std::vector<RecordBatchPtr>>& partitions);

}  // namespace sluice
