// Tests of the JSON functions (src/expr/functions/json_functions.cc) with Spark 4's documented
// examples: from_json (PERMISSIVE malformed input), to_json, get_json_object paths and the rest.
#include <gtest/gtest.h>

#include "columnar/record_batch.h"
#include "expr/evaluator.h"
#include "expr/expression.h"
#include "sluice/exception.h"
#include "function_test_support.h"

namespace sluice {
namespace {

using namespace function_test;


TEST(JsonFunctionsTest, FromJson) {
  Value v = Call("from_json", {S("{\"a\":1, \"b\":0.8}"), S("a INT, b DOUBLE")});
  EXPECT_EQ(v.ToString(), "{1, 0.8}");
  v = Call("from_json", {S("{\"time\":\"26/08/2015\"}"), S("time Timestamp"),
                         F("map", {S("timestampFormat"), S("dd/MM/yyyy")})});
  EXPECT_EQ(v.ToString(), "{2015-08-26 00:00:00}");
  v = Call("from_json", {S("{\"teacher\": \"Alice\", \"student\": [{\"name\": \"Bob\", \"rank\": 1}, "
                           "{\"name\": \"Charlie\", \"rank\": 2}]}"),
                         S("STRUCT<teacher: STRING, student: ARRAY<STRUCT<name: STRING, rank: INT>>>")});
  EXPECT_EQ(v.ToString(), "{Alice, [{Bob, 1}, {Charlie, 2}]}");
  v = Call("from_json", {S("{\"a\" 1"), S("a INT, b STRING")});
  ASSERT_FALSE(v.is_null());
  EXPECT_EQ(v.ToString(), "{null, null}");
  EXPECT_TRUE(Call("from_json", {NullStr(), S("a INT")}).is_null());
  EXPECT_EQ(Call("from_json", {S("[1,2]"), S("ARRAY<INT>")}).ToString(), "[1, 2]");
  EXPECT_EQ(Call("from_json", {S("{\"k\":5}"), S("MAP<STRING,INT>")}).ToString(), "{k -> 5}");
  EXPECT_THROW(Call("from_json", {S("{}"), S("a INTT,,")}), AnalysisError);
}

TEST(JsonFunctionsTest, ToJson) {
  EXPECT_EQ(Str("to_json", {F("named_struct", {S("a"), I(1), S("b"), I(2)})}), "{\"a\":1,\"b\":2}");
  EXPECT_EQ(Str("to_json", {F("map", {S("a"), F("named_struct", {S("b"), I(1)})})}), "{\"a\":{\"b\":1}}");
  EXPECT_EQ(Str("to_json", {F("array", {F("named_struct", {S("a"), I(1), S("b"), I(2)})})}),
            "[{\"a\":1,\"b\":2}]");
  EXPECT_EQ(Str("to_json", {F("named_struct", {S("a"), I(1), S("b"), NullStr()})}), "{\"a\":1}");
  EXPECT_THROW(Call("to_json", {I(1)}), AnalysisError);
}

TEST(JsonFunctionsTest, GetJsonObject) {
  EXPECT_EQ(Str("get_json_object", {S("{\"a\":\"b\"}"), S("$.a")}), "b");
  std::string doc = "{\"a\":{\"b\":[10, {\"c\": true}, \"x\"]}, \"d\": 1.50}";
  EXPECT_EQ(Str("get_json_object", {S(doc), S("$.a.b[0]")}), "10");
  EXPECT_EQ(Str("get_json_object", {S(doc), S("$.a.b[1]")}), "{\"c\":true}");
  EXPECT_EQ(Str("get_json_object", {S(doc), S("$.a.b[1].c")}), "true");
  EXPECT_EQ(Str("get_json_object", {S(doc), S("$['a'].b[2]")}), "x");
  EXPECT_EQ(Str("get_json_object", {S(doc), S("$.a")}), "{\"b\":[10,{\"c\":true},\"x\"]}");
  EXPECT_EQ(Str("get_json_object", {S(doc), S("$.a.b[*]")}), "[10,{\"c\":true},\"x\"]");
  EXPECT_TRUE(Call("get_json_object", {S(doc), S("$.zz")}).is_null());
  EXPECT_TRUE(Call("get_json_object", {S(doc), S("a.b")}).is_null());
  EXPECT_TRUE(Call("get_json_object", {S("{bad"), S("$.a")}).is_null());
  EXPECT_TRUE(Call("get_json_object", {S("{\"a\":null}"), S("$.a")}).is_null());
}

TEST(JsonFunctionsTest, JsonTextFunctions) {
  EXPECT_EQ(Call("json_array_length", {S("[1,2,3,4]")}).GetInt64(), 4);
  EXPECT_EQ(Call("json_array_length", {S("[1,2,3,{\"f1\":1,\"f2\":[5,6]},4]")}).GetInt64(), 5);
  EXPECT_EQ(Call("json_array_length", {S("[]")}).GetInt64(), 0);
  EXPECT_TRUE(Call("json_array_length", {S("[1,2")}).is_null());
  EXPECT_TRUE(Call("json_array_length", {S("{}")}).is_null());
  EXPECT_EQ(Call("json_object_keys", {S("{}")}).ToString(), "[]");
  EXPECT_EQ(Call("json_object_keys", {S("{\"key\": \"value\"}")}).ToString(), "[key]");
  EXPECT_EQ(Call("json_object_keys", {S("{\"f1\":\"abc\",\"f2\":{\"f3\":\"a\", \"f4\":\"b\"}}")}).ToString(),
            "[f1, f2]");
  EXPECT_TRUE(Call("json_object_keys", {S("[1]")}).is_null());
  EXPECT_EQ(Str("schema_of_json", {S("[{\"col\":0}]")}), "ARRAY<STRUCT<col: BIGINT>>");
  EXPECT_EQ(Str("schema_of_json", {S("{\"b\":[1.5, 2], \"a\":null}")}), "STRUCT<a: STRING, b: ARRAY<DOUBLE>>");
}

}  // namespace
}  // namespace sluice
