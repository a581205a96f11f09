// bench_kafka_pipeline: Kafka consume -> parse JSON -> filter -> produce, one query thread, through
// librdkafka's in-process mock cluster on loopback (see docs/connectors/kafka.md), next to a plain
// librdkafka consume loop and the decode path alone, in the same run.
//
//   bench_kafka_pipeline [--messages N] [--partitions P] [--repeat R] [--max-offsets-per-trigger M]
//
// Set-up (untimed): a mock cluster with one broker, topic `bench-in` with P partitions (default:
// enough that every partition stays well under the mock's ~5 MB retention), N small JSON messages
// (default 1,000,000, about 90 bytes each) produced to it round-robin over the partitions:
//
//   {"id":17,"user":"u4821","action":"click","amount":37.25,"ts":"2025-01-01T00:12:34Z"}
//
// Engines (each run R times, best kept):
//   raw      a plain librdkafka consumer: assign all partitions from the beginning,
//            rd_kafka_consumer_poll until every message was seen, counting messages and value bytes
//            (same fetch tuning as Sluice's reader: fetch.wait.max.ms=10, queued.min.messages=1e6).
//   sluice   readStream.format("kafka") subscribe bench-in, startingOffsets earliest,
//            maxOffsetsPerTrigger M (default 200000) -> from_json(value cast string, schema) ->
//            filter amount > 50 -> writeStream.format("kafka") topic bench-out (the original value),
//            Trigger.AvailableNow, spark.sluice.threads=1. Includes session start, planning,
//            checkpoint writes and the producer's flush.
//   decode   the decode path alone: the same from_json + filter over the message values fetched
//            beforehand (a MemoryStream of BINARY values) into the noop sink. Its time is the sum of
//            the micro-batches' addBatch phases (the operators over columnar batches), so turning
//            the MemoryStream's row objects into columns is not counted; CPU time is not measured.
//
// Rates are messages and value bytes per wall-clock second (MB = 10^6 bytes). The mock broker runs
// in this process, so process CPU time includes the broker's threads; it is printed for reference.
// The ratio sluice / raw is the target (>= 50%).
#include <librdkafka/rdkafka.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "connectors/kafka/kafka_client.h"
#include "connectors/kafka/kafka_mock_cluster.h"
#include "sluice/sluice.h"

namespace {

namespace fs = std::filesystem;

constexpr double kAmountThreshold = 50.0;
const char* kSchema = "id BIGINT, user STRING, action STRING, amount DOUBLE, ts TIMESTAMP";

struct RunResult {
  int64_t msgs_in = 0;
  int64_t msgs_out = 0;
  int64_t bytes = 0;
  double seconds = 0;
  double cpu_seconds = 0;
};

double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

template <typename Fn>
void Timed(RunResult* r, Fn&& fn) {
  double cpu0 = ProcessCpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  fn();
  r->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r->cpu_seconds = ProcessCpuSeconds() - cpu0;
}

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "bench_kafka_pipeline: %s\n", msg.c_str());
  std::exit(1);
}

// ---- set-up: produce -------------------------------------------------------------------------

struct Produced {
  int64_t messages = 0;
  int64_t bytes = 0;
  int64_t passing = 0;  // messages with amount > threshold
};

Produced ProduceInput(const std::string& bs, const std::string& topic, int partitions, int64_t n) {
  using namespace sluice::kafka;
  static const char* kActions[] = {"view", "click", "add_to_cart", "purchase"};
  Handle producer = NewClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bs}},
                              {{"linger.ms", "5"}, {"queue.buffering.max.messages", "1000000"},
                               {"batch.num.messages", "10000"}, {"log_level", "3"}});
  std::mt19937_64 rng(7);
  Produced p;
  std::string v;
  for (int64_t i = 0; i < n; ++i) {
    uint64_t r = rng();
    double amount = static_cast<double>(r % 10000) / 100.0;
    int64_t t = 1735689600 + i / 100;
    int64_t secs = t % 86400;
    v = fmt::format("{{\"id\":{},\"user\":\"u{}\",\"action\":\"{}\",\"amount\":{},\"ts\":\"2025-01-{:02d}T{:02d}:{:02d}:{:02d}Z\"}}",
                    i, (r >> 16) % 10000, kActions[(r >> 32) % 4], amount, 1 + (t - 1735689600) / 86400 % 28,
                    secs / 3600, secs / 60 % 60, secs % 60);
    if (amount > kAmountThreshold) ++p.passing;
    for (;;) {
      rd_kafka_resp_err_t err =
          rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                            RD_KAFKA_V_PARTITION(static_cast<int32_t>(i % partitions)),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(v.data(), v.size()), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(producer.get(), 10);
        continue;
      }
      if (err) Die(fmt::format("produce: {}", rd_kafka_err2str(err)));
      break;
    }
    rd_kafka_poll(producer.get(), 0);
    ++p.messages;
    p.bytes += static_cast<int64_t>(v.size());
  }
  if (rd_kafka_flush(producer.get(), 120000) != RD_KAFKA_RESP_ERR_NO_ERROR) Die("producer flush timed out");
  return p;
}

/// Messages currently kept in `topic` (high - low watermark summed over partitions).
int64_t Retained(const std::string& bs, const std::string& topic, int partitions, bool* lost) {
  using namespace sluice::kafka;
  Handle c = NewClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bs}, {"group.id", "bench-wm"}}, {{"log_level", "3"}});
  int64_t total = 0;
  *lost = false;
  for (int p = 0; p < partitions; ++p) {
    int64_t lo = 0, hi = 0;
    if (rd_kafka_query_watermark_offsets(c.get(), topic.c_str(), p, &lo, &hi, 10000)) Die("watermark query failed");
    if (lo > 0) *lost = true;
    total += hi - lo;
  }
  return total;
}

// ---- raw librdkafka consume loop -------------------------------------------------------------

RunResult RunRaw(const std::string& bs, const std::string& topic, int partitions, int64_t expected,
                 std::vector<std::string>* keep_values) {
  using namespace sluice::kafka;
  RunResult r;
  Timed(&r, [&] {
    Handle c = NewClient(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bs}, {"group.id", "bench-raw"}},
                         {{"enable.auto.commit", "false"}, {"enable.partition.eof", "false"}, {"log_level", "3"},
                          // The same fetch tuning as Sluice's reader (kafka_client.cc): the mock holds
                          // every fetch for fetch.wait.max.ms, and a deep queue keeps fetching ahead.
                          {"fetch.wait.max.ms", "10"}, {"queued.min.messages", "1000000"}});
    rd_kafka_topic_partition_list_t* tps = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; ++p)
      rd_kafka_topic_partition_list_add(tps, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    if (rd_kafka_assign(c.get(), tps)) Die("assign failed");
    rd_kafka_topic_partition_list_destroy(tps);
    auto last_progress = std::chrono::steady_clock::now();
    while (r.msgs_in < expected) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(c.get(), 100);
      if (!m) {
        if (std::chrono::steady_clock::now() - last_progress > std::chrono::seconds(60)) Die("raw consumer stalled");
        continue;
      }
      if (m->err == 0) {
        ++r.msgs_in;
        r.bytes += static_cast<int64_t>(m->len);
        if (keep_values) keep_values->emplace_back(static_cast<const char*>(m->payload), m->len);
        last_progress = std::chrono::steady_clock::now();
      }
      rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(c.get());
  });
  return r;
}

// ---- Sluice ------------------------------------------------------------------------------------

sluice::Session NewSession() {
  return sluice::Session::builder()
      .appName("bench_kafka_pipeline")
      .config("spark.sluice.threads", "1")
      .config("spark.sql.shuffle.partitions", "1")
      .config("spark.sql.streaming.numRecentProgressUpdates", "1000000")
      .getOrCreate();
}

// With SLUICE_BENCH_VERBOSE set, prints each micro-batch's phase durations (progress durationMs).
void PrintPhasesIfVerbose(const sluice::StreamingQueryProgress& p) {
  if (std::getenv("SLUICE_BENCH_VERBOSE") == nullptr) return;
  std::string phases;
  for (const auto& [name, ms] : p.duration_ms) phases += fmt::format(" {}={}", name, ms);
  std::printf("  batch %lld: %lld rows,%s\n", static_cast<long long>(p.batch_id),
              static_cast<long long>(p.num_input_rows), phases.c_str());
}

sluice::DataFrame DecodeAndFilter(const sluice::DataFrame& raw) {
  using namespace sluice::functions;
  return raw.select({col("value"), from_json(col("value").cast("string"), std::string(kSchema)).alias("data")})
      .filter(col("data.amount") > kAmountThreshold)
      .select({col("value")});
}

RunResult RunSluice(const std::string& bs, const std::string& in_topic, const std::string& out_topic,
                    int64_t max_per_trigger, const fs::path& checkpoint) {
  using namespace sluice;
  RunResult r;
  fs::remove_all(checkpoint);
  Timed(&r, [&] {
    Session spark = NewSession();
    DataFrame raw = spark.readStream()
                        .format("kafka")
                        .option("kafka.bootstrap.servers", bs)
                        .option("subscribe", in_topic)
                        .option("startingOffsets", "earliest")
                        .option("maxOffsetsPerTrigger", max_per_trigger)
                        .load();
    StreamingQuery q = DecodeAndFilter(raw)
                           .writeStream()
                           .format("kafka")
                           .option("kafka.bootstrap.servers", bs)
                           .option("topic", out_topic)
                           .option("checkpointLocation", checkpoint.string())
                           .trigger(Trigger::AvailableNow())
                           .start();
    q.awaitTermination();
    for (const StreamingQueryProgress& p : q.recentProgress()) {
      r.msgs_in += p.num_input_rows;
      r.msgs_out += std::max<int64_t>(0, p.sink_num_output_rows);
      PrintPhasesIfVerbose(p);
    }
    spark.stop();
  });
  return r;
}

RunResult RunDecode(const std::vector<std::string>& values, int64_t batch, int64_t bytes) {
  using namespace sluice;
  RunResult r;
  r.bytes = bytes;
  Session spark = NewSession();
  MemoryStream stream = spark.memoryStream(StructType({StructField("value", BinaryType())}));
  for (size_t i = 0; i < values.size(); i += static_cast<size_t>(batch)) {
    std::vector<std::vector<Value>> rows;
    size_t end = std::min(values.size(), i + static_cast<size_t>(batch));
    rows.reserve(end - i);
    for (size_t j = i; j < end; ++j) rows.push_back({Value::Binary(values[j])});
    stream.addData(rows);
  }
  StreamingQuery q =
      DecodeAndFilter(stream.toDF()).writeStream().format("noop").trigger(Trigger::AvailableNow()).start();
  q.awaitTermination();
  int64_t add_batch_ms = 0;
  for (const StreamingQueryProgress& p : q.recentProgress()) {
    r.msgs_in += p.num_input_rows;
    r.msgs_out += std::max<int64_t>(0, p.sink_num_output_rows);
    auto it = p.duration_ms.find("addBatch");
    if (it != p.duration_ms.end()) add_batch_ms += it->second;
    PrintPhasesIfVerbose(p);
  }
  r.seconds = std::max<double>(add_batch_ms, 1) / 1000.0;
  r.cpu_seconds = 0;
  spark.stop();
  return r;
}

// ---- driver ------------------------------------------------------------------------------------

void Print(const char* engine, const RunResult& r) {
  std::printf("%-7s msgs_in %9lld  msgs_out %9lld  %8.3f s  (cpu %7.3f s)  %11.0f msgs/s  %7.1f MB/s\n", engine,
              (long long)r.msgs_in, (long long)r.msgs_out, r.seconds, r.cpu_seconds,
              static_cast<double>(r.msgs_in) / r.seconds, static_cast<double>(r.bytes) / 1e6 / r.seconds);
  std::printf("RESULT engine=%s msgs_in=%lld msgs_out=%lld bytes=%lld seconds=%.6f cpu_seconds=%.6f\n", engine,
              (long long)r.msgs_in, (long long)r.msgs_out, (long long)r.bytes, r.seconds, r.cpu_seconds);
  std::fflush(stdout);
}

int Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--messages N] [--partitions P] [--repeat R] [--max-offsets-per-trigger M]\n", argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t messages = 1000000, max_per_trigger = 200000;
  int partitions = 0, repeat = 3;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--help" || a == "-h" || i + 1 >= argc) return Usage(argv[0]);
    if (a == "--messages") {
      messages = std::atoll(argv[++i]);
    } else if (a == "--partitions") {
      partitions = std::atoi(argv[++i]);
    } else if (a == "--repeat") {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--max-offsets-per-trigger") {
      max_per_trigger = std::atoll(argv[++i]);
    } else {
      return Usage(argv[0]);
    }
  }
  if (messages <= 0 || max_per_trigger <= 0) return Usage(argv[0]);
  // ~90 bytes per value plus record overhead: keep each partition under ~2 MB of the mock's ~5 MB.
  if (partitions <= 0) partitions = static_cast<int>(std::clamp<int64_t>(messages * 110 / 2000000 + 1, 4, 256));

  try {
    sluice::kafka::MockCluster cluster(1);
    const std::string bs = cluster.bootstrap_servers();
    const std::string in = "bench-in", out = "bench-out";
    cluster.CreateTopic(in, partitions);
    cluster.CreateTopic(out, partitions);
    auto t0 = std::chrono::steady_clock::now();
    Produced produced = ProduceInput(bs, in, partitions, messages);
    double produce_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bool lost = false;
    int64_t retained = Retained(bs, in, partitions, &lost);
    std::printf("cluster: librdkafka %s mock, 1 broker at %s; topic %s with %d partitions\n", rd_kafka_version_str(),
                bs.c_str(), in.c_str(), partitions);
    std::printf("input:   %lld JSON messages, %lld value bytes (%.1f B avg), produced in %.2f s; %lld pass the filter\n",
                (long long)produced.messages, (long long)produced.bytes,
                static_cast<double>(produced.bytes) / static_cast<double>(produced.messages), produce_s,
                (long long)produced.passing);
    if (lost || retained != produced.messages) {
      std::printf("WARNING: the mock's retention deleted messages (%lld of %lld kept): use more --partitions\n",
                  (long long)retained, (long long)produced.messages);
    }

    // Untimed warm-up pass of the raw loop that also keeps the values for the decode path.
    std::vector<std::string> values;
    values.reserve(static_cast<size_t>(retained));
    RunRaw(bs, in, partitions, retained, &values);

    fs::path tmp = fs::temp_directory_path() / fmt::format("sluice-bench-kafka-{}", ::getpid());
    std::optional<RunResult> best_raw, best_sluice, best_decode;
    auto keep = [](std::optional<RunResult>* best, const RunResult& r) {
      if (!*best || r.seconds < (*best)->seconds) *best = r;
    };
    for (int i = 0; i < repeat; ++i) {
      RunResult raw = RunRaw(bs, in, partitions, retained, nullptr);
      Print("raw", raw);
      keep(&best_raw, raw);
      RunResult s = RunSluice(bs, in, out, max_per_trigger, tmp / fmt::format("cp-{}", i));
      s.bytes = raw.bytes;
      Print("sluice", s);
      keep(&best_sluice, s);
      RunResult d = RunDecode(values, max_per_trigger, raw.bytes);
      Print("decode", d);
      keep(&best_decode, d);
    }
    fs::remove_all(tmp);

    auto rate = [](const RunResult& r) { return static_cast<double>(r.msgs_in) / r.seconds; };
    std::printf("\n%-8s %10s %10s %9s %9s %13s %9s\n", "engine", "msgs in", "msgs out", "wall s", "cpu s", "msgs/s",
                "MB/s");
    const std::pair<const char*, const std::optional<RunResult>*> rows[] = {
        {"raw", &best_raw}, {"sluice", &best_sluice}, {"decode", &best_decode}};
    for (const auto& [name, best] : rows) {
      const std::optional<RunResult>& r = *best;
      std::printf("%-8s %10lld %10lld %9.3f %9.3f %13.0f %9.1f\n", name, (long long)r->msgs_in,
                  (long long)r->msgs_out, r->seconds, r->cpu_seconds, rate(*r),
                  static_cast<double>(r->bytes) / 1e6 / r->seconds);
    }
    if (repeat > 1) std::printf("(best of %d runs per engine)\n", repeat);
    double ratio = rate(*best_sluice) / rate(*best_raw);
    std::printf("\nsluice / raw consume loop   %.2fx   target >= 0.50x: %s\n", ratio, ratio >= 0.5 ? "met" : "NOT met");
    std::printf("decode / raw consume loop   %.2fx   (decode path alone, no Kafka I/O)\n",
                rate(*best_decode) / rate(*best_raw));
    bool ok = best_sluice->msgs_in == retained && best_decode->msgs_in == retained &&
              best_sluice->msgs_out == best_decode->msgs_out &&
              (retained != produced.messages || best_sluice->msgs_out == produced.passing);
    if (!ok) std::printf("WARNING: message counts differ between engines or from the expected filter result\n");
  } catch (const std::exception& e) {
    Die(e.what());
  }
  return 0;
}
