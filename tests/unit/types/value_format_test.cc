// Tests for src/types/value_format.h: Java double/float rendering, decimals, CAST-to-string,
// spark-sql (Hive) rendering and JSON values.
#include "types/value_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "types/datetime.h"

namespace sluice {
namespace {

TEST(ValueFormatTest, JavaDoubles) {
  struct Case {
    double v;
    const char* s;
  } cases[] = {
      {1.0, "1.0"},          {0.1, "0.1"},          {-2.5, "-2.5"},        {100.0, "100.0"},
      {1234567.0, "1234567.0"}, {1e7, "1.0E7"},     {1.0E10, "1.0E10"},    {12345678.9, "1.23456789E7"},
      {0.001, "0.001"},      {1.234E-4, "1.234E-4"}, {1e-5, "1.0E-5"},     {0.0, "0.0"},
      {-0.0, "-0.0"},        {1.0 / 3, "0.3333333333333333"}, {123.456, "123.456"},
      {std::numeric_limits<double>::max(), "1.7976931348623157E308"},
      {std::numeric_limits<double>::denorm_min(), "4.9E-324"},
      {std::nan(""), "NaN"}, {INFINITY, "Infinity"}, {-INFINITY, "-Infinity"},
      {9999999.0, "9999999.0"}, {0.30000000000000004, "0.30000000000000004"},
  };
  for (const auto& c : cases) EXPECT_EQ(FormatDouble(c.v), c.s) << c.s;
  EXPECT_EQ(FormatFloat(0.1f), "0.1");
  EXPECT_EQ(FormatFloat(1.1f), "1.1");
  EXPECT_EQ(FormatFloat(1e10f), "1.0E10");
  EXPECT_EQ(FormatFloat(3.4028235e38f), "3.4028235E38");
}

TEST(ValueFormatTest, Decimals) {
  EXPECT_EQ(FormatDecimal(12345, 2), "123.45");
  EXPECT_EQ(FormatDecimal(-5, 2), "-0.05");
  EXPECT_EQ(FormatDecimal(100, 0), "100");
  EXPECT_EQ(FormatDecimal(0, 3), "0.000");
  EXPECT_EQ(FormatDecimal(-12345, 2), "-123.45");
  int128_t big = 1;
  for (int i = 0; i < 37; ++i) big *= 10;
  EXPECT_EQ(FormatDecimal(big, 10), "1000000000000000000000000000.0000000000");
}

TypePtr PointType() {
  return StructType({StructField("a", IntegerType()), StructField("b", StringType())});
}

TEST(ValueFormatTest, CastString) {
  EXPECT_EQ(FormatCastString(Value::Null(IntegerType())), "NULL");
  EXPECT_EQ(FormatCastString(Value::Int(5)), "5");
  EXPECT_EQ(FormatCastString(Value::Boolean(true)), "true");
  EXPECT_EQ(FormatCastString(Value::Double(1.0)), "1.0");
  EXPECT_EQ(FormatCastString(Value::Decimal(150, 5, 2)), "1.50");
  EXPECT_EQ(FormatCastString(Value::Date(DaysFromCivil(2024, 1, 1))), "2024-01-01");
  int64_t ts = static_cast<int64_t>(DaysFromCivil(2024, 1, 1)) * kMicrosPerDay;
  EXPECT_EQ(FormatCastString(Value::Timestamp(ts)), "2024-01-01 00:00:00");
  EXPECT_EQ(FormatCastString(Value::Timestamp(ts), "America/Los_Angeles"), "2023-12-31 16:00:00");
  EXPECT_EQ(FormatCastString(Value::Binary("ab")), "ab");
  auto arr = Value::Array(ArrayType(IntegerType()), {Value::Int(1), Value::Null(IntegerType()), Value::Int(2)});
  EXPECT_EQ(FormatCastString(arr), "[1, null, 2]");
  auto st = Value::Struct(PointType(), {Value::Int(1), Value::String("a")});
  EXPECT_EQ(FormatCastString(st), "{1, a}");
  auto m = Value::Map(MapType(StringType(), IntegerType()), {Value::String("a"), Value::String("b")},
                      {Value::Int(1), Value::Null(IntegerType())});
  EXPECT_EQ(FormatCastString(m), "{a -> 1, b -> null}");
  EXPECT_EQ(Value::Int(7).ToString(), "7");
  EXPECT_EQ(Value::Null(StringType()).ToString(), "NULL");
}

TEST(ValueFormatTest, HiveString) {
  EXPECT_EQ(FormatHiveString(Value::Null(StringType())), "NULL");
  EXPECT_EQ(FormatHiveString(Value::String("x y")), "x y");
  EXPECT_EQ(FormatHiveString(Value::Double(1e10)), "1.0E10");
  auto arr = Value::Array(ArrayType(IntegerType()), {Value::Int(1), Value::Int(2)});
  EXPECT_EQ(FormatHiveString(arr), "[1,2]");
  auto st = Value::Struct(PointType(), {Value::Int(1), Value::String("x")});
  EXPECT_EQ(FormatHiveString(st), "{\"a\":1,\"b\":\"x\"}");
  auto st_null = Value::Struct(PointType(), {Value::Null(IntegerType()), Value::String("x")});
  EXPECT_EQ(FormatHiveString(st_null), "{\"a\":null,\"b\":\"x\"}");
  auto m = Value::Map(MapType(StringType(), StringType()), {Value::String("k")}, {Value::String("v")});
  EXPECT_EQ(FormatHiveString(m), "{\"k\":\"v\"}");
  int64_t ts = static_cast<int64_t>(DaysFromCivil(2024, 1, 1)) * kMicrosPerDay;
  EXPECT_EQ(FormatHiveString(Value::Timestamp(ts)), "2024-01-01 00:00:00");
  EXPECT_EQ(FormatHiveString(Value::Decimal(100, 5, 2)), "1.00");
}

TEST(ValueFormatTest, Json) {
  auto st = Value::Struct(PointType(), {Value::Int(1), Value::String("x\"y")});
  EXPECT_EQ(FormatJsonValue(st), "{\"a\":1,\"b\":\"x\\\"y\"}");
  auto st_null = Value::Struct(PointType(), {Value::Null(IntegerType()), Value::String("x")});
  EXPECT_EQ(FormatJsonValue(st_null), "{\"b\":\"x\"}");
  int64_t ts = static_cast<int64_t>(DaysFromCivil(2024, 1, 1)) * kMicrosPerDay + 10 * kMicrosPerHour;
  EXPECT_EQ(FormatJsonValue(Value::Timestamp(ts)), "\"2024-01-01T10:00:00.000Z\"");
  EXPECT_EQ(FormatJsonValue(Value::Double(1.5)), "1.5");
  EXPECT_EQ(FormatJsonValue(Value::Null(IntegerType())), "null");
  auto arr = Value::Array(ArrayType(IntegerType()), {Value::Int(1), Value::Null(IntegerType())});
  EXPECT_EQ(FormatJsonValue(arr), "[1,null]");
}

}  // namespace
}  // namespace sluice
