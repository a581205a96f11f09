// `sluice kafka-dev`: a loopback Kafka cluster (librdkafka's mock) for development and tests.
#pragma once

#include <string>
#include <vector>

namespace sluice {

/// sluice kafka-dev [--brokers N] [--topic NAME[:PARTITIONS]]...
/// Prints the bootstrap servers as the first line of output, then serves until SIGINT/SIGTERM.
/// Control commands are read from stdin, one per line, each answered with one line ("ok" or
/// "error: ..."): topic NAME PARTS | down ID | up ID | rtt ID MS | error API_KEY CODE [COUNT].
/// Returns the process exit code.
int RunKafkaDevCommand(const std::vector<std::string>& args);

}  // namespace sluice
