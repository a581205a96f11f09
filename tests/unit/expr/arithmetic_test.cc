// Arithmetic: result types (coercion, decimal precision), ANSI vs legacy overflow and division by
// zero, try_* functions, datetime arithmetic, bitwise operators.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "expr/type_coercion.h"
#include "expr_test_support.h"
#include "types/datetime.h"

namespace sluice {
namespace {

using namespace sluice::testing;

ExprPtr I(int32_t v) { return Lit(Value::Int(v)); }
ExprPtr L(int64_t v) { return Lit(Value::Long(v)); }
ExprPtr D(double v) { return Lit(Value::Double(v)); }
ExprPtr S(std::string v) { return Lit(Value::String(std::move(v))); }
ExprPtr Dec(int128_t u, int p, int s) { return Lit(Value::Decimal(u, p, s)); }
ExprPtr Null() { return Lit(Value()); }

TEST(ArithmeticTest, ResultTypes) {
  EXPECT_EQ(TypeOf(Call("+", {I(1), I(2)}))->Sql(), "INT");
  EXPECT_EQ(TypeOf(Call("+", {I(1), L(2)}))->Sql(), "BIGINT");
  EXPECT_EQ(TypeOf(Call("+", {I(1), D(2)}))->Sql(), "DOUBLE");
  EXPECT_EQ(TypeOf(Call("/", {I(1), I(2)}))->Sql(), "DOUBLE");
  EXPECT_EQ(TypeOf(Call("div", {I(7), I(2)}))->Sql(), "BIGINT");
  EXPECT_EQ(TypeOf(Call("+", {Lit(Value::Byte(1)), Lit(Value::Short(1))}))->Sql(), "SMALLINT");
  EXPECT_EQ(TypeOf(Call("+", {Lit(Value::Float(1)), I(1)}))->Sql(), "DOUBLE");
  EXPECT_EQ(TypeOf(Call("+", {Lit(Value::Float(1)), I(1)}), Ansi(false))->Sql(), "FLOAT");
  // ANSI string promotion: '1' + 1 -> BIGINT, '1' + 1.0 -> DOUBLE; legacy: DOUBLE.
  EXPECT_EQ(TypeOf(Call("+", {S("1"), I(1)}))->Sql(), "BIGINT");
  EXPECT_EQ(TypeOf(Call("+", {S("1"), D(1)}))->Sql(), "DOUBLE");
  EXPECT_EQ(TypeOf(Call("+", {S("1"), I(1)}), Ansi(false))->Sql(), "DOUBLE");
  EXPECT_EQ(TypeOf(Call("+", {Null(), I(1)}))->Sql(), "INT");
  EXPECT_EQ(TypeOf(Call("+", {Null(), Null()}))->Sql(), "DOUBLE");
}

TEST(ArithmeticTest, DecimalPrecision) {
  // DECIMAL(10,2) + DECIMAL(5,3) -> DECIMAL(12,3).
  EXPECT_EQ(TypeOf(Call("+", {Dec(1, 10, 2), Dec(1, 5, 3)}))->Sql(), "DECIMAL(12,3)");
  EXPECT_EQ(TypeOf(Call("*", {Dec(1, 10, 2), Dec(1, 5, 3)}))->Sql(), "DECIMAL(16,5)");
  EXPECT_EQ(TypeOf(Call("/", {Dec(1, 10, 2), Dec(1, 5, 3)}))->Sql(), "DECIMAL(19,8)");
  EXPECT_EQ(TypeOf(Call("%", {Dec(1, 10, 2), Dec(1, 5, 3)}))->Sql(), "DECIMAL(5,3)");
  // INT + DECIMAL(5,2): INT as DECIMAL(10,0) -> DECIMAL(13,2).
  EXPECT_EQ(TypeOf(Call("+", {I(1), Dec(1, 5, 2)}))->Sql(), "DECIMAL(13,2)");
  EXPECT_EQ(TypeOf(Call("+", {D(1), Dec(1, 5, 2)}))->Sql(), "DOUBLE");
  // Precision loss: DECIMAL(38,10) * DECIMAL(38,10) -> DECIMAL(38,6).
  EXPECT_EQ(TypeOf(Call("*", {Dec(1, 38, 10), Dec(1, 38, 10)}))->Sql(), "DECIMAL(38,6)");
  EXPECT_EQ(TypeOf(Call("/", {Dec(1, 38, 18), Dec(1, 38, 18)}))->Sql(), "DECIMAL(38,6)");

  EXPECT_EQ(EvalConst(Call("+", {Dec(12345, 10, 2), Dec(1, 5, 3)})), Value::Decimal(123451, 12, 3));
  EXPECT_EQ(EvalConst(Call("*", {Dec(150, 10, 2), Dec(2500, 5, 3)})), Value::Decimal(375000, 16, 5));
  // 1 / 3 as DECIMAL(10,0)/DECIMAL(10,0) -> DECIMAL(21,11), rounded half up.
  Value q = EvalConst(Call("/", {Dec(1, 10, 0), Dec(3, 10, 0)}));
  EXPECT_EQ(q.type()->Sql(), "DECIMAL(21,11)");
  EXPECT_EQ(q.ToString(), "0.33333333333");
  EXPECT_EQ(EvalConst(Call("/", {Dec(2, 10, 0), Dec(3, 10, 0)})).ToString(), "0.66666666667");
  EXPECT_EQ(EvalConst(Call("%", {Dec(1050, 10, 2), Dec(3, 5, 0)})).ToString(), "1.50");
}

TEST(ArithmeticTest, Values) {
  EXPECT_EQ(EvalConst(Call("+", {I(1), I(2)})), Value::Int(3));
  EXPECT_EQ(EvalConst(Call("-", {L(1), I(2)})), Value::Long(-1));
  EXPECT_EQ(EvalConst(Call("*", {I(6), I(7)})), Value::Int(42));
  EXPECT_EQ(EvalConst(Call("/", {I(1), I(2)})), Value::Double(0.5));
  EXPECT_EQ(EvalConst(Call("div", {I(7), I(2)})), Value::Long(3));
  EXPECT_EQ(EvalConst(Call("div", {I(-7), I(2)})), Value::Long(-3));
  EXPECT_EQ(EvalConst(Call("%", {I(-7), I(3)})), Value::Int(-1));
  EXPECT_EQ(EvalConst(Call("%", {D(7.5), D(2)})), Value::Double(1.5));
  EXPECT_EQ(EvalConst(Call("+", {S("1"), I(1)})), Value::Long(2));
  EXPECT_EQ(EvalConst(Call("negative", {I(5)})), Value::Int(-5));
  EXPECT_EQ(EvalConst(Call("abs", {I(-5)})), Value::Int(5));
  EXPECT_EQ(EvalConst(Call("abs", {Dec(-150, 5, 2)})), Value::Decimal(150, 5, 2));
  EXPECT_TRUE(EvalConst(Call("+", {Null(), I(1)})).is_null());
}

TEST(ArithmeticTest, OverflowAnsiVsLegacy) {
  auto add = [] { return Call("+", {I(2147483647), I(1)}); };
  std::string msg = ErrorOf<ExecutionError>([&] { EvalConst(add()); });
  EXPECT_NE(msg.find("[ARITHMETIC_OVERFLOW] integer overflow"), std::string::npos) << msg;
  EXPECT_NE(msg.find("try_add"), std::string::npos) << msg;
  EXPECT_EQ(EvalConst(add(), Ansi(false)), Value::Int(-2147483648));
  EXPECT_TRUE(EvalConst(Call("try_add", {I(2147483647), I(1)})).is_null());
  EXPECT_TRUE(EvalConst(Call("try_multiply", {L(INT64_MAX), L(2)})).is_null());
  EXPECT_EQ(EvalConst(Call("try_subtract", {I(5), I(2)})), Value::Int(3));
  msg = ErrorOf<ExecutionError>([&] { EvalConst(Call("negative", {L(INT64_MIN)})); });
  EXPECT_NE(msg.find("[ARITHMETIC_OVERFLOW] long overflow"), std::string::npos) << msg;
  // Decimal overflow: ANSI raises, legacy NULL.
  int128_t max38 = 1;
  for (int i = 0; i < 38; ++i) max38 *= 10;
  max38 -= 1;
  auto dec_add = [&] { return Call("+", {Dec(max38, 38, 0), Dec(max38, 38, 0)}); };
  msg = ErrorOf<ExecutionError>([&] { EvalConst(dec_add()); });
  EXPECT_NE(msg.find("NUMERIC_VALUE_OUT_OF_RANGE"), std::string::npos) << msg;
  EXPECT_TRUE(EvalConst(dec_add(), Ansi(false)).is_null());
}

TEST(ArithmeticTest, DivisionByZero) {
  std::string msg = ErrorOf<ExecutionError>([&] { EvalConst(Call("/", {I(1), I(0)})); });
  EXPECT_NE(msg.find("[DIVIDE_BY_ZERO] Division by zero. Use `try_divide`"), std::string::npos) << msg;
  EXPECT_TRUE(EvalConst(Call("/", {I(1), I(0)}), Ansi(false)).is_null());
  EXPECT_TRUE(EvalConst(Call("try_divide", {I(1), I(0)})).is_null());
  EXPECT_FALSE(ErrorOf<ExecutionError>([&] { EvalConst(Call("%", {I(1), I(0)})); }).empty());
  EXPECT_FALSE(ErrorOf<ExecutionError>([&] { EvalConst(Call("div", {I(1), I(0)})); }).empty());
  EXPECT_TRUE(EvalConst(Call("div", {I(1), I(0)}), Ansi(false)).is_null());
  EXPECT_FALSE(ErrorOf<ExecutionError>([&] { EvalConst(Call("/", {Dec(1, 5, 0), Dec(0, 5, 0)})); }).empty());
  // A NULL divisor never raises.
  EXPECT_TRUE(EvalConst(Call("/", {I(1), Lit(Value::Null(IntegerType()))})).is_null());
}

TEST(ArithmeticTest, NullRowsDoNotRaise) {
  auto schema = StructType({StructField("a", IntegerType()), StructField("b", IntegerType())});
  auto batch = RecordBatch::FromRows(schema, {{Value::Int(4), Value::Int(2)},
                                              {Value::Int(1), Value::Null(IntegerType())},
                                              {Value::Null(IntegerType()), Value::Int(0)}});
  auto rows = EvalRows(Call("div", {MakeBoundColumn(0, IntegerType(), "a"), MakeBoundColumn(1, IntegerType(), "b")}),
                       *batch);
  EXPECT_EQ(rows[0], Value::Long(2));
  EXPECT_TRUE(rows[1].is_null());
  EXPECT_TRUE(rows[2].is_null());
}

TEST(ArithmeticTest, DatetimeArithmetic) {
  int64_t ts = static_cast<int64_t>(DaysFromCivil(2024, 1, 1)) * kMicrosPerDay;
  ExprPtr t = Lit(Value::Timestamp(ts));
  ExprPtr iv = Lit(Value::Interval(90 * kMicrosPerMinute));
  EXPECT_EQ(TypeOf(Call("+", {t, iv}))->Sql(), "TIMESTAMP");
  EXPECT_EQ(EvalConst(Call("+", {t, iv})), Value::Timestamp(ts + 90 * kMicrosPerMinute));
  EXPECT_EQ(EvalConst(Call("-", {t, iv})), Value::Timestamp(ts - 90 * kMicrosPerMinute));
  EXPECT_EQ(EvalConst(Call("+", {iv, t})), Value::Timestamp(ts + 90 * kMicrosPerMinute));
  ExprPtr t2 = Lit(Value::Timestamp(ts + kMicrosPerHour));
  EXPECT_EQ(EvalConst(Call("-", {t2, t})), Value::Interval(kMicrosPerHour));
  ExprPtr d = Lit(Value::Date(DaysFromCivil(2024, 1, 1)));
  EXPECT_EQ(EvalConst(Call("+", {d, I(31)})), Value::Date(DaysFromCivil(2024, 2, 1)));
  EXPECT_EQ(EvalConst(Call("-", {d, I(1)})), Value::Date(DaysFromCivil(2023, 12, 31)));
  EXPECT_EQ(EvalConst(Call("+", {d, Lit(Value::Interval(kMicrosPerDay))})), Value::Date(DaysFromCivil(2024, 1, 2)));
  EXPECT_EQ(TypeOf(Call("+", {d, iv}))->Sql(), "TIMESTAMP");
  EXPECT_EQ(EvalConst(Call("-", {Lit(Value::Date(DaysFromCivil(2024, 1, 3))), d})), Value::Interval(2 * kMicrosPerDay));
  EXPECT_EQ(EvalConst(Call("*", {iv, I(2)})), Value::Interval(180 * kMicrosPerMinute));
  EXPECT_EQ(EvalConst(Call("/", {iv, I(2)})), Value::Interval(45 * kMicrosPerMinute));
  // A string next to a timestamp is read as a timestamp.
  EXPECT_EQ(EvalConst(Call("-", {t2, S("2024-01-01 00:00:00")})), Value::Interval(kMicrosPerHour));
}

TEST(ArithmeticTest, Bitwise) {
  EXPECT_EQ(EvalConst(Call("&", {I(6), I(3)})), Value::Int(2));
  EXPECT_EQ(EvalConst(Call("|", {I(6), I(3)})), Value::Int(7));
  EXPECT_EQ(EvalConst(Call("^", {I(6), I(3)})), Value::Int(5));
  EXPECT_EQ(EvalConst(Call("~", {I(0)})), Value::Int(-1));
  EXPECT_EQ(EvalConst(Call("&", {I(6), L(3)})), Value::Long(2));
  EXPECT_THROW(TypeOf(Call("&", {D(1), I(1)})), AnalysisError);
}

TEST(ArithmeticTest, TypeErrors) {
  std::string msg = ErrorOf<AnalysisError>([&] { TypeOf(Call("+", {Lit(Value::Boolean(true)), I(1)})); });
  EXPECT_NE(msg.find("DATATYPE_MISMATCH"), std::string::npos) << msg;
  msg = ErrorOf<AnalysisError>([&] { TypeOf(Call("no_such_fn", {I(1)})); });
  EXPECT_NE(msg.find("[UNRESOLVED_ROUTINE] Cannot resolve function `no_such_fn`"), std::string::npos) << msg;
}

TEST(ArithmeticTest, VectorizedColumns) {
  auto schema = StructType({StructField("a", LongType()), StructField("b", DoubleType())});
  std::vector<std::vector<Value>> rows;
  for (int i = 0; i < 200; ++i) rows.push_back({Value::Long(i), Value::Double(i * 0.5)});
  auto batch = RecordBatch::FromRows(schema, rows);
  auto out = EvalRows(Call("+", {MakeBoundColumn(0, LongType(), "a"), MakeBoundColumn(1, DoubleType(), "b")}), *batch);
  ASSERT_EQ(out.size(), 200u);
  EXPECT_EQ(out[199], Value::Double(199 * 1.5));
}

// x % d and x div d with a literal divisor (computed without a divide per row when |d| >= 2)
// equal the truncating C++ results for every sign combination and the extremes, for BIGINT and
// INT columns, with NULL rows staying NULL.
TEST(ArithmeticTest, RemainderAndDivByLiteralMatchTruncatingDivision) {
  const int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> xs = {0, 1, -1, 2, -2, 7, -7, 99, -99, 100000, -100000, 123456789012345LL,
                             -123456789012345LL, kMax, kMin, kMax - 1, kMin + 1, 1LL << 62, -(1LL << 62)};
  std::mt19937_64 rng(11);
  for (int i = 0; i < 300; ++i) xs.push_back(static_cast<int64_t>(rng()) >> (rng() % 64));
  const std::vector<int64_t> divisors = {2, -2, 3, -3, 7, 10, 1000, -1000, 100000, 1LL << 32, (1LL << 62) + 1,
                                         kMax, kMin, 1, -1, 4, 1024, 641, 999999937, 1LL << 40,
                                         (1LL << 62) - 1, 3LL << 61, kMax - 24, -(1LL << 40) - 1};
  auto schema = StructType({StructField("x", LongType()), StructField("i", IntegerType())});
  std::vector<std::vector<Value>> rows;
  for (int64_t x : xs) rows.push_back({Value::Long(x), Value::Int(static_cast<int32_t>(x))});
  rows.push_back({Value::Null(LongType()), Value::Null(IntegerType())});
  auto batch = RecordBatch::FromRows(schema, rows);
  auto x = MakeBoundColumn(0, LongType(), "x");
  auto xi = MakeBoundColumn(1, IntegerType(), "i");
  for (int64_t d : divisors) {
    SCOPED_TRACE(::testing::Message() << "divisor " << d);
    auto rem = EvalRows(Call("%", {x, L(d)}), *batch);
    auto quo = EvalRows(Call("div", {x, L(d)}), *batch, Ansi(false));
    for (size_t r = 0; r < xs.size(); ++r) {
      int64_t v = xs[r];
      int64_t want_rem = d == -1 ? 0 : v % d;
      EXPECT_EQ(rem[r], Value::Long(want_rem)) << v;
      if (d == -1 && v == kMin) continue;  // overflows (NULL without ANSI)
      EXPECT_EQ(quo[r], Value::Long(v / d)) << v;
    }
    EXPECT_TRUE(rem.back().is_null());
    EXPECT_TRUE(quo.back().is_null());
    if (d < std::numeric_limits<int32_t>::min() || d > std::numeric_limits<int32_t>::max()) continue;
    // An INT literal against a BIGINT column (coerced through a cast, still constant).
    auto quo_cast = EvalRows(Call("div", {x, I(static_cast<int32_t>(d))}), *batch, Ansi(false));
    for (size_t r = 0; r < xs.size(); ++r) {
      if (d == -1 && xs[r] == kMin) continue;
      EXPECT_EQ(quo_cast[r], Value::Long(xs[r] / d)) << xs[r];
    }
    auto rem32 = EvalRows(Call("%", {xi, I(static_cast<int32_t>(d))}), *batch);
    for (size_t r = 0; r < xs.size(); ++r) {
      auto v = static_cast<int32_t>(xs[r]);
      int32_t want = d == -1 ? 0 : v % static_cast<int32_t>(d);
      EXPECT_EQ(rem32[r], Value::Int(want)) << v;
    }
  }
}

}  // namespace
}  // namespace sluice
