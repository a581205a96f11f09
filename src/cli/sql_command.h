// `sluice sql`: runs a `;`-separated SQL script in one session and prints the last query's result.
#pragma once

#include <string>
#include <vector>

namespace sluice {

/// Returns the process exit code. Errors go to stderr.
int RunSqlCommand(const std::vector<std::string>& args);

}  // namespace sluice
