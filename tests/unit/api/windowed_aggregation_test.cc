// Aggregation over window(...) groups: the window assignment fused into the aggregation (planned
// when the window column is only a grouping key) gives every (window, key) group the rows a
// brute-force assignment gives it, for tumbling and sliding windows, slides that do not divide the
// duration, start offsets, negative and NULL times, in batch and streaming (complete mode) queries;
// and streaming micro-batches of about one row per key, after which partial aggregation passes
// rows through (one group per row) instead of grouping them twice. A stream read in chunks of a
// few rows (cells kept from chunk to chunk, late pairs looked for only in chunks that may hold
// them) gives the same windows and late-row counts as one chunk per micro-batch. Groups that the
// watermark closes leave state (whole windows, or compaction) with every aggregate of the others
// intact.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <tuple>

#include "platform/file_system.h"
#include "sluice/sluice.h"

namespace sluice {
namespace {

using namespace functions;

constexpr int64_t kSecond = 1000 * 1000;  // micros

struct Event {
  int64_t key;
  std::optional<int64_t> ts_seconds;
  int64_t v;
};

std::vector<Event> RandomEvents(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Event> out;
  for (size_t i = 0; i < n; ++i) {
    Event e;
    e.key = static_cast<int64_t>(rng() % 4);
    if (rng() % 17 != 0) e.ts_seconds = static_cast<int64_t>(rng() % 61) - 30;
    e.v = static_cast<int64_t>(rng() % 100);
    out.push_back(e);
  }
  return out;
}

std::vector<std::vector<Value>> Rows(const std::vector<Event>& events) {
  std::vector<std::vector<Value>> rows;
  for (const auto& e : events) {
    rows.push_back({Value::Long(e.key),
                    e.ts_seconds ? Value::Timestamp(*e.ts_seconds * kSecond) : Value::Null(TimestampType()),
                    Value::Long(e.v)});
  }
  return rows;
}

// (window start s, key) -> (count, sum of v), windows in seconds.
using Groups = std::map<std::tuple<int64_t, int64_t>, std::pair<int64_t, int64_t>>;

Groups BruteForce(const std::vector<Event>& events, int64_t window, int64_t slide, int64_t start) {
  Groups out;
  for (const auto& e : events) {
    if (!e.ts_seconds) continue;
    int64_t ts = *e.ts_seconds;
    for (int64_t s = ts - window - slide; s <= ts; ++s) {
      if (((s - start) % slide + slide) % slide == 0 && ts < s + window) {
        auto& g = out[{s, e.key}];
        ++g.first;
        g.second += e.v;
      }
    }
  }
  return out;
}

Groups Collected(const std::vector<Row>& rows, int64_t window) {
  Groups out;
  for (const auto& r : rows) {
    const Value& w = r.get("window");
    int64_t s = w.children()[0].GetInt64() / kSecond;
    EXPECT_EQ(w.children()[1].GetInt64() / kSecond, s + window);
    out[{s, r.get("key").GetInt64()}] = {r.get("n").GetInt64(), r.get("total").GetInt64()};
  }
  return out;
}

struct WindowCase {
  int64_t window, slide, start;
};

std::string Seconds(int64_t s) { return std::to_string(s) + " seconds"; }

// Sliding cases up to 10 / 2 s span few enough windows for the dense (key, window) cells of the
// fused path; 10 / 1 s over a minute spans more, and groups without them.
const std::vector<WindowCase> kCases = {{10, 10, 0}, {10, 10, 3}, {10, 2, 0}, {10, 3, -2}, {7, 4, 1}, {10, 1, 0}};

TEST(WindowedAggregationTest, BatchGroupsMatchBruteForce) {
  Session spark = Session::builder().config("spark.sql.shuffle.partitions", "3").getOrCreate();
  auto events = RandomEvents(500, 7);
  DataFrame df = spark.createDataFrame(Rows(events), "key BIGINT, ts TIMESTAMP, v BIGINT");
  for (const auto& c : kCases) {
    SCOPED_TRACE(testing::Message() << "window " << c.window << " slide " << c.slide << " start " << c.start);
    DataFrame agg = df.groupBy({window(col("ts"), Seconds(c.window), Seconds(c.slide),
                                       c.start == 0 ? "" : Seconds(c.start)),
                                col("key")})
                        .agg({count("*").alias("n"), sum(col("v")).alias("total")});
    // The window assignment is fused into the aggregation (no WindowExpand operator).
    std::string plan = agg.explainString();
    EXPECT_EQ(plan.find("WindowExpand"), std::string::npos) << plan;
    EXPECT_NE(plan.find("window="), std::string::npos) << plan;
    EXPECT_EQ(Collected(agg.collect(), c.window), BruteForce(events, c.window, c.slide, c.start));
  }
}

TEST(WindowedAggregationTest, StreamingCompleteModeGroupsMatchBruteForce) {
  Session spark = Session::builder().config("spark.sql.shuffle.partitions", "3").getOrCreate();
  auto events = RandomEvents(300, 11);
  for (const auto& c : kCases) {
    SCOPED_TRACE(testing::Message() << "window " << c.window << " slide " << c.slide << " start " << c.start);
    auto stream = spark.memoryStream(ParseSchema("key BIGINT, ts TIMESTAMP, v BIGINT"), 2);
    auto q = stream.toDF()
                 .groupBy({window(col("ts"), Seconds(c.window), Seconds(c.slide),
                                  c.start == 0 ? "" : Seconds(c.start)),
                           col("key")})
                 .agg({count("*").alias("n"), sum(col("v")).alias("total")})
                 .writeStream()
                 .format("memory")
                 .queryName("windowed")
                 .outputMode("complete")
                 .start();
    auto rows = Rows(events);
    size_t half = rows.size() / 2;
    stream.addData(std::vector<std::vector<Value>>(rows.begin(), rows.begin() + half));
    q.processAllAvailable();
    stream.addData(std::vector<std::vector<Value>>(rows.begin() + half, rows.end()));
    q.processAllAvailable();
    q.stop();
    EXPECT_EQ(Collected(spark.table("windowed").collect(), c.window),
              BruteForce(events, c.window, c.slide, c.start));
  }
}

TEST(WindowedAggregationTest, BatchesOfOneRowPerKeyAggregateAsGroupedOnes) {
  Session spark = Session::builder().config("spark.sql.shuffle.partitions", "3").getOrCreate();
  auto stream = spark.memoryStream(ParseSchema("key BIGINT, ts TIMESTAMP, v BIGINT"));
  auto q = stream.toDF()
               .groupBy({window(col("ts"), "10 seconds", "5 seconds"), col("key")})
               .agg({count("*").alias("n"), sum(col("v")).alias("total")})
               .writeStream()
               .format("memory")
               .queryName("per_key")
               .outputMode("complete")
               .start();
  // Each batch: 40,000 keys, one row each (80,000 (row, window) pairs), plus one repeated key.
  std::vector<Event> all;
  for (int batch = 0; batch < 3; ++batch) {
    std::vector<Event> events;
    for (int64_t k = 0; k < 40000; ++k) events.push_back({k, batch * 3 + k % 4, k + batch});
    events.push_back({7, batch * 3, 1000});
    stream.addData(Rows(events));
    q.processAllAvailable();
    all.insert(all.end(), events.begin(), events.end());
  }
  q.stop();
  EXPECT_EQ(Collected(spark.table("per_key").collect(), 10), BruteForce(all, 10, 5, 0));
}

// Appends to a windowed count/sum with a 5 s watermark over JSON files (one per micro-batch),
// read `chunk_rows` rows at a time; returns the emitted rows, sorted, and the late pairs dropped.
std::pair<std::vector<std::string>, int64_t> AppendWindowsInChunks(const std::filesystem::path& dir,
                                                                   const std::string& slide,
                                                                   int64_t chunk_rows) {
  Session spark = Session::builder()
                      .config("spark.sql.shuffle.partitions", "3")
                      .config("spark.sluice.maxBatchRows", std::to_string(chunk_rows))
                      .getOrCreate();
  std::string cp = (dir / ("cp-" + slide + "-" + std::to_string(chunk_rows))).string();
  std::string name = "chunked_" + std::to_string(chunk_rows);
  auto q = spark.readStream()
               .format("json")
               .schema("key BIGINT, ts TIMESTAMP, v BIGINT")
               .option("maxFilesPerTrigger", int64_t{1})
               .load((dir / "in").string())
               .withWatermark("ts", "5 seconds")
               .groupBy({window(col("ts"), "10 seconds", slide), col("key")})
               .agg({count("*").alias("n"), sum(col("v")).alias("total")})
               .writeStream()
               .format("memory")
               .queryName(name)
               .outputMode("append")
               .option("checkpointLocation", cp)
               .start();
  q.processAllAvailable();
  int64_t dropped = 0;
  for (const auto& p : q.recentProgress()) {
    for (const auto& op : p.state_operators) dropped += op.num_rows_dropped_by_watermark;
  }
  q.stop();
  std::vector<std::string> rows;
  for (const auto& r : spark.table(name).collect()) rows.push_back(r.ToString());
  std::sort(rows.begin(), rows.end());
  return {rows, dropped};
}

TEST(WindowedAggregationTest, StreamsReadInSmallChunksMatchOneChunkPerBatch) {
  auto dir = MakeTempDirectory("sluice-window-chunks-");
  std::filesystem::create_directories(dir / "in");
  // Five files of 400 events, 40 s of event time each. Keys shift their range every 50 events
  // (so some chunks need new key cells), and every 13th event is 75 s older: late once the
  // watermark late rows are judged by (the one of two micro-batches before) has passed its windows.
  for (int f = 0; f < 5; ++f) {
    std::ofstream out(dir / "in" / ("part-" + std::to_string(f) + ".json"));
    for (int i = 0; i < 400; ++i) {
      int64_t key = i % 7 + (i / 50) % 5 * 7;
      int64_t ts = f * 40 + i / 10 - (i % 13 == 0 ? 75 : 0);
      out << "{\"key\":" << key << ",\"ts\":" << ts << ",\"v\":" << i << "}\n";
    }
  }
  for (const std::string slide : {"10 seconds", "5 seconds"}) {
    SCOPED_TRACE(slide);
    auto [small_rows, small_dropped] = AppendWindowsInChunks(dir, slide, 3);
    auto [whole_rows, whole_dropped] = AppendWindowsInChunks(dir, slide, 1000000);
    EXPECT_GT(whole_rows.size(), 100u);
    EXPECT_GT(whole_dropped, 0);
    EXPECT_EQ(small_rows, whole_rows);
    EXPECT_EQ(small_dropped, whole_dropped);
  }
  std::filesystem::remove_all(dir);
}

// Each micro-batch fills one 10 s window and, with a 5 s watermark delay, closes the one before.
// With the window as the event-time key, state is kept one table per window and closed windows
// leave whole; grouped by the event-time column itself, about half the groups in the one state
// table are evicted each batch and the table compacts (its accumulators keep the remaining groups in place). Either way the rows
// emitted equal a batch query's over the same rows, for every kind of aggregate.
TEST(WindowedAggregationTest, ClosedGroupsLeaveStateWithEveryAggregateIntact) {
  for (bool by_window : {true, false}) {
    SCOPED_TRACE(by_window ? "window key" : "event-time column key");
    auto dir = MakeTempDirectory("sluice-window-compact-");
    Session spark = Session::builder().config("spark.sql.shuffle.partitions", "2").getOrCreate();
    const std::string schema = "key BIGINT, ts TIMESTAMP, v BIGINT, s STRING, d DECIMAL(10,2)";
    auto stream = spark.memoryStream(ParseSchema(schema), 1);
    auto aggregate = [&](DataFrame df) {
      Column time = by_window ? window(col("ts"), "10 seconds") : col("ts");
      return df.groupBy({time, col("key")})
          .agg({count("*").alias("n"), sum(col("v")).alias("sum_v"), avg(col("v")).alias("avg_v"),
                min(col("v")).alias("min_v"), max(col("s")).alias("max_s"), sum(col("d")).alias("sum_d"),
                expr("size(collect_set(v))").alias("distinct_v"), approx_count_distinct(col("s")).alias("approx_s"),
                expr("stddev(v)").alias("sd_v"), expr("bool_and(v % 2 = 0)").alias("all_even")});
    };
    auto q = aggregate(stream.toDF().withWatermark("ts", "5 seconds"))
                 .writeStream()
                 .format("memory")
                 .queryName("closed")
                 .outputMode("append")
                 .option("checkpointLocation", (dir / "cp").string())
                 .start();
    std::vector<std::vector<Value>> all;
    std::mt19937 rng(5);
    for (int b = 0; b < 6; ++b) {
      std::vector<std::vector<Value>> rows;
      for (int i = 0; i < 400; ++i) {
        int64_t v = static_cast<int64_t>(rng() % 1000);
        rows.push_back({Value::Long(static_cast<int64_t>(rng() % (by_window ? 60 : 6))),
                        Value::Timestamp((b * 10 + static_cast<int64_t>(rng() % 10)) * kSecond), Value::Long(v),
                        Value::String("s" + std::to_string(v % 37)), Value::Decimal(v * 7, 10, 2)});
      }
      stream.addData(rows);
      q.processAllAvailable();
      all.insert(all.end(), rows.begin(), rows.end());
    }
    q.stop();
    std::vector<std::string> streamed, batch;
    for (const auto& r : spark.table("closed").collect()) streamed.push_back(r.ToString());
    // Groups closed by the last watermark (54 s): windows ending at 50 s or before; seconds up to 54.
    DataFrame closed = aggregate(spark.createDataFrame(all, schema))
                           .where(expr(by_window ? "window.end <= timestamp_seconds(50)"
                                                 : "ts <= timestamp_seconds(54)"));
    for (const auto& r : closed.collect()) batch.push_back(r.ToString());
    std::sort(streamed.begin(), streamed.end());
    std::sort(batch.begin(), batch.end());
    EXPECT_GT(streamed.size(), 250u);
    EXPECT_EQ(streamed, batch);
    std::filesystem::remove_all(dir);
  }
}

}  // namespace
}  // namespace sluice
