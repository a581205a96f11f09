// TempDirTest gives each test a fresh directory under the system temp folder, removed afterwards.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>

#include "platform/file_system.h"

namespace sluice {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDirectory("sluice_platform_test_"); }
  void TearDown() override {
    RemoveAll(dir_);
    EXPECT_FALSE(std::filesystem::exists(dir_));
  }

  std::filesystem::path dir_;
};

}  // namespace sluice
