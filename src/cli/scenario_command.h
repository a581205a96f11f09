// `sluice scenario FILE_OR_DIR... [--threads N] [--filter SUBSTR] [--step-timeout SECONDS]`: runs
// streaming scenario files (../shared/scenarios/FORMAT.md) and reports one line per file.
//
// Directories are searched recursively for *.stest files (sorted). Output: "PASS path" or
// "FAIL path" followed by the failing step (file:line), the reason and, for row mismatches, the
// expected and actual rows; then a closing line "N passed, M failed". `--threads N` sets
// spark.sluice.threads in every session; `--filter SUBSTR` keeps the files whose path contains
// SUBSTR; `--step-timeout SECONDS` (default 120, 0 = none) ends the process with a failure if one
// step hangs.
#pragma once

#include <string>
#include <vector>

namespace sluice {

/// Runs the command; `args` are the arguments after `scenario`. Returns the exit code: 0 iff every
/// scenario passed, 1 if any failed, 2 for a usage error.
int RunScenarioCommand(const std::vector<std::string>& args);

}  // namespace sluice
