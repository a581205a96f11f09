#include "formats/json/json_reader.h"

#include <gtest/gtest.h>

#include <random>

#include "sluice/exception.h"

namespace sluice {
namespace {

std::vector<std::vector<Value>> ReadRows(const TypePtr& schema, std::string_view text,
                                         const OptionMap& opts = {}, ReadCounts* counts = nullptr) {
  JsonReader reader(schema, JsonOptions::FromMap(opts));
  reader.OpenString(text, "/x/a.json");
  std::vector<std::vector<Value>> rows;
  while (auto b = reader.Next()) {
    for (size_t i = 0; i < b->num_rows(); ++i) rows.push_back(b->GetRow(i));
  }
  if (counts) *counts = reader.counts();
  return rows;
}

TEST(JsonReaderTest, BasicTypes) {
  auto schema = ParseSchema("a INT, b STRING, c DOUBLE, d BOOLEAN, e BIGINT");
  auto rows = ReadRows(schema,
                       "{\"a\":1,\"b\":\"x\",\"c\":1.5,\"d\":true,\"e\":9007199254740993}\n"
                       "{\"e\":-1,\"d\":false,\"c\":2,\"b\":null,\"a\":-7}\n"
                       "\n"
                       "   \n"
                       "{}\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], Value::Int(1));
  EXPECT_EQ(rows[0][1], Value::String("x"));
  EXPECT_EQ(rows[0][2], Value::Double(1.5));
  EXPECT_EQ(rows[0][3], Value::Boolean(true));
  EXPECT_EQ(rows[0][4], Value::Long(9007199254740993LL));
  EXPECT_EQ(rows[1][0], Value::Int(-7));
  EXPECT_TRUE(rows[1][1].is_null());
  EXPECT_EQ(rows[1][2], Value::Double(2.0));
  for (const auto& v : rows[2]) EXPECT_TRUE(v.is_null());
}

}  // namespace
}  // namespace sluice
