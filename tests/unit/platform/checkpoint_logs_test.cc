// Tests of the offset log, the commit log and the checkpoint directory.
#include <gtest/gtest.h>

#include <thread>

#include "platform/file_system.h"
#include "platform/uuid.h"
#include "sluice/exception.h"
#include "streaming/checkpoint/checkpoint.h"
#include "streaming/checkpoint/commit_log.h"
#include "streaming/checkpoint/offset_log.h"
#include "temp_dir.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using CheckpointLogsTest = TempDirTest;

// Expects `fn` to throw IoError whose message contains every needle.
template <typename Fn>
void ExpectIoError(Fn fn, std::initializer_list<std::string> needles) {
  try {
    fn();
    ADD_FAILURE() << "expected IoError";
  } catch (const IoError& e) {
    for (const auto& n : needles) {
      EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what() << " lacks " << n;
    }
  }
}

OffsetSeqEntry SampleEntry() {
  OffsetSeqEntry e;
  e.batch_watermark_ms = 5000;
  e.batch_timestamp_ms = 1502872590006;
  e.conf = {{"spark.sql.shuffle.partitions", "200"},
            {"spark.sql.streaming.stateStore.providerClass", "HDFSBackedStateStoreProvider"}};
  e.source_offsets = {std::string("51"), std::nullopt,
                      std::string(R"({"topic":{"0":23,"1":-2}})")};
  return e;
}

TEST(OffsetSeqEntryTest, SerializesAsSpark) {
  EXPECT_EQ(SampleEntry().Serialize(),
            "v1\n"
            R"({"batchWatermarkMs":5000,"batchTimestampMs":1502872590006,"conf":{)"
            R"("spark.sql.shuffle.partitions":"200",)"
            R"("spark.sql.streaming.stateStore.providerClass":"HDFSBackedStateStoreProvider"}})"
            "\n51\n-\n"
            R"({"topic":{"0":23,"1":-2}})");
  OffsetSeqEntry empty;
  EXPECT_EQ(empty.Serialize(), "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":0,\"conf\":{}}");
}

TEST(OffsetSeqEntryTest, RoundTrip) {
  auto e = SampleEntry();
  EXPECT_EQ(OffsetSeqEntry::Parse(e.Serialize(), "f"), e);
  OffsetSeqEntry empty;
  EXPECT_EQ(OffsetSeqEntry::Parse(empty.Serialize(), "f"), empty);
}

TEST(OffsetSeqEntryTest, ParsesSparkWrittenFile) {
  // As written by Spark (json4s field order, trailing newline tolerated, unknown fields ignored).
  auto e = OffsetSeqEntry::Parse(
      "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1700000000000,\"conf\":{\"spark.sql."
      "shuffle.partitions\":\"5\"},\"extra\":1}\n{\"logOffset\":3}\n",
      "f");
  EXPECT_EQ(e.batch_timestamp_ms, 1700000000000);
  EXPECT_EQ(e.conf.at("spark.sql.shuffle.partitions"), "5");
  ASSERT_EQ(e.source_offsets.size(), 1u);
  EXPECT_EQ(e.source_offsets[0], "{\"logOffset\":3}");
  // Missing metadata fields take Spark's defaults.
  auto d = OffsetSeqEntry::Parse("v1\n{}", "f");
  EXPECT_EQ(d.batch_watermark_ms, 0);
  EXPECT_TRUE(d.conf.empty());
  EXPECT_TRUE(d.source_offsets.empty());
}

TEST(OffsetSeqEntryTest, MultiLineOffsetIsCompacted) {
  OffsetSeqEntry e;
  e.source_offsets = {std::string("{\n  \"a\": 1\n}")};
  EXPECT_EQ(OffsetSeqEntry::Parse(e.Serialize(), "f").source_offsets[0], "{\"a\":1}");
  e.source_offsets = {std::string("not\njson")};
  EXPECT_THROW(e.Serialize(), InternalError);
  e.source_offsets = {std::string("-")};
  EXPECT_THROW(e.Serialize(), InternalError);
}

TEST(OffsetSeqEntryTest, GarbageGivesClearErrors) {
  const std::string f = "/ck/offsets/7";
  ExpectIoError([&] { OffsetSeqEntry::Parse("", f); }, {f, "empty"});
  ExpectIoError([&] { OffsetSeqEntry::Parse("v1", f); }, {f, "incomplete"});
  ExpectIoError([&] { OffsetSeqEntry::Parse("v1\n", f); }, {f, "incomplete"});
  ExpectIoError([&] { OffsetSeqEntry::Parse("v2\n{}\n1", f); }, {f, "unsupported log version v2"});
  ExpectIoError([&] { OffsetSeqEntry::Parse("v99\n{}", f); }, {f, "unsupported log version"});
  ExpectIoError([&] { OffsetSeqEntry::Parse("hello", f); }, {f, "malformed"});
  ExpectIoError([&] { OffsetSeqEntry::Parse("v1\n{\"batchWatermarkMs\":", f); }, {f, "JSON"});
  ExpectIoError([&] { OffsetSeqEntry::Parse("v1\n[1,2]", f); }, {f, "JSON object"});
  ExpectIoError([&] { OffsetSeqEntry::Parse("v1\n{\"batchWatermarkMs\":\"x\"}", f); },
                {f, "batchWatermarkMs"});
  ExpectIoError([&] { OffsetSeqEntry::Parse("v1\n{\"conf\":{\"k\":1}}", f); }, {f, "conf"});
  ExpectIoError([&] { OffsetSeqEntry::Parse("v1\n{\"conf\":[]}", f); }, {f, "conf"});
  ExpectIoError([&] { OffsetSeqEntry::Parse("v1\n{}\n1\n\n2", f); }, {f, "line 4"});
  std::string binary("v1\n\0\xff\xfe", 6);
  ExpectIoError([&] { OffsetSeqEntry::Parse(binary, f); }, {f});
}

TEST(OffsetSeqEntryTest, EveryTruncationFailsCleanlyOrParses) {
  const std::string full = SampleEntry().Serialize();
  for (size_t n = 0; n < full.size(); ++n) {
    try {
      OffsetSeqEntry::Parse(full.substr(0, n), "f");
    } catch (const IoError&) {
      // fine: a clear error
    }
  }
}

TEST_F(CheckpointLogsTest, OffsetLogAddGetLatest) {
  OffsetLog log(dir_ / "offsets");
  EXPECT_FALSE(log.GetLatest());
  auto e = SampleEntry();
  EXPECT_TRUE(log.Add(0, e));
  e.batch_timestamp_ms += 1;
  EXPECT_TRUE(log.Add(1, e));
  EXPECT_FALSE(log.Add(1, SampleEntry()));  // refuses overwrite
  EXPECT_EQ(log.Get(1)->batch_timestamp_ms, e.batch_timestamp_ms);
  auto latest = log.GetLatest();
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->first, 1);
  EXPECT_EQ(latest->second, e);
  EXPECT_EQ(ReadFile(dir_ / "offsets" / "1").substr(0, 3), "v1\n");
  log.Purge(1);
  EXPECT_EQ(log.List(), std::vector<int64_t>{1});
}

TEST_F(CheckpointLogsTest, CorruptOffsetFileNamesTheFile) {
  OffsetLog log(dir_ / "offsets");
  WriteFileAtomic(dir_ / "offsets" / "4", "v1\n{garbage");
  ExpectIoError([&] { log.Get(4); }, {(dir_ / "offsets" / "4").string()});
  ExpectIoError([&] { log.GetLatest(); }, {(dir_ / "offsets" / "4").string()});
  WriteFileAtomic(dir_ / "offsets" / "5", "v2\n{}");
  ExpectIoError([&] { log.Get(5); }, {"unsupported log version", "5"});
}

TEST(CommitEntryTest, SerializesAsSpark) {
  EXPECT_EQ(CommitEntry{}.Serialize(), "v1\n{\"nextBatchWatermarkMs\":0}");
  EXPECT_EQ(CommitEntry{1234}.Serialize(), "v1\n{\"nextBatchWatermarkMs\":1234}");
  EXPECT_EQ(CommitEntry::Parse("v1\n{\"nextBatchWatermarkMs\": 77}\n", "f").next_batch_watermark_ms,
            77);
  EXPECT_EQ(CommitEntry::Parse("v1\n{}", "f").next_batch_watermark_ms, 0);
}

TEST(CommitEntryTest, GarbageGivesClearErrors) {
  const std::string f = "/ck/commits/2";
  ExpectIoError([&] { CommitEntry::Parse("", f); }, {f});
  ExpectIoError([&] { CommitEntry::Parse("v1", f); }, {f, "incomplete"});
  ExpectIoError([&] { CommitEntry::Parse("v3\n{}", f); }, {f, "unsupported log version v3"});
  ExpectIoError([&] { CommitEntry::Parse("v1\nnope", f); }, {f, "JSON"});
  ExpectIoError([&] { CommitEntry::Parse("v1\n{\"nextBatchWatermarkMs\":true}", f); }, {f});
}

TEST_F(CheckpointLogsTest, CommitLog) {
  CommitLog log(dir_ / "commits");
  EXPECT_TRUE(log.Add(0));
  EXPECT_TRUE(log.Add(1, CommitEntry{500}));
  EXPECT_FALSE(log.Add(1, CommitEntry{600}));
  EXPECT_EQ(ReadFile(dir_ / "commits" / "1"), "v1\n{\"nextBatchWatermarkMs\":500}");
  EXPECT_EQ(log.Get(1)->next_batch_watermark_ms, 500);
  EXPECT_EQ(log.GetLatest()->first, 1);
  EXPECT_EQ(log.GetLatestBatchId(), 1);
}

TEST_F(CheckpointLogsTest, CheckpointCreatesLayoutAndKeepsQueryId) {
  const fs::path root = dir_ / "ck";
  std::string id;
  {
    Checkpoint ck(root);
    id = ck.query_id();
    EXPECT_TRUE(IsUuid(id));
    EXPECT_TRUE(IsDirectory(root / "offsets"));
    EXPECT_TRUE(IsDirectory(root / "commits"));
    EXPECT_EQ(ReadFile(root / "metadata"), "{\"id\":\"" + id + "\"}");
    EXPECT_EQ(ck.SourcePath(0), root / "sources" / "0");
    EXPECT_EQ(ck.StatePath(), root / "state");
    ck.offsets().Add(0, SampleEntry());
    ck.commits().Add(0);
  }
  Checkpoint again(root);
  EXPECT_EQ(again.query_id(), id);
  EXPECT_EQ(again.offsets().GetLatestBatchId(), 0);
  EXPECT_EQ(again.commits().GetLatestBatchId(), 0);
  // A different checkpoint gets a different id.
  EXPECT_NE(Checkpoint(dir_ / "other").query_id(), id);
}

TEST_F(CheckpointLogsTest, CheckpointReadsSparkMetadata) {
  MakeDirs(dir_ / "ck");
  WriteFileAtomic(dir_ / "ck" / "metadata", "{\"id\":\"8f0b52b5-7c1c-4a61-9d3a-0c2b7a0a6a11\"}\n");
  EXPECT_EQ(Checkpoint(dir_ / "ck").query_id(), "8f0b52b5-7c1c-4a61-9d3a-0c2b7a0a6a11");
}

TEST_F(CheckpointLogsTest, CheckpointRejectsCorruptMetadata) {
  MakeDirs(dir_ / "ck");
  WriteFileAtomic(dir_ / "ck" / "metadata", "{\"id\":");
  ExpectIoError([&] { Checkpoint ck(dir_ / "ck"); }, {(dir_ / "ck" / "metadata").string()});
  WriteFileAtomic(dir_ / "ck" / "metadata", "{\"notid\":1}");
  ExpectIoError([&] { Checkpoint ck(dir_ / "ck"); }, {"id"});
}

TEST_F(CheckpointLogsTest, ConcurrentFirstStartsAgreeOnQueryId) {
  std::vector<std::string> ids(6);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] { ids[i] = Checkpoint(dir_ / "ck").query_id(); });
  }
  for (auto& t : threads) t.join();
  for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
}

TEST_F(CheckpointLogsTest, PurgeKeepsLastEntries) {
  Checkpoint ck(dir_ / "ck");
  for (int64_t i = 0; i < 10; ++i) {
    ck.offsets().Add(i, SampleEntry());
    if (i < 9) ck.commits().Add(i);
  }
  ck.Purge(100);  // fewer than 100 entries: nothing removed
  EXPECT_EQ(ck.offsets().List().size(), 10u);
  ck.Purge(3);
  EXPECT_EQ(ck.offsets().List(), (std::vector<int64_t>{7, 8, 9}));
  EXPECT_EQ(ck.commits().List(), (std::vector<int64_t>{7, 8}));
  EXPECT_THROW(ck.Purge(0), InternalError);
}

}  // namespace
}  // namespace sluice
