// FileStreamSource: offsets, rate limits, ordering, maxFileAge, restart from the seen-files log.
#include "connectors/file/file_stream_source.h"

#include "connectors/file/file_relation.h"
#include "file_test_util.h"
#include "sluice/exception.h"

namespace sluice::file_test {
namespace {

constexpr int64_t kT0 = 1700000000000;  // a modification time, ms

class FileStreamSourceTest : public FileConnectorTest {
 protected:
  void SetUp() override {
    FileConnectorTest::SetUp();
    in_ = dir_ / "in";
    checkpoint_ = dir_ / "checkpoint";
    fs::create_directories(in_);
  }

  std::unique_ptr<StreamSource> Open(std::map<std::string, std::string> options = {},
                                     const std::string& path = "") {
    PlanPtr plan = MakeFileRelationPlan(*session_, "json", path.empty() ? in_.string() : path,
                                        options, ParseSchema("v INT"), /*streaming=*/true);
    StreamSourceContext ctx;
    ctx.metadata_dir = (checkpoint_ / "sources" / "0").string();
    ctx.session = session_;
    return plan->source->CreateStream(ctx);
  }

  void AddFile(const std::string& name, int v, int64_t mtime) {
    Write("in/" + name, "{\"v\":" + std::to_string(v) + "}\n", mtime);
  }

  static std::vector<std::string> Batch(StreamSource& s, const std::optional<std::string>& start,
                                        const std::string& end) {
    return Rows(s.GetBatch(start, end));
  }

  fs::path in_;
  fs::path checkpoint_;
};

using Strings = std::vector<std::string>;

TEST_F(FileStreamSourceTest, OffsetsFollowTheSeenFilesLog) {
  auto source = Open();
  EXPECT_EQ(source->Description(), "FileStreamSource[file:" + in_.string() + "]");
  EXPECT_EQ(source->LatestOffset(std::nullopt, {}), std::nullopt);  // no data yet
  AddFile("a.json", 1, kT0);
  AddFile("b.json", 2, kT0 + 1000);
  auto off0 = source->LatestOffset(std::nullopt, {});
  ASSERT_EQ(off0, "{\"logOffset\":0}");
  EXPECT_EQ(Batch(*source, std::nullopt, *off0), (Strings{"1", "2"}));
  // Nothing new: the same offset.
  EXPECT_EQ(source->LatestOffset(off0, {}), off0);
  AddFile("c.json", 3, kT0 + 2000);
  auto off1 = source->LatestOffset(off0, {});
  ASSERT_EQ(off1, "{\"logOffset\":1}");
  EXPECT_EQ(Batch(*source, off0, *off1), (Strings{"3"}));
  EXPECT_EQ(Batch(*source, std::nullopt, *off1), (Strings{"1", "2", "3"}));
  // The log holds Spark's FileEntry lines.
  std::string log0 = ReadFile(checkpoint_ / "sources" / "0" / "0");
  EXPECT_EQ(log0.substr(0, 3), "v1\n");
  EXPECT_NE(log0.find("\"path\":\"file://" + (in_ / "a.json").string() + "\""), std::string::npos);
  EXPECT_NE(log0.find("\"batchId\":0"), std::string::npos);
}

TEST_F(FileStreamSourceTest, MaxFilesPerTriggerTakesOldestFirst) {
  AddFile("c.json", 3, kT0 + 2000);
  AddFile("a.json", 1, kT0);
  AddFile("b2.json", 22, kT0 + 1000);
  AddFile("b1.json", 21, kT0 + 1000);  // same time as b2: path order
  auto source = Open({{"maxFilesPerTrigger", "2"}});
  auto o0 = source->LatestOffset(std::nullopt, {});
  EXPECT_EQ(Batch(*source, std::nullopt, *o0), (Strings{"1", "21"}));
  auto o1 = source->LatestOffset(o0, {});
  EXPECT_EQ(Batch(*source, o0, *o1), (Strings{"22", "3"}));
  EXPECT_EQ(source->LatestOffset(o1, {}), o1);
}

TEST_F(FileStreamSourceTest, LatestFirstTakesNewestFirst) {
  AddFile("a.json", 1, kT0);
  AddFile("b.json", 2, kT0 + 1000);
  AddFile("c.json", 3, kT0 + 2000);
  auto source = Open({{"maxFilesPerTrigger", "1"}, {"latestFirst", "true"}});
  std::optional<std::string> prev;
  Strings order;
  for (int i = 0; i < 3; ++i) {
    auto end = source->LatestOffset(prev, {});
    for (const auto& r : Batch(*source, prev, *end)) order.push_back(r);
    prev = end;
  }
  EXPECT_EQ(order, (Strings{"3", "2", "1"}));
}

TEST_F(FileStreamSourceTest, MaxBytesPerTriggerTakesAtLeastOneFile) {
  AddFile("a.json", 1, kT0);  // 8 bytes each
  AddFile("b.json", 2, kT0 + 1000);
  AddFile("c.json", 3, kT0 + 2000);
  auto source = Open({{"maxBytesPerTrigger", "17"}});
  auto o0 = source->LatestOffset(std::nullopt, {});
  EXPECT_EQ(Batch(*source, std::nullopt, *o0), (Strings{"1", "2"}));
  EXPECT_THROW(Open({{"maxBytesPerTrigger", "10"}, {"maxFilesPerTrigger", "1"}}), AnalysisError);
  EXPECT_THROW(Open({{"maxFilesPerTrigger", "0"}}), AnalysisError);
}

TEST_F(FileStreamSourceTest, AllAvailableIgnoresLimitsAndAvailableNowFixesTheFiles) {
  AddFile("a.json", 1, kT0);
  AddFile("b.json", 2, kT0 + 1000);
  auto source = Open({{"maxFilesPerTrigger", "1"}});
  ReadLimit all;
  all.all_available = true;
  auto o0 = source->LatestOffset(std::nullopt, all);
  EXPECT_EQ(Batch(*source, std::nullopt, *o0), (Strings{"1", "2"}));

  AddFile("c.json", 3, kT0 + 2000);
  AddFile("d.json", 4, kT0 + 3000);
  source->PrepareForAvailableNow();
  AddFile("e.json", 5, kT0 + 4000);  // arrives after the AvailableNow target was fixed
  auto o1 = source->LatestOffset(o0, {});
  auto o2 = source->LatestOffset(o1, {});
  EXPECT_EQ(Batch(*source, o0, *o2), (Strings{"3", "4"}));
  EXPECT_EQ(source->LatestOffset(o2, {}), o2);
}

TEST_F(FileStreamSourceTest, MaxFileAgeIgnoresOldFilesAfterTheFirstBatch) {
  AddFile("old.json", 1, kT0 - 10LL * 3600 * 1000);  // first batch: every file is valid
  AddFile("new.json", 2, kT0);
  auto source = Open({{"maxFileAge", "1h"}});
  auto o0 = source->LatestOffset(std::nullopt, {});
  EXPECT_EQ(Batch(*source, std::nullopt, *o0), (Strings{"1", "2"}));
  AddFile("late.json", 3, kT0 - 2LL * 3600 * 1000);  // older than newest - 1h: ignored
  AddFile("recent.json", 4, kT0 - 30LL * 60 * 1000);
  auto o1 = source->LatestOffset(o0, {});
  EXPECT_EQ(Batch(*source, o0, *o1), (Strings{"4"}));
}

TEST_F(FileStreamSourceTest, RestartReadsTheSameFilesAndNeverRereadsSeenOnes) {
  AddFile("a.json", 1, kT0);
  AddFile("b.json", 2, kT0 + 1000);
  std::optional<std::string> o0;
  {
    auto source = Open({{"maxFilesPerTrigger", "1"}});
    o0 = source->LatestOffset(std::nullopt, {});
    EXPECT_EQ(Batch(*source, std::nullopt, *o0), (Strings{"1"}));
  }
  // A new run: re-running batch 0 gives the same rows; b is next, a is never read again.
  auto source = Open({{"maxFilesPerTrigger", "1"}});
  EXPECT_EQ(Batch(*source, std::nullopt, *o0), (Strings{"1"}));
  auto o1 = source->LatestOffset(o0, {});
  ASSERT_EQ(o1, "{\"logOffset\":1}");
  EXPECT_EQ(Batch(*source, o0, *o1), (Strings{"2"}));
  EXPECT_EQ(source->LatestOffset(o1, {}), o1);
  // The log was written before the offset was handed out: a run that restarts from offset 0
  // (the offset log never got batch 1) still gets log entry 1 rather than skipping it.
  auto again = Open({{"maxFilesPerTrigger", "1"}});
  EXPECT_EQ(again->LatestOffset(o0, {}), o1);
}

TEST_F(FileStreamSourceTest, GlobPathsAndPartitionDirectories) {
  Write("in/k=1/a.json", "{\"v\":1}\n", kT0);
  Write("in/k=2/b.json", "{\"v\":2}\n", kT0 + 1);
  PlanPtr plan =
      MakeFileRelationPlan(*session_, "json", in_.string(), {}, ParseSchema("v INT, k INT"), true);
  StreamSourceContext ctx;
  ctx.metadata_dir = (checkpoint_ / "sources" / "0").string();
  ctx.session = session_;
  auto source = plan->source->CreateStream(ctx);
  auto o0 = source->LatestOffset(std::nullopt, {});
  EXPECT_EQ(Batch(*source, std::nullopt, *o0), (Strings{"1|1", "2|2"}));

  // A glob over a directory that does not exist yet.
  fs::path later = dir_ / "later";
  checkpoint_ = dir_ / "checkpoint2";
  auto glob = Open({}, (later / "*.json").string());
  EXPECT_EQ(glob->LatestOffset(std::nullopt, {}), std::nullopt);
  Write("later/x.json", "{\"v\":9}\n", kT0);
  auto g0 = glob->LatestOffset(std::nullopt, {});
  EXPECT_EQ(Batch(*glob, std::nullopt, *g0), (Strings{"9"}));
}

TEST_F(FileStreamSourceTest, CountsMalformedRowsOfTheLastBatch) {
  Write("in/a.json", "{\"v\":1}\nnot json\n", kT0);
  auto source = Open({{"mode", "DROPMALFORMED"}});
  auto o0 = source->LatestOffset(std::nullopt, {});
  EXPECT_EQ(Batch(*source, std::nullopt, *o0), (Strings{"1"}));
  EXPECT_EQ(source->NumMalformedRowsForLastBatch(), 1);
}

TEST_F(FileStreamSourceTest, CleanSourceArchivesCommittedFiles) {
  AddFile("a.json", 1, kT0);
  fs::path archive = dir_ / "archive";
  auto source = Open({{"cleanSource", "archive"}, {"sourceArchiveDir", archive.string()}});
  auto o0 = source->LatestOffset(std::nullopt, {});
  EXPECT_EQ(Batch(*source, std::nullopt, *o0), (Strings{"1"}));
  source->Commit(*o0);
  EXPECT_FALSE(fs::exists(in_ / "a.json"));
  EXPECT_TRUE(fs::exists(archive / (in_ / "a.json").relative_path()));
}

TEST_F(FileStreamSourceTest, OffsetsAndDurations) {
  EXPECT_EQ(FileSourceOffsetJson(7), "{\"logOffset\":7}");
  EXPECT_EQ(ParseFileSourceOffset("{\"logOffset\":7}"), 7);
  EXPECT_EQ(ParseFileSourceOffset("7"), 7);
  EXPECT_THROW(ParseFileSourceOffset("{}"), IoError);
  EXPECT_EQ(ParseDurationMs("7d", "x"), 7LL * 24 * 3600 * 1000);
  EXPECT_EQ(ParseDurationMs("30s", "x"), 30000);
  EXPECT_EQ(ParseDurationMs("500", "x"), 500);
  EXPECT_THROW(ParseDurationMs("soon", "x"), AnalysisError);
}

}  // namespace
}  // namespace sluice::file_test
