// Windowed-aggregation benchmark (streaming, one thread): generated events (key = value % K,
// event time = value / rate seconds) from the rate-micro-batch source, aggregated per key in
// tumbling 10 s windows and in sliding 10 s / 2 s windows, append mode with a watermark.
// Prints events/s and the state size per key; bench/duckdb_window.mjs runs the same aggregation as
// a batch query over the same generated data.
//
//   bench_window_aggregation [--events N] [--keys K[,K...]] [--batch ROWS] [--rate EVENTS_PER_SEC]
//                            [--windows tumbling,sliding] [--key-type long|string]
//
// --key-type string groups by a STRING key ('event_' || K) and computes count, sum, avg and max of
// an amount (value % 1000), the shape of a per-event-type dashboard; long (the default) counts per
// BIGINT key.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <sstream>
#include <thread>

#include "platform/file_system.h"
#include "sluice/sluice.h"

using namespace sluice;
using namespace sluice::functions;

namespace {

double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

int64_t DirBytes(const std::filesystem::path& dir) {
  int64_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file()) n += static_cast<int64_t>(e.file_size());
  }
  return n;
}

struct Result {
  double wall = 0, cpu = 0;
  int64_t state_rows = 0, state_bytes = 0, state_memory = 0;
};

// Checkpoints live under one directory per process, removed at exit: deleting a run's files before
// the next run starts would make that run's file creations slower on file systems that skip
// recently freed inodes when allocating (ext4 without a journal).
Result Run(const std::filesystem::path& parent, int64_t events, int64_t keys, int64_t batch, int64_t rate,
           bool sliding, bool string_key) {
  auto dir = MakeTempDirectory("run-", parent);
  Session spark = Session::builder()
                      .config("spark.sluice.threads", "1")
                      .config("spark.sql.shuffle.partitions", "8")
                      .getOrCreate();
  DataFrame src = spark.readStream()
                      .format("rate-micro-batch")
                      .option("rowsPerBatch", batch)
                      .option("numPartitions", int64_t{1})
                      .load();
  Column key = string_key ? expr(fmt::format("concat('event_', CAST(value % {} AS STRING))", keys))
                          : col("value") % lit(keys);
  DataFrame events_df =
      src.select(key.alias("key"), (col("value") % lit(int64_t{1000})).alias("amount"),
                 call_function("timestamp_seconds", {expr(fmt::format("value DIV {}", rate))}).alias("ts"))
          .withWatermark("ts", "5 seconds");
  Column w = sliding ? window(col("ts"), "10 seconds", "2 seconds") : window(col("ts"), "10 seconds");
  std::vector<Column> aggs = {count("*").alias("n")};
  if (string_key) {
    aggs.push_back(sum(col("amount")).alias("total"));
    aggs.push_back(avg(col("amount")).alias("mean"));
    aggs.push_back(max(col("amount")).alias("largest"));
  }
  DataFrame agg = events_df.groupBy({w, col("key")}).agg(aggs);
  auto query = agg.writeStream()
                   .format("noop")
                   .outputMode("append")
                   .option("checkpointLocation", (dir / "cp").string())
                   .start();
  auto t0 = std::chrono::steady_clock::now();
  double c0 = CpuSeconds();
  int64_t done = 0;
  Result r;
  // The source always has another batch ready, so the query never goes idle: poll the progress.
  while (done < events) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    auto p = query.recentProgress();
    done = 0;
    for (const auto& x : p) done += x.num_input_rows;
    if (!p.empty() && !p.back().state_operators.empty()) {
      r.state_rows = p.back().state_operators[0].num_rows_total;
      r.state_memory = p.back().state_operators[0].memory_used_bytes;
    }
  }
  r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.cpu = CpuSeconds() - c0;
  query.stop();
  r.state_bytes = DirBytes(dir / "cp" / "state");
  (void)done;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t events = 20'000'000, batch = 1'000'000, rate = 100'000;
  std::vector<int64_t> key_counts = {1000, 100000, 1000000};
  bool run_tumbling = true, run_sliding = true, string_key = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--events") events = std::stoll(v);
    else if (a == "--batch") batch = std::stoll(v);
    else if (a == "--rate") rate = std::stoll(v);
    else if (a == "--key-type") string_key = v == "string";
    else if (a == "--windows") {
      run_tumbling = v.find("tumbling") != std::string::npos;
      run_sliding = v.find("sliding") != std::string::npos;
    } else if (a == "--keys") {
      key_counts.clear();
      std::stringstream ss(v);
      std::string k;
      while (std::getline(ss, k, ',')) key_counts.push_back(std::stoll(k));
    } else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  auto checkpoints = MakeTempDirectory("sluice-bench-window-");
  std::cout << fmt::format("events per run: {}, micro-batch: {} rows, {} events per event-time second\n",
                           events, batch, rate)
            << fmt::format("checkpoints under {}\n", checkpoints.string()) << std::flush;
  for (bool sliding : {false, true}) {
    if (!(sliding ? run_sliding : run_tumbling)) continue;
    for (int64_t k : key_counts) {
      Result r = Run(checkpoints, events, k, batch, rate, sliding, string_key);
      std::cout << fmt::format(
          "RESULT engine=sluice window={} keys={} key_type={} events={} seconds={:.3f} cpu_seconds={:.3f} "
          "events_per_cpu_second={:.0f} state_rows={} state_memory_bytes_per_row={:.0f} "
          "state_bytes_on_disk={}\n",
          sliding ? "sliding10s/2s" : "tumbling10s", k, string_key ? "string" : "long", events, r.wall,
          r.cpu, events / r.cpu,
          r.state_rows, r.state_rows > 0 ? static_cast<double>(r.state_memory) / r.state_rows : 0.0,
          r.state_bytes);
      std::cout << std::flush;
    }
  }
  std::filesystem::remove_all(checkpoints);
  return 0;
}
