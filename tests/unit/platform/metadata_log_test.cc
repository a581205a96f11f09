#include "streaming/checkpoint/metadata_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "platform/file_system.h"
#include "sluice/exception.h"
#include "temp_dir.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using MetadataLogTest = TempDirTest;

TEST_F(MetadataLogTest, CreatesDirectoryAndStartsEmpty) {
  MetadataLog log(dir_ / "offsets");
  EXPECT_TRUE(IsDirectory(dir_ / "offsets"));
  EXPECT_FALSE(log.GetLatest());
  EXPECT_FALSE(log.GetLatestBatchId());
  EXPECT_TRUE(log.List().empty());
  EXPECT_FALSE(log.Get(0));
}

TEST_F(MetadataLogTest, AddGetLatestList) {
  MetadataLog log(dir_);
  EXPECT_TRUE(log.Add(0, "zero"));
  EXPECT_TRUE(log.Add(1, "one"));
  EXPECT_TRUE(log.Add(10, "ten"));
  EXPECT_EQ(ReadFile(dir_ / "10"), "ten");  // one file per batch, named by the decimal id
  EXPECT_EQ(log.Get(1), "one");
  EXPECT_FALSE(log.Get(2));
  EXPECT_EQ(log.List(), (std::vector<int64_t>{0, 1, 10}));  // numeric, not lexical, order
  EXPECT_EQ(log.GetLatestBatchId(), 10);
  auto latest = log.GetLatest();
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->first, 10);
  EXPECT_EQ(latest->second, "ten");
  auto range = log.GetRange(1, 9);
  ASSERT_EQ(range.size(), 1u);
  EXPECT_EQ(range[0].first, 1);
  EXPECT_EQ(log.GetRange(std::nullopt, std::nullopt).size(), 3u);
}

TEST_F(MetadataLogTest, RefusesOverwrite) {
  MetadataLog log(dir_);
  EXPECT_TRUE(log.Add(3, "original"));
  EXPECT_FALSE(log.Add(3, "replacement"));
  EXPECT_EQ(log.Get(3), "original");
  // A second MetadataLog on the same directory (a restarted query) sees the same entries.
  MetadataLog reopened(dir_);
  EXPECT_FALSE(reopened.Add(3, "again"));
  EXPECT_EQ(reopened.Get(3), "original");
}

TEST_F(MetadataLogTest, ConcurrentWritersOfOneBatchHaveOneWinner) {
  MetadataLog log(dir_);
  for (int64_t id = 0; id < 10; ++id) {
    std::atomic<int> wins{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        if (log.Add(id, "writer" + std::to_string(t))) wins.fetch_add(1);
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wins, 1);
  }
  EXPECT_EQ(log.List().size(), 10u);
}

TEST_F(MetadataLogTest, IgnoresTempAndForeignFiles) {
  MetadataLog log(dir_);
  log.Add(2, "two");
  for (const char* name : {".2.abc.tmp", ".3.crc", "3.tmp", "007", "-1", "+4", "abc", "5x",
                           "99999999999999999999", "_SUCCESS"}) {
    WriteFileAtomic(dir_ / name, "junk");
  }
  MakeDirs(dir_ / "8");  // a directory is not an entry
  EXPECT_EQ(log.List(), (std::vector<int64_t>{2}));
  EXPECT_EQ(log.GetLatestBatchId(), 2);
  log.Purge(100);
  EXPECT_TRUE(log.List().empty());
  EXPECT_TRUE(Exists(dir_ / "007"));  // foreign files are left alone
}

TEST_F(MetadataLogTest, Purge) {
  MetadataLog log(dir_);
  for (int64_t i = 0; i < 6; ++i) log.Add(i, std::to_string(i));
  log.Purge(4);
  EXPECT_EQ(log.List(), (std::vector<int64_t>{4, 5}));
  EXPECT_FALSE(log.Get(0));
  log.Purge(0);
  EXPECT_EQ(log.List().size(), 2u);
}

TEST_F(MetadataLogTest, CompactNaming) {
  MetadataLog log(dir_, 3);
  EXPECT_EQ(log.BatchPath(1), dir_ / "1");
  EXPECT_EQ(log.BatchPath(2), dir_ / "2.compact");
  EXPECT_EQ(log.BatchPath(5), dir_ / "5.compact");
  EXPECT_TRUE(log.Add(2, "c"));
  EXPECT_TRUE(Exists(dir_ / "2.compact"));
  EXPECT_FALSE(log.Add(2, "again"));
  EXPECT_EQ(log.Get(2), "c");
  EXPECT_EQ(log.List(), (std::vector<int64_t>{2}));
  // A log opened with another interval still finds the compact file.
  MetadataLog other(dir_, 0);
  EXPECT_EQ(other.Get(2), "c");
  EXPECT_FALSE(other.Add(2, "x"));
  bool is_compact = false;
  EXPECT_EQ(MetadataLog::ParseBatchFileName("12.compact", &is_compact), 12);
  EXPECT_TRUE(is_compact);
  EXPECT_FALSE(MetadataLog::ParseBatchFileName(".compact"));
  EXPECT_FALSE(MetadataLog::ParseBatchFileName("01"));
  EXPECT_EQ(MetadataLog::ParseBatchFileName("0"), 0);
}

TEST_F(MetadataLogTest, NegativeBatchIdIsABug) {
  MetadataLog log(dir_);
  EXPECT_THROW(log.Add(-1, "x"), InternalError);
}

TEST(LogVersionTest, ParsesAndRejects) {
  EXPECT_EQ(ParseLogVersion("v1", 1, "f"), 1);
  for (const char* bad : {"", "v", "1", "vx", "v0", "v-1", "V1", "v1 ", "v1x"}) {
    try {
      ParseLogVersion(bad, 1, "/ck/offsets/3");
      ADD_FAILURE() << bad;
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find("/ck/offsets/3"), std::string::npos);
      EXPECT_NE(std::string(e.what()).find("malformed"), std::string::npos);
    }
  }
  try {
    ParseLogVersion("v2", 1, "/ck/offsets/3");
    ADD_FAILURE();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("unsupported log version v2"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("/ck/offsets/3"), std::string::npos);
  }
}

TEST(LogLinesTest, Splits) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(SplitLogLines(""), V{});
  EXPECT_EQ(SplitLogLines("v1"), V{"v1"});
  EXPECT_EQ(SplitLogLines("v1\n"), V{"v1"});
  EXPECT_EQ(SplitLogLines("v1\r\n{}\r\n-"), (V{"v1", "{}", "-"}));
  EXPECT_EQ(SplitLogLines("a\n\nb"), (V{"a", "", "b"}));
}

}  // namespace
}  // namespace sluice
