// ScenarioRunner: executes a parsed scenario file (scenario_file.h) against the engine, as
// ../shared/scenarios/FORMAT.md specifies. One Session per file, built on a ManualClock that starts
// at 0; every query writes to the memory sink named after it, with a fresh checkpoint directory
// under a temporary root the runner owns and deletes at the end.
//
// Input delivery. FORMAT.md gives each query its own offsets: the rows a query has not read yet
// form its next micro-batch, however many `add`s came before. The engine runs a default-trigger
// query as soon as data arrives, so the runner gives every query private MemoryStreams (one per
// declared stream, registered as the stream's temp view while the query is defined) and keeps the
// added rows in a per-stream log; a query receives its unread rows (one addData per stream) when it
// starts or restarts (they belong to the run's first batch, as in Spark), when a `check` of that
// query runs, and, for processing-time queries, before `advance-clock` (so that the trigger the
// clock makes due sees the rows added before it). After starting a default or processing-time
// query the runner waits until it is idle, so its first trigger sees only what was delivered at
// start.
//
// Thread-compatible: a runner executes one file on the calling thread (queries run on their own
// threads inside the engine).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "testing/scenario/scenario_file.h"

namespace sluice::scenario {

struct ScenarioOptions {
  /// spark.sluice.threads for the session; 0 leaves the engine's default.
  int threads = 0;
  /// Extra session configuration applied before the file's own `conf` directives.
  std::map<std::string, std::string> conf;
  /// Called before each step (for progress reporting and watchdogs).
  std::function<void(const ScenarioFile&, const Directive&)> on_step;
};

struct ScenarioResult {
  bool passed = false;
  /// For a failure: "path:line: `directive`" of the failing step (or the file error).
  std::string step;
  /// For a failure: what went wrong, possibly several lines (expected and actual rows).
  std::string message;
};

/// Runs a parsed scenario. Never throws for failures of the scenario: they are reported in the
/// result.
ScenarioResult RunScenario(const ScenarioFile& file, const ScenarioOptions& options = {});

/// Parses and runs the file at `path` (parse errors are reported as failures).
ScenarioResult RunScenarioFile(const std::string& path, const ScenarioOptions& options = {});

}  // namespace sluice::scenario
