// Comparisons (NaN and string ordering, coercion), three-valued logic, IN, isnull, conditionals
// (CASE, if, coalesce, nvl, nullif, greatest/least) including lazy evaluation of untaken branches.
#include <gtest/gtest.h>

#include <cmath>

#include "expr_test_support.h"
#include "types/datetime.h"

namespace sluice {
namespace {

using namespace sluice::testing;

ExprPtr I(int32_t v) { return Lit(Value::Int(v)); }
ExprPtr D(double v) { return Lit(Value::Double(v)); }
ExprPtr S(std::string v) { return Lit(Value::String(std::move(v))); }
ExprPtr B(bool v) { return Lit(Value::Boolean(v)); }
ExprPtr NB() { return Lit(Value::Null(BooleanType())); }
ExprPtr Null() { return Lit(Value()); }

// Tri-state: 1 true, 0 false, -1 NULL.
int Tri(const Value& v) { return v.is_null() ? -1 : (v.GetBool() ? 1 : 0); }
ExprPtr TriLit(int t) { return t < 0 ? NB() : B(t == 1); }

TEST(LogicTest, ThreeValuedTruthTables) {
  int vals[] = {1, 0, -1};
  for (int a : vals) {
    for (int b : vals) {
      int expect_and = (a == 0 || b == 0) ? 0 : ((a == -1 || b == -1) ? -1 : 1);
      int expect_or = (a == 1 || b == 1) ? 1 : ((a == -1 || b == -1) ? -1 : 0);
      EXPECT_EQ(Tri(EvalConst(Call("and", {TriLit(a), TriLit(b)}))), expect_and) << a << " AND " << b;
      EXPECT_EQ(Tri(EvalConst(Call("or", {TriLit(a), TriLit(b)}))), expect_or) << a << " OR " << b;
    }
    EXPECT_EQ(Tri(EvalConst(Call("not", {TriLit(a)}))), a < 0 ? -1 : 1 - a);
  }
}

TEST(LogicTest, Comparisons) {
  EXPECT_EQ(Tri(EvalConst(Call("=", {I(1), I(1)}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call("<", {I(1), Lit(Value::Long(2))}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call("=", {I(1), D(1.0)}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call("=", {I(1), Null()}))), -1);
  EXPECT_EQ(Tri(EvalConst(Call("<=>", {I(1), Null()}))), 0);
  EXPECT_EQ(Tri(EvalConst(Call("<=>", {Null(), Null()}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call("!=", {S("a"), S("b")}))), 1);
  // Strings compare bytewise (UTF-8 bytes, unsigned).
  EXPECT_EQ(Tri(EvalConst(Call("<", {S("Z"), S("a")}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call("<", {S("z"), S("\xc3\xa9")}))), 1);
  // NaN = NaN; NaN is larger than everything.
  double nan = std::nan("");
  EXPECT_EQ(Tri(EvalConst(Call("=", {D(nan), D(nan)}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call(">", {D(nan), D(INFINITY)}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call("<", {D(1), D(nan)}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call("=", {D(0.0), D(-0.0)}))), 1);
  // String vs number (ANSI: both BIGINT), string vs date.
  EXPECT_EQ(Tri(EvalConst(Call("=", {S("1"), I(1)}))), 1);
  EXPECT_THROW(EvalConst(Call("=", {S("x"), I(1)})), ExecutionError);
  EXPECT_EQ(Tri(EvalConst(Call("=", {S("x"), I(1)}), Ansi(false))), -1);
  ExprPtr d = Lit(Value::Date(DaysFromCivil(2024, 1, 5)));
  EXPECT_EQ(Tri(EvalConst(Call("=", {d, S("2024-01-05")}))), 1);
  int64_t ts = static_cast<int64_t>(DaysFromCivil(2024, 1, 5)) * kMicrosPerDay;
  EXPECT_EQ(Tri(EvalConst(Call("=", {d, Lit(Value::Timestamp(ts))}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call("<", {Lit(Value::Timestamp(ts)), S("2024-01-05 00:00:01")}))), 1);
  EXPECT_THROW(TypeOf(Call("=", {B(true), I(1)})), AnalysisError);
  // Decimal vs int compare as the wider decimal.
  EXPECT_EQ(Tri(EvalConst(Call("=", {Lit(Value::Decimal(100, 5, 2)), I(1)}))), 1);
}

TEST(LogicTest, InAndNulls) {
  EXPECT_EQ(Tri(EvalConst(Call("in", {I(1), I(1), I(2)}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call("in", {I(3), I(1), I(2)}))), 0);
  EXPECT_EQ(Tri(EvalConst(Call("in", {I(3), I(1), Null()}))), -1);
  EXPECT_EQ(Tri(EvalConst(Call("in", {I(1), I(1), Null()}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call("in", {Null(), I(1)}))), -1);
  EXPECT_EQ(Tri(EvalConst(Call("in", {S("b"), S("a"), S("b")}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call("isnull", {Null()}))), 1);
  EXPECT_EQ(Tri(EvalConst(Call("isnotnull", {I(1)}))), 1);
}

TEST(LogicTest, Conditionals) {
  EXPECT_EQ(EvalConst(Call("coalesce", {Null(), I(2), I(3)})), Value::Int(2));
  EXPECT_EQ(EvalConst(Call("coalesce", {Null(), Lit(Value::Long(2))})), Value::Long(2));
  EXPECT_TRUE(EvalConst(Call("coalesce", {Null(), Null()})).is_null());
  EXPECT_EQ(EvalConst(Call("nvl", {Null(), S("x")})), Value::String("x"));
  EXPECT_EQ(EvalConst(Call("ifnull", {S("y"), S("x")})), Value::String("y"));
  EXPECT_EQ(EvalConst(Call("nvl2", {I(1), S("a"), S("b")})), Value::String("a"));
  EXPECT_EQ(EvalConst(Call("nvl2", {Null(), S("a"), S("b")})), Value::String("b"));
  EXPECT_TRUE(EvalConst(Call("nullif", {I(1), I(1)})).is_null());
  EXPECT_EQ(EvalConst(Call("nullif", {I(1), I(2)})), Value::Int(1));
  EXPECT_EQ(EvalConst(Call("if", {B(true), I(1), D(2)})), Value::Double(1));
  EXPECT_EQ(EvalConst(Call("if", {NB(), I(1), I(2)})), Value::Int(2));
  EXPECT_EQ(EvalConst(Call("greatest", {I(1), I(5), Null()})), Value::Int(5));
  EXPECT_EQ(EvalConst(Call("least", {I(3), Lit(Value::Long(2))})), Value::Long(2));
  EXPECT_TRUE(EvalConst(Call("greatest", {Null(), Null()})).is_null());
  EXPECT_EQ(EvalConst(Call("greatest", {S("a"), S("b")})), Value::String("b"));
}

ExprPtr Case(std::vector<ExprPtr> children, bool has_else) {
  auto e = std::make_shared<Expr>(ExprKind::kCase);
  e->children = std::move(children);
  e->has_else = has_else;
  return e;
}

TEST(LogicTest, CaseTypesAndValues) {
  EXPECT_EQ(TypeOf(Case({B(true), I(1), D(2)}, true))->Sql(), "DOUBLE");
  EXPECT_EQ(EvalConst(Case({B(false), I(1), NB(), I(2), I(3)}, true)), Value::Int(3));
  EXPECT_TRUE(EvalConst(Case({B(false), I(1)}, false)).is_null());
  std::string msg = ErrorOf<AnalysisError>([&] { TypeOf(Case({I(1), I(1)}, false)); });
  EXPECT_NE(msg.find("BOOLEAN"), std::string::npos) << msg;
}

TEST(LogicTest, UntakenBranchesDoNotRaise) {
  auto schema = StructType({StructField("x", IntegerType())});
  auto batch = RecordBatch::FromRows(schema, {{Value::Int(0)}, {Value::Int(2)}, {Value::Null(IntegerType())}});
  ExprPtr x = MakeBoundColumn(0, IntegerType(), "x");
  // CASE WHEN x = 0 THEN 0 ELSE 10 / x END
  auto rows = EvalRows(Case({Call("=", {x, I(0)}), D(0), Call("/", {I(10), x})}, true), *batch);
  EXPECT_EQ(rows[0], Value::Double(0));
  EXPECT_EQ(rows[1], Value::Double(5));
  EXPECT_TRUE(rows[2].is_null());
  // if(x = 0, NULL, 10 div x)
  rows = EvalRows(Call("if", {Call("=", {x, I(0)}), Null(), Call("div", {I(10), x})}), *batch);
  EXPECT_TRUE(rows[0].is_null());
  EXPECT_EQ(rows[1], Value::Long(5));
  // x <> 0 AND 10 / x > 1
  rows = EvalRows(Call("and", {Call("!=", {x, I(0)}), Call(">", {Call("/", {I(10), x}), I(1)})}), *batch);
  EXPECT_EQ(Tri(rows[0]), 0);
  EXPECT_EQ(Tri(rows[1]), 1);
  EXPECT_EQ(Tri(rows[2]), -1);
  // coalesce(x, 1 / 0) only evaluates 1/0 on NULL rows -> raises only because row 2 is NULL.
  auto no_null = RecordBatch::FromRows(schema, {{Value::Int(0)}, {Value::Int(2)}});
  rows = EvalRows(Call("coalesce", {x, Call("div", {I(1), I(0)})}), *no_null);
  EXPECT_EQ(rows[0], Value::Long(0));
  EXPECT_THROW(EvalRows(Call("coalesce", {x, Call("div", {I(1), I(0)})}), *batch), ExecutionError);
  // And the taken branch still raises.
  auto zero = RecordBatch::FromRows(schema, {{Value::Int(0)}});
  EXPECT_THROW(EvalRows(Case({Call("=", {x, I(1)}), D(0), Call("/", {I(10), x})}, true), *zero), ExecutionError);
}

TEST(LogicTest, FieldAndSubscript) {
  auto st = StructType({StructField("a", IntegerType()), StructField("b", StringType())});
  auto schema = StructType({StructField("s", st), StructField("arr", ArrayType(IntegerType())),
                            StructField("m", MapType(StringType(), IntegerType()))});
  auto batch = RecordBatch::FromRows(
      schema, {{Value::Struct(st, {Value::Int(1), Value::String("x")}),
                Value::Array(ArrayType(IntegerType()), {Value::Int(10), Value::Int(20)}),
                Value::Map(MapType(StringType(), IntegerType()), {Value::String("k")}, {Value::Int(7)})},
               {Value::Null(st), Value::Null(ArrayType(IntegerType())),
                Value::Null(MapType(StringType(), IntegerType()))}});
  ExprPtr s = MakeBoundColumn(0, st, "s");
  ExprPtr arr = MakeBoundColumn(1, ArrayType(IntegerType()), "arr");
  ExprPtr m = MakeBoundColumn(2, MapType(StringType(), IntegerType()), "m");
  auto rows = EvalRows(Call("get_field", {s, S("b")}), *batch);
  EXPECT_EQ(rows[0], Value::String("x"));
  EXPECT_TRUE(rows[1].is_null());
  EXPECT_EQ(BindTree(Call("get_field", {s, S("B")}), Ansi())->kind, ExprKind::kGetField);
  EXPECT_THROW(TypeOf(Call("get_field", {s, S("zz")})), AnalysisError);
  rows = EvalRows(Call("subscript", {arr, I(1)}), *batch);
  EXPECT_EQ(rows[0], Value::Int(20));
  EXPECT_TRUE(rows[1].is_null());
  EXPECT_THROW(EvalRows(Call("subscript", {arr, I(5)}), *batch), ExecutionError);
  rows = EvalRows(Call("subscript", {arr, I(5)}), *batch, Ansi(false));
  EXPECT_TRUE(rows[0].is_null());
  rows = EvalRows(Call("subscript", {m, S("k")}), *batch);
  EXPECT_EQ(rows[0], Value::Int(7));
  rows = EvalRows(Call("subscript", {m, S("nope")}), *batch);
  EXPECT_TRUE(rows[0].is_null());
}

}  // namespace
}  // namespace sluice
