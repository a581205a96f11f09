// `sluice demo`: a self-contained streaming pipeline on generated click events.
#pragma once

#include <string>
#include <vector>

namespace sluice {

int RunDemoCommand(const std::vector<std::string>& args);

}  // namespace sluice
