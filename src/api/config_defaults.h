// The configuration keys Sluice knows (Spark's names), with their defaults and meaning. The table
// is also what README.md's configuration section lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

struct ConfigEntry {
  const char* key;
  const char* default_value;
  const char* doc;
};

const std::vector<ConfigEntry>& KnownConfigs();
std::optional<std::string> DefaultConfig(const std::string& key);

/// Parses a time configuration value as Spark's time confs do ("10ms", "600s", "5min", "2h", "1d",
/// "250us"; a bare number is in `default_unit_micros`). Throws AnalysisError naming `key`.
int64_t ParseTimeConfMicros(const std::string& key, const std::string& value,
                            int64_t default_unit_micros);

}  // namespace sluice
