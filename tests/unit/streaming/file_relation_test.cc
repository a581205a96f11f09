// Batch reads through MakeFileRelationPlan: listing (directories, globs, filters, hidden files,
// sink manifests), schema inference, partition discovery, errors and record accounting.
#include "connectors/file/file_relation.h"

#include "file_test_util.h"
#include "formats/parquet/parquet_writer.h"
#include "sluice/exception.h"
#include "streaming/checkpoint/file_sink_log.h"

namespace sluice::file_test {
namespace {

class FileRelationTest : public FileConnectorTest {
 protected:
  PlanPtr Plan(const std::string& format, const std::string& path,
               std::map<std::string, std::string> options = {}, TypePtr schema = nullptr,
               bool streaming = false) {
    return MakeFileRelationPlan(*session_, format, path, options, schema, streaming);
  }
  std::vector<std::string> Read(const PlanPtr& plan) {
    return Rows(plan->source->ReadAll(session_->MakeEvalContext()));
  }
  std::string Message(const std::function<void()>& f) {
    try {
      f();
    } catch (const AnalysisError& e) {
      return e.what();
    }
    return "<no AnalysisError>";
  }
};

TEST_F(FileRelationTest, ReadsDirectoryRecursivelySkippingHiddenFiles) {
  Write("a.json", "{\"id\":1,\"s\":\"x\"}\n");
  Write("b.json", "{\"id\":2,\"s\":\"y\"}\n{\"id\":3}\n");
  Write("sub/c.json", "{\"id\":4,\"s\":\"z\"}\n");
  Write("_SUCCESS", "");
  Write(".hidden.json", "{\"id\":100}\n");
  Write("_tmp/d.json", "{\"id\":101}\n");
  Write("e.json._COPYING_", "{\"id\":102}\n");
  PlanPtr plan = Plan("json", dir_.string());
  ASSERT_EQ(plan->kind, PlanKind::kSource);
  EXPECT_TRUE(plan->resolved);
  EXPECT_FALSE(plan->is_streaming);
  EXPECT_EQ(plan->source->schema()->ToDdl(), "id BIGINT, s STRING");
  ASSERT_EQ(plan->output.size(), 2u);
  EXPECT_EQ(plan->output[0].name, "id");
  EXPECT_TRUE(plan->output[0].nullable);
  EXPECT_EQ(Read(plan), (std::vector<std::string>{"1|x", "2|y", "3|NULL", "4|z"}));
}

TEST_F(FileRelationTest, GlobsAndPathGlobFilter) {
  Write("a.json", "{\"v\":1}\n");
  Write("b.json", "{\"v\":2}\n");
  Write("c.txt", "{\"v\":3}\n");
  Write("x/d.json", "{\"v\":4}\n");
  Write("y/e.json", "{\"v\":5}\n");
  TypePtr schema = ParseSchema("v INT");
  EXPECT_EQ(Read(Plan("json", (dir_ / "*.json").string(), {}, schema)),
            (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(Read(Plan("json", (dir_ / "{a,c}.*").string(), {}, schema)),
            (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(Read(Plan("json", (dir_ / "[xy]" / "*.json").string(), {}, schema)),
            (std::vector<std::string>{"4", "5"}));
  EXPECT_EQ(Read(Plan("json", dir_.string(), {{"pathGlobFilter", "*.json"}}, schema)),
            (std::vector<std::string>{"1", "2", "4", "5"}));
  EXPECT_EQ(Read(Plan("json", (dir_ / "a.json").string(), {}, schema)),
            (std::vector<std::string>{"1"}));
}

TEST_F(FileRelationTest, MissingPathIsAnAnalysisError) {
  std::string missing = (dir_ / "nope").string();
  EXPECT_EQ(Message([&] { Plan("json", missing); }),
            "[PATH_NOT_FOUND] Path does not exist: file:" + missing + ". SQLSTATE: 42K03");
  EXPECT_NE(
      Message([&] { Plan("json", missing, {}, ParseSchema("a INT")); }).find("[PATH_NOT_FOUND]"),
      std::string::npos);
  EXPECT_NE(Message([&] {
              Plan("json", (dir_ / "*.json").string(), {}, ParseSchema("a INT"));
            }).find("[PATH_NOT_FOUND]"),
            std::string::npos);
  // Streaming: Spark checks a non-glob path when the stream is defined; a glob may match later.
  EXPECT_NE(Message([&] {
              Plan("json", missing, {}, ParseSchema("a INT"), true);
            }).find("[PATH_NOT_FOUND]"),
            std::string::npos);
  EXPECT_TRUE(Plan("json", (dir_ / "later/*.json").string(), {}, ParseSchema("a INT"), true));
}

TEST_F(FileRelationTest, FormatAndSchemaErrors) {
  Write("a.json", "{\"v\":1}\n");
  EXPECT_NE(Message([&] { Plan("xml", dir_.string()); }).find("[UNSUPPORTED_DATA_SOURCE]"),
            std::string::npos);
  EXPECT_NE(Message([&] { Plan("orc", dir_.string()); }).find("not supported yet"),
            std::string::npos);
  // A JSON file read as Parquet: an error naming the file, not a crash.
  try {
    Plan("parquet", dir_.string());
    ADD_FAILURE() << "expected an error";
  } catch (const SluiceError& e) {
    EXPECT_NE(std::string(e.what()).find("a.json"), std::string::npos) << e.what();
  }
  EXPECT_EQ(Message([&] { Plan("json", dir_.string(), {}, nullptr, true); }),
            "Schema must be specified when creating a streaming source DataFrame. If some files "
            "already exist in the directory, then depending on the file format you may be able "
            "to create a static DataFrame on that directory with 'spark.read.load(directory)' and "
            "infer schema from it.");
  // text needs no schema, streaming or not.
  PlanPtr text = Plan("text", dir_.string(), {}, nullptr, true);
  EXPECT_TRUE(text->is_streaming);
  EXPECT_EQ(text->source->schema()->ToDdl(), "value STRING");
  // spark.sql.streaming.schemaInference lets a stream infer from existing files.
  session_->SetConf("spark.sql.streaming.schemaInference", "true");
  EXPECT_EQ(Plan("json", dir_.string(), {}, nullptr, true)->source->schema()->ToDdl(), "v BIGINT");
  fs::create_directories(dir_ / "empty");
  EXPECT_NE(
      Message([&] { Plan("json", (dir_ / "empty").string()); }).find("[UNABLE_TO_INFER_SCHEMA]"),
      std::string::npos);
}

TEST_F(FileRelationTest, CsvSchemaFromHeaderAndInference) {
  Write("a.csv", "name,age\nann,31\nbob,42\n");
  Write("b.csv", "name,age\ncid,7\n");
  PlanPtr plain = Plan("csv", dir_.string(), {{"header", "true"}});
  EXPECT_EQ(plain->source->schema()->ToDdl(), "name STRING, age STRING");
  EXPECT_EQ(Read(plain), (std::vector<std::string>{"ann|31", "bob|42", "cid|7"}));
  PlanPtr inferred = Plan("csv", dir_.string(), {{"header", "true"}, {"inferSchema", "true"}});
  EXPECT_EQ(inferred->source->schema()->ToDdl(), "name STRING, age INT");
  PlanPtr no_header = Plan("csv", (dir_ / "b.csv").string());
  EXPECT_EQ(no_header->source->schema()->ToDdl(), "_c0 STRING, _c1 STRING");
  EXPECT_EQ(Read(no_header), (std::vector<std::string>{"cid|7", "name|age"}));
}

TEST_F(FileRelationTest, TextReadsLines) {
  Write("a.txt", "hello\nworld\n");
  Write("b.txt", "x");
  PlanPtr plan = Plan("text", dir_.string());
  EXPECT_EQ(plan->source->schema()->ToDdl(), "value STRING");
  EXPECT_EQ(Read(plan), (std::vector<std::string>{"hello", "world", "x"}));
}

TEST_F(FileRelationTest, DiscoversPartitionColumns) {
  Write("k=1/d=2024-01-01/a.json", "{\"v\":\"a\"}\n");
  Write("k=2/d=2024-01-02/b.json", "{\"v\":\"b\"}\n");
  Write("k=__HIVE_DEFAULT_PARTITION__/d=x%2Fy/c.json", "{\"v\":\"c\"}\n");
  PlanPtr plan = Plan("json", dir_.string());
  EXPECT_EQ(plan->source->schema()->ToDdl(), "v STRING, k INT, d STRING");
  EXPECT_EQ(Read(plan),
            (std::vector<std::string>{"a|1|2024-01-01", "b|2|2024-01-02", "c|NULL|x/y"}));
  // A user schema naming a partition column takes its value from the path.
  PlanPtr user = Plan("json", dir_.string(), {}, ParseSchema("v STRING, k BIGINT"));
  EXPECT_EQ(Read(user), (std::vector<std::string>{"a|1", "b|2", "c|NULL"}));
  // recursiveFileLookup: no partition inference.
  PlanPtr flat = Plan("json", dir_.string(), {{"recursiveFileLookup", "true"}});
  EXPECT_EQ(flat->source->schema()->ToDdl(), "v STRING");
}

TEST_F(FileRelationTest, SinkManifestListsExactlyTheCommittedFiles) {
  fs::path committed = Write("part-00000-a.c000.json", "{\"v\":1}\n");
  Write("part-00000-b.c000.json", "{\"v\":2}\n");  // debris of a failed batch
  FileSinkLog log(dir_);
  ASSERT_TRUE(log.Add(0, {SinkFileStatus::FromLocalFile(committed)}));
  EXPECT_EQ(Read(Plan("json", dir_.string(), {}, ParseSchema("v INT"))),
            (std::vector<std::string>{"1"}));
  EXPECT_EQ(Read(Plan("json", dir_.string())), (std::vector<std::string>{"1"}));
}

TEST_F(FileRelationTest, CorruptRecordsAndReadCounts) {
  Write("a.json", "{\"v\":1}\n{bad\n{\"v\":\"x\"}\n{\"v\":3}\n");
  PlanPtr drop = Plan("json", dir_.string(), {{"mode", "DROPMALFORMED"}}, ParseSchema("v INT"));
  EXPECT_EQ(Read(drop), (std::vector<std::string>{"1", "3"}));
  auto* rel = dynamic_cast<FileRelation*>(drop->source.get());
  ASSERT_NE(rel, nullptr);
  ReadCounts c = rel->LastReadCounts();
  EXPECT_EQ(c.records, 4);
  EXPECT_EQ(c.rows_emitted, 2);
  EXPECT_EQ(c.malformed, 2);
  EXPECT_EQ(c.dropped, 2);
  // Pulled record by record, the same rows and the same accounting once the stream is drained.
  std::vector<Partition> pulled;
  for (ChunkStream& s : drop->source->ReadStreams(session_->MakeEvalContext(), {})) {
    pulled.emplace_back();
    while (RecordBatchPtr b = s()) pulled.back().push_back(b);
  }
  EXPECT_EQ(Rows(pulled), (std::vector<std::string>{"1", "3"}));
  ReadCounts pc = rel->LastReadCounts();
  EXPECT_EQ(pc.records, 4);
  EXPECT_EQ(pc.malformed, 2);
  EXPECT_EQ(pc.dropped, 2);

  PlanPtr keep = Plan("json", dir_.string(), {}, ParseSchema("v INT, _corrupt_record STRING"));
  std::vector<std::string> rows = Read(keep);
  EXPECT_EQ(rows,
            (std::vector<std::string>{"1|NULL", "3|NULL", "NULL|{\"v\":\"x\"}", "NULL|{bad"}));

  PlanPtr fail = Plan("json", dir_.string(), {{"mode", "FAILFAST"}}, ParseSchema("v INT"));
  EXPECT_THROW(Read(fail), ExecutionError);
}

TEST_F(FileRelationTest, PacksSmallFilesIntoPartitions) {
  std::vector<InputFile> files;
  for (int i = 0; i < 10; ++i) {
    InputFile f;
    f.path = dir_ / ("f" + std::to_string(i));
    f.size = 100;
    files.push_back(f);
  }
  // open cost 10, max 1000 bytes: each file counts 110 -> 9 fit before 1000 is exceeded.
  auto groups = PackFilePartitions(files, 1000, 10, 1);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].size(), 9u);
  EXPECT_EQ(groups[1].size(), 1u);
  // Parallelism caps the split size at total / parallelism.
  EXPECT_EQ(PackFilePartitions(files, 1000, 10, 10).size(), 10u);
  // A big file is one partition of its own.
  files[3].size = 5000;
  auto big = PackFilePartitions(files, 1000, 10, 1);
  EXPECT_EQ(big[0].size(), 1u);
  EXPECT_EQ(big[0][0].size, 5000);
}

TEST_F(FileRelationTest, SplitsLargeLineFilesOnLineBoundaries) {
  std::string json, csv = "id,name\n";
  std::vector<std::string> expected;
  for (int i = 0; i < 200; ++i) {
    json += "{\"id\":" + std::to_string(i) + "}\r\n";
    csv += std::to_string(i) + ",n" + std::to_string(i) + "\n";
    expected.push_back(std::to_string(i));
  }
  std::sort(expected.begin(), expected.end());
  Write("j/big.json", json);
  Write("c/big.csv", csv);
  session_->SetConf("spark.sql.files.maxPartitionBytes", "97");
  session_->SetConf("spark.sql.files.openCostInBytes", "0");
  PlanPtr plan = Plan("json", (dir_ / "j").string(), {}, ParseSchema("id INT"));
  std::vector<Partition> parts = plan->source->ReadAll(session_->MakeEvalContext());
  EXPECT_GT(parts.size(), 20u);
  EXPECT_EQ(Rows(parts), expected);
  PlanPtr c =
      Plan("csv", (dir_ / "c").string(), {{"header", "true"}}, ParseSchema("id INT, name STRING"));
  std::vector<std::string> rows = Rows(c->source->ReadAll(session_->MakeEvalContext()));
  ASSERT_EQ(rows.size(), 200u);
  EXPECT_EQ(rows[0], "0|n0");
  // multiLine input is never split.
  PlanPtr ml = Plan("json", (dir_ / "j").string(), {{"multiLine", "true"}}, ParseSchema("id INT"));
  EXPECT_EQ(ml->source->ReadAll(session_->MakeEvalContext()).size(), 1u);

  fs::path f = Write("lines.txt", "aa\nbbb\ncc\n");  // lines start at 0, 3, 7
  EXPECT_EQ(ReadLineRange(f.string(), 0, 1), "aa\n");
  EXPECT_EQ(ReadLineRange(f.string(), 1, 3), "bbb\n");
  EXPECT_EQ(ReadLineRange(f.string(), 3, 4), "bbb\n");
  EXPECT_EQ(ReadLineRange(f.string(), 4, 3), "");
  EXPECT_EQ(ReadLineRange(f.string(), 7, 3), "cc\n");
  EXPECT_EQ(ReadLineRange(f.string(), 8, 2), "");
}

// Parquet files split by byte range: each split reads the row groups whose middle lies in it, so
// every row is read exactly once however the file is cut, eagerly or as chunk streams.
TEST_F(FileRelationTest, SplitsParquetFilesByRowGroup) {
  TypePtr schema = ParseSchema("id INT, name STRING");
  ParquetWriteOptions options;
  options.row_group_bytes = 600;
  ParquetWriter writer(schema, options);
  std::vector<std::string> expected;
  for (int b = 0; b < 40; ++b) {
    std::vector<std::vector<Value>> rows;
    for (int i = b * 50; i < (b + 1) * 50; ++i) {
      rows.push_back({Value::Int(i), Value::String("n" + std::to_string(i))});
      expected.push_back(std::to_string(i) + "|n" + std::to_string(i));
    }
    writer.Write(RecordBatch::FromRows(schema, rows));
  }
  std::sort(expected.begin(), expected.end());
  Write("p/part-0.parquet", writer.Finish());
  session_->SetConf("spark.sql.files.maxPartitionBytes", "1000");
  session_->SetConf("spark.sql.files.openCostInBytes", "0");
  PlanPtr plan = Plan("parquet", (dir_ / "p").string());
  std::vector<Partition> parts = plan->source->ReadAll(session_->MakeEvalContext());
  EXPECT_GT(parts.size(), 5u);
  EXPECT_EQ(Rows(parts), expected);
  std::vector<Partition> pulled;
  for (ChunkStream& s : plan->source->ReadStreams(session_->MakeEvalContext(), {})) {
    pulled.emplace_back();
    while (RecordBatchPtr b = s()) pulled.back().push_back(b);
  }
  EXPECT_EQ(Rows(pulled), expected);
}

TEST_F(FileRelationTest, EscapesPartitionNamesAsHive) {
  EXPECT_EQ(EscapePartitionPathName("a/b=c:d%"), "a%2Fb%3Dc%3Ad%25");
  EXPECT_EQ(UnescapePartitionPathName("a%2Fb%3Dc%3Ad%25"), "a/b=c:d%");
  EXPECT_EQ(UnescapePartitionPathName("100%"), "100%");
  EXPECT_TRUE(GlobMatch("*.{json,csv}", "a.csv"));
  EXPECT_FALSE(GlobMatch("*.{json,csv}", "a.txt"));
  EXPECT_TRUE(IsHiddenName("_SUCCESS"));
  EXPECT_TRUE(IsHiddenName(".a.crc"));
  EXPECT_FALSE(IsHiddenName("_k=1"));
}

}  // namespace
}  // namespace sluice::file_test
