#include "sluice/types.h"

#include <gtest/gtest.h>

#include "sluice/exception.h"

namespace sluice {
namespace {

TEST(TypesTest, SimpleStringsFollowSpark) {
  EXPECT_EQ(IntegerType()->SimpleString(), "int");
  EXPECT_EQ(LongType()->SimpleString(), "bigint");
  EXPECT_EQ(DecimalType(10, 2)->SimpleString(), "decimal(10,2)");
  EXPECT_EQ(ArrayType(StringType())->SimpleString(), "array<string>");
  EXPECT_EQ(MapType(StringType(), IntegerType())->SimpleString(), "map<string,int>");
  auto s = StructType({StructField("a", IntegerType()), StructField("b", StringType())});
  EXPECT_EQ(s->SimpleString(), "struct<a:int,b:string>");
  EXPECT_EQ(s->Sql(), "STRUCT<a: INT, b: STRING>");
  EXPECT_EQ(s->ToDdl(), "a INT, b STRING");
}

TEST(TypesTest, ParsesSchemaDdl) {
  auto s = ParseSchema("user_id STRING, amount DOUBLE, metadata MAP<STRING,STRING>, ts timestamp");
  ASSERT_EQ(s->fields().size(), 4u);
  EXPECT_EQ(s->fields()[0].name, "user_id");
  EXPECT_EQ(s->fields()[1].type->id(), TypeId::kDouble);
  EXPECT_EQ(s->fields()[2].type->SimpleString(), "map<string,string>");
  EXPECT_EQ(s->fields()[3].type->id(), TypeId::kTimestamp);
}

TEST(TypesTest, ParsesNestedAndAliases) {
  EXPECT_EQ(ParseDataType("long")->id(), TypeId::kLong);
  EXPECT_EQ(ParseDataType("INTEGER")->id(), TypeId::kInt);
  EXPECT_EQ(ParseDataType("decimal(38, 10)")->scale(), 10);
  EXPECT_EQ(ParseDataType("decimal")->precision(), 10);
  EXPECT_EQ(ParseDataType("array<struct<a:int, `b c` string>>")->SimpleString(),
            "array<struct<a:int,b c:string>>");
  auto s = ParseSchema("STRUCT<a: INT NOT NULL, b: ARRAY<BIGINT>>");
  EXPECT_FALSE(s->fields()[0].nullable);
  EXPECT_EQ(ParseSchema("a int, b string")->fields().size(), 2u);
  EXPECT_EQ(ParseSchema("a int COMMENT 'the a', b string")->fields().size(), 2u);
}

TEST(TypesTest, RejectsBadDdlWithPosition) {
  EXPECT_THROW(ParseDataType("array<int"), ParseError);
  EXPECT_THROW(ParseDataType("foo"), ParseError);
  EXPECT_THROW(ParseSchema("a int,"), ParseError);
  EXPECT_THROW(ParseDataType("decimal(40,2)"), ParseError);
  try {
    ParseSchema("a int, b strin");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("strin"), std::string::npos);
  }
}

TEST(TypesTest, FieldIndexIsCaseInsensitiveFallback) {
  auto s = ParseSchema("Amount DOUBLE, amount2 INT");
  EXPECT_EQ(s->FieldIndex("amount"), 0);
  EXPECT_EQ(s->FieldIndex("AMOUNT2"), 1);
  EXPECT_EQ(s->FieldIndex("x"), -1);
}

}  // namespace
}  // namespace sluice
