// Parquet reader checks against the documented contents (.md) of parquet-testing files, and the
// encodings' edge cases.
#include <gtest/gtest.h>

#include <filesystem>

#include "formats/parquet/parquet_encoding.h"
#include "formats/parquet/parquet_reader.h"
#include "sluice/exception.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

std::vector<std::vector<Value>> ReadRows(const std::string& name) {
  fs::path p = fs::path(SLUICE_SHARED_DIR) / "testdata/parquet-testing/data" / name;
  auto reader = ParquetReader::OpenFile(p.string());
  std::vector<std::vector<Value>> rows;
  for (const auto& b : reader->ReadAll()) {
    for (size_t i = 0; i < b->num_rows(); ++i) rows.push_back(b->GetRow(i));
  }
  return rows;
}

bool HaveTestingFiles() {
  return fs::exists(fs::path(SLUICE_SHARED_DIR) / "testdata/parquet-testing/data");
}

TEST(ParquetReader, Int96FromSpark) {
  if (!HaveTestingFiles()) GTEST_SKIP();
  auto rows = ReadRows("int96_from_spark.parquet");
  ASSERT_EQ(rows.size(), 6u);
  // 2024-01-01T12:34:56.123456 in the writer's session zone (America/Los_Angeles) = 20:34:56 UTC.
  EXPECT_EQ(rows[0][0], Value::Timestamp(1704141296123456));
  EXPECT_EQ(rows[1][0], Value::Timestamp(1704070800000000));  // 2024-01-01T01:00:00Z
  EXPECT_TRUE(rows[4][0].is_null());
  // 290000-12-31T01:00:00+02:00 does not fit int64 nanoseconds but does fit microseconds.
  EXPECT_GT(rows[5][0].GetInt64(), int64_t{9000000000000000000} / 1000);
}

TEST(ParquetReader, OldListStructureAndMapWithoutValues) {
  if (!HaveTestingFiles()) GTEST_SKIP();
  auto rows = ReadRows("old_list_structure.parquet");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].ToString(), "[[1, 2], [3, 4]]");
  auto m = ReadRows("map_no_value.parquet");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0][2].ToString(), "[1, 2, 3]");
  EXPECT_EQ(m[0][1].MapSize(), 3u);
}

TEST(ParquetReader, NestedListsAndRepeatedNoAnnotation) {
  if (!HaveTestingFiles()) GTEST_SKIP();
  auto rows = ReadRows("nested_lists.snappy.parquet");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0].ToString(), "[[[a, b], [c]], [null, [d]]]");
  auto r = ReadRows("repeated_no_annotation.parquet");
  ASSERT_EQ(r.size(), 6u);
  EXPECT_TRUE(r[0][1].is_null());
  EXPECT_EQ(r[2][1].ToString(), "{[]}");
}

TEST(ParquetEncoding, RleBitPackedRoundTrip) {
  for (int bw : {1, 3, 8, 13, 20, 32}) {
    std::vector<uint32_t> v;
    for (uint32_t i = 0; i < 1000; ++i) {
      uint32_t x = (i / 37) % 3 == 0 ? 5 : i * 2654435761u;
      v.push_back(bw == 32 ? x : x & ((1u << bw) - 1));
    }
    std::string enc;
    parquet::EncodeRleBitPacked(v.data(), v.size(), bw, &enc);
    std::vector<uint32_t> out(v.size());
    parquet::RleBitPackedDecoder dec(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), bw);
    dec.Decode(out.data(), out.size());
    EXPECT_EQ(out, v) << bw;
    parquet::RleBitPackedDecoder short_dec(reinterpret_cast<const uint8_t*>(enc.data()), enc.size() / 2, bw);
    std::vector<uint32_t> tmp(v.size());
    EXPECT_THROW(short_dec.Decode(tmp.data(), tmp.size()), parquet::ParquetFormatError);
  }
}

// Byte-sized input (levels), runs starting inside a literal group, long runs and every bit width.
TEST(ParquetEncoding, RleBitPackedLevelsAndRunsInsideLiteralGroups) {
  for (int bw : {0, 1, 2, 5, 8}) {
    uint8_t max = bw == 8 ? 255 : static_cast<uint8_t>((1u << bw) - 1);
    std::vector<uint8_t> v;
    for (int rep = 0; rep < 40; ++rep) {
      for (int k = 0; k < rep % 11; ++k) v.push_back(static_cast<uint8_t>((rep * 7 + k) & max));
      v.insert(v.end(), static_cast<size_t>(rep * 3 % 29 + 1), static_cast<uint8_t>(rep & max));
    }
    v.insert(v.end(), 100000, max);
    std::string enc;
    parquet::EncodeRleBitPacked(v.data(), v.size(), bw, &enc);
    std::vector<uint32_t> wide(v.begin(), v.end());
    std::string enc32;
    parquet::EncodeRleBitPacked(wide.data(), wide.size(), bw, &enc32);
    EXPECT_EQ(enc, enc32) << bw;
    std::vector<uint32_t> out(v.size());
    parquet::RleBitPackedDecoder dec(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), bw);
    dec.Decode(out.data(), out.size());
    EXPECT_EQ(out, wide) << bw;
  }
}

// Bit-packed runs of every width, decoded in pieces that start and end inside 8-value groups.
TEST(ParquetEncoding, BitUnpackingEveryWidthInPieces) {
  for (int bw = 1; bw <= 32; ++bw) {
    std::vector<uint32_t> v;
    uint32_t x = 12345;
    for (int i = 0; i < 1003; ++i) {
      x = x * 1103515245u + 12345u;
      v.push_back(bw == 32 ? x : x & ((1u << bw) - 1));
    }
    std::string enc;
    parquet::EncodeRleBitPacked(v.data(), v.size(), bw, &enc);
    parquet::RleBitPackedDecoder dec(reinterpret_cast<const uint8_t*>(enc.data()), enc.size(), bw);
    std::vector<uint32_t> out(v.size());
    size_t done = 0;
    for (size_t piece = 1; done < v.size(); piece = piece * 3 % 17 + 1) {
      size_t n = std::min(piece, v.size() - done);
      dec.Decode(out.data() + done, n);
      done += n;
    }
    EXPECT_EQ(out, v) << bw;
  }
}

}  // namespace
}  // namespace sluice
