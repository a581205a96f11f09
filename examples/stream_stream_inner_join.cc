// Stream-stream inner join with a time-range condition, as in Spark's Structured Streaming guide:
// ad impressions joined with the clicks that follow them within one hour.
//
//   impressionsWithWatermark = impressions.withWatermark("impressionTime", "2 hours")
//   clicksWithWatermark = clicks.withWatermark("clickTime", "3 hours")
//   impressionsWithWatermark.join(clicksWithWatermark, expr("""
//       clickAdId = impressionAdId AND clickTime >= impressionTime AND
//       clickTime <= impressionTime + interval 1 hour"""))
//
// Both inputs are MemoryStreams fed from C++; each round runs the query with
// Trigger.AvailableNow on the same checkpoint, so the program terminates and the output is
// deterministic. It prints the joined rows of each round and the join's state size: the watermark
// (the smaller of the two inputs' watermarks) lets the join evict impressions older than
// watermark - 1 hour and clicks older than the watermark.
//
// Usage: example_stream_stream_inner_join
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
  fs::path checkpoint = fs::temp_directory_path() / ("sluice-example-inner-join-" + std::to_string(::getpid()));
  fs::remove_all(checkpoint);
  Session spark = Session::builder()
                      .appName("StreamStreamInnerJoin")
                      .config("spark.sql.shuffle.partitions", "4")
                      .getOrCreate();

  MemoryStream impressions = spark.memoryStream(ParseSchema("impressionAdId INT, impressionTime TIMESTAMP"));
  MemoryStream clicks = spark.memoryStream(ParseSchema("clickAdId INT, clickTime TIMESTAMP"));

  DataFrame impressionsWithWatermark = impressions.toDF().withWatermark("impressionTime", "2 hours");
  DataFrame clicksWithWatermark = clicks.toDF().withWatermark("clickTime", "3 hours");
  DataFrame joined = impressionsWithWatermark.join(
      clicksWithWatermark,
      expr("clickAdId = impressionAdId AND clickTime >= impressionTime AND "
           "clickTime <= impressionTime + interval 1 hour"));

  auto run_round = [&](int round) {
    StreamingQuery q = joined.writeStream()
                           .format("memory")
                           .queryName("ad_clicks")
                           .outputMode("append")
                           .option("checkpointLocation", checkpoint.string())
                           .trigger(Trigger::AvailableNow())
                           .start();
    q.awaitTermination();
    if (round == 1) q.explain();  // StreamingSymmetricHashJoin with its state cleanup rules
    std::cout << "== round " << round << ": all joined rows so far\n";
    spark.sql("SELECT * FROM ad_clicks ORDER BY impressionAdId, clickTime").show();
    if (auto p = q.lastProgress()) {
      for (const auto& op : p->state_operators) {
        std::cout << op.operator_name << ": rows buffered " << op.num_rows_total << ", removed "
                  << op.num_rows_removed << ", watermark "
                  << (p->event_time.count("watermark") ? p->event_time.at("watermark") : "-") << "\n";
      }
    }
  };

  impressions.addData({{Value::Int(1), At(10, 0)}, {Value::Int(2), At(10, 5)}, {Value::Int(3), At(10, 30)}});
  clicks.addData({{Value::Int(1), At(10, 20)}, {Value::Int(3), At(11, 45)}});  // ad 3: too late
  run_round(1);

  impressions.addData({{Value::Int(4), At(14, 0)}, {Value::Int(5), At(15, 0)}});
  clicks.addData({{Value::Int(2), At(10, 50)}, {Value::Int(4), At(14, 30)}, {Value::Int(9), At(16, 0)}});
  run_round(2);

  impressions.addData({{Value::Int(6), At(18, 0)}});
  clicks.addData({{Value::Int(5), At(15, 40)}, {Value::Int(6), At(18, 10)}, {Value::Int(9), At(19, 0)}});
  run_round(3);

  fs::remove_all(checkpoint);
  return 0;
}
