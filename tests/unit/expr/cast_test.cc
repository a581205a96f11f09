// CAST: allowed pairs (ANSI and legacy), every cast family with ANSI errors vs legacy NULL vs
// try_cast, overflow, string parsing rules, rendering to string, nested casts.
#include <gtest/gtest.h>

#include <cmath>

#include "expr/cast.h"
#include "expr_test_support.h"
#include "types/datetime.h"

namespace sluice {
namespace {

using namespace sluice::testing;

Value CastConst(Value v, TypePtr to, const EvalContext& ctx = Ansi(), bool is_try = false) {
  return EvalConst(MakeCast(Lit(std::move(v)), std::move(to), is_try), ctx);
}

TEST(CastTest, CanCast) {
  EXPECT_TRUE(CanCast(IntegerType(), StringType(), true));
  EXPECT_TRUE(CanCast(StringType(), IntegerType(), true));
  EXPECT_TRUE(CanCast(StringType(), DateType(), true));
  EXPECT_TRUE(CanCast(DateType(), TimestampType(), true));
  EXPECT_TRUE(CanCast(LongType(), TimestampType(), true));
  EXPECT_TRUE(CanCast(TimestampType(), LongType(), true));
  EXPECT_FALSE(CanCast(DateType(), IntegerType(), true));
  EXPECT_TRUE(CanCast(DateType(), IntegerType(), false));
  EXPECT_FALSE(CanCast(IntegerType(), DateType(), true));
  EXPECT_FALSE(CanCast(IntegerType(), DateType(), false));
  EXPECT_TRUE(CanCast(ArrayType(IntegerType()), ArrayType(StringType()), true));
  EXPECT_FALSE(CanCast(ArrayType(IntegerType()), IntegerType(), true));
  auto s1 = StructType({StructField("a", IntegerType()), StructField("b", StringType())});
  auto s2 = StructType({StructField("x", LongType()), StructField("y", StringType())});
  EXPECT_TRUE(CanCast(s1, s2, true));
  EXPECT_FALSE(CanCast(s1, StructType({StructField("x", LongType())}), true));
  std::string msg = ErrorOf<AnalysisError>(
      [&] { TypeOf(MakeCast(Lit(Value::Date(0)), IntegerType())); });
  EXPECT_NE(msg.find("DATATYPE_MISMATCH.CAST_WITH"), std::string::npos) << msg;
  msg = ErrorOf<AnalysisError>([&] { TypeOf(MakeCast(Lit(Value::Int(1)), DateType())); });
  EXPECT_NE(msg.find("[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cannot cast \"INT\" to \"DATE\""), std::string::npos) << msg;
}

TEST(CastTest, StringToIntegral) {
  EXPECT_EQ(CastConst(Value::String("123"), IntegerType()), Value::Int(123));
  EXPECT_EQ(CastConst(Value::String("  -42 \t"), IntegerType()), Value::Int(-42));
  EXPECT_EQ(CastConst(Value::String("+7"), LongType()), Value::Long(7));
  std::string msg = ErrorOf<ExecutionError>([&] { CastConst(Value::String("abc"), IntegerType()); });
  EXPECT_EQ(msg.rfind("[CAST_INVALID_INPUT] The value 'abc' of the type \"STRING\" cannot be cast to \"INT\" "
                      "because it is malformed.", 0), 0u) << msg;
  // ANSI rejects a fractional part; legacy truncates.
  EXPECT_THROW(CastConst(Value::String("1.5"), IntegerType()), ExecutionError);
  EXPECT_EQ(CastConst(Value::String("1.9"), IntegerType(), Ansi(false)), Value::Int(1));
  EXPECT_TRUE(CastConst(Value::String("abc"), IntegerType(), Ansi(false)).is_null());
  EXPECT_TRUE(CastConst(Value::String("abc"), IntegerType(), Ansi(), true).is_null());
  // Out of range strings are malformed for the target type.
  EXPECT_THROW(CastConst(Value::String("300"), ByteType()), ExecutionError);
  EXPECT_TRUE(CastConst(Value::String("300"), ByteType(), Ansi(false)).is_null());
  EXPECT_EQ(CastConst(Value::String("9223372036854775807"), LongType()), Value::Long(INT64_MAX));
  EXPECT_THROW(CastConst(Value::String("9223372036854775808"), LongType()), ExecutionError);
  EXPECT_THROW(CastConst(Value::String(""), IntegerType()), ExecutionError);
}

TEST(CastTest, NumericOverflow) {
  std::string msg = ErrorOf<ExecutionError>([&] { CastConst(Value::Int(300), ByteType()); });
  EXPECT_EQ(msg.rfind("[CAST_OVERFLOW] The value 300 of the type \"INT\" cannot be cast to \"TINYINT\" due to an "
                      "overflow.", 0), 0u) << msg;
  EXPECT_EQ(CastConst(Value::Int(300), ByteType(), Ansi(false)), Value::Byte(44));
  EXPECT_TRUE(CastConst(Value::Int(300), ByteType(), Ansi(), true).is_null());
  EXPECT_EQ(CastConst(Value::Double(1.9), IntegerType()), Value::Int(1));
  EXPECT_EQ(CastConst(Value::Double(-1.9), IntegerType()), Value::Int(-1));
  EXPECT_THROW(CastConst(Value::Double(1e10), IntegerType()), ExecutionError);
  EXPECT_THROW(CastConst(Value::Double(std::nan("")), IntegerType()), ExecutionError);
  EXPECT_EQ(CastConst(Value::Double(1e10), IntegerType(), Ansi(false)), Value::Int(2147483647));
  EXPECT_EQ(CastConst(Value::Double(std::nan("")), IntegerType(), Ansi(false)), Value::Int(0));
  EXPECT_EQ(CastConst(Value::Long(5), DoubleType()), Value::Double(5));
  EXPECT_EQ(CastConst(Value::Decimal(199, 5, 2), IntegerType()), Value::Int(1));
  EXPECT_EQ(CastConst(Value::Boolean(true), IntegerType()), Value::Int(1));
  EXPECT_EQ(CastConst(Value::Int(0), BooleanType()), Value::Boolean(false));
}

TEST(CastTest, Decimals) {
  EXPECT_EQ(CastConst(Value::String("1.235"), DecimalType(5, 2)), Value::Decimal(124, 5, 2));
  EXPECT_EQ(CastConst(Value::String("-1.235"), DecimalType(5, 2)), Value::Decimal(-124, 5, 2));
  EXPECT_EQ(CastConst(Value::String("1e2"), DecimalType(5, 2)), Value::Decimal(10000, 5, 2));
  EXPECT_EQ(CastConst(Value::Double(0.1), DecimalType(10, 5)), Value::Decimal(10000, 10, 5));
  EXPECT_EQ(CastConst(Value::Int(12), DecimalType(4, 1)), Value::Decimal(120, 4, 1));
  std::string msg = ErrorOf<ExecutionError>([&] { CastConst(Value::Int(1000), DecimalType(3, 1)); });
  EXPECT_NE(msg.find("NUMERIC_VALUE_OUT_OF_RANGE"), std::string::npos) << msg;
  EXPECT_TRUE(CastConst(Value::Int(1000), DecimalType(3, 1), Ansi(false)).is_null());
  EXPECT_THROW(CastConst(Value::String("x"), DecimalType(3, 1)), ExecutionError);
  EXPECT_EQ(CastConst(Value::Decimal(12345, 10, 3), DecimalType(10, 1)), Value::Decimal(123, 10, 1));
  EXPECT_EQ(CastConst(Value::Decimal(150, 5, 2), DoubleType()), Value::Double(1.5));
}

TEST(CastTest, StringToDoubleAndBoolean) {
  EXPECT_EQ(CastConst(Value::String(" 1.5 "), DoubleType()), Value::Double(1.5));
  EXPECT_EQ(CastConst(Value::String("1e3"), DoubleType()), Value::Double(1000));
  EXPECT_EQ(CastConst(Value::String(".5"), DoubleType()), Value::Double(0.5));
  EXPECT_TRUE(std::isinf(CastConst(Value::String("-Infinity"), DoubleType()).GetDouble()));
  EXPECT_TRUE(std::isnan(CastConst(Value::String("NaN"), DoubleType()).GetDouble()));
  EXPECT_THROW(CastConst(Value::String("1.5x"), DoubleType()), ExecutionError);
  EXPECT_TRUE(CastConst(Value::String("1.5x"), DoubleType(), Ansi(false)).is_null());
  EXPECT_EQ(CastConst(Value::String("YES"), BooleanType()), Value::Boolean(true));
  EXPECT_EQ(CastConst(Value::String(" f "), BooleanType()), Value::Boolean(false));
  EXPECT_THROW(CastConst(Value::String("maybe"), BooleanType()), ExecutionError);
}

TEST(CastTest, Datetime) {
  int32_t day = DaysFromCivil(2024, 1, 5);
  int64_t ts = static_cast<int64_t>(day) * kMicrosPerDay;
  EXPECT_EQ(CastConst(Value::String("2024-01-05"), DateType()), Value::Date(day));
  EXPECT_THROW(CastConst(Value::String("2024-13-05"), DateType()), ExecutionError);
  EXPECT_TRUE(CastConst(Value::String("2024-13-05"), DateType(), Ansi(false)).is_null());
  EXPECT_EQ(CastConst(Value::String("2024-01-05 00:00:00"), TimestampType()), Value::Timestamp(ts));
  EXPECT_EQ(CastConst(Value::String("2024-01-05 00:00:00"), TimestampType(), Ansi(true, "America/Los_Angeles")),
            Value::Timestamp(ts + 8 * kMicrosPerHour));
  EXPECT_EQ(CastConst(Value::Date(day), TimestampType(), Ansi(true, "America/Los_Angeles")),
            Value::Timestamp(ts + 8 * kMicrosPerHour));
  EXPECT_EQ(CastConst(Value::Timestamp(ts + 2 * kMicrosPerHour), DateType(), Ansi(true, "America/Los_Angeles")),
            Value::Date(day - 1));
  EXPECT_EQ(CastConst(Value::Long(86400), TimestampType()), Value::Timestamp(kMicrosPerDay));
  EXPECT_EQ(CastConst(Value::Double(1.5), TimestampType()), Value::Timestamp(1500000));
  EXPECT_EQ(CastConst(Value::Timestamp(1500000), LongType()), Value::Long(1));
  EXPECT_EQ(CastConst(Value::Timestamp(-1500000), LongType()), Value::Long(-2));
  EXPECT_EQ(CastConst(Value::Timestamp(1500000), DoubleType()), Value::Double(1.5));
  EXPECT_EQ(CastConst(Value::Timestamp(ts), TimestampNTZType(), Ansi(true, "America/Los_Angeles")),
            Value::TimestampNtz(ts - 8 * kMicrosPerHour));
}

TEST(CastTest, ToString) {
  auto str = [](Value v, const EvalContext& ctx = Ansi()) { return CastConst(std::move(v), StringType(), ctx).GetString(); };
  EXPECT_EQ(str(Value::Double(1.0)), "1.0");
  EXPECT_EQ(str(Value::Double(1e10)), "1.0E10");
  EXPECT_EQ(str(Value::Float(0.1f)), "0.1");
  EXPECT_EQ(str(Value::Decimal(-5, 5, 2)), "-0.05");
  EXPECT_EQ(str(Value::Boolean(false)), "false");
  EXPECT_EQ(str(Value::Binary("hi")), "hi");
  int64_t ts = static_cast<int64_t>(DaysFromCivil(2024, 1, 1)) * kMicrosPerDay;
  EXPECT_EQ(str(Value::Timestamp(ts)), "2024-01-01 00:00:00");
  EXPECT_EQ(str(Value::Timestamp(ts), Ansi(true, "America/Los_Angeles")), "2023-12-31 16:00:00");
  EXPECT_EQ(str(Value::Array(ArrayType(IntegerType()), {Value::Int(1), Value::Int(2)})), "[1, 2]");
  auto st = StructType({StructField("a", IntegerType()), StructField("b", StringType())});
  EXPECT_EQ(str(Value::Struct(st, {Value::Int(1), Value::String("a")})), "{1, a}");
  EXPECT_EQ(str(Value::Map(MapType(StringType(), IntegerType()), {Value::String("a")}, {Value::Int(1)})), "{a -> 1}");
  EXPECT_EQ(CastConst(Value::String("hi"), BinaryType()), Value::Binary("hi"));
}

TEST(CastTest, Nested) {
  auto from = ArrayType(StringType());
  Value arr = Value::Array(from, {Value::String("1"), Value::Null(StringType()), Value::String("3")});
  EXPECT_EQ(CastConst(arr, ArrayType(IntegerType())),
            Value::Array(ArrayType(IntegerType()), {Value::Int(1), Value::Null(IntegerType()), Value::Int(3)}));
  Value bad = Value::Array(from, {Value::String("x")});
  EXPECT_THROW(CastConst(bad, ArrayType(IntegerType())), ExecutionError);
  EXPECT_TRUE(CastConst(bad, ArrayType(IntegerType()), Ansi(), true).children()[0].is_null());
  auto s1 = StructType({StructField("a", StringType()), StructField("b", IntegerType())});
  auto s2 = StructType({StructField("x", IntegerType()), StructField("y", StringType())});
  Value sv = Value::Struct(s1, {Value::String("7"), Value::Int(8)});
  EXPECT_EQ(CastConst(sv, s2), Value::Struct(s2, {Value::Int(7), Value::String("8")}));
  auto m1 = MapType(StringType(), IntegerType());
  auto m2 = MapType(StringType(), LongType());
  EXPECT_EQ(CastConst(Value::Map(m1, {Value::String("k")}, {Value::Int(1)}), m2),
            Value::Map(m2, {Value::String("k")}, {Value::Long(1)}));
  // A NULL struct whose child slot holds a malformed string does not raise.
  auto schema = StructType({StructField("s", s1)});
  auto batch = RecordBatch::FromRows(schema, {{Value::Null(s1)}, {sv}});
  auto rows = EvalRows(MakeCast(MakeBoundColumn(0, s1, "s"), s2), *batch);
  EXPECT_TRUE(rows[0].is_null());
  EXPECT_EQ(rows[1], Value::Struct(s2, {Value::Int(7), Value::String("8")}));
}

TEST(CastTest, CastVectorDirect) {
  auto v = Vector::MakeConstant(Value::String("12"), 3);
  EvalContext ctx = Ansi();
  VectorPtr out = CastVector(v, IntegerType(), ctx);
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ(out->GetValue(2), Value::Int(12));
  EXPECT_EQ(CastVector(out, IntegerType(), ctx), out);
}

// Integer columns of every width render as their decimal text, the extremes included; NULL rows
// stay NULL (and empty).
TEST(CastTest, IntegerColumnsToString) {
  EvalContext ctx = Ansi();
  auto check = [&](TypePtr type, std::vector<int64_t> values) {
    auto v = std::make_shared<Vector>(type);
    for (int64_t x : values) v->AppendValue(Value::Long(x).type() == type ? Value::Long(x) : CastConst(Value::Long(x), type, ctx));
    v->AppendNull();
    VectorPtr out = CastVector(v, StringType(), ctx);
    ASSERT_EQ(out->size(), values.size() + 1);
    for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(out->GetString(i), std::to_string(values[i])) << type->Sql();
    EXPECT_TRUE(out->IsNull(values.size()));
    EXPECT_EQ(out->GetString(values.size()), "");
  };
  check(ByteType(), {0, -128, 127, 5});
  check(ShortType(), {-32768, 32767, -1});
  check(IntegerType(), {INT32_MIN, INT32_MAX, 0, 42});
  check(LongType(), {INT64_MIN, INT64_MAX, 0, -7, 1234567890123LL});
}

}  // namespace
}  // namespace sluice
