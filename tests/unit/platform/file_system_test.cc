#include "platform/file_system.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <set>
#include <thread>

#include "platform/uuid.h"
#include "sluice/exception.h"
#include "temp_dir.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using FileSystemTest = TempDirTest;

// Expects `fn` to throw IoError whose message contains `needle`.
template <typename Fn>
void ExpectIoError(Fn fn, const std::string& needle) {
  try {
    fn();
    ADD_FAILURE() << "expected IoError mentioning " << needle;
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST_F(FileSystemTest, WriteAtomicThenRead) {
  const fs::path p = dir_ / "a.txt";
  WriteFileAtomic(p, "hello");
  EXPECT_EQ(ReadFile(p), "hello");
  WriteFileAtomic(p, std::string("bin\0ary", 7));
  EXPECT_EQ(ReadFile(p), std::string("bin\0ary", 7));
  WriteFileAtomic(p, "");
  EXPECT_EQ(ReadFile(p), "");
  EXPECT_EQ(ListFiles(dir_), std::vector<fs::path>{p});  // no temp file left behind
}

TEST_F(FileSystemTest, WriteAtomicLargeContent) {
  std::string big(3 * 1024 * 1024 + 17, 'x');
  big[12345] = 'y';
  WriteFileAtomic(dir_ / "big", big);
  EXPECT_EQ(ReadFile(dir_ / "big"), big);
  EXPECT_EQ(FileSize(dir_ / "big"), big.size());
}

TEST_F(FileSystemTest, WriteAtomicConcurrentReadersNeverSeePartialContent) {
  const fs::path p = dir_ / "f";
  const std::string a(200000, 'a'), b(200000, 'b');
  WriteFileAtomic(p, a);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 50; ++i) WriteFileAtomic(p, i % 2 ? a : b);
    stop = true;
  });
  while (!stop) {
    std::string got = ReadFile(p);
    ASSERT_TRUE(got == a || got == b);
  }
  writer.join();
}

TEST_F(FileSystemTest, AtomicFileWriterShowsTheFileOnlyAtCommit) {
  const fs::path p = dir_ / "part.parquet";
  WriteFileAtomic(p, "old");
  {
    AtomicFileWriter w(p);
    w.Append("new ");
    w.Append("content");
    EXPECT_EQ(w.bytes(), 11);
    EXPECT_EQ(ReadFile(p), "old");  // not visible before Commit
    w.Commit();
    EXPECT_THROW(w.Append("more"), IoError);
  }
  EXPECT_EQ(ReadFile(p), "new content");
  {
    AtomicFileWriter abandoned(dir_ / "other");
    abandoned.Append("partial");
  }  // destroyed without Commit: nothing is left behind
  EXPECT_EQ(ListFiles(dir_), std::vector<fs::path>{p});
  ExpectIoError([&] { AtomicFileWriter w(dir_ / "missing" / "x"); }, "missing");
}

TEST_F(FileSystemTest, WriteAtomicFailsInMissingDirectory) {
  ExpectIoError([&] { WriteFileAtomic(dir_ / "missing" / "x", "1"); }, "missing");
}

TEST_F(FileSystemTest, ReadMissingFileNamesPath) {
  ExpectIoError([&] { ReadFile(dir_ / "nope"); }, (dir_ / "nope").string());
  ExpectIoError([&] { ReadFile(dir_ / "nope"); }, "No such file");
}

TEST_F(FileSystemTest, CreateExclusiveRefusesExisting) {
  const fs::path p = dir_ / "0";
  EXPECT_TRUE(CreateFileExclusive(p, "first"));
  EXPECT_FALSE(CreateFileExclusive(p, "second"));
  EXPECT_EQ(ReadFile(p), "first");
  EXPECT_EQ(ListFiles(dir_).size(), 1u);
}

TEST_F(FileSystemTest, CreateExclusiveRaceHasOneWinner) {
  for (int round = 0; round < 20; ++round) {
    const fs::path p = dir_ / std::to_string(round);
    constexpr int kThreads = 8;
    std::atomic<int> ready{0};
    std::atomic<int> wins{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        ready.fetch_add(1);
        while (ready < kThreads) std::this_thread::yield();
        if (CreateFileExclusive(p, "writer " + std::to_string(t))) wins.fetch_add(1);
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wins, 1) << "round " << round;
    EXPECT_EQ(ReadFile(p).rfind("writer ", 0), 0u);
  }
  EXPECT_EQ(ListFiles(dir_).size(), 20u);  // temp files cleaned up
}

TEST_F(FileSystemTest, ListFilesSortedAndRecursive) {
  MakeDirs(dir_ / "sub" / "deeper");
  WriteFileAtomic(dir_ / "b", "1");
  WriteFileAtomic(dir_ / "a", "1");
  WriteFileAtomic(dir_ / "sub" / "c", "1");
  WriteFileAtomic(dir_ / "sub" / "deeper" / "d", "1");
  EXPECT_EQ(ListFiles(dir_), (std::vector<fs::path>{dir_ / "a", dir_ / "b"}));
  EXPECT_EQ(ListFiles(dir_, true),
            (std::vector<fs::path>{dir_ / "a", dir_ / "b", dir_ / "sub" / "c",
                                   dir_ / "sub" / "deeper" / "d"}));
  ExpectIoError([&] { ListFiles(dir_ / "missing"); }, "missing");
  ExpectIoError([&] { ListFiles(dir_ / "a"); }, "Not a directory");
}

TEST_F(FileSystemTest, MakeDirsExistsRemove) {
  const fs::path d = dir_ / "x" / "y" / "z";
  EXPECT_FALSE(Exists(d));
  MakeDirs(d);
  MakeDirs(d);  // idempotent
  EXPECT_TRUE(Exists(d));
  EXPECT_TRUE(IsDirectory(d));
  WriteFileAtomic(d / "f", "1");
  EXPECT_FALSE(IsDirectory(d / "f"));
  ExpectIoError([&] { MakeDirs(d / "f"); }, "f");
  EXPECT_TRUE(RemoveFile(d / "f"));
  EXPECT_FALSE(RemoveFile(d / "f"));
  EXPECT_GE(RemoveAll(dir_ / "x"), 3u);
  EXPECT_FALSE(Exists(dir_ / "x"));
  EXPECT_EQ(RemoveAll(dir_ / "x"), 0u);
}

TEST_F(FileSystemTest, SizeAndModificationTime) {
  const fs::path p = dir_ / "f";
  WriteFileAtomic(p, "12345");
  EXPECT_EQ(FileSize(p), 5u);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  EXPECT_LT(std::llabs(ModificationTimeMs(p) - now_ms), 60000);
  ExpectIoError([&] { FileSize(dir_ / "none"); }, "none");
  ExpectIoError([&] { ModificationTimeMs(dir_ / "none"); }, "none");
}

TEST_F(FileSystemTest, MakeTempDirectoryIsFresh) {
  fs::path a = MakeTempDirectory("t_", dir_);
  fs::path b = MakeTempDirectory("t_", dir_);
  EXPECT_NE(a, b);
  EXPECT_TRUE(IsDirectory(a));
  EXPECT_EQ(a.parent_path(), dir_);
}

TEST(FileUriTest, RoundTrip) {
  EXPECT_EQ(PathToFileUri("/tmp/out/part-0.json"), "file:///tmp/out/part-0.json");
  EXPECT_EQ(PathToFileUri("/tmp/a b/c%d"), "file:///tmp/a%20b/c%25d");
  EXPECT_EQ(PathToFileUri("/tmp/x/../y/./z"), "file:///tmp/y/z");
  EXPECT_EQ(FileUriToPath("file:///tmp/a%20b/c%25d"), fs::path("/tmp/a b/c%d"));
  EXPECT_EQ(FileUriToPath("file:/tmp/x"), fs::path("/tmp/x"));
  EXPECT_EQ(FileUriToPath("file://localhost/tmp/x"), fs::path("/tmp/x"));
  EXPECT_EQ(FileUriToPath("/plain/path%20"), fs::path("/plain/path%20"));
  EXPECT_EQ(FileUriToPath("file:///bad%2"), fs::path("/bad%2"));
  EXPECT_THROW(FileUriToPath("s3://bucket/key"), IoError);
  EXPECT_THROW(FileUriToPath("file://otherhost/x"), IoError);
  const fs::path rel = PathToFileUri("rel/x").substr(7);
  EXPECT_TRUE(rel.is_absolute());
}

TEST(UuidTest, Version4Format) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string u = GenerateUuid();
    ASSERT_TRUE(IsUuid(u)) << u;
    EXPECT_EQ(u[14], '4') << u;
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
    EXPECT_EQ(u, [&] {
      std::string lower = u;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return lower;
    }());
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_FALSE(IsUuid("not-a-uuid"));
  EXPECT_FALSE(IsUuid("0123456789abcdef0123456789abcdef0123"));
}

}  // namespace
}  // namespace sluice
