// Tests of the file sink manifest (_spark_metadata) and the file source's seen-files log.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "platform/file_system.h"
#include "sluice/exception.h"
#include "streaming/checkpoint/file_sink_log.h"
#include "streaming/checkpoint/file_source_log.h"
#include "temp_dir.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using FileLogsTest = TempDirTest;

SinkFileStatus Sink(const std::string& name, int64_t size = 10) {
  SinkFileStatus s;
  s.path = "file:///out/" + name;
  s.size = size;
  s.modification_time = 1700000000000;
  return s;
}

std::vector<std::string> Paths(const std::vector<SinkFileStatus>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.path);
  return out;
}

TEST_F(FileLogsTest, SinkEntryFormatMatchesSpark) {
  FileSinkLog log(dir_);
  SinkFileStatus s = Sink("part-00000-abc.json", 123);
  ASSERT_TRUE(log.Add(0, {s}));
  EXPECT_EQ(ReadFile(dir_ / "_spark_metadata" / "0"),
            "v1\n"
            R"({"path":"file:///out/part-00000-abc.json","size":123,"isDir":false,)"
            R"("modificationTime":1700000000000,"blockReplication":1,"blockSize":33554432,)"
            R"("action":"add"})");
  EXPECT_EQ(log.Get(0), std::vector<SinkFileStatus>{s});
}

TEST_F(FileLogsTest, SinkParsesSparkWrittenManifest) {
  MakeDirs(dir_ / "_spark_metadata");
  WriteFileAtomic(dir_ / "_spark_metadata" / "0",
                  "v1\n{\"path\":\"file:///tmp/o/part-00000-1.snappy.parquet\",\"size\":5,"
                  "\"isDir\":false,\"modificationTime\":17,\"blockReplication\":1,"
                  "\"blockSize\":33554432,\"action\":\"add\"}\n");
  EXPECT_TRUE(FileSinkLog::HasMetadataLog(dir_));
  FileSinkLog log(dir_);
  auto all = log.AllFiles();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].path, "file:///tmp/o/part-00000-1.snappy.parquet");
  EXPECT_EQ(all[0].modification_time, 17);
  EXPECT_EQ(log.GetLatestBatchId(), 0);
  EXPECT_FALSE(log.Add(0, {Sink("dup")}));  // batch 0 already committed
}

TEST_F(FileLogsTest, SinkFromLocalFile) {
  WriteFileAtomic(dir_ / "part 1.json", "{\"a\":1}\n");
  auto s = SinkFileStatus::FromLocalFile(dir_ / "part 1.json");
  EXPECT_EQ(s.path, PathToFileUri(dir_ / "part 1.json"));
  EXPECT_NE(s.path.find("part%201.json"), std::string::npos);
  EXPECT_EQ(s.path.rfind("file:///", 0), 0u);
  EXPECT_EQ(s.size, 8);
  EXPECT_GT(s.modification_time, 0);
  EXPECT_FALSE(s.is_dir);
  EXPECT_EQ(s.action, "add");
}

TEST_F(FileLogsTest, HasMetadataLog) {
  EXPECT_FALSE(FileSinkLog::HasMetadataLog(dir_));
  EXPECT_FALSE(FileSinkLog::HasMetadataLog(dir_ / "missing"));
  FileSinkLog log(dir_ / "out");
  EXPECT_TRUE(FileSinkLog::HasMetadataLog(dir_ / "out"));
  EXPECT_EQ(log.dir(), dir_ / "out" / "_spark_metadata");
}

TEST_F(FileLogsTest, SinkReRunBatchIsNotDuplicated) {
  FileSinkLog log(dir_);
  EXPECT_TRUE(log.Add(0, {Sink("a")}));
  EXPECT_TRUE(log.Add(1, {Sink("b")}));
  EXPECT_FALSE(log.Add(1, {Sink("b-rerun")}));
  EXPECT_EQ(Paths(log.AllFiles()), (std::vector<std::string>{"file:///out/a", "file:///out/b"}));
}

TEST_F(FileLogsTest, SinkCompactionAcrossBoundary) {
  FileSinkLog log(dir_, 3);  // compaction batches: 2, 5, 8, ...
  const fs::path md = dir_ / "_spark_metadata";
  std::vector<std::string> expected;
  for (int64_t b = 0; b < 8; ++b) {
    std::vector<SinkFileStatus> files = {Sink(fmt::format("p{}-0", b)), Sink(fmt::format("p{}-1", b))};
    ASSERT_TRUE(log.Add(b, files));
    for (auto& f : files) expected.push_back(f.path);
    EXPECT_EQ(Paths(log.AllFiles()), expected) << "after batch " << b;
  }
  EXPECT_TRUE(Exists(md / "2.compact"));
  EXPECT_TRUE(Exists(md / "5.compact"));
  EXPECT_FALSE(Exists(md / "5"));
  EXPECT_TRUE(Exists(md / "6"));
  EXPECT_EQ(log.Get(5)->size(), 12u);  // everything up to batch 5
  EXPECT_EQ(log.Get(6)->size(), 2u);   // a delta
  EXPECT_FALSE(log.Add(5, {Sink("again")}));
  // AllFiles reads only the latest compaction plus later deltas: older batch files may go.
  RemoveFile(md / "0");
  RemoveFile(md / "3");
  EXPECT_EQ(Paths(log.AllFiles()), expected);
  // A restarted reader sees the same.
  EXPECT_EQ(Paths(FileSinkLog(dir_, 3).AllFiles()), expected);
}

TEST_F(FileLogsTest, SinkCompactionDropsDeletedFiles) {
  FileSinkLog log(dir_, 3);
  ASSERT_TRUE(log.Add(0, {Sink("a"), Sink("b")}));
  SinkFileStatus del = Sink("a");
  del.action = SinkFileStatus::kDeleteAction;
  ASSERT_TRUE(log.Add(1, {del}));
  EXPECT_EQ(Paths(log.AllFiles()), std::vector<std::string>{"file:///out/b"});
  ASSERT_TRUE(log.Add(2, {Sink("c")}));
  auto compacted = log.Get(2);
  ASSERT_TRUE(compacted);
  EXPECT_EQ(Paths(*compacted), (std::vector<std::string>{"file:///out/b", "file:///out/c"}));
}

TEST_F(FileLogsTest, SinkEmptyBatchesAndPurge) {
  FileSinkLog log(dir_, 2);
  ASSERT_TRUE(log.Add(0, {}));
  ASSERT_TRUE(log.Add(1, {}));  // compaction of nothing
  ASSERT_TRUE(log.Add(2, {Sink("x")}));
  EXPECT_EQ(ReadFile(dir_ / "_spark_metadata" / "1.compact"), "v1");
  EXPECT_EQ(Paths(log.AllFiles()), std::vector<std::string>{"file:///out/x"});
}

TEST_F(FileLogsTest, SinkGarbageGivesClearErrors) {
  FileSinkLog log(dir_, 2);  // batch 1 compacts
  const fs::path md = dir_ / "_spark_metadata";
  WriteFileAtomic(md / "0", "v1\n{\"path\":\"file:///a\"}\nthis is not json");
  try {
    log.AllFiles();
    ADD_FAILURE();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find((md / "0").string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  WriteFileAtomic(md / "0", "v2\n");
  EXPECT_THROW(log.AllFiles(), IoError);
  WriteFileAtomic(md / "0", "v1\n{\"size\":1}");
  try {
    log.AllFiles();  // no path
    ADD_FAILURE();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find((md / "0").string() + "'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(log.Get(0), IoError);
  EXPECT_THROW(log.Add(1, {Sink("x")}), IoError) << "compaction reads batch 0";
  WriteFileAtomic(md / "0", "v1\n{\"path\":\"p\",\"size\":\"big\"}");
  EXPECT_THROW(log.AllFiles(), IoError);
  WriteFileAtomic(md / "0", "v1\n{\"path\":\"p\",\"action\":\"rename\"}");
  EXPECT_THROW(log.AllFiles(), IoError);
  WriteFileAtomic(md / "0", "");
  EXPECT_THROW(log.AllFiles(), IoError);
  const std::string good =
      "v1\n{\"path\":\"file:///a\",\"size\":1,\"isDir\":false,\"modificationTime\":1,"
      "\"blockReplication\":1,\"blockSize\":1,\"action\":\"add\"}";
  for (size_t n = 0; n <= good.size(); ++n) {
    WriteFileAtomic(md / "0", good.substr(0, n));
    try {
      log.AllFiles();
    } catch (const IoError&) {
    }
  }
}

TEST_F(FileLogsTest, SourceLogFormatAndCompaction) {
  FileSourceLog log(dir_ / "sources" / "0", 3);
  FileEntry a{"file:///in/a.json", 1000, 0};
  ASSERT_TRUE(log.Add(0, {a}));
  EXPECT_EQ(ReadFile(dir_ / "sources" / "0" / "0"),
            "v1\n{\"path\":\"file:///in/a.json\",\"timestamp\":1000,\"batchId\":0}");
  std::vector<FileEntry> expected = {a};
  for (int64_t b = 1; b < 7; ++b) {
    FileEntry e{fmt::format("file:///in/{}.json", b), 1000 + b, b};
    ASSERT_TRUE(log.Add(b, {e}));
    expected.push_back(e);
    EXPECT_EQ(log.AllFiles(), expected);
  }
  EXPECT_TRUE(Exists(dir_ / "sources" / "0" / "5.compact"));
  EXPECT_FALSE(log.Add(3, {a}));
  EXPECT_EQ(log.GetLatestBatchId(), 6);
  EXPECT_EQ(log.Get(5)->size(), 6u);
  EXPECT_FALSE(log.Get(9));
}

TEST_F(FileLogsTest, SourceLogGarbage) {
  FileSourceLog log(dir_);
  WriteFileAtomic(dir_ / "0", "v1\n{\"path\":\"file:///a\",\"timestamp\":\"x\",\"batchId\":0}");
  EXPECT_THROW(log.AllFiles(), IoError);
  WriteFileAtomic(dir_ / "0", "v1\n{\"path\":\"file:///a\",\"timestamp\":1}");
  EXPECT_THROW(log.AllFiles(), IoError);
  WriteFileAtomic(dir_ / "0", "v1\n\"just a string\"");
  EXPECT_THROW(log.AllFiles(), IoError);
}

}  // namespace
}  // namespace sluice
