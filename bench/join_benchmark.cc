// Join benchmark (streaming, one thread): impressions joined with clicks within 10 minutes (the
// stream-stream symmetric hash join, evicting both sides by the watermark), and a stream-static
// lookup of events in a 10 K-key broadcast dimension. Events come from rate-micro-batch sources
// (so the figures measure the engine, not data generation); bench/duckdb_join.mjs runs the same
// joins as batch queries over the same generated data.
//
// Generated data (R impressions per event-time second, default 200):
//   impressions: ad = v,  imp_ts = v / R seconds                         (v = 0, 1, ...)
//   clicks:      ad = 2v, click_ts = imp_ts(2v) + ((2v * 7919) % 600) s   (one click per 2 ads)
// Every click falls within 10 minutes after its impression, so the join outputs one row per click.
//
//   bench_join [--events N] [--batch ROWS] [--rate R] [--lookup-events N]
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <thread>

#include "platform/file_system.h"
#include "sluice/sluice.h"

using namespace sluice;
using namespace sluice::functions;

namespace {

double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

Session NewSession() {
  return Session::builder()
      .config("spark.sluice.threads", "1")
      .config("spark.sql.shuffle.partitions", "8")
      .config("spark.sql.streaming.numRecentProgressUpdates", "100000")
      .getOrCreate();
}

// Runs `query` until its sources delivered `events` rows; returns wall and CPU seconds.
std::pair<double, double> RunUntil(StreamingQuery& query, int64_t events) {
  auto t0 = std::chrono::steady_clock::now();
  double c0 = CpuSeconds();
  int64_t done = 0;
  // The sources always have another batch ready, so the query never goes idle: poll the progress.
  while (done < events) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    done = 0;
    for (const auto& p : query.recentProgress()) done += p.num_input_rows;
    if (auto e = query.exception()) throw std::runtime_error(*e);
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {wall, CpuSeconds() - c0};
}

void StreamStreamJoin(int64_t events, int64_t batch, int64_t rate) {
  auto dir = MakeTempDirectory("sluice-bench-join-");
  Session spark = NewSession();
  int64_t ms_per_ad = 1000 / rate;
  DataFrame imps = spark.readStream()
                       .format("rate-micro-batch")
                       .option("rowsPerBatch", batch)
                       .option("numPartitions", int64_t{1})
                       .load()
                       .select(col("value").alias("imp_ad"),
                               expr(fmt::format("timestamp_millis(value * {})", ms_per_ad)).alias("imp_ts"))
                       .withWatermark("imp_ts", "1 minute");
  DataFrame clicks = spark.readStream()
                         .format("rate-micro-batch")
                         .option("rowsPerBatch", batch / 2)
                         .option("numPartitions", int64_t{1})
                         .load()
                         .select((col("value") * lit(int64_t{2})).alias("click_ad"),
                                 expr(fmt::format("timestamp_millis(value * 2 * {} + ((value * 2 * 7919) % 600) * 1000)",
                                                  ms_per_ad))
                                     .alias("click_ts"))
                         .withWatermark("click_ts", "10 minutes");
  DataFrame joined = imps.join(clicks, expr("click_ad = imp_ad AND click_ts BETWEEN imp_ts AND "
                                            "imp_ts + INTERVAL 10 MINUTES"));
  auto query = joined.writeStream()
                   .format("noop")
                   .outputMode("append")
                   .option("checkpointLocation", (dir / "cp").string())
                   .start();
  auto [wall, cpu] = RunUntil(query, events);
  query.stop();
  auto progress = query.recentProgress();
  int64_t in = 0, out = 0, max_rows = 0, max_bytes = 0;
  std::cout << "  batch  input_rows  output_rows  state_rows  state_memory_bytes  watermark\n";
  size_t step = std::max<size_t>(1, progress.size() / 12);
  for (size_t i = 0; i < progress.size(); ++i) {
    const auto& p = progress[i];
    in += p.num_input_rows;
    out += p.sink_num_output_rows;
    if (p.state_operators.empty()) continue;
    const auto& s = p.state_operators[0];
    max_rows = std::max(max_rows, s.num_rows_total);
    max_bytes = std::max(max_bytes, s.memory_used_bytes);
    if (i % step == 0 || i + 1 == progress.size()) {
      std::cout << fmt::format("  {:5}  {:10}  {:11}  {:10}  {:18}  {}\n", p.batch_id, p.num_input_rows,
                               p.sink_num_output_rows, s.num_rows_total, s.memory_used_bytes,
                               p.event_time.count("watermark") ? p.event_time.at("watermark") : "-");
    }
  }
  std::filesystem::remove_all(dir);
  std::cout << fmt::format(
      "RESULT engine=sluice join=impressions_clicks_10min events={} output_rows={} seconds={:.3f} "
      "cpu_seconds={:.3f} events_per_cpu_second={:.0f} max_state_rows={} max_state_memory_bytes={}\n",
      in, out, wall, cpu, in / cpu, max_rows, max_bytes)
            << std::flush;
}

void StreamStaticLookup(int64_t events, int64_t batch) {
  auto dir = MakeTempDirectory("sluice-bench-lookup-");
  Session spark = NewSession();
  DataFrame dim = spark.range(0, 10000).select(col("id").alias("key"),
                                               expr("concat('name-', CAST(id AS STRING))").alias("name"));
  DataFrame stream = spark.readStream()
                         .format("rate-micro-batch")
                         .option("rowsPerBatch", batch)
                         .option("numPartitions", int64_t{1})
                         .load()
                         .select(col("value"), expr("(value * 31) % 10000").alias("key"));
  auto query = stream.join(broadcast(dim), std::vector<std::string>{"key"}, "inner")
                   .writeStream()
                   .format("noop")
                   .option("checkpointLocation", (dir / "cp").string())
                   .start();
  auto [wall, cpu] = RunUntil(query, events);
  query.stop();
  int64_t in = 0, out = 0;
  for (const auto& p : query.recentProgress()) {
    in += p.num_input_rows;
    out += p.sink_num_output_rows;
  }
  std::filesystem::remove_all(dir);
  std::cout << fmt::format(
      "RESULT engine=sluice join=stream_static_lookup_10k events={} output_rows={} seconds={:.3f} "
      "cpu_seconds={:.3f} events_per_cpu_second={:.0f}\n",
      in, out, wall, cpu, in / cpu)
            << std::flush;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t events = 3'000'000, batch = 100'000, rate = 200, lookup_events = 10'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--events") events = std::stoll(v);
    else if (a == "--batch") batch = std::stoll(v);
    else if (a == "--rate") rate = std::stoll(v);
    else if (a == "--lookup-events") lookup_events = std::stoll(v);
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  if (rate <= 0 || 1000 % rate != 0 || batch < 2) {
    std::cerr << "--rate must divide 1000 and --batch must be at least 2\n";
    return 2;
  }
  std::cout << fmt::format("stream-stream: {} events (impressions + clicks), {} impressions and {} clicks "
                           "per micro-batch, {} impressions per event-time second\n",
                           events, batch, batch / 2, rate)
            << std::flush;
  StreamStreamJoin(events, batch, rate);
  std::cout << fmt::format("stream-static: {} events, {} per micro-batch, 10000-key broadcast dimension\n",
                           lookup_events, batch)
            << std::flush;
  StreamStaticLookup(lookup_events, batch);
  return 0;
}
