// Tests of the math functions (src/expr/functions/math_functions.cc): rounding modes and result
// types, domains of logarithms, pmod in ANSI/legacy mode, conv/bin, and Spark's hash values.
#include <gtest/gtest.h>

#include <cmath>

#include "columnar/record_batch.h"
#include "expr/evaluator.h"
#include "expr/expression.h"
#include "sluice/exception.h"
#include "function_test_support.h"

namespace sluice {
namespace {

using namespace function_test;


TEST(MathFunctionsTest, Round) {
  EXPECT_DOUBLE_EQ(Call("round", {Dbl(2.5), I(0)}).GetDouble(), 3.0);
  EXPECT_DOUBLE_EQ(Call("round", {Dbl(-2.5)}).GetDouble(), -3.0);
  EXPECT_DOUBLE_EQ(Call("round", {Dbl(2.675), I(2)}).GetDouble(), 2.68);
  EXPECT_DOUBLE_EQ(Call("round", {Dbl(1234.5678), I(-2)}).GetDouble(), 1200.0);
  EXPECT_EQ(Call("round", {I(25), I(-1)}).GetInt64(), 30);
  EXPECT_EQ(Call("round", {I(25)}).type()->id(), TypeId::kInt);
  EXPECT_DOUBLE_EQ(Call("bround", {Dbl(2.5), I(0)}).GetDouble(), 2.0);
  EXPECT_EQ(Call("bround", {I(25), I(-1)}).GetInt64(), 20);
  Value d = Call("round", {MakeLiteral(Value::Decimal(31415, 5, 4)), I(2)});
  EXPECT_EQ(d.ToString(), "3.14");
  EXPECT_EQ(d.type()->Sql(), "DECIMAL(4,2)");
  EXPECT_EQ(Call("round", {MakeLiteral(Value::Decimal(125, 3, 2)), I(1)}).ToString(), "1.3");
  EXPECT_EQ(Call("bround", {MakeLiteral(Value::Decimal(125, 3, 2)), I(1)}).ToString(), "1.2");
  EXPECT_TRUE(std::isnan(Call("round", {Dbl(NAN), I(1)}).GetDouble()));
  EXPECT_TRUE(Call("round", {MakeLiteral(Value::Null(DoubleType())), I(1)}).is_null());
}

TEST(MathFunctionsTest, FloorCeil) {
  EXPECT_EQ(Call("floor", {Dbl(-0.1)}).GetInt64(), -1);
  EXPECT_EQ(Call("floor", {Dbl(5)}).GetInt64(), 5);
  EXPECT_EQ(Call("ceil", {Dbl(-0.1)}).GetInt64(), 0);
  EXPECT_EQ(Call("ceiling", {Dbl(5.4)}).GetInt64(), 6);
  EXPECT_EQ(Call("ceil", {Dbl(5.4)}).type()->id(), TypeId::kLong);
  EXPECT_EQ(Call("floor", {MakeLiteral(Value::Decimal(-31, 2, 1))}).ToString(), "-4");
  EXPECT_EQ(Call("ceil", {MakeLiteral(Value::Decimal(31415, 5, 4)), I(3)}).ToString(), "3.142");
  EXPECT_EQ(Call("floor", {MakeLiteral(Value::Decimal(31415, 5, 4)), I(3)}).ToString(), "3.141");
}

TEST(MathFunctionsTest, Elementary) {
  EXPECT_DOUBLE_EQ(Call("sqrt", {I(4)}).GetDouble(), 2.0);
  EXPECT_TRUE(std::isnan(Call("sqrt", {I(-1)}).GetDouble()));
  EXPECT_DOUBLE_EQ(Call("cbrt", {Dbl(27.0)}).GetDouble(), 3.0);
  EXPECT_DOUBLE_EQ(Call("exp", {I(0)}).GetDouble(), 1.0);
  EXPECT_DOUBLE_EQ(Call("ln", {I(1)}).GetDouble(), 0.0);
  EXPECT_TRUE(Call("ln", {I(0)}).is_null());
  EXPECT_DOUBLE_EQ(Call("log", {I(10), I(100)}).GetDouble(), 2.0);
  EXPECT_TRUE(Call("log", {I(-1), I(100)}).is_null());
  EXPECT_DOUBLE_EQ(Call("log10", {I(10)}).GetDouble(), 1.0);
  EXPECT_DOUBLE_EQ(Call("log2", {I(2)}).GetDouble(), 1.0);
  EXPECT_DOUBLE_EQ(Call("pow", {I(2), I(3)}).GetDouble(), 8.0);
  EXPECT_DOUBLE_EQ(Call("power", {I(2), I(3)}).GetDouble(), 8.0);
  EXPECT_DOUBLE_EQ(Call("signum", {Dbl(40)}).GetDouble(), 1.0);
  EXPECT_DOUBLE_EQ(Call("sign", {I(-3)}).GetDouble(), -1.0);
  EXPECT_DOUBLE_EQ(Call("pi", {}).GetDouble(), M_PI);
  EXPECT_DOUBLE_EQ(Call("e", {}).GetDouble(), M_E);
  EXPECT_DOUBLE_EQ(Call("degrees", {Dbl(M_PI)}).GetDouble(), 180.0);
  EXPECT_DOUBLE_EQ(Call("radians", {I(180)}).GetDouble(), M_PI);
  EXPECT_DOUBLE_EQ(Call("atan2", {I(0), I(0)}).GetDouble(), 0.0);
  EXPECT_DOUBLE_EQ(Call("hypot", {I(3), I(4)}).GetDouble(), 5.0);
  EXPECT_DOUBLE_EQ(Call("cos", {I(0)}).GetDouble(), 1.0);
}

TEST(MathFunctionsTest, PmodConvBinFactorial) {
  EXPECT_EQ(Call("pmod", {I(10), I(3)}).GetInt64(), 1);
  EXPECT_EQ(Call("pmod", {I(-10), I(3)}).GetInt64(), 2);
  EXPECT_DOUBLE_EQ(Call("pmod", {Dbl(-7.5), I(2)}).GetDouble(), 0.5);
  EXPECT_THROW(Call("pmod", {I(1), I(0)}), ExecutionError);
  EXPECT_TRUE(Call("pmod", {I(1), I(0)}, Ctx(false)).is_null());
  EXPECT_EQ(Str("conv", {S("100"), I(2), I(10)}), "4");
  EXPECT_EQ(Str("conv", {I(-10), I(16), I(-10)}), "-16");
  EXPECT_EQ(Str("conv", {S("-1"), I(10), I(16)}), "FFFFFFFFFFFFFFFF");
  EXPECT_EQ(Str("conv", {S("12x"), I(10), I(10)}), "12");
  EXPECT_TRUE(Call("conv", {S("1"), I(1), I(10)}).is_null());
  EXPECT_EQ(Str("bin", {I(13)}), "1101");
  EXPECT_EQ(Str("bin", {I(-13)}), "1111111111111111111111111111111111111111111111111111111111110011");
  EXPECT_EQ(Call("factorial", {I(5)}).GetInt64(), 120);
  EXPECT_TRUE(Call("factorial", {I(21)}).is_null());
}

TEST(MathFunctionsTest, HashMatchesSpark) {
  EXPECT_EQ(Call("hash", {S("Spark"), F("array", {I(123)}), I(2)}).GetInt64(), -1321691492);
  EXPECT_EQ(Call("xxhash64", {S("Spark"), F("array", {I(123)}), I(2)}).GetInt64(), 5602566077635097486LL);
  EXPECT_EQ(Call("hash", {I(1)}).GetInt64(), -559580957);
  EXPECT_EQ(Call("hash", {L(1)}).GetInt64(), -1712319331);
  EXPECT_EQ(Call("hash", {MakeLiteral(Value::Null(IntegerType()))}).GetInt64(), 42);
}

}  // namespace
}  // namespace sluice
