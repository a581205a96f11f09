// Helpers of the file connector tests: a fresh temp directory per test, files with chosen
// modification times, a SessionState, and rows of partitions rendered as sorted text.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/session_state.h"
#include "plan/relation_source.h"
#include "platform/file_system.h"

namespace sluice::file_test {

namespace fs = std::filesystem;

class FileConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDirectory("sluice_file_test_");
    session_ = std::make_shared<SessionState>(
        "t", std::map<std::string, std::string>{{"spark.sluice.threads", "2"}}, nullptr);
  }
  void TearDown() override { RemoveAll(dir_); }

  /// Writes `content` to dir_/rel (creating parents); sets its mtime to `mtime_ms` if >= 0.
  fs::path Write(const std::string& rel, const std::string& content, int64_t mtime_ms = -1) {
    fs::path p = dir_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    if (mtime_ms >= 0) SetMtime(p, mtime_ms);
    return p;
  }

  static void SetMtime(const fs::path& p, int64_t mtime_ms) {
    struct timespec times[2];
    times[0].tv_sec = times[1].tv_sec = mtime_ms / 1000;
    times[0].tv_nsec = times[1].tv_nsec = (mtime_ms % 1000) * 1000000;
    ASSERT_EQ(utimensat(AT_FDCWD, p.c_str(), times, 0), 0);
  }

  fs::path dir_;
  std::shared_ptr<SessionState> session_;
};

/// Every row of `parts` as "v1|v2|...", sorted.
inline std::vector<std::string> Rows(const std::vector<Partition>& parts) {
  std::vector<std::string> out;
  for (const Partition& p : parts) {
    for (const RecordBatchPtr& b : p) {
      for (size_t i = 0; i < b->num_rows(); ++i) {
        std::string row;
        for (const Value& v : b->GetRow(i)) {
          if (!row.empty()) row += '|';
          row += v.ToString();
        }
        out.push_back(row);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// Relative paths of the regular files under `dir` (hidden ones included), sorted.
inline std::vector<std::string> Tree(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path().lexically_relative(dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace sluice::file_test
