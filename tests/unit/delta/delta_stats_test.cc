// Per-file statistics over several batches with NULLs: the bounds are the extremes that a
// row-by-row comparison finds, and the null counts are exact, for every type with bounds.
#include "delta/delta_stats.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "sluice/types.h"

namespace sluice {
namespace {

using J = nlohmann::json;

Value RandomValue(std::mt19937_64& rng, const TypePtr& type) {
  int64_t x = static_cast<int64_t>(rng() % 2001) - 1000;
  switch (type->id()) {
    case TypeId::kShort: return Value::Short(static_cast<int16_t>(x));
    case TypeId::kInt: return Value::Int(static_cast<int32_t>(x * 1000));
    case TypeId::kLong: return Value::Long(x * 1000000007LL);
    case TypeId::kDouble: return Value::Double(static_cast<double>(x) / 7.0);
    case TypeId::kDate: return Value::Date(static_cast<int32_t>(x + 19000));
    case TypeId::kTimestamp: return Value::Timestamp(x * 1234567891LL);
    case TypeId::kDecimal: return Value::Decimal(x * 12345, type->precision(), type->scale());
    default: {
      std::string s = (rng() % 2 ? "prefix-shared-" : "") + std::to_string(x);
      if (rng() % 5 == 0) s += "\xc3\xa9";
      return Value::String(s);
    }
  }
}

TEST(DeltaStats, BoundsAndNullCountsOverBatchesWithNulls) {
  TypePtr schema = StructType({StructField("sh", ShortType()), StructField("i", IntegerType()),
                               StructField("l", LongType()), StructField("d", DoubleType()),
                               StructField("dt", DateType()), StructField("ts", TimestampType()),
                               StructField("dec", DecimalType(10, 2)), StructField("s", StringType())});
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20; ++round) {
    std::vector<RecordBatchPtr> batches;
    std::vector<std::vector<Value>> all;
    for (int b = 0; b < 3; ++b) {
      std::vector<std::vector<Value>> rows;
      size_t n = rng() % 200;
      for (size_t r = 0; r < n; ++r) {
        std::vector<Value> row;
        for (const auto& f : schema->fields()) {
          row.push_back(rng() % 6 == 0 ? Value::Null(f.type) : RandomValue(rng, f.type));
        }
        rows.push_back(row);
        all.push_back(row);
      }
      batches.push_back(RecordBatch::FromRows(schema, rows));
    }
    J stats = J::parse(ComputeDeltaFileStats(schema, batches, -1));
    // The expected extremes, row by row, then the stats of just those two rows.
    RecordBatchPtr every = RecordBatch::FromRows(schema, all);
    std::vector<Value> lo, hi;
    for (size_t c = 0; c < schema->fields().size(); ++c) {
      const Vector& v = *every->column(c);
      std::optional<size_t> min_row, max_row;
      int64_t nulls = 0;
      for (size_t r = 0; r < v.size(); ++r) {
        if (v.IsNull(r)) {
          ++nulls;
          continue;
        }
        if (!min_row || v.CompareRows(r, v, *min_row) < 0) min_row = r;
        if (!max_row || v.CompareRows(r, v, *max_row) > 0) max_row = r;
      }
      const std::string& name = schema->fields()[c].name;
      EXPECT_EQ(stats["nullCount"][name].get<int64_t>(), nulls) << name;
      lo.push_back(min_row ? v.GetValue(*min_row) : Value::Null(v.type()));
      hi.push_back(max_row ? v.GetValue(*max_row) : Value::Null(v.type()));
    }
    J expected = J::parse(ComputeDeltaFileStats(schema, {RecordBatch::FromRows(schema, {lo, hi})}, -1));
    EXPECT_EQ(stats["minValues"], expected["minValues"]) << "round " << round;
    EXPECT_EQ(stats["maxValues"], expected["maxValues"]) << "round " << round;
  }
}

}  // namespace
}  // namespace sluice
