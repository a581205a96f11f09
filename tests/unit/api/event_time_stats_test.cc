// The `eventTime` statistics of a micro-batch's progress (min, max, avg over the non-null values of
// the watermarked column) are exact whatever the spread of the times: a sum of offsets when the
// spread allows, 128-bit otherwise.
#include <gtest/gtest.h>

#include "sluice/sluice.h"
#include "types/datetime.h"

namespace sluice {
namespace {

using namespace functions;

std::string Iso(int64_t micros) {
  return FormatTimestampWithPattern(micros / 1000 * 1000, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", "UTC");
}

std::map<std::string, std::string> EventTimeOf(const std::vector<int64_t>& micros, int null_rows) {
  Session spark = Session::builder().config("spark.sql.shuffle.partitions", "1").getOrCreate();
  auto stream = spark.memoryStream(ParseSchema("ts TIMESTAMP"), 1);
  auto q = stream.toDF()
               .withWatermark("ts", "1 second")
               .writeStream()
               .format("noop")
               .start();
  std::vector<std::vector<Value>> rows;
  for (int64_t t : micros) rows.push_back({Value::Timestamp(t)});
  for (int i = 0; i < null_rows; ++i) rows.push_back({Value::Null(TimestampType())});
  stream.addData(rows);
  q.processAllAvailable();
  auto p = q.lastProgress();
  q.stop();
  return p ? p->event_time : std::map<std::string, std::string>{};
}

TEST(EventTimeStatsTest, MinMaxAvgOverValidRows) {
  auto e = EventTimeOf({1000000, 2000000, 6000000}, 2);
  EXPECT_EQ(e["min"], Iso(1000000));
  EXPECT_EQ(e["max"], Iso(6000000));
  EXPECT_EQ(e["avg"], Iso(3000000));
}

TEST(EventTimeStatsTest, AvgOfTimesFarApartIsExact) {
  // Years 1 and 9999: spread times rows exceeds 63 bits, so the sum is kept in 128 bits.
  const int64_t a = -62135596800000000LL, b = 253402300799000000LL + 250;
  std::vector<int64_t> times;
  for (int i = 0; i < 20; ++i) {
    times.push_back(a);
    times.push_back(b);
  }
  auto e = EventTimeOf(times, 0);
  EXPECT_EQ(e["min"], Iso(a));
  EXPECT_EQ(e["max"], Iso(b));
  EXPECT_EQ(e["avg"], Iso((a + b) / 2));
}

}  // namespace
}  // namespace sluice
