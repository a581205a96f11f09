// Batch serialization (state deltas and snapshots): round trip, corruption detection, and reading
// batches written in the earlier SLB1 format (FNV-1a checksum) by Sluice before SLB2.
#include "columnar/batch_serde.h"

#include <gtest/gtest.h>

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
