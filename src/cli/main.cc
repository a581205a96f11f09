// The `sluice` command-line tool.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/demo_command.h"
#include "cli/kafka_dev_command.h"
#include "cli/scenario_command.h"
#include "cli/sql_command.h"

namespace {

const char* kUsage =
    "Sluice: stream processing with Spark Structured Streaming semantics.\n"
    "\n"
    "usage: sluice <command> [options]\n"
    "\n"
    "commands:\n"
    "  sql        run SQL statements (batch) and print the last result\n"
    "  scenario   run streaming scenario files (.stest)\n"
    "  demo       run the demo pipeline on generated click events\n"
    "  kafka-dev  run a loopback Kafka (librdkafka mock) cluster for development and tests\n"
    "\n"
    "Run 'sluice <command> --help' for the options of a command.\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "--version") {
    std::cout << "sluice 0.1.0\n";
    return 0;
  }
  if (cmd == "sql") return sluice::RunSqlCommand(args);
  if (cmd == "scenario") return sluice::RunScenarioCommand(args);
  if (cmd == "demo") return sluice::RunDemoCommand(args);
  if (cmd == "kafka-dev") return sluice::RunKafkaDevCommand(args);
  std::cerr << "sluice: unknown command '" << cmd << "'\n\n" << kUsage;
  return 2;
}
