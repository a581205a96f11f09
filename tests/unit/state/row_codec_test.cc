#include <gtest/gtest.h>

#include "columnar/record_batch.h"
#include "sluice/exception.h"
#include "state/row_codec.h"

namespace sluice {
namespace {

TEST(RowCodecTest, RoundTripsEveryTypeWithNulls) {
  TypePtr schema = ParseSchema(
      "b BOOLEAN, i INT, l BIGINT, d DOUBLE, dec DECIMAL(20,2), s STRING, ts TIMESTAMP, "
      "st STRUCT<x: INT, y: STRING>, a ARRAY<STRING>, m MAP<STRING, BIGINT>");
  TypePtr st = schema->fields()[7].type, at = schema->fields()[8].type, mt = schema->fields()[9].type;
  std::vector<std::vector<Value>> rows = {
      {Value::Boolean(true), Value::Int(-7), Value::Long(1LL << 40), Value::Double(2.5),
       Value::Decimal(12345, 20, 2), Value::String("héllo"), Value::Timestamp(1700000000000000),
       Value::Struct(st, {Value::Int(1), Value::String("a")}),
       Value::Array(at, {Value::String("x"), Value::Null(DataType::String()), Value::String("")}),
       Value::Map(mt, {Value::String("k")}, {Value::Long(9)})},
      {Value::Null(DataType::Boolean()), Value::Null(DataType::Int()), Value::Null(DataType::Long()),
       Value::Null(DataType::Double()), Value::Null(schema->fields()[4].type), Value::Null(DataType::String()),
       Value::Null(DataType::Timestamp()), Value::Null(st), Value::Null(at), Value::Null(mt)},
      {Value::Boolean(false), Value::Int(0), Value::Long(0), Value::Double(-0.5),
       Value::Decimal(-1, 20, 2), Value::String(""), Value::Timestamp(0),
       Value::Struct(st, {Value::Null(DataType::Int()), Value::Null(DataType::String())}),
       Value::Array(at, {}), Value::Map(mt, {}, {})},
  };
  auto batch = RecordBatch::FromRows(schema, rows);
  std::vector<std::string> encoded;
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string e;
    RowCodec::EncodeRow(batch->columns(), r, &e);
    encoded.push_back(e);
  }
  std::vector<VectorPtr> cols;
  for (const auto& f : schema->fields()) cols.push_back(std::make_shared<Vector>(f.type));
  for (const auto& e : encoded) {
    std::string_view v = e;
    RowCodec::DecodeRow(&v, cols, "test");
    EXPECT_TRUE(v.empty());
  }
  auto back = RecordBatch::Make(schema, cols, rows.size());
  for (size_t r = 0; r < rows.size(); ++r) EXPECT_EQ(back->GetRow(r), rows[r]) << r;
  // Equal values encode equally; different values differently.
  std::string a, b;
  RowCodec::EncodeRow(batch->columns(), 0, &a);
  RowCodec::EncodeRow(back->columns(), 0, &b);
  EXPECT_EQ(a, b);
  EXPECT_NE(encoded[0], encoded[2]);
}

TEST(RowCodecTest, TruncatedDataFailsNamingTheSource) {
  TypePtr schema = ParseSchema("s STRING, l BIGINT");
  auto batch = RecordBatch::FromRows(schema, {{Value::String("abcdef"), Value::Long(5)}});
  std::string e;
  RowCodec::EncodeRow(batch->columns(), 0, &e);
  for (size_t cut = 0; cut < e.size(); ++cut) {
    std::vector<VectorPtr> cols = {std::make_shared<Vector>(DataType::String()),
                                   std::make_shared<Vector>(DataType::Long())};
    std::string_view v(e.data(), cut);
    try {
      RowCodec::DecodeRow(&v, cols, "store-x");
      FAIL() << "no error at cut " << cut;
    } catch (const IoError& err) {
      EXPECT_NE(std::string(err.what()).find("store-x"), std::string::npos);
    }
  }
}

TEST(RowCodecTest, EncodesCompactly) {
  TypePtr schema = ParseSchema("k STRING, n BIGINT");
  auto batch = RecordBatch::FromRows(schema, {{Value::String("user-1"), Value::Long(3)}});
  std::string e;
  RowCodec::EncodeRow(batch->columns(), 0, &e);
  EXPECT_EQ(e.size(), 1u + 1u + 6u + 1u + 8u);  // null bytes, varint length, chars, raw long
}

}  // namespace
}  // namespace sluice
