#include "sluice/sluice.h"

#include <gtest/gtest.h>

#include <type_traits>
#include <utility>

namespace sluice {
namespace {

using namespace functions;

class DataFrameTest : public ::testing::Test {
 protected:
  Session spark = Session::builder().appName("test").config("spark.sql.shuffle.partitions", "3").getOrCreate();
  DataFrame people = spark.createDataFrame(
      {{Value::String("ann"), Value::Int(34), Value::String("FR")},
       {Value::String("bob"), Value::Int(19), Value::String("DE")},
       {Value::String("cy"), Value::Null(IntegerType()), Value::String("FR")},
       {Value::String("dee"), Value::Int(52), Value::Null(StringType())}},
      "name STRING, age INT, country STRING");

  static std::vector<std::string> Strings(const std::vector<Row>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.ToString());
    return out;
  }
};

TEST_F(DataFrameTest, SelectFilterWithColumn) {
  auto df = people.filter(col("age") > 20)
                .withColumn("older", col("age") + 1)
                .select(col("name"), col("older"))
                .orderBy({col("name")});
  EXPECT_EQ(Strings(df.collect()),
            (std::vector<std::string>{"Row(name='ann', older=35)", "Row(name='dee', older=53)"}));
  EXPECT_EQ(df.columns(), (std::vector<std::string>{"name", "older"}));
}

TEST_F(DataFrameTest, FilterStringAndSelectExprUseSparkNames) {
  auto df = people.filter("country = 'FR' AND age IS NOT NULL").selectExpr({"upper(name)", "age * 2"});
  EXPECT_EQ(df.columns(), (std::vector<std::string>{"upper(name)", "(age * 2)"}));
  auto rows = df.collect();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], Value::String("ANN"));
  EXPECT_EQ(rows[0][1], Value::Int(68));
}

TEST_F(DataFrameTest, GroupByAggregates) {
  auto df = people.groupBy({"country"})
                .agg({count("*").alias("n"), avg("age").alias("mean"), max(col("name")).alias("last")})
                .orderBy({col("country").asc_nulls_first()});
  EXPECT_EQ(Strings(df.collect()),
            (std::vector<std::string>{"Row(country=None, n=1, mean=52.0, last='dee')",
                                      "Row(country='DE', n=1, mean=19.0, last='bob')",
                                      "Row(country='FR', n=2, mean=34.0, last='cy')"}));
  EXPECT_EQ(people.count(), 4);
  EXPECT_EQ(people.agg({sum("age")}).collect()[0][0], Value::Long(105));
}

// min/max over strings and binary compare bytes (unsigned, as Spark orders them): a prefix sorts
// first, a byte >= 0x80 after ASCII; partial states merge after the shuffle the same way.
TEST_F(DataFrameTest, MinMaxOfStringsCompareBytes) {
  auto df = spark.createDataFrame({{Value::String("b"), Value::Int(1)},
                                   {Value::String("ab"), Value::Int(2)},
                                   {Value::String("a"), Value::Int(1)},
                                   {Value::String("\xc3\xa9"), Value::Int(2)},
                                   {Value::Null(StringType()), Value::Int(1)},
                                   {Value::String("z"), Value::Int(2)}},
                                  "s STRING, g INT");
  auto all = df.agg({min(col("s")).alias("lo"), max(col("s")).alias("hi"),
                     max(col("s").cast("binary")).alias("hib")})
                 .collect();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0][0], Value::String("a"));
  EXPECT_EQ(all[0][1], Value::String("\xc3\xa9"));
  EXPECT_EQ(all[0][2], Value::Binary("\xc3\xa9"));
  auto by = df.groupBy({"g"}).agg({min(col("s")).alias("lo"), max(col("s")).alias("hi")}).orderBy({col("g")});
  EXPECT_EQ(Strings(by.collect()), (std::vector<std::string>{"Row(g=1, lo='a', hi='b')",
                                                             "Row(g=2, lo='ab', hi='\xc3\xa9')"}));
}

// Builders called on a temporary (spark.read(), df.write(), df.writeStream()) return an rvalue, so
// `auto& r = spark.read().format(...)` (a reference to a dead temporary) does not compile, while
// `auto r = ...` and chaining keep working; on a named builder they return an lvalue reference.
static_assert(std::is_same_v<decltype(std::declval<DataFrameReader>().format("json")), DataFrameReader&&>);
static_assert(std::is_same_v<decltype(std::declval<DataFrameReader&>().format("json")), DataFrameReader&>);
static_assert(std::is_same_v<decltype(std::declval<DataStreamReader>().option("k", int64_t{1})), DataStreamReader&&>);
static_assert(std::is_same_v<decltype(std::declval<DataFrameWriter>().mode("append")), DataFrameWriter&&>);
static_assert(std::is_same_v<decltype(std::declval<DataStreamWriter>().queryName("q")), DataStreamWriter&&>);
static_assert(std::is_same_v<decltype(std::declval<DataStreamWriter&>().queryName("q")), DataStreamWriter&>);

TEST_F(DataFrameTest, BuilderFromATemporaryIsKeptByValue) {
  auto reader = spark.read().format("json").option("multiLine", "false");  // moved out of the temporary
  reader.option("mode", "PERMISSIVE");
  EXPECT_THROW(reader.load("/nonexistent/sluice-test-path"), SluiceError);
}

TEST_F(DataFrameTest, JoinsOnNamesAndConditions) {
  auto countries = spark.createDataFrame({{Value::String("FR"), Value::String("France")},
                                          {Value::String("IT"), Value::String("Italy")}},
                                         "country STRING, cname STRING");
  auto inner = people.join(countries, "country").select(col("name"), col("cname")).orderBy({col("name")});
  EXPECT_EQ(Strings(inner.collect()), (std::vector<std::string>{"Row(name='ann', cname='France')",
                                                                "Row(name='cy', cname='France')"}));
  auto left = people.alias("p")
                  .join(countries.alias("c"), expr("p.country = c.country"), "left_outer")
                  .select(col("p.name"), col("c.cname"))
                  .orderBy({col("name")});
  EXPECT_EQ(left.count(), 4);
  auto full = people.join(countries, std::vector<std::string>{"country"}, "full");
  EXPECT_EQ(full.count(), 5);
  EXPECT_EQ(full.columns().front(), "country");
  auto anti = people.join(countries, std::vector<std::string>{"country"}, "left_anti");
  EXPECT_EQ(anti.count(), 2);
}

TEST_F(DataFrameTest, UnionDistinctDropDuplicatesLimit) {
  auto twice = people.union_(people);
  EXPECT_EQ(twice.count(), 8);
  EXPECT_EQ(twice.distinct().count(), 4);
  EXPECT_EQ(twice.dropDuplicates({"country"}).count(), 3);
  EXPECT_EQ(people.limit(2).count(), 2);
}

TEST_F(DataFrameTest, TempViewsAndSql) {
  people.createOrReplaceTempView("people");
  auto rows = spark.sql("SELECT country, count(*) AS n FROM people WHERE age > 18 GROUP BY country "
                        "HAVING n >= 1 ORDER BY n DESC, country")
                  .collect();
  // Every group has n = 1 (cy's NULL age fails the filter); ties sort by country, NULL first.
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[0][0].is_null());
  EXPECT_EQ(rows[1][0], Value::String("DE"));
  EXPECT_EQ(rows[2][0], Value::String("FR"));
  EXPECT_EQ(rows[2][1], Value::Long(1));
}

TEST_F(DataFrameTest, ShowAndSchemaRendering) {
  auto df = people.select(col("name"), col("age")).limit(2);
  EXPECT_EQ(df.showString(),
            "+----+---+\n"
            "|name|age|\n"
            "+----+---+\n"
            "| ann| 34|\n"
            "| bob| 19|\n"
            "+----+---+\n");
  EXPECT_EQ(people.showString(1),
            "+----+---+-------+\n"
            "|name|age|country|\n"
            "+----+---+-------+\n"
            "| ann| 34|     FR|\n"
            "+----+---+-------+\n"
            "only showing top 1 row\n");
  EXPECT_EQ(people.schemaTreeString(),
            "root\n |-- name: string (nullable = true)\n |-- age: integer (nullable = true)\n"
            " |-- country: string (nullable = true)\n");
}

TEST_F(DataFrameTest, ErrorsNameTheProblem) {
  try {
    people.select(col("agee"));
    FAIL() << "expected AnalysisError";
  } catch (const AnalysisError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("UNRESOLVED_COLUMN"), std::string::npos) << m;
    EXPECT_NE(m.find("`age`"), std::string::npos) << m;
  }
  EXPECT_THROW(people.filter("name +"), ParseError);
  EXPECT_THROW(people.filter(col("name")), AnalysisError);
  EXPECT_THROW(people.groupBy({"country"}).agg({col("name")}), AnalysisError);
}

TEST_F(DataFrameTest, WhenOtherwiseAndNullSemantics) {
  auto df = people.select(
      when(col("age") < 20, lit("teen")).when(col("age") < 40, lit("adult")).otherwise(lit("other")).alias("band"),
      (col("age") > 30 && col("country") == "FR").alias("flag"));
  auto rows = df.collect();
  EXPECT_EQ(rows[0][0], Value::String("adult"));
  EXPECT_EQ(rows[1][0], Value::String("teen"));
  EXPECT_EQ(rows[2][0], Value::String("other"));  // NULL age: no WHEN matches
  EXPECT_TRUE(rows[2][1].is_null());              // NULL AND TRUE is NULL
  EXPECT_EQ(rows[1][1], Value::Boolean(false));   // FALSE AND TRUE
}

TEST_F(DataFrameTest, ActionsAreRejectedOnStreams) {
  auto stream = spark.memoryStream(ParseSchema("v INT"));
  auto df = stream.toDF();
  EXPECT_TRUE(df.isStreaming());
  EXPECT_THROW(df.collect(), AnalysisError);
  EXPECT_THROW(df.count(), AnalysisError);
  EXPECT_THROW(people.writeStream(), AnalysisError);
}

}  // namespace
}  // namespace sluice
