#include "cli/kafka_dev_command.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "connectors/kafka/kafka_mock_cluster.h"

namespace sluice {

namespace {

const char* kUsage =
    "usage: sluice kafka-dev [--brokers N] [--topic NAME[:PARTITIONS]]...\n"
    "\n"
    "Starts a Kafka-protocol cluster (librdkafka's mock) on 127.0.0.1, creates the topics (others\n"
    "are auto-created on first use), prints the bootstrap servers on the first line and runs until\n"
    "SIGINT/SIGTERM. The mock keeps about the newest 5 MB per partition.\n"
    "Commands on stdin (one per line, answered 'ok' or 'error: ...'):\n"
    "  topic NAME PARTS | down BROKER | up BROKER | rtt BROKER MS | error API_KEY CODE [COUNT]\n";

}  // namespace

int RunKafkaDevCommand(const std::vector<std::string>& args) {
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if ((a == "--brokers" || a == "--topic") && i + 1 >= args.size()) {
      std::cerr << "sluice kafka-dev: " << a << " needs a value\n" << kUsage;
      return 2;
    }
    if (a == "--brokers") {
      brokers = std::atoi(args[++i].c_str());
      if (brokers < 1) {
        std::cerr << "sluice kafka-dev: --brokers must be at least 1\n";
        return 2;
      }
    } else if (a == "--topic") {
      std::string spec = args[++i];
      int parts = 1;
      auto colon = spec.rfind(':');
      if (colon != std::string::npos) {
        parts = std::atoi(spec.substr(colon + 1).c_str());
        spec = spec.substr(0, colon);
      }
      if (spec.empty() || parts < 1) {
        std::cerr << "sluice kafka-dev: bad --topic '" << args[i] << "'\n";
        return 2;
      }
      topics.emplace_back(spec, parts);
    } else {
      std::cerr << "sluice kafka-dev: unknown argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  // Signals are taken by sigwait below; block them before librdkafka starts its threads.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  std::unique_ptr<kafka::MockCluster> cluster;
  try {
    cluster = std::make_unique<kafka::MockCluster>(brokers);
    for (const auto& [name, parts] : topics) cluster->CreateTopic(name, parts);
  } catch (const std::exception& e) {
    std::cerr << "sluice kafka-dev: " << e.what() << "\n";
    return 1;
  }
  std::cout << cluster->bootstrap_servers() << std::endl;

  // Control commands; stdin at EOF (e.g. /dev/null) just ends this thread.
  kafka::MockCluster* c = cluster.get();
  std::thread([c] {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::cout << c->Command(line) << std::endl;
    }
  }).detach();

  int sig = 0;
  sigwait(&set, &sig);
  std::cout.flush();
  cluster.reset();
  // The control thread may be blocked reading stdin: leave without running static destructors.
  std::_Exit(0);
}

}  // namespace sluice
