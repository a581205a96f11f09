// Stream-stream left outer join with watermarks on both sides: every impression comes out once,
// either with its click (as soon as the click arrives) or, if no click arrives within the hour,
// padded with NULLs, once the watermark proves no click can match it any more.
//
//   impressions.withWatermark("impressionTime", "10 minutes").join(
//       clicks.withWatermark("clickTime", "20 minutes"),
//       expr("clickAdId = impressionAdId AND clickTime >= impressionTime AND "
//            "clickTime <= impressionTime + interval 1 hour"),
//       "leftOuter")
//
// MemoryStreams fed from C++, one Trigger.AvailableNow run per round on one checkpoint; prints
// what each round added to the output.
//
// Usage: example_stream_stream_left_outer_join
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "sluice/sluice.h"

using namespace sluice;
using namespace sluice::functions;

namespace {

Value At(int hour, int minute) { return Value::Timestamp((hour * 3600LL + minute * 60LL) * 1'000'000); }

}  // namespace

int main() {
  namespace fs = std::filesystem;
  fs::path checkpoint = fs::temp_directory_path() / ("sluice-example-left-outer-join-" + std::to_string(::getpid()));
  fs::remove_all(checkpoint);
  Session spark = Session::builder()
                      .appName("StreamStreamLeftOuterJoin")
                      .config("spark.sql.shuffle.partitions", "4")
                      .getOrCreate();

  MemoryStream impressions = spark.memoryStream(ParseSchema("impressionAdId INT, impressionTime TIMESTAMP"));
  MemoryStream clicks = spark.memoryStream(ParseSchema("clickAdId INT, clickTime TIMESTAMP"));
  DataFrame joined = impressions.toDF()
                         .withWatermark("impressionTime", "10 minutes")
                         .join(clicks.toDF().withWatermark("clickTime", "20 minutes"),
                               expr("clickAdId = impressionAdId AND clickTime >= impressionTime AND "
                                    "clickTime <= impressionTime + interval 1 hour"),
                               "leftOuter");

  size_t printed = 0;
  auto run_round = [&](const std::string& what) {
    StreamingQuery q = joined.writeStream()
                           .format("memory")
                           .queryName("impressions_with_clicks")
                           .outputMode("append")
                           .option("checkpointLocation", checkpoint.string())
                           .trigger(Trigger::AvailableNow())
                           .start();
    q.awaitTermination();
    auto rows = spark.table("impressions_with_clicks").collect();
    std::cout << "== " << what << "\n";
    if (auto p = q.lastProgress()) std::cout << "watermark " << p->event_time["watermark"] << "\n";
    if (rows.size() == printed) std::cout << "  (no new rows)\n";
    for (size_t i = printed; i < rows.size(); ++i) std::cout << "  " << rows[i].ToString() << "\n";
    printed = rows.size();
  };

  impressions.addData({{Value::Int(1), At(9, 0)}, {Value::Int(2), At(9, 10)}, {Value::Int(3), At(9, 20)}});
  clicks.addData({{Value::Int(1), At(9, 30)}});
  run_round("ad 1 clicked; ads 2 and 3 may still be clicked until 10:10 / 10:20");

  impressions.addData({{Value::Int(4), At(10, 0)}});
  clicks.addData({{Value::Int(3), At(10, 15)}, {Value::Int(7), At(10, 30)}});
  run_round("ad 3 clicked within the hour; the watermark (09:50) does not pass 10:10 yet");

  impressions.addData({{Value::Int(5), At(12, 0)}});
  clicks.addData({{Value::Int(5), At(12, 10)}});
  run_round("the watermark moves to 11:50: ads 2 and 4 can no longer be clicked and come out with NULLs");

  fs::remove_all(checkpoint);
  return 0;
}
