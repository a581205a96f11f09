// Tests of the collection and struct functions (src/expr/functions/collection_functions.cc) with
// Spark 4's documented examples, ANSI vs legacy index errors and size(NULL).
#include <gtest/gtest.h>

#include "columnar/record_batch.h"
#include "expr/evaluator.h"
#include "expr/expression.h"
#include "sluice/exception.h"
#include "function_test_support.h"

namespace sluice {
namespace {

using namespace function_test;


/// Spark's CAST(result AS STRING) rendering of fn(args).
std::string Render(const std::string& fn, std::vector<ExprPtr> args, const EvalContext& ctx = Ctx()) {
  return Call(fn, std::move(args), ctx).ToString();
}

TEST(CollectionFunctionsTest, Constructors) {
  EXPECT_EQ(Render("array", {I(1), I(2), I(3)}), "[1, 2, 3]");
  EXPECT_EQ(Render("array", {I(1), L(2)}), "[1, 2]");
  EXPECT_EQ(Call("array", {I(1), L(2)}).type()->element_type()->id(), TypeId::kLong);
  EXPECT_EQ(Render("named_struct", {S("a"), I(1), S("b"), S("x")}), "{1, x}");
  EXPECT_EQ(Render("map", {I(1), S("a"), I(2), S("b")}), "{1 -> a, 2 -> b}");
  EXPECT_THROW(Call("map", {I(1), S("a"), I(1), S("b")}), ExecutionError);
  EXPECT_THROW(Call("map", {MakeLiteral(Value::Null(IntegerType())), S("a")}), ExecutionError);
  EXPECT_EQ(Render("map_from_arrays", {F("array", {I(1), I(3)}), F("array", {S("2"), S("4")})}), "{1 -> 2, 3 -> 4}");
  // struct() names fields after columns and aliases, colN otherwise.
  EvalContext ctx = Ctx();
  auto schema = StructType({StructField("user", StringType()), StructField("n", IntegerType())});
  auto batch = RecordBatch::FromRows(schema, {{Value::String("u1"), Value::Int(5)}});
  ExprPtr call = MakeCall("struct", {MakeBoundColumn(0, StringType(), "user"),
                                     MakeAlias(MakeBoundColumn(1, IntegerType(), "n"), "count"),
                                     MakeLiteral(Value::Int(7))});
  ExprPtr bound = BindTree(call, ctx);
  ASSERT_EQ(bound->type->fields().size(), 3u);
  EXPECT_EQ(bound->type->fields()[0].name, "user");
  EXPECT_EQ(bound->type->fields()[1].name, "count");
  EXPECT_EQ(bound->type->fields()[2].name, "col3");
  EXPECT_EQ(Evaluate(*bound, *batch, ctx)->GetValue(0).ToString(), "{u1, 5, 7}");
}

TEST(CollectionFunctionsTest, ElementAtAndSize) {
  ExprPtr arr = F("array", {I(1), I(2), I(3)});
  EXPECT_EQ(Call("element_at", {arr, I(2)}).GetInt64(), 2);
  EXPECT_EQ(Call("element_at", {F("array", {I(1), I(2), I(3)}), I(-1)}).GetInt64(), 3);
  try {
    Call("element_at", {F("array", {I(1), I(2), I(3)}), I(5)});
    FAIL();
  } catch (const ExecutionError& e) {
    EXPECT_NE(std::string(e.what()).find("[INVALID_ARRAY_INDEX_IN_ELEMENT_AT]"), std::string::npos);
  }
  EXPECT_TRUE(Call("element_at", {F("array", {I(1), I(2), I(3)}), I(5)}, Ctx(false)).is_null());
  EXPECT_THROW(Call("element_at", {F("array", {I(1)}), I(0)}), ExecutionError);
  EXPECT_TRUE(Call("try_element_at", {F("array", {I(1)}), I(5)}).is_null());
  EXPECT_EQ(Call("element_at", {F("map", {I(1), S("a"), I(2), S("b")}), I(2)}).GetString(), "b");
  EXPECT_TRUE(Call("element_at", {F("map", {I(1), S("a"), I(2), S("b")}), I(3)}).is_null());
  EXPECT_EQ(Call("size", {F("array", {S("b"), S("d"), S("c"), S("a")})}).GetInt64(), 4);
  EXPECT_EQ(Call("cardinality", {F("map", {S("a"), I(1), S("b"), I(2)})}).GetInt64(), 2);
  ExprPtr null_arr = MakeLiteral(Value::Null(ArrayType(IntegerType())));
  EXPECT_TRUE(Call("size", {null_arr}).is_null());
  EXPECT_EQ(Call("size", {null_arr}, Ctx(false)).GetInt64(), -1);
  EXPECT_EQ(Call("get", {F("array", {I(1), I(2)}), I(0)}).GetInt64(), 1);
  EXPECT_TRUE(Call("get", {F("array", {I(1), I(2)}), I(2)}).is_null());
}

TEST(CollectionFunctionsTest, ArrayFunctions) {
  ExprPtr null_int = MakeLiteral(Value::Null(IntegerType()));
  EXPECT_TRUE(Call("array_contains", {F("array", {I(1), I(2), I(3)}), I(2)}).GetBool());
  EXPECT_FALSE(Call("array_contains", {F("array", {I(1), I(2), I(3)}), I(5)}).GetBool());
  EXPECT_TRUE(Call("array_contains", {F("array", {I(1), null_int}), I(5)}).is_null());
  EXPECT_EQ(Render("array_distinct", {F("array", {I(1), I(2), I(3), null_int, I(3)})}), "[1, 2, 3, null]");
  EXPECT_EQ(Call("array_join", {F("array", {S("hello"), S("world")}), S(" ")}).GetString(), "hello world");
  EXPECT_EQ(Call("array_join", {F("array", {S("hello"), NullStr(), S("world")}), S(" "), S(",")}).GetString(),
            "hello , world");
  EXPECT_EQ(Call("array_join", {F("array", {S("hello"), NullStr(), S("world")}), S(" ")}).GetString(), "hello world");
  EXPECT_EQ(Call("array_max", {F("array", {I(1), I(20), null_int, I(3)})}).GetInt64(), 20);
  EXPECT_EQ(Call("array_min", {F("array", {I(1), I(20), null_int, I(3)})}).GetInt64(), 1);
  EXPECT_EQ(Call("array_position", {F("array", {I(312), I(773), I(708), I(708)}), I(708)}).GetInt64(), 3);
  EXPECT_EQ(Call("array_position", {F("array", {I(312)}), I(1)}).GetInt64(), 0);
  EXPECT_EQ(Render("array_remove", {F("array", {I(1), I(2), I(3), null_int, I(3)}), I(3)}), "[1, 2, null]");
  EXPECT_EQ(Render("array_sort", {F("array", {S("b"), S("d"), NullStr(), S("c"), S("a")})}), "[a, b, c, d, null]");
  EXPECT_EQ(Render("sort_array", {F("array", {S("b"), S("d"), NullStr(), S("c"), S("a")}),
                                  MakeLiteral(Value::Boolean(true))}),
            "[null, a, b, c, d]");
  EXPECT_EQ(Render("sort_array", {F("array", {S("b"), S("d"), NullStr(), S("c"), S("a")}),
                                  MakeLiteral(Value::Boolean(false))}),
            "[d, c, b, a, null]");
  EXPECT_EQ(Render("flatten", {F("array", {F("array", {I(1), I(2)}), F("array", {I(3), I(4)})})}), "[1, 2, 3, 4]");
  EXPECT_EQ(Render("slice", {F("array", {I(1), I(2), I(3), I(4)}), I(2), I(2)}), "[2, 3]");
  EXPECT_EQ(Render("slice", {F("array", {I(1), I(2), I(3), I(4)}), I(-2), I(2)}), "[3, 4]");
  EXPECT_EQ(Render("slice", {F("array", {I(1), I(2)}), I(5), I(2)}), "[]");
  EXPECT_THROW(Call("slice", {F("array", {I(1), I(2)}), I(0), I(2)}), ExecutionError);
  EXPECT_EQ(Render("reverse", {F("array", {I(2), I(1), I(4), I(3)})}), "[3, 4, 1, 2]");
  EXPECT_EQ(Render("concat", {F("array", {I(1), I(2)}), F("array", {I(3)})}), "[1, 2, 3]");
  EXPECT_EQ(Render("sequence", {I(1), I(5)}), "[1, 2, 3, 4, 5]");
  EXPECT_EQ(Render("sequence", {I(5), I(1)}), "[5, 4, 3, 2, 1]");
  EXPECT_EQ(Render("arrays_zip", {F("array", {I(1), I(2)}), F("array", {I(2), I(3), I(4)})}),
            "[{1, 2}, {2, 3}, {null, 4}]");
}

TEST(CollectionFunctionsTest, MapFunctions) {
  EXPECT_EQ(Render("map_keys", {F("map", {I(1), S("a"), I(2), S("b")})}), "[1, 2]");
  EXPECT_EQ(Render("map_values", {F("map", {I(1), S("a"), I(2), S("b")})}), "[a, b]");
  EXPECT_EQ(Render("map_entries", {F("map", {I(1), S("a"), I(2), S("b")})}), "[{1, a}, {2, b}]");
  EXPECT_TRUE(Call("map_contains_key", {F("map", {I(1), S("a"), I(2), S("b")}), I(1)}).GetBool());
  EXPECT_FALSE(Call("map_contains_key", {F("map", {I(1), S("a"), I(2), S("b")}), I(3)}).GetBool());
}

}  // namespace
}  // namespace sluice
