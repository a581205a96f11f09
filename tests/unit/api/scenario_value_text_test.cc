// Tests of scenario value text (src/testing/scenario/value_text.h): parsing against types,
// tolerant comparison, rendering, row multiset comparison.
#include "testing/scenario/value_text.h"

#include <gtest/gtest.h>

#include <cmath>

#include "types/datetime.h"

namespace sluice::scenario {
namespace {

TEST(ScenarioValueTextTest, Scalars) {
  EXPECT_TRUE(ParseValueText("NULL", DataType::Int()).is_null());
  EXPECT_EQ(ParseValueText("42", DataType::Int()).GetInt64(), 42);
  EXPECT_EQ(ParseValueText("-7", DataType::Long()).GetInt64(), -7);
  EXPECT_EQ(ParseValueText("2.0", DataType::Long()).GetInt64(), 2);
  EXPECT_THROW(ParseValueText("2.5", DataType::Long()), std::invalid_argument);
  EXPECT_THROW(ParseValueText("300", DataType::Byte()), std::invalid_argument);
  EXPECT_THROW(ParseValueText("abc", DataType::Int()), std::invalid_argument);
  EXPECT_DOUBLE_EQ(ParseValueText("1.5", DataType::Double()).GetDouble(), 1.5);
  EXPECT_DOUBLE_EQ(ParseValueText("1e3", DataType::Double()).GetDouble(), 1000);
  EXPECT_TRUE(std::isnan(ParseValueText("NaN", DataType::Double()).GetDouble()));
  EXPECT_TRUE(ParseValueText("true", DataType::Boolean()).GetBool());
  EXPECT_FALSE(ParseValueText("false", DataType::Boolean()).GetBool());
  EXPECT_EQ(ParseValueText("a\\tb\\nc\\\\d\\x", DataType::String()).GetString(), "a\tb\nc\\d\\x");
  EXPECT_EQ(ParseValueText(" padded ", DataType::String()).GetString(), " padded ");
  EXPECT_EQ(ParseValueText("", DataType::String()).GetString(), "");
  EXPECT_EQ(ParseValueText("2024-01-05", DataType::Date()).GetInt64(), DaysFromCivil(2024, 1, 5));
  int64_t ts = ParseValueText("2024-01-01 00:00:01.5", DataType::Timestamp()).GetInt64();
  EXPECT_EQ(ts, int64_t{DaysFromCivil(2024, 1, 1)} * kMicrosPerDay + 1500000);
  int64_t ts_paris =
      ParseValueText("2024-01-01 01:00:01.5", DataType::Timestamp(), "+01:00").GetInt64();
  EXPECT_EQ(ts_paris, ts);
  Value d = ParseValueText("12.5", DataType::Decimal(10, 2));
  EXPECT_EQ(static_cast<int64_t>(d.GetDecimal()), 1250);
  EXPECT_THROW(ParseValueText("12.555", DataType::Decimal(10, 2)), std::invalid_argument);
  EXPECT_EQ(ParseValueText("INTERVAL '0 00:05:00' DAY TO SECOND", DataType::Interval()).GetInt64(),
            5 * kMicrosPerMinute);
  EXPECT_EQ(ParseValueText("5 minutes", DataType::Interval()).GetInt64(), 5 * kMicrosPerMinute);
}

TEST(ScenarioValueTextTest, Nested) {
  TypePtr window = DataType::Struct({StructField("start", DataType::Timestamp()),
                                     StructField("end", DataType::Timestamp())});
  Value w = ParseValueText("{2024-01-01 00:00:00, 2024-01-01 00:00:10}", window);
  ASSERT_EQ(w.children().size(), 2u);
  EXPECT_EQ(w.children()[1].GetInt64() - w.children()[0].GetInt64(), 10 * kMicrosPerSecond);
  EXPECT_EQ(RenderValueText(w), "{2024-01-01 00:00:00, 2024-01-01 00:00:10}");

  TypePtr arr = DataType::Array(DataType::Int());
  Value a = ParseValueText("[1, NULL, 3]", arr);
  ASSERT_EQ(a.children().size(), 3u);
  EXPECT_TRUE(a.children()[1].is_null());
  EXPECT_EQ(RenderValueText(a), "[1, NULL, 3]");
  EXPECT_EQ(ParseValueText("[]", arr).children().size(), 0u);

  TypePtr nested = DataType::Array(DataType::Struct(
      {StructField("a", DataType::String()), StructField("b", DataType::Array(DataType::Long()))}));
  Value n = ParseValueText("[{x, [1, 2]}, {y, []}]", nested);
  ASSERT_EQ(n.children().size(), 2u);
  EXPECT_EQ(n.children()[0].children()[0].GetString(), "x");
  EXPECT_EQ(n.children()[0].children()[1].children().size(), 2u);

  TypePtr map = DataType::Map(DataType::String(), DataType::Int());
  Value m = ParseValueText("{a -> 1, b -> null}", map);
  ASSERT_EQ(m.MapSize(), 2u);
  EXPECT_EQ(m.MapKey(1).GetString(), "b");
  EXPECT_TRUE(m.MapValue(1).is_null());
  EXPECT_EQ(RenderValueText(m), "{a -> 1, b -> NULL}");
  EXPECT_TRUE(ValuesMatch(ParseValueText("{b -> NULL, a -> 1}", map), m));

  EXPECT_THROW(ParseValueText("{1}", window), std::invalid_argument);
  EXPECT_THROW(ParseValueText("1, 2", arr), std::invalid_argument);
}

TEST(ScenarioValueTextTest, Comparison) {
  EXPECT_TRUE(ValuesMatch(Value::Double(0.1 + 0.2), ParseValueText("0.3", DataType::Double())));
  EXPECT_FALSE(ValuesMatch(Value::Double(0.3001), ParseValueText("0.3", DataType::Double())));
  EXPECT_TRUE(ValuesMatch(ParseValueText("0.1", DataType::Float()), Value::Float(0.1f)));
  EXPECT_TRUE(ValuesMatch(ParseValueText("NaN", DataType::Double()),
                          Value::Double(std::nan(""))));
  EXPECT_TRUE(ValuesMatch(Value::Null(DataType::Int()), Value::Null(DataType::Long())));
  EXPECT_FALSE(ValuesMatch(Value::Null(DataType::Int()), Value::Int(0)));
  EXPECT_TRUE(ValuesMatch(Value::Long(40), Value::Double(40.0)));
  EXPECT_TRUE(ValuesMatch(Value::Decimal(1250, 10, 2), Value::Decimal(12500, 10, 3)));
  EXPECT_TRUE(ValuesMatch(Value::String("a"), Value::String("a")));
  EXPECT_FALSE(ValuesMatch(Value::String("a"), Value::String("b")));
  EXPECT_TRUE(ValuesMatch(Value::Timestamp(5), Value::TimestampNtz(5)));
}

TEST(ScenarioValueTextTest, Rows) {
  TypePtr schema = ParseSchema("user STRING, n BIGINT, d DOUBLE");
  auto row = ParseRowText({"a", "2", "1.5"}, schema);
  ASSERT_EQ(row.size(), 3u);
  EXPECT_EQ(RenderRowText(row), "a\t2\t1.5");
  EXPECT_THROW(ParseRowText({"a", "2"}, schema), std::invalid_argument);
  try {
    ParseRowText({"a", "x", "1"}, schema);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("column n"), std::string::npos);
  }

  std::vector<std::vector<Value>> expected = {{Value::String("a"), Value::Long(1)},
                                              {Value::String("b"), Value::Long(2)}};
  std::vector<std::vector<Value>> actual = {{Value::String("b"), Value::Long(2)},
                                            {Value::String("a"), Value::Long(1)}};
  std::string diff;
  EXPECT_TRUE(CompareRows(expected, actual, false, &diff));
  EXPECT_FALSE(CompareRows(expected, actual, true, &diff));
  EXPECT_NE(diff.find("row 1 differs"), std::string::npos);
  actual.push_back({Value::String("c"), Value::Long(3)});
  EXPECT_FALSE(CompareRows(expected, actual, false, &diff));
  EXPECT_EQ(diff, "unexpected 'c\t3'");
  actual = {{Value::String("a"), Value::Long(1)}, {Value::String("a"), Value::Long(1)}};
  EXPECT_FALSE(CompareRows(expected, actual, false, &diff));
  EXPECT_EQ(diff, "missing 'b\t2'; unexpected 'a\t1'");
  EXPECT_TRUE(CompareRows({}, {}, false, &diff));
}

TEST(ScenarioValueTextTest, RenderEscapesAndTimeZone) {
  EXPECT_EQ(RenderValueText(Value::String("a\tb\\")), "a\\tb\\\\");
  EXPECT_EQ(RenderValueText(Value::Null(DataType::String())), "NULL");
  int64_t ts = int64_t{DaysFromCivil(2024, 1, 1)} * kMicrosPerDay;
  EXPECT_EQ(RenderValueText(Value::Timestamp(ts)), "2024-01-01 00:00:00");
  EXPECT_EQ(RenderValueText(Value::Timestamp(ts), "+02:00"), "2024-01-01 02:00:00");
  EXPECT_EQ(RenderValueText(Value::Double(40)), "40.0");
  EXPECT_EQ(RenderValueText(Value::Boolean(true)), "true");
}

}  // namespace
}  // namespace sluice::scenario
