// OutputMode: what a streaming query writes to its sink each micro-batch (Spark's output modes).
#pragma once

#include <cstdint>
#include <string>

namespace sluice {

enum class OutputMode : uint8_t { kAppend, kUpdate, kComplete };

/// Parses "append" / "update" / "complete" (case-insensitive); throws AnalysisError otherwise.
OutputMode ParseOutputMode(const std::string& mode);
/// "Append", "Update", "Complete" (as Spark prints them).
std::string OutputModeName(OutputMode mode);

}  // namespace sluice
