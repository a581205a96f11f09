#include <gtest/gtest.h>

#include <cmath>

#include "formats/csv/csv_reader.h"
#include "formats/csv/csv_writer.h"
#include "sluice/exception.h"

namespace sluice {
namespace {

std::vector<std::vector<Value>> ReadCsv(const TypePtr& schema, std::string_view text,
                                        const OptionMap& opts = {}, ReadCounts* counts = nullptr) {
  CsvReader reader(schema, CsvOptions::FromMap(opts));
  reader.OpenString(text, "/x/a.csv");
  std::vector<std::vector<Value>> rows;
  while (auto b = reader.Next()) {
    for (size_t i = 0; i < b->num_rows(); ++i) rows.push_back(b->GetRow(i));
  }
  if (counts) *counts = reader.counts();
  return rows;
}

TEST(CsvReaderTest, BasicAndHeader) {
  auto schema = ParseSchema("a INT, b STRING, c DOUBLE");
  auto rows = ReadCsv(schema, "a,b,c\n1,x,1.5\n\n2,,\n3,\"\",NaN\r\n", {{"header", "true"}});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], Value::Int(1));
  EXPECT_EQ(rows[0][1], Value::String("x"));
  EXPECT_EQ(rows[0][2], Value::Double(1.5));
  EXPECT_TRUE(rows[1][1].is_null());
  EXPECT_TRUE(rows[1][2].is_null());
  EXPECT_TRUE(rows[2][1].is_null());  // quoted empty == emptyValue "" == nullValue ""
  EXPECT_TRUE(std::isnan(rows[2][2].GetDouble()));
}

TEST(CsvReaderTest, QuotingAndEscaping) {
  auto schema = ParseSchema("a STRING, b STRING");
  auto rows = ReadCsv(schema,
                      "\"x,y\",\"say \\\"hi\\\"\"\n"
                      "\"back\\\\slash\",plain\\text\n"
                      "\"multi\nline\",z\n",
                      {{"multiLine", "true"}});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], Value::String("x,y"));
  EXPECT_EQ(rows[0][1], Value::String("say \"hi\""));
  EXPECT_EQ(rows[1][0], Value::String("back\\slash"));
  EXPECT_EQ(rows[1][1], Value::String("plain\\text"));
  EXPECT_EQ(rows[2][0], Value::String("multi\nline"));
  auto doubled = ReadCsv(schema, "\"a\"\"b\",c\n", {{"escape", "\""}});
  EXPECT_EQ(doubled[0][0], Value::String("a\"b"));
  // Without multiLine a newline ends the record even inside quotes.
  auto single = ReadCsv(schema, "\"multi\nline\",z\n");
  EXPECT_EQ(single.size(), 2u);
}

TEST(CsvReaderTest, OptionsSepNullEmptyCommentWhitespace) {
  auto schema = ParseSchema("a STRING, b INT");
  auto rows = ReadCsv(schema, "# comment\n  x ; NA\n\"\";7\n",
                      {{"sep", ";"}, {"nullValue", "NA"}, {"emptyValue", "E"}, {"comment", "#"},
                       {"ignoreLeadingWhiteSpace", "true"}, {"ignoreTrailingWhiteSpace", "true"}});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], Value::String("x"));
  EXPECT_TRUE(rows[0][1].is_null());
  EXPECT_EQ(rows[1][0], Value::String("E"));
  EXPECT_EQ(rows[1][1], Value::Int(7));
  auto tab = ReadCsv(schema, "p\t5\n", {{"delimiter", "\\t"}});
  EXPECT_EQ(tab[0][1], Value::Int(5));
  auto multi = ReadCsv(schema, "p||5\n", {{"sep", "||"}});
  EXPECT_EQ(multi[0][1], Value::Int(5));
  auto ls = ReadCsv(schema, "p,1;q,2;", {{"lineSep", ";"}});
  ASSERT_EQ(ls.size(), 2u);
  EXPECT_THROW(CsvOptions::FromMap({{"encoding", "latin1"}}), AnalysisError);
}

TEST(CsvReaderTest, ModesAndTokenCounts) {
  auto schema = ParseSchema("a INT, b INT, _corrupt_record STRING");
  ReadCounts counts;
  auto rows = ReadCsv(schema, "1,2\n3\n4,5,6\nx,7\n", {}, &counts);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_TRUE(rows[0][2].is_null());
  EXPECT_EQ(rows[1][0], Value::Int(3));
  EXPECT_TRUE(rows[1][1].is_null());
  EXPECT_EQ(rows[1][2], Value::String("3"));
  EXPECT_EQ(rows[2][1], Value::Int(5));
  EXPECT_EQ(rows[2][2], Value::String("4,5,6"));
  EXPECT_TRUE(rows[3][0].is_null());
  EXPECT_EQ(rows[3][1], Value::Int(7));
  EXPECT_EQ(rows[3][2], Value::String("x,7"));
  EXPECT_EQ(counts.malformed, 3);

  auto dropped = ReadCsv(ParseSchema("a INT, b INT"), "1,2\n3\nx,7\n8,9\n",
                         {{"mode", "DROPMALFORMED"}}, &counts);
  ASSERT_EQ(dropped.size(), 2u);
  EXPECT_EQ(dropped[1][0], Value::Int(8));
  EXPECT_EQ(counts.dropped, 2);
  try {
    ReadCsv(ParseSchema("a INT, b INT"), "1,2\n\n1,x\n", {{"mode", "FAILFAST"}});
    FAIL();
  } catch (const ExecutionError& e) {
    EXPECT_NE(std::string(e.what()).find("file /x/a.csv line 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(CsvReader(ParseSchema("a ARRAY<INT>"), CsvOptions()), AnalysisError);
}

TEST(CsvReaderTest, TypesAndFormats) {
  auto schema = ParseSchema(
      "b BOOLEAN, l BIGINT, d DATE, ts TIMESTAMP, dec DECIMAL(10,2), f FLOAT, dd DOUBLE");
  auto rows = ReadCsv(schema, "TRUE,-9223372036854775808,2024-01-05,2024-01-01 10:00:00,\"1,234.5\",Inf,-Inf\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], Value::Boolean(true));
  EXPECT_EQ(rows[0][1], Value::Long(INT64_MIN));
  EXPECT_EQ(rows[0][2].GetInt64(), 19727);
  EXPECT_EQ(rows[0][3].GetInt64(), 1704103200LL * 1000000);
  EXPECT_EQ(rows[0][4].GetDecimal(), 123450);
  EXPECT_TRUE(std::isinf(rows[0][5].GetDouble()));
  EXPECT_EQ(rows[0][6].GetDouble(), -INFINITY);
  auto custom = ReadCsv(ParseSchema("d DATE"), "05/01/2024\n", {{"dateFormat", "dd/MM/yyyy"}});
  EXPECT_EQ(custom[0][0].GetInt64(), 19727);
}

TEST(CsvInferenceTest, InfersAsSpark) {
  auto input = InputBuffer::FromString(
      "id,name,score,big,when,day,flag,mixed,empty,id\n"
      "1,a,1.5,99999999999,2024-01-01 10:00:00,2024-01-01,true,1,,x\n"
      "2,b,2,1,2024-01-02T00:00:00Z,2024-01-02,FALSE,x,,y\n");
  auto schema = InferCsvSchema({input}, CsvOptions::FromMap({{"header", "true"},
                                                             {"inferSchema", "true"}}));
  EXPECT_EQ(schema->ToDdl(),
            "id0 INT, name STRING, score DOUBLE, big BIGINT, when TIMESTAMP, day DATE, "
            "flag BOOLEAN, mixed STRING, empty STRING, id9 STRING")
      << schema->ToDdl();
  auto plain = InferCsvSchema({InputBuffer::FromString("1,2\n")}, CsvOptions());
  EXPECT_EQ(plain->ToDdl(), "_c0 STRING, _c1 STRING");
  auto dec = InferCsvSchema({InputBuffer::FromString("123456789012345678901234\n1\n")},
                            CsvOptions::FromMap({{"inferSchema", "true"}}));
  EXPECT_EQ(dec->ToDdl(), "_c0 DECIMAL(24,0)");
}

TEST(CsvWriterTest, RendersAsSpark) {
  auto schema = ParseSchema("a STRING, b INT, c DOUBLE, ts TIMESTAMP, d DATE");
  auto batch = RecordBatch::FromRows(
      schema, {{Value::String("x,y"), Value::Int(1), Value::Double(0.5),
                Value::Timestamp(1704103200LL * 1000000), Value::Date(19723)},
               {Value::String("say \"hi\""), Value::Null(IntegerType()), Value::Double(1e-5),
                Value::Null(TimestampType()), Value::Null(DateType())},
               {Value::String(""), Value::Int(-3), Value::Double(100), Value::Null(TimestampType()),
                Value::Null(DateType())},
               {Value::String("  padded  "), Value::Int(0), Value::Double(1), Value::Null(TimestampType()),
                Value::Null(DateType())}});
  CsvWriter writer(schema, CsvOptions::FromMap({{"header", "true"}}));
  std::string out;
  writer.WriteHeader(&out);
  writer.WriteBatch(*batch, &out);
  EXPECT_EQ(out,
            "a,b,c,ts,d\n"
            "\"x,y\",1,0.5,2024-01-01T10:00:00.000Z,2024-01-01\n"
            "\"say \\\"hi\\\"\",,1.0E-5,,\n"
            "\"\",-3,100.0,,\n"
            "padded,0,1.0,,\n");
  std::string q;
  CsvWriter(schema, CsvOptions::FromMap({{"quoteAll", "true"}, {"nullValue", "NULL"}}))
      .WriteBatch(*batch->Slice(1, 1), &q);
  EXPECT_EQ(q, "\"say \\\"hi\\\"\",NULL,\"1.0E-5\",NULL,NULL\n");
  EXPECT_THROW(CsvWriter(ParseSchema("m MAP<STRING,INT>")), AnalysisError);
}

}  // namespace
}  // namespace sluice
