// Helpers shared by the Delta write/stream/maintenance tests: a temp directory per test, a
// session on a ManualClock, sorted row strings and the table's commit actions.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "delta/delta_log.h"
#include "platform/clock.h"
#include "platform/file_system.h"
#include "sluice/sluice.h"

namespace sluice {

class DeltaTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDirectory("sluice-delta-test-"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Session NewSession() {
    return Session::builder()
        .config("spark.sql.shuffle.partitions", "2")
        .clock(clock_)
        .getOrCreate();
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  static std::vector<std::string> SortedRows(const DataFrame& df) {
    std::vector<std::string> out;
    for (const Row& r : df.collect()) out.push_back(r.ToString());
    std::sort(out.begin(), out.end());
    return out;
  }

  /// Every action of commit `version` of the table at `path`.
  static std::vector<nlohmann::json> Actions(const std::string& path, int64_t version) {
    std::vector<nlohmann::json> out;
    for (const std::string& line :
         ReadDeltaCommitLines(path + "/_delta_log/" + DeltaCommitFileName(version))) {
      out.push_back(nlohmann::json::parse(line));
    }
    return out;
  }
  static nlohmann::json CommitInfo(const std::string& path, int64_t version) {
    for (const auto& a : Actions(path, version)) {
      if (a.contains("commitInfo")) return a["commitInfo"];
    }
    return nullptr;
  }

  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(1700000000000000LL);
  std::filesystem::path dir_;
};

/// Expects `fn` to throw a SluiceError whose message contains every one of `needles`.
template <typename Fn>
void ExpectErrorContaining(Fn&& fn, const std::vector<std::string>& needles) {
  try {
    fn();
    ADD_FAILURE() << "no error; expected one containing " << needles.front();
  } catch (const SluiceError& e) {
    std::string msg = e.what();
    for (const std::string& n : needles) {
      EXPECT_NE(msg.find(n), std::string::npos) << "missing '" << n << "' in: " << msg;
    }
  }
}

}  // namespace sluice
