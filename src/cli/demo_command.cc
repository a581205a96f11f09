#include "cli/demo_command.h"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <random>

#include "sluice/sluice.h"

namespace sluice {

namespace fs = std::filesystem;
using namespace sluice::functions;

namespace {

const char* kUsage =
    "usage: sluice demo [--output DIR] [--files N] [--events-per-file N]\n"
    "Generates click events (JSON lines, some malformed, some late) into DIR/input, then runs a\n"
    "streaming pipeline over them: file source -> parse/clean -> feature columns -> JSON file sink\n"
    "with a checkpoint; malformed records go to a dead-letter folder. Prints progress once per\n"
    "micro-batch and a summary. DIR defaults to ./sluice-demo.\n";

// Writes N files of generated events; returns (valid, malformed, late) counts.
struct Generated {
  int64_t valid = 0, malformed = 0, late = 0;
};

Generated GenerateInput(const fs::path& dir, int files, int per_file) {
  static const char* kPages[] = {"/home", "/Search", "/product/1", "/product/2", "/cart", "/CHECKOUT"};
  static const char* kActions[] = {"view", "click", "add_to_cart", "purchase"};
  static const char* kDevices[] = {"mobile", "desktop", "tablet"};
  std::mt19937_64 rng(42);
  Generated g;
  fs::create_directories(dir);
  int64_t base = 1735689600;  // 2025-01-01 00:00:00 UTC
  int64_t id = 0;
  for (int f = 0; f < files; ++f) {
    std::ofstream out(dir / fmt::format("events-{:04d}.json", f));
    for (int i = 0; i < per_file; ++i, ++id) {
      uint64_t r = rng();
      if (r % 97 == 0) {
        out << "{\"event_id\": " << id << ", \"user_id\": \"u" << (r % 500) << "\", broken json\n";
        ++g.malformed;
        continue;
      }
      int64_t t = base + f * 60 + i * 60 / per_file;
      // A few events arrive 30 minutes late (beyond the 10-minute watermark: dropped by the
      // windowed query) and some 5 minutes late (within it: still counted).
      if (r % 53 == 0) {
        t -= 1800;
        ++g.late;
      } else if (r % 41 == 0) {
        t -= 300;
      }
      double amount = (r % 2 == 0) ? static_cast<double>((r >> 8) % 50000) / 100.0 : 0.0;
      std::time_t tt = static_cast<std::time_t>(t);
      char ts[32];
      std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
      out << fmt::format(
          "{{\"event_id\": {}, \"user_id\": {}, \"page\": \"{}\", \"action\": \"{}\", \"amount\": {}, "
          "\"device\": \"{}\", \"ts\": \"{}\"}}\n",
          id, (r % 31 == 0) ? "null" : fmt::format("\"u{}\"", r % 500), kPages[(r >> 3) % 6],
          kActions[(r >> 5) % 4], amount, kDevices[(r >> 7) % 3], ts);
      ++g.valid;
    }
  }
  return g;
}

class ProgressPrinter : public StreamingQueryListener {
 public:
  void onQueryProgress(const QueryProgressEvent& e) override {
    const auto& p = e.progress;
    std::cout << fmt::format("  batch {:>3}: {:>6} rows in, {:>6} rows out, {:>5} ms   [{}]\n",
                             p.batch_id, p.num_input_rows, p.sink_num_output_rows, p.batch_duration,
                             p.name)
              << std::flush;
  }
};

}  // namespace

int RunDemoCommand(const std::vector<std::string>& args) {
  fs::path root = "sluice-demo";
  int files = 24, per_file = 2000;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (args[i] == "--output" && i + 1 < args.size()) {
      root = args[++i];
    } else if (args[i] == "--files" && i + 1 < args.size()) {
      files = std::stoi(args[++i]);
    } else if (args[i] == "--events-per-file" && i + 1 < args.size()) {
      per_file = std::stoi(args[++i]);
    } else {
      std::cerr << "sluice demo: unexpected argument '" << args[i] << "'\n" << kUsage;
      return 2;
    }
  }
  try {
    auto started = std::chrono::steady_clock::now();
    fs::remove_all(root);
    root = fs::absolute(root);
    Generated g = GenerateInput(root / "input", files, per_file);
    std::cout << fmt::format("Generated {} events in {} files under {} ({} malformed, {} 30 minutes late)\n",
                             g.valid + g.malformed, files, (root / "input").string(), g.malformed,
                             g.late);

    Session spark = Session::builder()
                        .appName("SluiceDemo")
                        .config("spark.sql.shuffle.partitions", "4")
                        .getOrCreate();
    spark.streams().addListener(std::make_shared<ProgressPrinter>());

    TypePtr schema = StructType({StructField("event_id", LongType()),
                                 StructField("user_id", StringType()),
                                 StructField("page", StringType()),
                                 StructField("action", StringType()),
                                 StructField("amount", DoubleType()),
                                 StructField("device", StringType()),
                                 StructField("ts", TimestampType()),
                                 StructField("_corrupt_record", StringType())});
    DataFrame raw = spark.readStream()
                        .format("json")
                        .schema(schema)
                        .option("maxFilesPerTrigger", int64_t{2})
                        .option("mode", "PERMISSIVE")
                        .load((root / "input").string());

    // Dead letters: records the JSON parser could not read, kept with their text.
    DataFrame bad = raw.filter(col("_corrupt_record").isNotNull())
                        .select(col("_corrupt_record").alias("record"),
                                current_timestamp().alias("rejected_at"));
    // Clean events: parsed, with a user and a timestamp; feature columns as in the seed pipeline.
    auto create_features = [](const DataFrame& df) {
      return df.withColumn("hour_of_day", hour(col("ts")))
          .withColumn("day_of_week", dayofweek(col("ts")))
          .withColumn("page", lower(col("page")))
          .withColumn("amount_category", when(col("amount") < 10, lit("small"))
                                             .when(col("amount") < 100, lit("medium"))
                                             .otherwise(lit("large")));
    };
    DataFrame clean = raw.filter(col("_corrupt_record").isNull() && col("user_id").isNotNull() &&
                                 col("ts").isNotNull())
                          .drop("_corrupt_record")
                          .transform(create_features);

    StreamingQuery dead = bad.writeStream()
                              .format("json")
                              .queryName("dead_letters")
                              .option("checkpointLocation", (root / "checkpoints/dead_letters").string())
                              .trigger(Trigger::AvailableNow())
                              .start((root / "dead_letters").string());
    StreamingQuery main = clean.writeStream()
                              .format("json")
                              .queryName("clean_events")
                              .option("checkpointLocation", (root / "checkpoints/clean_events").string())
                              .trigger(Trigger::AvailableNow())
                              .start((root / "clean_events").string());
    // The seed's windowed aggregation (append mode): 5-minute windows sliding every minute per
    // event type, with a 10-minute watermark. A window is written once, after the watermark passes
    // its end; events too late for a closed window are dropped and counted in the progress
    // (stateOperators.numRowsDroppedByWatermark).
    DataFrame per_window = clean.withWatermark("ts", "10 minutes")
                               .groupBy({window(col("ts"), "5 minutes", "1 minute"), col("action")})
                               .agg({sum("amount").alias("total_amount"), count("*").alias("event_count"),
                                     avg("amount").alias("avg_amount"), max(col("ts")).alias("latest_event")});
    StreamingQuery windows = per_window.writeStream()
                                 .format("json")
                                 .queryName("action_windows")
                                 .outputMode("append")
                                 .option("checkpointLocation", (root / "checkpoints/action_windows").string())
                                 .trigger(Trigger::AvailableNow())
                                 .start((root / "action_windows").string());
    main.awaitTermination();
    dead.awaitTermination();
    windows.awaitTermination();
    int64_t late_dropped = 0;
    for (const auto& p : windows.recentProgress()) {
      for (const auto& op : p.state_operators) late_dropped += op.num_rows_dropped_by_watermark;
    }

    // Summary: read the sink folders back (the readers honour the sinks' _spark_metadata logs).
    DataFrame out = spark.read().format("json").schema(clean.schema()).load((root / "clean_events").string());
    out.createOrReplaceTempView("clean_events");
    int64_t n_out = out.count();
    int64_t n_dead = spark.read().format("json").load((root / "dead_letters").string()).count();
    int64_t dropped = g.valid - n_out;
    std::cout << "\nSummary\n";
    std::cout << fmt::format("  input events      {}\n  clean events      {}  -> {}\n"
                             "  dead letters      {}  -> {}\n"
                             "  filtered (no user or timestamp)  {}\n"
                             "  late events dropped by the watermark (windowed counts)  {}\n"
                             "  closed 5-minute windows (sliding 1 minute) written  {}  -> {}\n",
                             g.valid + g.malformed, n_out, (root / "clean_events").string(), n_dead,
                             (root / "dead_letters").string(), dropped, late_dropped,
                             spark.read().format("json").load((root / "action_windows").string()).count(),
                             (root / "action_windows").string());
    std::cout << "\nEvents by action and amount category (batch SQL over the sink's output):\n";
    spark.sql("SELECT action, amount_category, count(*) AS events, round(sum(amount), 2) AS total "
              "FROM clean_events GROUP BY action, amount_category ORDER BY action, amount_category")
        .show(20, 0);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << fmt::format("Done in {:.1f} s. Output under {}\n", secs, root.string());
  } catch (const std::exception& e) {
    std::cerr << "sluice demo failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace sluice
