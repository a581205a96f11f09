// Batch serialization (state deltas and snapshots): round trip (integer columns of every encoded
// width, extremes, nulls), corruption detection, and reading batches written in the earlier SLB1
// format (raw values, FNV-1a checksum) by Sluice before SLB2.
#include "columnar/batch_serde.h"

#include <gtest/gtest.h>

#include <limits>

#include "sluice/exception.h"

namespace sluice {
namespace {

TypePtr Schema() {
  return DataType::Struct({StructField("k", DataType::Long()), StructField("s", DataType::String())});
}

// k = [7, NULL, -3], s = ["ab", "", NULL].
RecordBatchPtr Sample() {
  auto k = std::make_shared<Vector>(DataType::Long());
  auto s = std::make_shared<Vector>(DataType::String());
  k->Append<int64_t>(7);
  k->AppendNull();
  k->Append<int64_t>(-3);
  s->AppendString("ab");
  s->AppendString("");
  s->AppendNull();
  return RecordBatch::Make(Schema(), {k, s}, 3);
}

void ExpectSample(const RecordBatch& b) {
  ASSERT_EQ(b.num_rows(), 3u);
  EXPECT_EQ(b.column(0)->Get<int64_t>(0), 7);
  EXPECT_TRUE(b.column(0)->IsNull(1));
  EXPECT_EQ(b.column(0)->Get<int64_t>(2), -3);
  EXPECT_EQ(b.column(1)->GetString(0), "ab");
  EXPECT_EQ(b.column(1)->GetString(1), "");
  EXPECT_TRUE(b.column(1)->IsNull(2));
}

TEST(BatchSerdeTest, RoundTrip) {
  std::string data = SerializeBatch(*Sample());
  EXPECT_EQ(data.substr(0, 4), "SLB2");
  ExpectSample(*DeserializeBatch(Schema(), data, "mem"));
}

// Integer columns whose ranges need 1, 2, 4 and 8 bytes (including the full int64 and int32
// ranges), an INT and a TIMESTAMP column, with nulls, read back exactly.
TEST(BatchSerdeTest, IntegerColumnsOfEveryWidthRoundTrip) {
  const std::vector<std::vector<int64_t>> longs = {
      {1000, 1255, 1001},                                       // 1 byte
      {-5, 60000, 7},                                           // 2 bytes
      {1LL << 40, (1LL << 40) + 4000000000LL, 1LL << 40},       // 4 bytes
      {std::numeric_limits<int64_t>::min(), 0, std::numeric_limits<int64_t>::max()},  // raw
  };
  std::vector<StructField> fields;
  std::vector<VectorPtr> cols;
  for (size_t c = 0; c < longs.size(); ++c) {
    fields.emplace_back("l" + std::to_string(c), DataType::Long());
    auto v = std::make_shared<Vector>(DataType::Long());
    for (int64_t x : longs[c]) v->Append<int64_t>(x);
    cols.push_back(v);
  }
  auto ints = std::make_shared<Vector>(DataType::Int());
  ints->Append<int32_t>(std::numeric_limits<int32_t>::min());
  ints->AppendNull();
  ints->Append<int32_t>(std::numeric_limits<int32_t>::max());
  fields.emplace_back("i", DataType::Int());
  cols.push_back(ints);
  auto ts = std::make_shared<Vector>(DataType::Timestamp());
  ts->Append<int64_t>(1700000000000000LL);
  ts->Append<int64_t>(1700000002000000LL);
  ts->AppendNull();
  fields.emplace_back("t", DataType::Timestamp());
  cols.push_back(ts);
  TypePtr schema = DataType::Struct(fields);
  auto batch = RecordBatch::Make(schema, cols, 3);
  auto back = DeserializeBatch(schema, SerializeBatch(*batch), "mem");
  ASSERT_EQ(back->num_rows(), 3u);
  for (size_t c = 0; c < cols.size(); ++c) {
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(back->column(c)->GetValue(i), cols[c]->GetValue(i)) << c << "," << i;
  }
}

TEST(BatchSerdeTest, ReadsFormatSlb1) {
  // Sample() as SerializeBatch wrote it in format SLB1.
  const std::string v1(
      "\x53\x4c\x42\x31\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00"
      "\x03\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01\x07\x00\x00\x00\x00"
      "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xfd\xff\xff\xff\xff\xff\xff\xff\x03\x00\x00\x00\x00"
      "\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00"
      "\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x02\x00"
      "\x00\x00\x00\x00\x00\x00\x61\x62\xbc\x1f\x26\x91\x42\x02\x81\xb0",
      136);
  ExpectSample(*DeserializeBatch(Schema(), v1, "v1"));
  std::string corrupt = v1;
  corrupt[60] ^= 1;
  EXPECT_THROW(DeserializeBatch(Schema(), corrupt, "v1"), IoError);
}

TEST(BatchSerdeTest, EveryFlippedByteIsDetected) {
  std::string data = SerializeBatch(*Sample());
  for (size_t i = 0; i < data.size(); ++i) {
    std::string corrupt = data;
    corrupt[i] ^= 0x10;
    EXPECT_THROW(DeserializeBatch(Schema(), corrupt, "mem"), IoError) << "byte " << i;
  }
  EXPECT_THROW(DeserializeBatch(Schema(), data.substr(0, data.size() - 1), "mem"), IoError);
}

}  // namespace
}  // namespace sluice
