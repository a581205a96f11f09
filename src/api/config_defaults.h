// The configuration keys Sluice knows (Spark's names), with their defaults and meaning. The table
// is also what README.md's configuration section lists.
#pragma once

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

}  // namespace sluice
