#include "connectors/kafka/kafka_mock_cluster.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <sstream>
#include <vector>

#include "sluice/exception.h"

namespace sluice::kafka {

namespace {
void Check(rd_kafka_resp_err_t err, const std::string& what) {
  if (err) throw ExecutionError(fmt::format("mock cluster: {} failed: {}", what, rd_kafka_err2str(err)));
}
}  // namespace

MockCluster::MockCluster(int brokers) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The hosting client never connects anywhere; quiet its logs.
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (!rk_) {
    rd_kafka_conf_destroy(conf);
    throw ExecutionError(fmt::format("mock cluster: cannot create the hosting client: {}", err));
  }
  cluster_ = rd_kafka_mock_cluster_new(rk_, brokers);
  if (!cluster_) {
    rd_kafka_destroy(rk_);
    throw ExecutionError("mock cluster: rd_kafka_mock_cluster_new failed");
  }
}

MockCluster::~MockCluster() {
  if (cluster_) rd_kafka_mock_cluster_destroy(cluster_);
  if (rk_) rd_kafka_destroy(rk_);
}

std::string MockCluster::bootstrap_servers() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

void MockCluster::CreateTopic(const std::string& name, int partitions) {
  Check(rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, 1), "topic create " + name);
}

void MockCluster::SetBrokerDown(int id) { Check(rd_kafka_mock_broker_set_down(cluster_, id), "broker down"); }

void MockCluster::SetBrokerUp(int id) { Check(rd_kafka_mock_broker_set_up(cluster_, id), "broker up"); }

void MockCluster::SetBrokerRtt(int id, int rtt_ms) {
  Check(rd_kafka_mock_broker_set_rtt(cluster_, id, rtt_ms), "broker rtt");
}

void MockCluster::PushRequestErrors(int api_key, int error, int count) {
  std::vector<rd_kafka_resp_err_t> errs(static_cast<size_t>(count), static_cast<rd_kafka_resp_err_t>(error));
  rd_kafka_mock_push_request_errors_array(cluster_, static_cast<int16_t>(api_key), errs.size(), errs.data());
}

std::string MockCluster::Command(const std::string& line) {
  std::istringstream in(line);
  std::string cmd;
  in >> cmd;
  try {
    if (cmd == "topic") {
      std::string spec;
      int parts = 1;
      in >> spec;
      if (spec.empty()) return "error: usage: topic NAME [PARTITIONS]";
      if (!(in >> parts)) parts = 1;
      CreateTopic(spec, parts);
    } else if (cmd == "down" || cmd == "up") {
      int id = 0;
      if (!(in >> id)) return "error: usage: " + cmd + " BROKER_ID";
      if (cmd == "down")
        SetBrokerDown(id);
      else
        SetBrokerUp(id);
    } else if (cmd == "rtt") {
      int id = 0, ms = 0;
      if (!(in >> id >> ms)) return "error: usage: rtt BROKER_ID MS";
      SetBrokerRtt(id, ms);
    } else if (cmd == "error") {
      int api = 0, code = 0, count = 1;
      if (!(in >> api >> code)) return "error: usage: error API_KEY ERROR_CODE [COUNT]";
      if (!(in >> count)) count = 1;
      PushRequestErrors(api, code, count);
    } else if (cmd == "bootstrap") {
      return bootstrap_servers();
    } else {
      return "error: unknown command '" + cmd + "' (topic, down, up, rtt, error, bootstrap)";
    }
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what();
  }
  return "ok";
}

}  // namespace sluice::kafka
