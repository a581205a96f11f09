#include "plan/output_mode.h"

#include <cctype>

#include "sluice/exception.h"

namespace sluice {

OutputMode ParseOutputMode(const std::string& mode) {
  std::string m;
  for (char c : mode) m += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (m == "append") return OutputMode::kAppend;
  if (m == "update") return OutputMode::kUpdate;
  if (m == "complete") return OutputMode::kComplete;
  throw AnalysisError("[STREAMING_OUTPUT_MODE.INVALID] Invalid streaming output mode: " + mode +
                      ". Accepted output modes are 'append', 'complete', 'update'.");
}

std::string OutputModeName(OutputMode mode) {
  switch (mode) {
    case OutputMode::kAppend: return "Append";
    case OutputMode::kUpdate: return "Update";
    case OutputMode::kComplete: return "Complete";
  }
  return "?";
}

}  // namespace sluice
