// Delta / Parquet write and read throughput, and Delta commit latency (make bench-delta; see
// bench/README.md "Delta and Parquet"). DuckDB's side is bench/duckdb_delta.mjs, run next to this
// by bench/run_delta.sh on the same rows.
//
//   bench_delta OUT_DIR [--rows N] [--commits N] [--stream-commits N] [--stream-rows N]
//
// Generates N rows (default 20,000,000) in memory (untimed) with the formulas duckdb_delta.mjs
// uses (3 BIGINT, a STRING, a TIMESTAMP):
//   id BIGINT = i, user_id BIGINT = (i * 7919) % 1000000, amount_cents BIGINT = i % 100000,
//   category STRING = 'cat' || (i % 10), ts TIMESTAMP = 2024-01-01 + i seconds
// then times:
//   - Parquet writes (format("parquet") through the file writer) with snappy and with zstd, and a
//     full read of each back (an aggregate over every column);
//   - a Delta write (one commit, snappy) and its read back;
//   - a streaming query (rate-micro-batch, `--stream-rows` rows per batch, default 100,000, the
//     same five columns derived from `value`) writing to a Delta sink for `--stream-commits`
//     micro-batches (default 200): per batch the sink's time (data files + put-if-absent commit
//     with its txn action; a checkpoint every 10 commits) and the whole trigger;
//   - `--commits` (default 200) appends of 10 rows to a fresh Delta table through the batch
//     writer, each whole write timed.
// Prints machine-readable lines:
//   RESULT engine=sluice op=<op> rows=<n> bytes=<in-memory bytes> file_bytes=<n> seconds=<wall>
//          cpu_seconds=<process>
//   STREAM engine=sluice commits=<n> rows_per_commit=<n> sink_p50_ms=<x> sink_p99_ms=<x>
//          sink_max_ms=<x> trigger_p50_ms=<x> trigger_p99_ms=<x> rows_per_s=<x>
//   LATENCY engine=sluice commits=<n> p50_ms=<x> p99_ms=<x> max_ms=<x>
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/session_state.h"
#include "connectors/file/file_sink.h"
#include "delta/delta_log.h"
#include "delta/delta_write.h"
#include "sluice/sluice.h"

namespace {

using namespace sluice;             // NOLINT
using namespace sluice::functions;  // NOLINT
namespace fs = std::filesystem;

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

TypePtr Schema() {
  return ParseSchema(
      "id BIGINT, user_id BIGINT, amount_cents BIGINT, category STRING, ts TIMESTAMP");
}

// Rows [from, to) as one batch.
RecordBatchPtr MakeBatch(int64_t from, int64_t to) {
  TypePtr schema = Schema();
  std::vector<VectorPtr> cols;
  for (const StructField& f : schema->fields()) cols.push_back(std::make_shared<Vector>(f.type));
  size_t n = static_cast<size_t>(to - from);
  for (auto& c : cols) c->Reserve(n);
  const int64_t base = 1704067200000000LL;  // 2024-01-01 00:00:00 UTC
  for (int64_t i = from; i < to; ++i) {
    cols[0]->Append<int64_t>(i);
    cols[1]->Append<int64_t>((i * 7919) % 1000000);
    cols[2]->Append<int64_t>(i % 100000);
    cols[3]->AppendString("cat" + std::to_string(i % 10));
    cols[4]->Append<int64_t>(base + i * 1000000);
  }
  return RecordBatch::Make(schema, std::move(cols), n);
}

int64_t DirBytes(const fs::path& dir) {
  int64_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".parquet" &&
        e.path().string().find("_delta_log") == std::string::npos) {
      total += static_cast<int64_t>(e.file_size());
    }
  }
  return total;
}

void Result(const std::string& op, int64_t rows, int64_t bytes, int64_t file_bytes, double secs,
            double cpu) {
  std::cout << fmt::format(
                   "RESULT engine=sluice op={} rows={} bytes={} file_bytes={} seconds={:.3f} "
                   "cpu_seconds={:.3f}",
                   op, rows, bytes, file_bytes, secs, cpu)
            << std::endl;
}

// p-th percentile (0..1) of sorted `v`.
double Percentile(const std::vector<double>& v, double p) {
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  // OUT_DIR is removed and recreated: never take an option (e.g. --help) for it.
  if (argc < 2 || std::string_view(argv[1]).rfind("-", 0) == 0) {
    std::cerr << "usage: bench_delta OUT_DIR [--rows N] [--commits N] [--stream-commits N] "
                 "[--stream-rows N]\n";
    return 2;
  }
  fs::path out = fs::absolute(argv[1]);
  int64_t rows = 20000000;
  int commits = 200;
  int stream_commits = 200;
  int64_t stream_rows = 100000;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--rows") {
      rows = std::stoll(argv[i + 1]);
    } else if (a == "--commits") {
      commits = std::stoi(argv[i + 1]);
    } else if (a == "--stream-commits") {
      stream_commits = std::stoi(argv[i + 1]);
    } else if (a == "--stream-rows") {
      stream_rows = std::stoll(argv[i + 1]);
    } else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  fs::remove_all(out);
  fs::create_directories(out);
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Session spark = Session::builder()
                      .config("spark.sql.shuffle.partitions", std::to_string(threads))
                      .config("spark.sluice.threads", std::to_string(threads))
                      .config("spark.sql.streaming.numRecentProgressUpdates",
                              std::to_string(stream_commits + 100))
                      .getOrCreate();
  SessionState& state = *spark.state();

  // Input: one partition per thread, batches of 64 Ki rows (untimed).
  std::vector<Partition> data(static_cast<size_t>(threads));
  int64_t in_bytes = 0;
  const int64_t chunk = 65536;
  int64_t per_task = (rows + threads - 1) / threads;
  for (int t = 0; t < threads; ++t) {
    for (int64_t from = t * per_task; from < std::min(rows, (t + 1) * per_task); from += chunk) {
      int64_t to = std::min({rows, (t + 1) * per_task, from + chunk});
      data[static_cast<size_t>(t)].push_back(MakeBatch(from, to));
    }
  }
  for (const Partition& p : data) {
    for (const RecordBatchPtr& b : p) {
      for (const VectorPtr& c : b->columns()) {
        // The same measure as duckdb_delta.mjs: fixed-width values plus string bytes.
        in_bytes += static_cast<int64_t>(c->size()) * c->type()->FixedWidth() +
                    static_cast<int64_t>(c->chars().size());
      }
    }
  }
  std::cerr << fmt::format("generated {} rows ({} MiB in memory), {} threads\n", rows,
                           in_bytes >> 20, threads);

  // Parquet writes, one per codec.
  double t0 = 0, c0 = 0;
  for (const char* codec : {"snappy", "zstd"}) {
    fs::path dir = out / (std::string("parquet_") + codec);
    t0 = Now();
    c0 = CpuSeconds();
    WriteFiles(state, "parquet", dir.string(), "overwrite", {{"compression", codec}}, {}, Schema(),
               data);
    Result(std::string("parquet_write_") + codec, rows, in_bytes, DirBytes(dir), Now() - t0,
           CpuSeconds() - c0);
  }

  // Delta write.
  DeltaWriteRequest req;
  req.path = (out / "delta").string();
  req.mode = DeltaSaveMode::kOverwrite;
  req.schema = Schema();
  req.data = data;
  t0 = Now();
  c0 = CpuSeconds();
  WriteDelta(state, req);
  Result("delta_write", rows, in_bytes, DirBytes(out / "delta"), Now() - t0, CpuSeconds() - c0);
  data.clear();
  req.data.clear();

  // Reads: an aggregate over every column.
  auto read = [&](const std::string& format, const fs::path& path, const std::string& op) {
    double r0 = Now(), rc0 = CpuSeconds();
    auto result = spark.read()
                      .format(format)
                      .load(path.string())
                      .agg({count("*").alias("n"), sum("id").alias("ids"),
                            sum("user_id").alias("users"), sum("amount_cents").alias("amount"),
                            max(col("category")).alias("cat"), max(col("ts")).alias("ts")})
                      .collect();
    double secs = Now() - r0, cpu = CpuSeconds() - rc0;
    if (result.empty() || result[0][0].GetInt64() != rows) {
      std::cerr << op << ": wrong row count\n";
      std::exit(1);
    }
    std::cerr << op << ": " << result[0].ToString() << "\n";
    Result(op, rows, in_bytes, DirBytes(path), secs, cpu);
  };
  read("parquet", out / "parquet_snappy", "parquet_read_snappy");
  read("parquet", out / "parquet_zstd", "parquet_read_zstd");
  read("delta", out / "delta", "delta_read");

  // Streaming commits: rate-micro-batch -> the five columns -> Delta sink, one commit per batch.
  if (stream_commits > 0) {
    std::string sink = (out / "delta_stream").string();
    double s0 = Now(), sc0 = CpuSeconds();
    StreamingQuery q =
        spark.readStream()
            .format("rate-micro-batch")
            .option("rowsPerBatch", std::to_string(stream_rows))
            .option("numPartitions", std::to_string(threads))
            .load()
            .selectExpr({"value AS id", "(value * 7919) % 1000000 AS user_id",
                         "value % 100000 AS amount_cents",
                         "concat('cat', CAST(value % 10 AS STRING)) AS category",
                         "timestamp_seconds(1704067200 + value) AS ts"})
            .writeStream()
            .format("delta")
            .option("checkpointLocation", (out / "delta_stream_cp").string())
            .start(sink);
    // Wait until the query has run the wanted batches (a benchmark may poll), then stop it.
    auto done = [&] {
      auto p = q.lastProgress();
      return p && nlohmann::json::parse(p->json())["batchId"].get<int64_t>() >= stream_commits - 1;
    };
    while (q.isActive() && !done()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!q.isActive()) {
      std::cerr << "streaming query stopped: " << q.exception().value_or("?") << "\n";
      return 1;
    }
    double stream_secs = Now() - s0, stream_cpu = CpuSeconds() - sc0;
    q.stop();
    std::vector<double> sink_ms, trigger_ms;
    int64_t stream_total = 0;
    for (const auto& p : q.recentProgress()) {
      auto j = nlohmann::json::parse(p.json());
      if (j["batchId"].get<int64_t>() >= stream_commits) continue;
      sink_ms.push_back(j["durationMs"]["addBatch"].get<double>());
      trigger_ms.push_back(j["durationMs"]["triggerExecution"].get<double>());
      stream_total += j["numInputRows"].get<int64_t>();
    }
    std::sort(sink_ms.begin(), sink_ms.end());
    std::sort(trigger_ms.begin(), trigger_ms.end());
    if (static_cast<int>(sink_ms.size()) != stream_commits ||
        stream_total != stream_rows * stream_commits) {
      std::cerr << "streaming: " << sink_ms.size() << " batches, " << stream_total << " rows\n";
      return 1;
    }
    // Every batch is one Delta commit (version = batch id) holding all its rows.
    DeltaSnapshot snap = LoadDeltaSnapshot(sink);
    int64_t table_rows = spark.read().format("delta").load(sink).count();
    if (snap.version < stream_commits - 1 || table_rows < stream_total) {
      std::cerr << "streaming Delta table: version " << snap.version << ", " << table_rows
                << " rows\n";
      return 1;
    }
    std::cout << fmt::format(
                     "STREAM engine=sluice commits={} rows_per_commit={} sink_p50_ms={:.2f} "
                     "sink_p99_ms={:.2f} sink_max_ms={:.2f} trigger_p50_ms={:.2f} "
                     "trigger_p99_ms={:.2f} rows_per_s={:.0f} cpu_seconds={:.3f} seconds={:.3f}",
                     stream_commits, stream_rows, Percentile(sink_ms, 0.5),
                     Percentile(sink_ms, 0.99), sink_ms.back(), Percentile(trigger_ms, 0.5),
                     Percentile(trigger_ms, 0.99), static_cast<double>(stream_total) / stream_secs,
                     stream_cpu, stream_secs)
              << std::endl;
  }

  // Commit latency of small appends.
  std::vector<double> ms;
  std::string small = (out / "delta_small").string();
  for (int c = 0; c < commits; ++c) {
    DeltaWriteRequest r;
    r.path = small;
    r.mode = DeltaSaveMode::kAppend;
    r.schema = Schema();
    r.data = {{MakeBatch(c * 10, c * 10 + 10)}};
    double s = Now();
    WriteDelta(state, r);
    ms.push_back((Now() - s) * 1000);
  }
  if (commits <= 0) return 0;
  std::sort(ms.begin(), ms.end());
  std::cout << fmt::format(
                   "LATENCY engine=sluice commits={} p50_ms={:.2f} p99_ms={:.2f} max_ms={:.2f}",
                   commits, Percentile(ms, 0.5), Percentile(ms, 0.99), ms.back())
            << std::endl;
  if (LoadDeltaSnapshot(small).version != commits - 1) {
    std::cerr << "commit latency table has the wrong version\n";
    return 1;
  }
  return 0;
}
