// bench_json_pipeline: JSON lines on disk -> filter/project -> discard, on one thread, run by
// Sluice and by a plain simdjson ondemand loop over the same files, in the same process.
//
//   bench_json_pipeline DATA_DIR [--engine all|sluice|simdjson] [--repeat N]
//                                [--max-files-per-trigger N]
//
// The query (the same for both engines, and for bench/duckdb_json.mjs):
//
//   SELECT auction, bidder, price * 0.908 AS euros, dateTime
//   FROM <DATA_DIR/*.json with schema auction BIGINT, bidder BIGINT, price BIGINT, channel STRING,
//                              dateTime TIMESTAMP>
//   WHERE price > 1000000 OR channel = 'Google'
//
// (0.908 is a DOUBLE here: the C++ API's lit(double); DuckDB's script casts it to DOUBLE too.)
//
// Sluice: spark.readStream.format("json").schema(...).load(DATA_DIR), the filter and the select,
// writeStream.format("noop") with Trigger.AvailableNow, spark.sluice.threads=1. By default each
// micro-batch takes one file (maxFilesPerTrigger=1), the way a stream consumes a directory; pass
// --max-files-per-trigger 0 for a single batch over all files.
//
// simdjson: for each file, padded_string::load + parser.iterate_many; for each record one pass over
// its fields picking auction/bidder/price/channel/dateTime (order-independent, other fields
// skipped), the filter (SQL three-valued logic: a missing value is NULL), then the projected values
// appended to plain arrays (dateTime parsed to microseconds only for rows that pass). The arrays
// are folded into a checksum and cleared after each file.
//
// Each run prints one machine-readable line that bench/run.sh turns into the table:
//   RESULT engine=<name> rows_in=<n> rows_out=<n> bytes=<n> seconds=<wall> cpu_seconds=<process>
// plus, for Sluice, the summed micro-batch durations (Spark's durationMs keys) as PHASES.
// With --repeat N each engine runs N times; every run is printed.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "sluice/sluice.h"

namespace {

namespace fs = std::filesystem;

constexpr int64_t kPriceThreshold = 1000000;
constexpr double kEurosPerDollar = 0.908;
constexpr std::string_view kChannel = "Google";

struct RunResult {
  int64_t rows_in = 0;
  int64_t rows_out = 0;
  double seconds = 0;
  double cpu_seconds = 0;
  uint64_t checksum = 0;
  std::map<std::string, int64_t> phases_ms;
};

struct Input {
  std::vector<std::string> files;
  int64_t bytes = 0;
};

Input ListInput(const fs::path& dir) {
  Input in;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    in.files.push_back(entry.path().string());
    in.bytes += static_cast<int64_t>(entry.file_size());
  }
  std::sort(in.files.begin(), in.files.end());
  return in;
}

double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

/// Times `fn` in wall-clock and process CPU seconds.
template <typename Fn>
void Timed(RunResult* r, Fn&& fn) {
  double cpu0 = ProcessCpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  fn();
  auto t1 = std::chrono::steady_clock::now();
  r->seconds = std::chrono::duration<double>(t1 - t0).count();
  r->cpu_seconds = ProcessCpuSeconds() - cpu0;
}

// ---- Sluice --------------------------------------------------------------------------------

RunResult RunSluice(const std::string& dir, int64_t max_files_per_trigger) {
  using namespace sluice;
  using namespace sluice::functions;
  RunResult r;
  Timed(&r, [&] {
    Session spark = Session::builder()
                        .appName("bench_json_pipeline")
                        .config("spark.sluice.threads", "1")
                        .config("spark.sql.shuffle.partitions", "1")
                        .config("spark.sql.streaming.numRecentProgressUpdates", "1000000")
                        .getOrCreate();
    DataStreamReader reader = spark.readStream();
    reader.format("json").schema(
        "auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP");
    if (max_files_per_trigger > 0) reader.option("maxFilesPerTrigger", max_files_per_trigger);
    DataFrame bids = reader.load(dir);
    DataFrame out = bids.filter(col("price") > int64_t{kPriceThreshold} ||
                                col("channel") == std::string(kChannel))
                        .select(col("auction"), col("bidder"),
                                (col("price") * kEurosPerDollar).alias("euros"), col("dateTime"));
    StreamingQuery query =
        out.writeStream().format("noop").trigger(Trigger::AvailableNow()).start();
    query.awaitTermination();
    for (const StreamingQueryProgress& p : query.recentProgress()) {
      r.rows_in += p.num_input_rows;
      r.rows_out += std::max<int64_t>(0, p.sink_num_output_rows);
      for (const auto& [k, v] : p.duration_ms) r.phases_ms[k] += v;
    }
    spark.stop();
  });
  return r;
}

// ---- plain simdjson loop -------------------------------------------------------------------

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool Digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

/// "YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z]" (UTC) to microseconds since the epoch; nullopt otherwise.
std::optional<int64_t> ParseTimestampMicros(std::string_view s) {
  int64_t y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, &y) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
      !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &sec)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  size_t pos = 19;
  int64_t frac_us = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100000;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_us += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  if (pos < s.size() && s[pos] == 'Z') ++pos;
  if (pos != s.size()) return std::nullopt;
  int64_t seconds = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  return seconds * 1000000 + frac_us;
}

/// The projected columns, as plain arrays.
struct Output {
  std::vector<int64_t> auction;
  std::vector<int64_t> bidder;
  std::vector<double> euros;
  std::vector<int64_t> date_time;     // microseconds since the epoch
  std::vector<uint8_t> date_time_ok;  // 0 = NULL
  std::vector<uint8_t> valid;         // bit 0 auction, 1 bidder, 2 euros

  size_t size() const { return auction.size(); }
  void clear() {
    auction.clear();
    bidder.clear();
    euros.clear();
    date_time.clear();
    date_time_ok.clear();
    valid.clear();
  }
  uint64_t Checksum() const {
    uint64_t h = 0;
    for (size_t i = 0; i < size(); ++i) {
      uint64_t e;
      std::memcpy(&e, &euros[i], sizeof(e));
      h = h * 31 + static_cast<uint64_t>(auction[i]) + static_cast<uint64_t>(bidder[i]) * 7 + e +
          static_cast<uint64_t>(date_time[i]) + valid[i] + date_time_ok[i];
    }
    return h;
  }
};

RunResult RunSimdjson(const Input& input) {
  namespace od = simdjson::ondemand;
  RunResult r;
  Timed(&r, [&] {
    od::parser parser;
    Output out;
    int64_t malformed = 0;
    for (const std::string& path : input.files) {
      simdjson::padded_string json;
      if (simdjson::padded_string::load(path).get(json) != simdjson::SUCCESS) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        std::exit(1);
      }
      od::document_stream stream;
      if (parser.iterate_many(json, 1 << 20).get(stream) != simdjson::SUCCESS) {
        std::fprintf(stderr, "cannot parse %s\n", path.c_str());
        std::exit(1);
      }
      for (auto doc : stream) {
        ++r.rows_in;
        od::object obj;
        if (doc.get_object().get(obj) != simdjson::SUCCESS) {
          ++malformed;
          continue;
        }
        int64_t auction = 0, bidder = 0, price = 0;
        std::string_view channel, date_time;
        bool has_auction = false, has_bidder = false, has_price = false, has_channel = false,
             has_date_time = false;
        bool bad = false;
        for (auto field : obj) {
          od::raw_json_string key;
          if (field.key().get(key) != simdjson::SUCCESS) {
            bad = true;
            break;
          }
          od::value v = field.value();
          if (key == "auction") {
            has_auction = v.get_int64().get(auction) == simdjson::SUCCESS;
          } else if (key == "bidder") {
            has_bidder = v.get_int64().get(bidder) == simdjson::SUCCESS;
          } else if (key == "price") {
            has_price = v.get_int64().get(price) == simdjson::SUCCESS;
          } else if (key == "channel") {
            has_channel = v.get_string().get(channel) == simdjson::SUCCESS;
          } else if (key == "dateTime") {
            has_date_time = v.get_string().get(date_time) == simdjson::SUCCESS;
          }
        }
        if (bad) {
          ++malformed;
          continue;
        }
        bool keep = (has_price && price > kPriceThreshold) || (has_channel && channel == kChannel);
        if (!keep) continue;
        std::optional<int64_t> ts;
        if (has_date_time) ts = ParseTimestampMicros(date_time);
        out.auction.push_back(auction);
        out.bidder.push_back(bidder);
        out.euros.push_back(static_cast<double>(price) * kEurosPerDollar);
        out.date_time.push_back(ts.value_or(0));
        out.date_time_ok.push_back(ts.has_value());
        out.valid.push_back(static_cast<uint8_t>(has_auction | has_bidder << 1 | has_price << 2));
      }
      r.rows_out += static_cast<int64_t>(out.size());
      r.checksum += out.Checksum();
      out.clear();
    }
    if (malformed > 0) std::fprintf(stderr, "simdjson: %lld malformed records\n", (long long)malformed);
  });
  return r;
}

// ---- driver --------------------------------------------------------------------------------

void Print(const char* engine, const RunResult& r, int64_t bytes) {
  const double mib = static_cast<double>(bytes) / (1 << 20);
  std::printf("%-9s rows_in %11lld  rows_out %11lld  %8.3f s  (cpu %8.3f s)  %12.0f rows/s  %8.1f MiB/s\n",
              engine, static_cast<long long>(r.rows_in), static_cast<long long>(r.rows_out),
              r.seconds, r.cpu_seconds, static_cast<double>(r.rows_in) / r.seconds, mib / r.seconds);
  std::printf("RESULT engine=%s rows_in=%lld rows_out=%lld bytes=%lld seconds=%.6f cpu_seconds=%.6f\n",
              engine, static_cast<long long>(r.rows_in), static_cast<long long>(r.rows_out),
              static_cast<long long>(bytes), r.seconds, r.cpu_seconds);
  if (!r.phases_ms.empty()) {
    std::printf("PHASES engine=%s", engine);
    for (const auto& [k, v] : r.phases_ms) std::printf(" %s=%lld", k.c_str(), static_cast<long long>(v));
    std::printf("\n");
  }
  std::fflush(stdout);
}

int Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s DATA_DIR [--engine all|sluice|simdjson] [--repeat N] "
               "[--max-files-per-trigger N]\n",
               argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage(argv[0]);
  std::string dir = argv[1];
  std::string engine = "all";
  int repeat = 1;
  int64_t max_files_per_trigger = 1;
  for (int i = 2; i < argc; ++i) {
    std::string_view a = argv[i];
    if (i + 1 >= argc) return Usage(argv[0]);
    if (a == "--engine") {
      engine = argv[++i];
    } else if (a == "--repeat") {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--max-files-per-trigger") {
      max_files_per_trigger = std::atoll(argv[++i]);
    } else {
      return Usage(argv[0]);
    }
  }
  if (engine != "all" && engine != "sluice" && engine != "simdjson") return Usage(argv[0]);
  Input input = ListInput(dir);
  if (input.files.empty()) {
    std::fprintf(stderr, "no *.json files in %s\n", dir.c_str());
    return 1;
  }
  std::printf("input: %zu files, %lld bytes (%.1f MiB) in %s\n", input.files.size(),
              static_cast<long long>(input.bytes), static_cast<double>(input.bytes) / (1 << 20),
              dir.c_str());

  std::optional<RunResult> best_simdjson, best_sluice;
  for (int i = 0; i < repeat; ++i) {
    if (engine == "all" || engine == "simdjson") {
      RunResult r = RunSimdjson(input);
      Print("simdjson", r, input.bytes);
      if (!best_simdjson || r.seconds < best_simdjson->seconds) best_simdjson = r;
    }
    if (engine == "all" || engine == "sluice") {
      RunResult r;
      try {
        r = RunSluice(dir, max_files_per_trigger);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "sluice failed: %s\n", e.what());
        return 1;
      }
      Print("sluice", r, input.bytes);
      if (!best_sluice || r.seconds < best_sluice->seconds) best_sluice = r;
    }
  }
  if (best_simdjson && best_sluice) {
    if (best_simdjson->rows_out != best_sluice->rows_out || best_simdjson->rows_in != best_sluice->rows_in) {
      std::printf("WARNING: row counts differ (simdjson %lld/%lld, sluice %lld/%lld)\n",
                  (long long)best_simdjson->rows_in, (long long)best_simdjson->rows_out,
                  (long long)best_sluice->rows_in, (long long)best_sluice->rows_out);
    }
    std::printf("sluice / simdjson (best of %d): %.2fx\n", repeat,
                best_simdjson->seconds / best_sluice->seconds);
  }
  return 0;
}
