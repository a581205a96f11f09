// FileSink (exactly-once manifest, partitionBy, formats, output modes) and WriteFiles (save modes).
#include "connectors/file/file_sink.h"

#include "connectors/file/file_relation.h"
#include "file_test_util.h"
#include "sluice/exception.h"
#include "streaming/checkpoint/file_sink_log.h"

namespace sluice::file_test {
namespace {

using Strings = std::vector<std::string>;

class FileSinkTest : public FileConnectorTest {
 protected:
  void SetUp() override {
    FileConnectorTest::SetUp();
    out_ = dir_ / "out";
    schema_ = ParseSchema("k STRING, v INT");
  }

  RecordBatchPtr Batch(const std::vector<std::pair<std::optional<std::string>, int>>& rows) {
    std::vector<std::vector<Value>> values;
    for (const auto& [k, v] : rows) {
      values.push_back({k ? Value::String(*k) : Value::Null(StringType()), Value::Int(v)});
    }
    return RecordBatch::FromRows(schema_, values);
  }

  Strings ReadBack(const std::string& format, TypePtr schema = nullptr,
                   std::map<std::string, std::string> options = {}) {
    PlanPtr plan = MakeFileRelationPlan(*session_, format, out_.string(), options, schema, false);
    return Rows(plan->source->ReadAll(session_->MakeEvalContext()));
  }

  /// Data files (not the manifest) under out_.
  Strings DataFiles() {
    Strings out;
    for (const std::string& f : Tree(out_)) {
      if (f.rfind("_spark_metadata", 0) != 0) out.push_back(f);
    }
    return out;
  }

  fs::path out_;
  TypePtr schema_;
};

TEST_F(FileSinkTest, WritesPartFilesAndTheManifestExactlyOnce) {
  FileSink sink(*session_, "json", out_.string(), {}, {});
  EXPECT_EQ(sink.Description(), "FileSink[" + out_.string() + "]");
  std::vector<RecordBatchPtr> parts = {Batch({{"a", 1}, {"b", 2}}), Batch({}), Batch({{"c", 3}})};
  sink.AddBatch(0, schema_, parts, OutputMode::kAppend);
  Strings files = DataFiles();
  ASSERT_EQ(files.size(), 2u);  // the empty partition writes nothing
  EXPECT_TRUE(files[0].rfind("part-00000-", 0) == 0) << files[0];
  EXPECT_TRUE(files[1].rfind("part-00002-", 0) == 0) << files[1];
  EXPECT_EQ(files[0].substr(files[0].size() - 10), ".c000.json");
  EXPECT_EQ(ReadFile(out_ / files[0]), "{\"k\":\"a\",\"v\":1}\n{\"k\":\"b\",\"v\":2}\n");

  // The re-run of batch 0 (after a failure) writes nothing.
  sink.AddBatch(0, schema_, parts, OutputMode::kAppend);
  EXPECT_EQ(DataFiles(), files);
  FileSinkLog log(out_);
  ASSERT_TRUE(log.Get(0).has_value());
  EXPECT_EQ(log.Get(0)->size(), 2u);
  EXPECT_EQ(ReadBack("json", schema_), (Strings{"a|1", "b|2", "c|3"}));

  // A new sink object (restarted query) skips committed batches too.
  FileSink again(*session_, "json", out_.string(), {}, {});
  again.AddBatch(0, schema_, parts, OutputMode::kAppend);
  again.AddBatch(1, schema_, {Batch({{"d", 4}})}, OutputMode::kAppend);
  EXPECT_EQ(DataFiles().size(), 3u);
  EXPECT_EQ(ReadBack("json", schema_), (Strings{"a|1", "b|2", "c|3", "d|4"}));
  // An empty batch is still committed (with no files).
  again.AddBatch(2, schema_, {Batch({})}, OutputMode::kAppend);
  ASSERT_TRUE(log.Get(2).has_value());
  EXPECT_TRUE(log.Get(2)->empty());
}

TEST_F(FileSinkTest, UncommittedFilesAreInvisibleToReaders) {
  FileSink sink(*session_, "json", out_.string(), {}, {});
  sink.AddBatch(0, schema_, {Batch({{"a", 1}})}, OutputMode::kAppend);
  // Debris of a batch that failed before its manifest entry.
  Write("out/part-00000-deadbeef.c000.json", "{\"k\":\"zz\",\"v\":99}\n");
  EXPECT_EQ(ReadBack("json", schema_), (Strings{"a|1"}));
}

TEST_F(FileSinkTest, PartitionByWritesHiveDirectories) {
  FileSink sink(*session_, "json", out_.string(), {}, {"k"});
  sink.AddBatch(0, schema_, {Batch({{"a", 1}, {std::nullopt, 2}, {"x/y", 3}, {"a", 4}})},
                OutputMode::kAppend);
  Strings files = DataFiles();
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].rfind("k=__HIVE_DEFAULT_PARTITION__/part-00000-", 0), 0u) << files[0];
  EXPECT_EQ(files[1].rfind("k=a/part-00000-", 0), 0u) << files[1];
  EXPECT_EQ(files[2].rfind("k=x%2Fy/part-00000-", 0), 0u) << files[2];
  EXPECT_EQ(ReadFile(out_ / files[1]), "{\"v\":1}\n{\"v\":4}\n");
  EXPECT_EQ(ReadBack("json"), (Strings{"1|a", "2|NULL", "3|x/y", "4|a"}));
}

TEST_F(FileSinkTest, CsvAndTextFormats) {
  FileSink csv(*session_, "csv", out_.string(), {{"header", "true"}}, {});
  csv.AddBatch(0, schema_, {Batch({{"a", 1}, {"b,c", 2}})}, OutputMode::kAppend);
  Strings files = DataFiles();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].substr(files[0].size() - 4), ".csv");
  EXPECT_EQ(ReadFile(out_ / files[0]), "k,v\na,1\n\"b,c\",2\n");
  EXPECT_EQ(ReadBack("csv", schema_, {{"header", "true"}}), (Strings{"a|1", "b,c|2"}));

  out_ = dir_ / "text";
  FileSink text(*session_, "text", out_.string(), {}, {});
  TypePtr one = ParseSchema("value STRING");
  text.AddBatch(0, one,
                {RecordBatch::FromRows(one, {{Value::String("l1")}, {Value::String("l2")}})},
                OutputMode::kAppend);
  EXPECT_EQ(ReadBack("text"), (Strings{"l1", "l2"}));
  EXPECT_THROW(text.AddBatch(1, schema_, {Batch({{"a", 1}})}, OutputMode::kAppend), AnalysisError);
}

TEST_F(FileSinkTest, OnlyAppendModeAndKnownOptions) {
  FileSink sink(*session_, "json", out_.string(), {}, {});
  try {
    sink.AddBatch(0, schema_, {Batch({{"a", 1}})}, OutputMode::kUpdate);
    FAIL() << "expected AnalysisError";
  } catch (const AnalysisError& e) {
    EXPECT_STREQ(e.what(), "Data source json does not support Update output mode");
  }
  EXPECT_THROW(CheckFileSinkOutputMode("csv", OutputMode::kComplete), AnalysisError);
  EXPECT_THROW(FileSink(*session_, "delta", out_.string(), {}, {}), AnalysisError);
  FileSink bad_col(*session_, "json", out_.string(), {}, {"nope"});
  EXPECT_THROW(bad_col.AddBatch(0, schema_, {Batch({{"a", 1}})}, OutputMode::kAppend),
               AnalysisError);
  FileSink all_cols(*session_, "json", out_.string(), {}, {"k", "v"});
  EXPECT_THROW(all_cols.AddBatch(0, schema_, {Batch({{"a", 1}})}, OutputMode::kAppend),
               AnalysisError);
}

TEST_F(FileSinkTest, MaxRecordsPerFileSplitsFiles) {
  FileSink sink(*session_, "json", out_.string(), {{"maxRecordsPerFile", "2"}}, {});
  sink.AddBatch(0, schema_, {Batch({{"a", 1}, {"b", 2}, {"c", 3}})}, OutputMode::kAppend);
  Strings files = DataFiles();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_NE(files[0].find(".c000.json"), std::string::npos);
  EXPECT_NE(files[1].find(".c001.json"), std::string::npos);
  EXPECT_EQ(ReadBack("json", schema_), (Strings{"a|1", "b|2", "c|3"}));
}

TEST_F(FileSinkTest, WriteFilesSaveModes) {
  std::vector<Partition> data = {{Batch({{"a", 1}})}, {Batch({{"b", 2}})}};
  WriteFiles(*session_, "json", out_.string(), "errorifexists", {}, {}, schema_, data);
  EXPECT_TRUE(fs::exists(out_ / "_SUCCESS"));
  EXPECT_EQ(ReadBack("json", schema_), (Strings{"a|1", "b|2"}));
  try {
    WriteFiles(*session_, "json", out_.string(), "error", {}, {}, schema_, data);
    FAIL() << "expected AnalysisError";
  } catch (const AnalysisError& e) {
    EXPECT_EQ(std::string(e.what()),
              "[PATH_ALREADY_EXISTS] Path file:" + out_.string() +
                  " already exists. Set mode as \"overwrite\" to overwrite the existing path. "
                  "SQLSTATE: 42K04");
  }
  WriteFiles(*session_, "json", out_.string(), "ignore", {}, {}, schema_, {{Batch({{"x", 9}})}});
  EXPECT_EQ(ReadBack("json", schema_), (Strings{"a|1", "b|2"}));
  WriteFiles(*session_, "json", out_.string(), "append", {}, {}, schema_, {{Batch({{"c", 3}})}});
  EXPECT_EQ(ReadBack("json", schema_), (Strings{"a|1", "b|2", "c|3"}));
  WriteFiles(*session_, "json", out_.string(), "overwrite", {}, {"k"}, schema_,
             {{Batch({{"z", 26}})}});
  EXPECT_EQ(ReadBack("json"), (Strings{"26|z"}));
  EXPECT_THROW(WriteFiles(*session_, "json", out_.string(), "sometimes", {}, {}, schema_, data),
               AnalysisError);
}

// Write tasks run in parallel on the session's pool: many tasks writing into the same partition
// directories (created concurrently) give one file per task and directory, all rows once.
TEST_F(FileSinkTest, WriteFilesRunsTasksInParallel) {
  session_->SetConf("spark.sluice.threads", "4");
  std::vector<Partition> data;
  Strings expected;
  for (int task = 0; task < 16; ++task) {
    data.push_back({Batch({{"p" + std::to_string(task % 3), task}, {"q", 100 + task}})});
    expected.push_back(std::to_string(task) + "|p" + std::to_string(task % 3));
    expected.push_back(std::to_string(100 + task) + "|q");
  }
  std::sort(expected.begin(), expected.end());
  WriteFiles(*session_, "parquet", out_.string(), "overwrite", {}, {"k"}, schema_, data);
  EXPECT_EQ(ReadBack("parquet"), expected);
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(out_)) {
    if (e.is_regular_file() && e.path().extension() == ".parquet") ++files;
  }
  EXPECT_EQ(files, 16u + 16u);  // each task: one file under k=p<task % 3>, one under k=q
}

}  // namespace
}  // namespace sluice::file_test
