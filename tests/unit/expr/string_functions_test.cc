// Tests of the string functions (src/expr/functions/string_functions.cc) against Spark 4's
// documented results: NULL handling, UTF-8, regex edge cases, LIKE escapes, ANSI errors.
#include <gtest/gtest.h>

#include "columnar/record_batch.h"
#include "expr/evaluator.h"
#include "expr/expression.h"
#include "sluice/exception.h"
#include "function_test_support.h"

namespace sluice {
namespace {

using namespace function_test;

TEST(StringFunctionsTest, CaseMapping) {
  EXPECT_EQ(Str("lower", {S("SparkSql")}), "sparksql");
  EXPECT_EQ(Str("upper", {S("SparkSql")}), "SPARKSQL");
  EXPECT_EQ(Str("lcase", {S("ÄÖÜ Straße")}), "äöü straße");
  EXPECT_EQ(Str("ucase", {S("straße")}), "STRASSE");
  EXPECT_EQ(Str("lower", {I(1)}), "1");  // implicit cast
  EXPECT_TRUE(Call("lower", {NullStr()}).is_null());
  EXPECT_EQ(Str("initcap", {S("sPark sql")}), "Spark Sql");
}

TEST(StringFunctionsTest, LowerRejectsArrays) {
  auto arr = MakeCall("array", {I(1)});
  try {
    Call("lower", {arr});
    FAIL();
  } catch (const AnalysisError& e) {
    EXPECT_NE(std::string(e.what()).find("[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE]"), std::string::npos)
        << e.what();
  }
}

TEST(StringFunctionsTest, Concat) {
  EXPECT_EQ(Str("concat", {S("Spark"), S("SQL")}), "SparkSQL");
  EXPECT_TRUE(Call("concat", {S("a"), NullStr()}).is_null());
  EXPECT_EQ(Str("concat_ws", {S(" "), S("Spark"), S("SQL")}), "Spark SQL");
  EXPECT_EQ(Str("concat_ws", {S("s")}), "");
  EXPECT_EQ(Str("concat_ws", {S("/"), S("a"), NullStr(), S("b")}), "a/b");
  EXPECT_EQ(Str("concat_ws", {S(","), MakeCall("array", {S("x"), S("y")}), S("z")}), "x,y,z");
  EXPECT_TRUE(Call("concat_ws", {NullStr(), S("a")}).is_null());
}

TEST(StringFunctionsTest, Substring) {
  EXPECT_EQ(Str("substring", {S("Spark SQL"), I(5)}), "k SQL");
  EXPECT_EQ(Str("substring", {S("Spark SQL"), I(-3)}), "SQL");
  EXPECT_EQ(Str("substring", {S("Spark SQL"), I(5), I(1)}), "k");
  EXPECT_EQ(Str("substr", {S("Spark SQL"), I(0), I(2)}), "Sp");
  EXPECT_EQ(Str("substr", {S("Spark SQL"), I(1), I(2)}), "Sp");
  EXPECT_EQ(Str("substr", {S("Spark SQL"), I(-100), I(2)}), "");
  EXPECT_EQ(Str("substr", {S("Spark SQL"), I(-10), I(3)}), "Sp");
  EXPECT_EQ(Str("substr", {S("Spark SQL"), I(100)}), "");
  EXPECT_EQ(Str("substring", {S("héllo wörld"), I(2), I(4)}), "éllo");
  EXPECT_EQ(Str("left", {S("Spark SQL"), I(3)}), "Spa");
  EXPECT_EQ(Str("left", {S("Spark SQL"), I(-1)}), "");
  EXPECT_EQ(Str("right", {S("Spark SQL"), I(3)}), "SQL");
  EXPECT_EQ(Str("right", {S("Spark SQL"), I(0)}), "");
}

TEST(StringFunctionsTest, Length) {
  EXPECT_EQ(Call("length", {S("Spark SQL ")}).GetInt64(), 10);
  EXPECT_EQ(Call("char_length", {S("héllo")}).GetInt64(), 5);
  EXPECT_EQ(Call("character_length", {S("日本語")}).GetInt64(), 3);
  EXPECT_EQ(Call("octet_length", {S("日本語")}).GetInt64(), 9);
  EXPECT_TRUE(Call("length", {NullStr()}).is_null());
}

TEST(StringFunctionsTest, Trim) {
  EXPECT_EQ(Str("trim", {S("    SparkSQL   ")}), "SparkSQL");
  EXPECT_EQ(Str("trim", {S("\tSparkSQL ")}), "\tSparkSQL");  // spaces only
  EXPECT_EQ(Str("trim", {S("SSparkSQLS"), S("SL")}), "parkSQ");
  EXPECT_EQ(Str("ltrim", {S("    SparkSQL   ")}), "SparkSQL   ");
  EXPECT_EQ(Str("rtrim", {S("    SparkSQL   ")}), "    SparkSQL");
  EXPECT_EQ(Str("ltrim", {S("ééabcé"), S("é")}), "abcé");
}

TEST(StringFunctionsTest, Split) {
  Value v = Call("split", {S("oneAtwoBthreeC"), S("[ABC]")});
  ASSERT_EQ(v.children().size(), 4u);
  EXPECT_EQ(v.children()[2].GetString(), "three");
  EXPECT_EQ(v.children()[3].GetString(), "");
  v = Call("split", {S("oneAtwoBthreeC"), S("[ABC]"), I(2)});
  ASSERT_EQ(v.children().size(), 2u);
  EXPECT_EQ(v.children()[1].GetString(), "twoBthreeC");
  v = Call("split", {S("abc"), S("")});
  ASSERT_EQ(v.children().size(), 3u);
  EXPECT_EQ(v.children()[2].GetString(), "c");
  v = Call("split", {S("a,b,,"), S(",")});
  EXPECT_EQ(v.children().size(), 4u);
  v = Call("split", {S(""), S(",")});
  ASSERT_EQ(v.children().size(), 1u);
  EXPECT_EQ(v.children()[0].GetString(), "");
  EXPECT_TRUE(Call("split", {NullStr(), S(",")}).is_null());
}

TEST(StringFunctionsTest, RegexpExtract) {
  EXPECT_EQ(Str("regexp_extract", {S("100-200"), S("(\\d+)-(\\d+)"), I(1)}), "100");
  EXPECT_EQ(Str("regexp_extract", {S("100-200"), S("(\\d+)-(\\d+)"), I(2)}), "200");
  EXPECT_EQ(Str("regexp_extract", {S("100-200"), S("(\\d+)-(\\d+)")}), "100");
  EXPECT_EQ(Str("regexp_extract", {S("foo"), S("(\\d+)"), I(1)}), "");
  EXPECT_EQ(Str("regexp_extract", {S("ab"), S("(a)|(b)"), I(2)}), "");  // group did not match
  EXPECT_EQ(Str("regexp_extract", {S("x=1"), S("(?<k>\\w)=(?<v>\\d)"), I(2)}), "1");
  EXPECT_EQ(Str("regexp_extract", {S("abcXYZ"), S("\\p{Upper}+"), I(0)}), "XYZ");
  try {
    Call("regexp_extract", {S("100-200"), S("(\\d+)"), I(2)});
    FAIL();
  } catch (const ExecutionError& e) {
    EXPECT_NE(std::string(e.what()).find("REGEX_GROUP_INDEX"), std::string::npos);
  }
  EXPECT_THROW(Call("regexp_extract", {S("a"), S("(unclosed"), I(1)}), SluiceError);
  Value all = Call("regexp_extract_all", {S("100-200, 300-400"), S("(\\d+)-(\\d+)"), I(1)});
  ASSERT_EQ(all.children().size(), 2u);
  EXPECT_EQ(all.children()[1].GetString(), "300");
}

TEST(StringFunctionsTest, RegexPerRowPatterns) {
  auto out = CallColumns("regexp_extract", {StringType(), StringType(), IntegerType()},
                         {{Value::String("a1b22"), Value::String("(\\d+)"), Value::Int(1)},
                          {Value::String("a1b22"), Value::String("([a-z])"), Value::Int(0)},
                          {Value::Null(StringType()), Value::String("x"), Value::Int(0)}});
  EXPECT_EQ(out[0].GetString(), "1");
  EXPECT_EQ(out[1].GetString(), "a");
  EXPECT_TRUE(out[2].is_null());
}

TEST(StringFunctionsTest, RegexpReplaceAndLike) {
  EXPECT_EQ(Str("regexp_replace", {S("100-200"), S("(\\d+)"), S("num")}), "num-num");
  EXPECT_EQ(Str("regexp_replace", {S("100-200"), S("(\\d+)-(\\d+)"), S("$2-$1")}), "200-100");
  EXPECT_EQ(Str("regexp_replace", {S("abc"), S(""), S("-")}), "-a-b-c-");
  EXPECT_EQ(Str("regexp_replace", {S("aaa"), S("a"), S("b"), I(2)}), "abb");
  EXPECT_TRUE(Call("rlike", {S("%SystemDrive%\\Users\\John"), S("%SystemDrive%\\\\Users.*")}).GetBool());
  EXPECT_TRUE(Call("regexp_like", {S("abc"), S("b")}).GetBool());
  EXPECT_FALSE(Call("regexp", {S("abc"), S("^b")}).GetBool());
  EXPECT_EQ(Call("regexp_count", {S("Steven Jones and Stephen Smith"), S("Ste(v|ph)en")}).GetInt64(), 2);
}

TEST(StringFunctionsTest, Like) {
  EXPECT_TRUE(Call("like", {S("Spark"), S("_park")}).GetBool());
  EXPECT_TRUE(Call("like", {S("Spark"), S("Sp%")}).GetBool());
  EXPECT_TRUE(Call("like", {S("Spark"), S("%ark")}).GetBool());
  EXPECT_TRUE(Call("like", {S("Spark"), S("%par%")}).GetBool());
  EXPECT_FALSE(Call("like", {S("Spark"), S("spark")}).GetBool());
  EXPECT_TRUE(Call("like", {S("a\nb"), S("a%b")}).GetBool());
  EXPECT_TRUE(Call("like", {S("50%"), S("50\\%")}).GetBool());
  EXPECT_FALSE(Call("like", {S("500"), S("50\\%")}).GetBool());
  EXPECT_TRUE(Call("like", {S("%SystemDrive%/Users/John"), S("/%SystemDrive/%//Users%"), S("/")}).GetBool());
  EXPECT_TRUE(Call("like", {S("a.c"), S("a.c")}).GetBool());
  EXPECT_FALSE(Call("like", {S("abc"), S("a.c")}).GetBool());
  EXPECT_TRUE(Call("ilike", {S("Spark"), S("_PARK")}).GetBool());
  EXPECT_THROW(Call("like", {S("a"), S("a\\")}), SluiceError);
  EXPECT_TRUE(Call("like", {NullStr(), S("a")}).is_null());
  auto out = CallColumns("like", {StringType(), StringType()},
                         {{Value::String("abc"), Value::String("a_c")},
                          {Value::String("abc"), Value::String("b%")}});
  EXPECT_TRUE(out[0].GetBool());
  EXPECT_FALSE(out[1].GetBool());
}

TEST(StringFunctionsTest, PadReplaceTranslate) {
  EXPECT_EQ(Str("lpad", {S("hi"), I(5), S("??")}), "???hi");
  EXPECT_EQ(Str("lpad", {S("hi"), I(1), S("??")}), "h");
  EXPECT_EQ(Str("lpad", {S("hi"), I(5)}), "   hi");
  EXPECT_EQ(Str("rpad", {S("hi"), I(5), S("??")}), "hi???");
  EXPECT_EQ(Str("rpad", {S("hi"), I(5), S("")}), "hi");
  EXPECT_EQ(Str("replace", {S("ABCabc"), S("abc"), S("DEF")}), "ABCDEF");
  EXPECT_EQ(Str("replace", {S("ABCabc"), S("abc")}), "ABC");
  EXPECT_EQ(Str("translate", {S("AaBbCc"), S("abc"), S("123")}), "A1B2C3");
  EXPECT_EQ(Str("translate", {S("AaBbCc"), S("abc"), S("1")}), "A1BC");
}

TEST(StringFunctionsTest, Search) {
  EXPECT_EQ(Call("instr", {S("SparkSQL"), S("SQL")}).GetInt64(), 6);
  EXPECT_EQ(Call("instr", {S("SparkSQL"), S("x")}).GetInt64(), 0);
  EXPECT_EQ(Call("locate", {S("bar"), S("foobarbar")}).GetInt64(), 4);
  EXPECT_EQ(Call("locate", {S("bar"), S("foobarbar"), I(5)}).GetInt64(), 7);
  EXPECT_EQ(Call("locate", {S("bar"), S("foobarbar"), I(0)}).GetInt64(), 0);
  EXPECT_EQ(Call("position", {S("bar"), S("foobarbar")}).GetInt64(), 4);
  EXPECT_EQ(Call("locate", {S("ö"), S("äöü")}).GetInt64(), 2);
  EXPECT_EQ(Call("locate", {S("a"), S("b"), MakeLiteral(Value::Null(IntegerType()))}).GetInt64(), 0);
  EXPECT_TRUE(Call("startswith", {S("Spark SQL"), S("Spark")}).GetBool());
  EXPECT_FALSE(Call("endswith", {S("Spark SQL"), S("Spark")}).GetBool());
  EXPECT_TRUE(Call("contains", {S("Spark SQL"), S("k S")}).GetBool());
}

TEST(StringFunctionsTest, MiscStrings) {
  EXPECT_EQ(Str("reverse", {S("Spark SQL")}), "LQS krapS");
  EXPECT_EQ(Str("reverse", {S("añb")}), "bña");
  EXPECT_EQ(Str("repeat", {S("123"), I(2)}), "123123");
  EXPECT_EQ(Call("ascii", {S("222")}).GetInt64(), 50);
  EXPECT_EQ(Call("ascii", {I(2)}).GetInt64(), 50);
  EXPECT_EQ(Str("chr", {I(65)}), "A");
  EXPECT_EQ(Str("chr", {I(321)}), "A");
  EXPECT_EQ(Str("chr", {I(-1)}), "");
  EXPECT_EQ(Str("split_part", {S("11.12.13"), S("."), I(3)}), "13");
  EXPECT_EQ(Str("split_part", {S("11.12.13"), S("."), I(-1)}), "13");
  EXPECT_EQ(Str("split_part", {S("11.12.13"), S("."), I(5)}), "");
  EXPECT_THROW(Call("split_part", {S("11.12.13"), S("."), I(0)}), ExecutionError);
  EXPECT_EQ(Str("elt", {I(1), S("scala"), S("java")}), "scala");
  EXPECT_THROW(Call("elt", {I(3), S("scala"), S("java")}), ExecutionError);
  EXPECT_TRUE(Call("elt", {I(3), S("scala"), S("java")}, Ctx(false)).is_null());
}

TEST(StringFunctionsTest, Encodings) {
  EXPECT_EQ(Str("base64", {S("Spark SQL")}), "U3BhcmsgU1FM");
  EXPECT_EQ(Call("unbase64", {S("U3BhcmsgU1FM")}).GetString(), "Spark SQL");
  EXPECT_EQ(Str("hex", {I(17)}), "11");
  EXPECT_EQ(Str("hex", {S("Spark SQL")}), "537061726B2053514C");
  EXPECT_EQ(Str("hex", {MakeLiteral(Value::Long(-1))}), "FFFFFFFFFFFFFFFF");
  EXPECT_EQ(Call("unhex", {S("537061726B2053514C")}).GetString(), "Spark SQL");
  EXPECT_TRUE(Call("unhex", {S("GG")}).is_null());
  EXPECT_EQ(Str("md5", {S("Spark")}), "8cde774d6f7333752ed72cacddb05126");
  EXPECT_EQ(Str("sha1", {S("Spark")}), "85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c");
  EXPECT_EQ(Str("sha2", {S("Spark"), I(256)}),
            "529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b");
  EXPECT_EQ(Str("sha2", {S("abc"), I(224)}), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  EXPECT_EQ(Str("sha2", {S("abc"), I(384)}),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(Str("sha2", {S("abc"), I(512)}),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
            "454d4423643ce80e2a9ac94fa54ca49f");
  EXPECT_TRUE(Call("sha2", {S("abc"), I(1)}).is_null());
  EXPECT_EQ(Call("crc32", {S("Spark")}).GetInt64(), 1557323817);
}

TEST(StringFunctionsTest, FormatNumberAndString) {
  EXPECT_EQ(Str("format_number", {MakeLiteral(Value::Double(12332.123456)), I(4)}), "12,332.1235");
  EXPECT_EQ(Str("format_number", {MakeLiteral(Value::Long(1234567)), I(0)}), "1,234,567");
  EXPECT_EQ(Str("format_number", {MakeLiteral(Value::Double(0.125)), I(2)}), "0.12");
  EXPECT_EQ(Str("format_number", {MakeLiteral(Value::Decimal(-123456, 10, 2)), I(1)}), "-1,234.6");
  EXPECT_TRUE(Call("format_number", {MakeLiteral(Value::Double(1)), I(-1)}).is_null());
  EXPECT_EQ(Str("format_string", {S("Hello World %d %s"), I(100), S("days")}), "Hello World 100 days");
  EXPECT_EQ(Str("printf", {S("%5.2f|%-4d|%05d|%x|%%"), MakeLiteral(Value::Double(3.14159)), I(7), I(42), I(255)}),
            " 3.14|7   |00042|ff|%");
  EXPECT_EQ(Str("format_string", {S("%2$s %1$s"), S("a"), S("b")}), "b a");
  EXPECT_EQ(Str("format_string", {S("%s"), NullStr()}), "null");
}

}  // namespace
}  // namespace sluice
