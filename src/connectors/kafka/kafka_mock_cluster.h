// MockCluster: librdkafka's in-process mock Kafka cluster (rdkafka_mock.h) on loopback, for
// `sluice kafka-dev` and tests. It speaks the Kafka protocol, so any client (kcat, kafka-python)
// can use it; topics are auto-created on first use. Observed with librdkafka 2.0.2: it keeps
// only about the newest 5 MB per partition (older message sets are deleted and the log start
// offset moves on), which is how tests produce data loss.
//
// Thread-safe: librdkafka serializes the mock calls on the cluster's own thread.
#pragma once

#include <memory>
#include <string>

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace sluice::kafka {

class MockCluster {
 public:
  /// Starts `brokers` brokers on 127.0.0.1 (ids 1..brokers). Throws ExecutionError on failure.
  explicit MockCluster(int brokers);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  /// "127.0.0.1:port,..." for kafka.bootstrap.servers.
  std::string bootstrap_servers() const;
  /// Creates a topic (replication factor 1). Throws ExecutionError.
  void CreateTopic(const std::string& name, int partitions);
  /// Takes broker `id` down / up (connections are closed; clients retry).
  void SetBrokerDown(int id);
  void SetBrokerUp(int id);
  /// Adds round-trip latency to broker `id`.
  void SetBrokerRtt(int id, int rtt_ms);
  /// Makes the next `count` requests of Kafka API `api_key` (e.g. 1 = Fetch, 0 = Produce,
  /// 2 = ListOffsets, 3 = Metadata) fail with Kafka error code `error`.
  void PushRequestErrors(int api_key, int error, int count);

  /// Applies one control command of `sluice kafka-dev` ("topic NAME PARTS", "down ID", "up ID",
  /// "rtt ID MS", "error API_KEY ERROR_CODE [COUNT]"); returns "ok" or "error: ...".
  std::string Command(const std::string& line);

 private:
  rd_kafka_s* rk_ = nullptr;
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
};

}  // namespace sluice::kafka
