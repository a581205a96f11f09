#include "formats/json/json_reader.h"

#include <gtest/gtest.h>

#include <random>

#include "sluice/exception.h"

namespace sluice {
namespace {

std::vector<std::vector<Value>> ReadRows(const TypePtr& schema, std::string_view text,
                                         const OptionMap& opts = {}, ReadCounts* counts = nullptr) {
  JsonReader reader(schema, JsonOptions::FromMap(opts));
  reader.OpenString(text, "/x/a.json");
  std::vector<std::vector<Value>> rows;
  while (auto b = reader.Next()) {
    for (size_t i = 0; i < b->num_rows(); ++i) rows.push_back(b->GetRow(i));
  }
  if (counts) *counts = reader.counts();
  return rows;
}

TEST(JsonReaderTest, BasicTypes) {
  auto schema = ParseSchema("a INT, b STRING, c DOUBLE, d BOOLEAN, e BIGINT");
  auto rows = ReadRows(schema,
                       "{\"a\":1,\"b\":\"x\",\"c\":1.5,\"d\":true,\"e\":9007199254740993}\n"
                       "{\"e\":-1,\"d\":false,\"c\":2,\"b\":null,\"a\":-7}\n"
                       "\n"
                       "   \n"
                       "{}\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], Value::Int(1));
  EXPECT_EQ(rows[0][1], Value::String("x"));
  EXPECT_EQ(rows[0][2], Value::Double(1.5));
  EXPECT_EQ(rows[0][3], Value::Boolean(true));
  EXPECT_EQ(rows[0][4], Value::Long(9007199254740993LL));
  EXPECT_EQ(rows[1][0], Value::Int(-7));
  EXPECT_TRUE(rows[1][1].is_null());
  EXPECT_EQ(rows[1][2], Value::Double(2.0));
  for (const auto& v : rows[2]) EXPECT_TRUE(v.is_null());
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

TEST(JsonReaderTest, CorruptRecordPermissivePartialResults) {
  auto schema = ParseSchema("a INT, b STRING, _corrupt_record STRING");
  ReadCounts counts;
  auto rows = ReadRows(schema,
                       "{\"a\":1,\"b\":\"ok\"}\n"
                       "{\"a\":\"12\",\"b\":\"x\"}\n"  // wrong type: partial result
                       "{\"a\":1,\"b\":\n"              // truncated
                       "[1,2]\n"                        // top-level non-object array
                       "42\n"
                       "{\"a\":1}garbage\n",
                       {}, &counts);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_TRUE(rows[0][2].is_null());
  EXPECT_TRUE(rows[1][0].is_null());
  EXPECT_EQ(rows[1][1], Value::String("x"));
  EXPECT_EQ(rows[1][2], Value::String("{\"a\":\"12\",\"b\":\"x\"}"));
  EXPECT_TRUE(rows[2][0].is_null());
  EXPECT_TRUE(rows[2][1].is_null());
  EXPECT_EQ(rows[2][2], Value::String("{\"a\":1,\"b\":"));
  EXPECT_EQ(rows[3][2], Value::String("[1,2]"));
  EXPECT_EQ(rows[4][2], Value::String("42"));
  EXPECT_EQ(rows[5][2], Value::String("{\"a\":1}garbage"));
  EXPECT_EQ(counts.records, 6);
  EXPECT_EQ(counts.malformed, 5);
  EXPECT_EQ(counts.rows_emitted, 6);
  EXPECT_EQ(counts.dropped, 0);
}

TEST(JsonReaderTest, PermissiveWithoutCorruptColumnKeepsRow) {
  auto schema = ParseSchema("a INT, b INT");
  auto rows = ReadRows(schema, "{\"a\":1,\"b\":true}\n{bad\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], Value::Int(1));
  EXPECT_TRUE(rows[0][1].is_null());
  EXPECT_TRUE(rows[1][0].is_null());
}

TEST(JsonReaderTest, DropMalformed) {
  auto schema = ParseSchema("a INT, s STRUCT<x: INT>, l ARRAY<INT>");
  ReadCounts counts;
  auto rows = ReadRows(schema,
                       "{\"a\":1,\"s\":{\"x\":2},\"l\":[1,2]}\n"
                       "{\"a\":2,\"s\":{\"x\":\"bad\"},\"l\":[1]}\n"
                       "{\"a\":3,\"l\":[1,\"x\",3]}\n"
                       "not json\n"
                       "{\"a\":4}\n",
                       {{"mode", "dropmalformed"}}, &counts);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], Value::Int(1));
  EXPECT_EQ(rows[1][0], Value::Int(4));
  EXPECT_EQ(counts.records, 5);
  EXPECT_EQ(counts.dropped, 3);
  EXPECT_EQ(counts.malformed, 3);
  EXPECT_EQ(counts.rows_emitted, 2);
}

TEST(JsonReaderTest, FailFastNamesFileAndLine) {
  auto schema = ParseSchema("a INT");
  try {
    ReadRows(schema, "{\"a\":1}\n\n{\"a\":2}\n{\"a\":\n", {{"MODE", "FAILFAST"}});
    FAIL() << "expected ExecutionError";
  } catch (const ExecutionError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "Malformed records are detected in record parsing: file /x/a.json line 4: "),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(ReadRows(schema, "{\"a\":1.5}\n", {{"mode", "FAILFAST"}}), ExecutionError);
}

TEST(JsonReaderTest, NumbersAndConversions) {
  auto schema = ParseSchema(
      "i INT, l BIGINT, d DOUBLE, f FLOAT, dec DECIMAL(5,2), s STRING, t TINYINT, sm SMALLINT");
  auto rows = ReadRows(schema,
                       "{\"i\":2147483648,\"l\":99999999999999999999,\"d\":1e400,\"f\":\"NaN\","
                       "\"dec\":1.235,\"s\":12.50,\"t\":127,\"sm\":-32769}\n"
                       "{\"i\":-2147483648,\"d\":\"-Infinity\",\"dec\":\"999.994\",\"s\":{\"k\": [1, "
                       "true]},\"t\":128}\n"
                       "{\"dec\":1000,\"s\":true}\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[0][0].is_null());
  EXPECT_TRUE(rows[0][1].is_null());
  EXPECT_TRUE(std::isinf(rows[0][2].GetDouble()));
  EXPECT_TRUE(std::isnan(rows[0][3].GetDouble()));
  EXPECT_EQ(rows[0][4].GetDecimal(), 124);  // HALF_UP
  EXPECT_EQ(rows[0][5], Value::String("12.50"));
  EXPECT_EQ(rows[0][6], Value::Byte(127));
  EXPECT_TRUE(rows[0][7].is_null());
  EXPECT_EQ(rows[1][0], Value::Int(INT32_MIN));
  EXPECT_EQ(rows[1][2], Value::Double(-INFINITY));
  EXPECT_EQ(rows[1][4].GetDecimal(), 99999);
  EXPECT_EQ(rows[1][5], Value::String("{\"k\":[1,true]}"));
  EXPECT_TRUE(rows[1][6].is_null());
  EXPECT_TRUE(rows[2][4].is_null());  // 1000.00 needs precision 6
  EXPECT_EQ(rows[2][5], Value::String("true"));
}

TEST(JsonReaderTest, Datetimes) {
  auto schema = ParseSchema("ts TIMESTAMP, d DATE");
  auto rows = ReadRows(schema,
                       "{\"ts\":\"2024-01-01T10:00:00Z\",\"d\":\"2024-01-05\"}\n"
                       "{\"ts\":\"2024-01-01 10:00:00\"}\n"
                       "{\"ts\":\"2024-01-01T10:00:00.123+02:00\"}\n"
                       "{\"ts\":1704103200}\n"
                       "{\"ts\":\"garbage\",\"d\":\"nope\"}\n");
  ASSERT_EQ(rows.size(), 5u);
  const int64_t base = 1704103200LL * 1000000;
  EXPECT_EQ(rows[0][0].GetInt64(), base);
  EXPECT_EQ(rows[0][1].GetInt64(), 19727);
  EXPECT_EQ(rows[1][0].GetInt64(), base);
  EXPECT_EQ(rows[2][0].GetInt64(), base - 2 * 3600 * 1000000LL + 123000);
  EXPECT_EQ(rows[3][0].GetInt64(), base);
  EXPECT_TRUE(rows[4][0].is_null());
  EXPECT_TRUE(rows[4][1].is_null());

  auto custom = ReadRows(ParseSchema("ts TIMESTAMP, d DATE"),
                         "{\"ts\":\"01/02/2024 10:00\",\"d\":\"05.01.2024\"}\n",
                         {{"timestampFormat", "dd/MM/yyyy HH:mm"}, {"dateFormat", "dd.MM.yyyy"}});
  EXPECT_EQ(custom[0][0].GetInt64(), (1704103200LL + 31 * 86400) * 1000000);
  EXPECT_EQ(custom[0][1].GetInt64(), 19727);

  auto zoned = ReadRows(ParseSchema("ts TIMESTAMP"), "{\"ts\":\"2024-01-01 12:00:00\"}\n",
                        {{"timeZone", "+02:00"}});
  EXPECT_EQ(zoned[0][0].GetInt64(), base);
}

TEST(JsonReaderTest, NestedTypesAndCaseInsensitiveNames) {
  auto schema = ParseSchema(
      "s STRUCT<x: INT, y: ARRAY<STRING>>, m MAP<STRING, BIGINT>, l ARRAY<STRUCT<k: STRING>>");
  auto rows = ReadRows(schema,
                       "{\"S\":{\"X\":1,\"y\":[\"a\",null]},\"m\":{\"k1\":1,\"k2\":null},"
                       "\"l\":[{\"k\":\"v\"},null,{}]}\n"
                       "{\"s\":null,\"m\":{},\"l\":[]}\n");
  ASSERT_EQ(rows.size(), 2u);
  const Value& s = rows[0][0];
  ASSERT_FALSE(s.is_null());
  EXPECT_EQ(s.children()[0], Value::Int(1));
  ASSERT_EQ(s.children()[1].children().size(), 2u);
  EXPECT_TRUE(s.children()[1].children()[1].is_null());
  EXPECT_EQ(rows[0][1].MapSize(), 2u);
  EXPECT_EQ(rows[0][1].MapKey(1), Value::String("k2"));
  EXPECT_TRUE(rows[0][1].MapValue(1).is_null());
  ASSERT_EQ(rows[0][2].children().size(), 3u);
  EXPECT_TRUE(rows[0][2].children()[1].is_null());
  EXPECT_TRUE(rows[0][2].children()[2].children()[0].is_null());
  EXPECT_TRUE(rows[1][0].is_null());
  EXPECT_EQ(rows[1][1].MapSize(), 0u);
  EXPECT_EQ(rows[1][2].children().size(), 0u);
}

TEST(JsonReaderTest, ExactNameBeatsCaseInsensitiveAndDuplicateKeyLastWins) {
  auto schema = ParseSchema("`A` INT, a INT");
  auto rows = ReadRows(schema, "{\"a\":1,\"A\":2,\"a\":3}\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], Value::Int(2));
  EXPECT_EQ(rows[0][1], Value::Int(3));
}

TEST(JsonReaderTest, KeyOrderChangesBetweenRows) {
  auto schema = ParseSchema("a INT, b INT, c INT");
  std::string text;
  for (int i = 0; i < 100; ++i) {
    if (i % 3 == 0) text += "{\"a\":" + std::to_string(i) + ",\"b\":1,\"c\":2}\n";
    if (i % 3 == 1) text += "{\"c\":2,\"zz\":[1,{\"a\":5}],\"a\":" + std::to_string(i) + "}\n";
    if (i % 3 == 2) text += "{\"b\":1,\"a\":" + std::to_string(i) + "}\n";
  }
  auto rows = ReadRows(schema, text);
  ASSERT_EQ(rows.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(rows[i][0], Value::Int(i));
    EXPECT_EQ(rows[i][1].is_null(), i % 3 == 1);
    EXPECT_EQ(rows[i][2].is_null(), i % 3 == 2);
  }
}

TEST(JsonReaderTest, TopLevelArrayGivesRowsAndMultiLine) {
  auto schema = ParseSchema("a INT");
  auto rows = ReadRows(schema, "[{\"a\":1},{\"a\":2}]\n[]\n{\"a\":3}\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2][0], Value::Int(3));
  auto ml = ReadRows(schema, "[\n  {\"a\": 1},\n  {\"a\": 2}\n]\n", {{"multiLine", "true"}});
  ASSERT_EQ(ml.size(), 2u);
  EXPECT_EQ(ml[1][0], Value::Int(2));
  auto one = ReadRows(schema, "{\n \"a\": 7\n}\n", {{"multiline", "TRUE"}});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0][0], Value::Int(7));
}

TEST(JsonReaderTest, LineSepCrLfAndComments) {
  auto schema = ParseSchema("a INT");
  auto crlf = ReadRows(schema, "{\"a\":1}\r\n{\"a\":2}\r\n");
  ASSERT_EQ(crlf.size(), 2u);
  auto custom = ReadRows(schema, "{\"a\":1}|{\"a\":2}|", {{"lineSep", "|"}});
  ASSERT_EQ(custom.size(), 2u);
  EXPECT_EQ(custom[1][0], Value::Int(2));
  auto comments = ReadRows(schema, "{\"a\":/* one */1} // trailing\n",
                           {{"allowComments", "true"}});
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0][0], Value::Int(1));
  auto no_comments = ReadRows(schema, "{\"a\":/* one */1}\n");
  EXPECT_TRUE(no_comments[0][0].is_null());
}

TEST(JsonReaderTest, InvalidUtf8AndDeepNesting) {
  auto schema = ParseSchema("a STRING, _corrupt_record STRING");
  std::string bad = "{\"a\":\"\xff\xfe\"}\n";
  auto rows = ReadRows(schema, bad);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0][0].is_null());
  EXPECT_FALSE(rows[0][1].is_null());
  std::string deep = "{\"a\":" + std::string(5000, '[') + std::string(5000, ']') + "}\n";
  auto d = ReadRows(schema, deep);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_FALSE(d[0][1].is_null());
}

TEST(JsonReaderTest, BatchesAreBounded) {
  auto schema = ParseSchema("a INT");
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "{\"a\":" + std::to_string(i) + "}\n";
  text += "[" ;
  for (int i = 0; i < 50; ++i) text += std::string(i ? "," : "") + "{\"a\":1}";
  text += "]\n";
  JsonReader reader(schema, JsonOptions::FromMap({{"batchRows", "64"}}));
  reader.OpenString(text);
  size_t total = 0;
  while (auto b = reader.Next()) {
    EXPECT_LE(b->num_rows(), 64u);
    total += b->num_rows();
  }
  EXPECT_EQ(total, 1050u);
}

TEST(JsonReaderTest, CorruptColumnMustBeString) {
  EXPECT_THROW(JsonReader(ParseSchema("a INT, _corrupt_record INT"), JsonOptions()),
               AnalysisError);
  EXPECT_THROW(JsonOptions::FromMap({{"multiLine", "maybe"}}), AnalysisError);
  EXPECT_THROW(JsonOptions::FromMap({{"encoding", "UTF-16"}}), AnalysisError);
}

TEST(JsonValueParserTest, FromJsonSemantics) {
  auto st = ParseSchema("a INT, b STRING");
  JsonValueParser p(st);
  Vector out(st);
  EXPECT_TRUE(p.ParseAndAppend("{\"a\":1,\"b\":\"x\"}", out));
  EXPECT_FALSE(p.ParseAndAppend("{\"a\" 1}", out));       // malformed: Row(null, null)
  EXPECT_FALSE(p.ParseAndAppend("{\"a\":\"x\",\"b\":\"y\"}", out));  // partial
  EXPECT_FALSE(p.ParseAndAppend("  ", out));  // blank: null
  EXPECT_FALSE(p.ParseAndAppend("[{\"a\":1}]", out));
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out.GetValue(0).children()[0], Value::Int(1));
  EXPECT_FALSE(out.IsNull(1));
  EXPECT_TRUE(out.GetValue(1).children()[0].is_null());
  EXPECT_EQ(out.GetValue(2).children()[1], Value::String("y"));
  EXPECT_TRUE(out.IsNull(3));
  EXPECT_FALSE(out.IsNull(4));

  auto at = ParseDataType("array<int>");
  JsonValueParser pa(at);
  Vector arr(at);
  EXPECT_TRUE(pa.ParseAndAppend("[1,2,null]", arr));
  EXPECT_FALSE(pa.ParseAndAppend("{\"a\":1}", arr));
  EXPECT_FALSE(pa.ParseAndAppend("[1,", arr));
  EXPECT_FALSE(pa.ParseAndAppend("[1,\"x\"]", arr));
  ASSERT_EQ(arr.size(), 4u);
  EXPECT_EQ(arr.GetValue(0).children().size(), 3u);
  EXPECT_TRUE(arr.IsNull(1));
  EXPECT_TRUE(arr.IsNull(2));
  EXPECT_EQ(arr.GetValue(3).children()[0], Value::Int(1));

  auto mt = ParseDataType("map<string,int>");
  JsonValueParser pm(mt);
  Vector m(mt);
  EXPECT_TRUE(pm.ParseAndAppend("{\"x\":1,\"y\":2}", m));
  EXPECT_EQ(m.GetValue(0).MapSize(), 2u);

  EXPECT_THROW(JsonValueParser(st, JsonOptions::FromMap({{"mode", "DROPMALFORMED"}})),
               AnalysisError);
  JsonValueParser ff(st, JsonOptions::FromMap({{"mode", "FAILFAST"}}));
  Vector o2(st);
  EXPECT_THROW(ff.ParseAndAppend("{", o2), ExecutionError);
  EXPECT_EQ(o2.size(), 0u);
}

TEST(JsonReaderTest, RandomGarbageNeverCrashes) {
  auto schema = ParseSchema(
      "a INT, b STRING, c ARRAY<STRUCT<x: DOUBLE>>, m MAP<STRING, INT>, _corrupt_record STRING");
  std::mt19937 rng(42);
  const std::string alphabet = "{}[]\":,0123456789.eE-+truefalsnl \\u\xff\n";
  for (int iter = 0; iter < 300; ++iter) {
    std::string text;
    int len = rng() % 200;
    for (int i = 0; i < len; ++i) {
      text.push_back(iter % 2 ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng()));
    }
    ReadCounts counts;
    auto rows = ReadRows(schema, text, {}, &counts);
    EXPECT_EQ(counts.records, counts.rows_emitted + counts.dropped - (counts.rows_emitted - static_cast<int64_t>(rows.size())));
    JsonValueParser p(ParseDataType("struct<a:int,c:array<struct<x:double>>>"));
    Vector out(ParseDataType("struct<a:int,c:array<struct<x:double>>>"));
    p.ParseAndAppend(text, out);
    EXPECT_EQ(out.size(), 1u);
  }
}

}  // namespace
}  // namespace sluice
