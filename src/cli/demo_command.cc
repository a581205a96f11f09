#include "cli/demo_command.h"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>

#include <librdkafka/rdkafka.h>

#include "connectors/kafka/kafka_client.h"
#include "connectors/kafka/kafka_mock_cluster.h"
#include "sluice/sluice.h"

namespace sluice {

namespace fs = std::filesystem;
using namespace sluice::functions;

namespace {

const char* kUsage =
    "usage: sluice demo [--kafka] [--output DIR] [--files N] [--events-per-file N]\n"
    "Generates click events (JSON lines, some malformed, some late) into DIR/input, then runs a\n"
    "streaming pipeline over them: file source -> parse/clean -> feature columns -> JSON file sink\n"
    "with a checkpoint; malformed records go to a dead-letter folder. Prints progress once per\n"
    "micro-batch and a summary. DIR defaults to ./sluice-demo.\n"
    "\n"
    "--kafka: the same events go through Kafka instead of files. An in-process loopback Kafka\n"
    "cluster (librdkafka's mock) is started, a librdkafka producer writes the events as JSON\n"
    "messages to topic 'clicks' (4 partitions, round-robin), and Sluice reads them with\n"
    "readStream.format(\"kafka\") (subscribe clicks, startingOffsets earliest) -> from_json ->\n"
    "malformed values (null from from_json) to a dead-letter JSON sink, clean events to a JSON sink\n"
    "and, with a 10-minute watermark, 5-minute windows per action to a JSON sink; all with\n"
    "Trigger.AvailableNow. DIR defaults to ./sluice-demo-kafka.\n";

// Counts of generated events: (valid, malformed, late).
struct Generated {
  int64_t valid = 0, malformed = 0, late = 0;
};

// Generates `files` x `per_file` click events (deterministic) and hands each JSON record (without
// its newline) to `emit(file_index, record)`.
Generated GenerateEvents(int files, int per_file,
                         const std::function<void(int, const std::string&)>& emit) {
  static const char* kPages[] = {"/home", "/Search", "/product/1", "/product/2", "/cart", "/CHECKOUT"};
  static const char* kActions[] = {"view", "click", "add_to_cart", "purchase"};
  static const char* kDevices[] = {"mobile", "desktop", "tablet"};
  std::mt19937_64 rng(42);
  Generated g;
  int64_t base = 1735689600;  // 2025-01-01 00:00:00 UTC
  int64_t id = 0;
  for (int f = 0; f < files; ++f) {
    for (int i = 0; i < per_file; ++i, ++id) {
      uint64_t r = rng();
      if (r % 97 == 0) {
        emit(f, fmt::format("{{\"event_id\": {}, \"user_id\": \"u{}\", broken json", id, r % 500));
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
      emit(f, fmt::format(
                  "{{\"event_id\": {}, \"user_id\": {}, \"page\": \"{}\", \"action\": \"{}\", \"amount\": {}, "
                  "\"device\": \"{}\", \"ts\": \"{}\"}}",
                  id, (r % 31 == 0) ? "null" : fmt::format("\"u{}\"", r % 500), kPages[(r >> 3) % 6],
                  kActions[(r >> 5) % 4], amount, kDevices[(r >> 7) % 3], ts));
      ++g.valid;
    }
  }
  return g;
}

// Writes the generated events as N files of JSON lines under `dir`.
Generated GenerateInput(const fs::path& dir, int files, int per_file) {
  fs::create_directories(dir);
  std::ofstream out;
  int open_file = -1;
  return GenerateEvents(files, per_file, [&](int f, const std::string& record) {
    if (f != open_file) {
      if (out.is_open()) out.close();
      out.open(dir / fmt::format("events-{:04d}.json", f));
      open_file = f;
    }
    out << record << '\n';
  });
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

// `sluice demo --kafka`: producer -> loopback Kafka -> Sluice -> file sinks.
// The sink queries both demos run, each with Trigger.AvailableNow and a checkpoint under
// root/checkpoints: malformed records (`bad`) and clean events to JSON folders, and the seed's
// windowed aggregation (append mode: 5-minute windows sliding every minute per event type, with a
// 10-minute watermark) to a Delta table. A window is written once, after the watermark passes its
// end; events too late for a closed window are dropped, counted in the progress
// (stateOperators.numRowsDroppedByWatermark) and written to the late-rows dead-letter sink.
struct DemoQueries {
  StreamingQuery dead;
  StreamingQuery clean;
  StreamingQuery windows;

  void AwaitAll() const {
    clean.awaitTermination();
    dead.awaitTermination();
    windows.awaitTermination();
  }
  /// Window rows the aggregation dropped as late, over all its batches.
  int64_t LateRowsDropped() const {
    int64_t n = 0;
    for (const auto& p : windows.recentProgress()) {
      for (const auto& op : p.state_operators) n += op.num_rows_dropped_by_watermark;
    }
    return n;
  }
};

DemoQueries StartDemoQueries(const DataFrame& bad, const DataFrame& clean, const fs::path& root,
                             const std::string& name_prefix) {
  auto to_json = [&](const DataFrame& df, const std::string& name) {
    return df.writeStream()
        .format("json")
        .queryName(name_prefix + name)
        .option("checkpointLocation", (root / "checkpoints" / name).string())
        .trigger(Trigger::AvailableNow())
        .start((root / name).string());
  };
  DataFrame per_window = clean.withWatermark("ts", "10 minutes")
                             .groupBy({window(col("ts"), "5 minutes", "1 minute"), col("action")})
                             .agg({sum("amount").alias("total_amount"), count("*").alias("event_count"),
                                   avg("amount").alias("avg_amount"), max(col("ts")).alias("latest_event")});
  StreamingQuery dead = to_json(bad, "dead_letters");
  StreamingQuery main = to_json(clean, "clean_events");
  StreamingQuery windows = per_window.writeStream()
                               .format("delta")
                               .queryName(name_prefix + "action_windows")
                               .outputMode("append")
                               .option("checkpointLocation", (root / "checkpoints/action_windows").string())
                               .option("lateRowsPath", (root / "late_events").string())
                               .trigger(Trigger::AvailableNow())
                               .start((root / "action_windows").string());
  return DemoQueries{dead, main, windows};
}

// The windowed results are a Delta table (one commit per micro-batch): prints its history size, a
// query over it, the same count at its first version (time travel), and how to query it with
// `sluice sql`.
void PrintDeltaSummary(Session& spark, const std::string& path) {
  std::string table = fmt::format("delta.`{}`", path);
  int64_t versions = spark.sql(fmt::format("DESCRIBE HISTORY {}", table)).count();
  int64_t now = spark.sql(fmt::format("SELECT * FROM {}", table)).count();
  int64_t first = spark.sql(fmt::format("SELECT * FROM {} VERSION AS OF 1", table)).count();
  std::cout << fmt::format(
      "\nDelta table {}: {} versions; {} window rows now, {} as of version 1 (time travel).\n"
      "Windows per action (batch SQL over the Delta table):\n",
      path, versions, now, first);
  spark.sql(fmt::format("SELECT action, count(*) AS windows, sum(event_count) AS events, "
                        "round(max(total_amount), 2) AS max_window_total FROM {} GROUP BY action "
                        "ORDER BY action",
                        table))
      .show(20, 0);
  std::cout << fmt::format("Query it yourself:\n  sluice sql -e 'SELECT * FROM {} VERSION AS OF 1 LIMIT 5'\n", table);
}

int RunKafkaDemo(fs::path root, int files, int per_file) {
  auto started = std::chrono::steady_clock::now();
  fs::remove_all(root);
  root = fs::absolute(root);
  fs::create_directories(root);

  kafka::MockCluster cluster(1);
  const std::string bs = cluster.bootstrap_servers();
  const std::string topic = "clicks";
  cluster.CreateTopic(topic, 4);
  std::cout << fmt::format("Started a loopback Kafka cluster (librdkafka mock) at {}; topic '{}' with 4 partitions\n",
                           bs, topic);

  // Producer: the generated events as JSON messages without keys, round-robin over the partitions.
  int64_t produced = 0, delivery_failures = 0;
  Generated g;
  {
    kafka::Handle producer = kafka::NewClient(
        RD_KAFKA_PRODUCER, {{"bootstrap.servers", bs}}, {{"linger.ms", "5"}, {"log_level", "3"}},
        [&](rd_kafka_conf_t* conf) {
          rd_kafka_conf_set_opaque(conf, &delivery_failures);
          rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
            if (m->err) ++*static_cast<int64_t*>(opaque);
          });
        });
    g = GenerateEvents(files, per_file, [&](int, const std::string& record) {
      for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
            RD_KAFKA_V_PARTITION(static_cast<int32_t>(produced % 4)), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_VALUE(const_cast<char*>(record.data()), record.size()), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          rd_kafka_poll(producer.get(), 50);
          continue;
        }
        if (err) throw ExecutionError(fmt::format("produce failed: {}", rd_kafka_err2str(err)));
        break;
      }
      ++produced;
      rd_kafka_poll(producer.get(), 0);
    });
    if (rd_kafka_flush(producer.get(), 30000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw ExecutionError("producer: flush timed out");
    }
  }
  if (delivery_failures > 0) throw ExecutionError(fmt::format("{} messages were not delivered", delivery_failures));
  std::cout << fmt::format("Produced {} click events as JSON messages to '{}' ({} malformed, {} 30 minutes late)\n",
                           produced, topic, g.malformed, g.late);

  Session spark = Session::builder()
                      .appName("SluiceKafkaDemo")
                      .config("spark.sql.shuffle.partitions", "4")
                      .getOrCreate();
  spark.streams().addListener(std::make_shared<ProgressPrinter>());

  TypePtr schema = StructType({StructField("event_id", LongType()),
                               StructField("user_id", StringType()),
                               StructField("page", StringType()),
                               StructField("action", StringType()),
                               StructField("amount", DoubleType()),
                               StructField("device", StringType()),
                               StructField("ts", TimestampType())});
  auto messages = [&] {
    return spark.readStream()
        .format("kafka")
        .option("kafka.bootstrap.servers", bs)
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .option("maxOffsetsPerTrigger", int64_t{10000})
        .load();
  };
  // The seed's parsing: from_json over the value; a value that is not JSON gives a null struct.
  auto parse = [&](const DataFrame& raw) {
    return raw
        .select({from_json(col("value").cast("string"), schema).alias("data"),
                 col("value").cast("string").alias("raw"), col("partition"), col("offset")})
        .select({col("data.*"), col("raw"), col("partition"), col("offset")});
  };
  DataFrame parsed = parse(messages());
  DataFrame bad = parsed.filter(col("event_id").isNull())
                      .select({col("raw").alias("record"), col("partition"), col("offset"),
                               current_timestamp().alias("rejected_at")});
  DataFrame clean = parsed.filter(col("event_id").isNotNull() && col("user_id").isNotNull() &&
                                  col("ts").isNotNull())
                        .drop("raw");

  DemoQueries queries = StartDemoQueries(bad, clean, root, "kafka_");
  queries.AwaitAll();
  int64_t consumed = 0;
  for (const auto& p : queries.clean.recentProgress()) consumed += p.num_input_rows;
  int64_t late_dropped = queries.LateRowsDropped();
  std::string end_offsets;
  if (auto last = queries.clean.lastProgress(); last && !last->sources.empty()) {
    end_offsets = last->sources[0].end_offset;
  }

  int64_t n_out = spark.read().format("json").schema(clean.schema()).load((root / "clean_events").string()).count();
  int64_t n_dead = spark.read().format("json").load((root / "dead_letters").string()).count();
  int64_t n_windows = spark.read().format("delta").load((root / "action_windows").string()).count();
  std::cout << "\nSummary\n";
  std::cout << fmt::format("  messages produced to '{}'   {}\n"
                           "  messages consumed by Sluice   {}  (end offsets {})\n"
                           "  clean events (rows out)       {}  -> {}\n"
                           "  dead letters (malformed JSON) {}  -> {}\n"
                           "  filtered (no user or timestamp)  {}\n"
                           "  window rows dropped by the watermark (a late event counts once per sliding window)  {}  -> {}\n"
                           "  closed 5-minute windows (sliding 1 minute) written  {}  -> {}\n",
                           topic, produced, consumed, end_offsets, n_out, (root / "clean_events").string(),
                           n_dead, (root / "dead_letters").string(), g.valid - n_out, late_dropped,
                           (root / "late_events").string(), n_windows, (root / "action_windows").string());
  PrintDeltaSummary(spark, (root / "action_windows").string());
  spark.stop();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << fmt::format("Done in {:.1f} s. Output under {}\n", secs, root.string());
  return (consumed == produced && n_dead == g.malformed) ? 0 : 1;
}

}  // namespace

int RunDemoCommand(const std::vector<std::string>& args) {
  fs::path root = "sluice-demo";
  bool root_given = false, use_kafka = false;
  int files = 24, per_file = 2000;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (args[i] == "--kafka") {
      use_kafka = true;
    } else if (args[i] == "--output" && i + 1 < args.size()) {
      root_given = true;
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
  if (use_kafka) {
    try {
      return RunKafkaDemo(root_given ? root : fs::path("sluice-demo-kafka"), files, per_file);
    } catch (const std::exception& e) {
      std::cerr << "sluice demo --kafka failed: " << e.what() << "\n";
      return 1;
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

    DemoQueries queries = StartDemoQueries(bad, clean, root, "");
    queries.AwaitAll();
    int64_t late_dropped = queries.LateRowsDropped();

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
                             "  window rows dropped by the watermark (a late event counts once per sliding window)  {}  -> {}\n"
                             "  closed 5-minute windows (sliding 1 minute) written  {}  -> {}\n",
                             g.valid + g.malformed, n_out, (root / "clean_events").string(), n_dead,
                             (root / "dead_letters").string(), dropped, late_dropped, (root / "late_events").string(),
                             spark.read().format("delta").load((root / "action_windows").string()).count(),
                             (root / "action_windows").string());
    PrintDeltaSummary(spark, (root / "action_windows").string());
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
