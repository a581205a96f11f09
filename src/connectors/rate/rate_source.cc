#include "connectors/rate/rate_source.h"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/config_defaults.h"
#include "api/session_state.h"
#include "formats/read_options.h"
#include "platform/clock.h"
#include "platform/file_system.h"
#include "plan/relation_source.h"
#include "sluice/exception.h"

namespace sluice {

namespace {

TypePtr RateSchema() {
  return DataType::Struct({StructField("timestamp", DataType::Timestamp(), false),
                           StructField("value", DataType::Long(), false)});
}

int64_t PositiveOption(const OptionMap& opts, const char* name, int64_t def, bool allow_zero = false) {
  int64_t v = GetInt(opts, name, def);
  if (v < 0 || (!allow_zero && v == 0)) {
    throw AnalysisError(fmt::format("Invalid value '{}'. The option '{}' must be {}.", v, name,
                                    allow_zero ? "non-negative" : "positive"));
  }
  return v;
}

// Rows [range_start, range_end) spread over partitions (value i goes to partition i % n), with
// timestamps linearly spaced from start_ms, in chunks of at most `chunk_rows` rows.
std::vector<Partition> MakeRows(int64_t range_start, int64_t range_end, int64_t start_ms,
                                double ms_per_value, int partitions, size_t chunk_rows) {
  std::vector<Partition> out(partitions);
  TypePtr schema = RateSchema();
  for (int p = 0; p < partitions; ++p) {
    int64_t first = range_start + p;
    size_t total = first < range_end ? static_cast<size_t>((range_end - first + partitions - 1) / partitions) : 0;
    for (size_t begin = 0; begin < total; begin += chunk_rows) {
      size_t n = std::min(chunk_rows, total - begin);
      auto ts = std::make_shared<Vector>(DataType::Timestamp());
      auto val = std::make_shared<Vector>(DataType::Long());
      ts->ResizeForOverwrite(n);
      val->ResizeForOverwrite(n);
      int64_t* ts_data = ts->data<int64_t>();
      int64_t* val_data = val->data<int64_t>();
      for (size_t i = 0; i < n; ++i) val_data[i] = first + static_cast<int64_t>(begin + i) * partitions;
      if (ms_per_value == 0.0) {
        std::fill_n(ts_data, n, start_ms * 1000);  // rate-micro-batch: one timestamp per batch
      } else {
        for (size_t i = 0; i < n; ++i) {
          ts_data[i] = (start_ms + static_cast<int64_t>((val_data[i] - range_start) * ms_per_value)) * 1000;
        }
      }
      out[p].push_back(RecordBatch::Make(schema, {ts, val}, n));
    }
  }
  return out;
}

int64_t ParseLong(const std::optional<std::string>& s) {
  if (!s) return 0;
  try {
    return std::stoll(*s);
  } catch (const std::exception&) {
    throw IoError(fmt::format("invalid rate source offset '{}' in the offset log", *s));
  }
}

// ---- rate ----
int64_t ValueAtSecond(int64_t seconds, int64_t rows_per_second, int64_t ramp_up) {
  int64_t delta = rows_per_second / (ramp_up + 1);
  if (seconds <= ramp_up) {
    return seconds % 2 == 1 ? (seconds + 1) / 2 * delta * seconds : seconds / 2 * delta * (seconds + 1);
  }
  return ValueAtSecond(ramp_up, rows_per_second, ramp_up) + (seconds - ramp_up) * rows_per_second;
}

struct RateOptions {
  int64_t rows_per_second;
  int64_t ramp_up_seconds;
  int partitions;
  size_t chunk_rows;  // spark.sluice.maxBatchRows
};

class RateStream : public StreamSource {
 public:
  RateStream(RateOptions o, std::shared_ptr<Clock> clock, const std::string& metadata_dir)
      : o_(o), clock_(std::move(clock)) {
    // The creation time is part of the checkpoint so that a restarted query generates the same
    // rows for the same offsets.
    std::filesystem::path meta = std::filesystem::path(metadata_dir) / "0";
    MakeDirs(metadata_dir);
    if (Exists(meta)) {
      std::string text = ReadFile(meta);
      auto nl = text.find('\n');
      if (text.rfind("v1", 0) != 0 || nl == std::string::npos) {
        throw IoError(fmt::format("corrupt rate source metadata {}", meta.string()));
      }
      creation_ms_ = std::stoll(text.substr(nl + 1));
    } else {
      creation_ms_ = clock_->NowMillis();
      CreateFileExclusive(meta, fmt::format("v1\n{}", creation_ms_));
    }
  }
  std::string Description() const override {
    return fmt::format("RateStreamV2[rowsPerSecond={}, rampUpTimeSeconds={}, numPartitions={}",
                       o_.rows_per_second, o_.ramp_up_seconds, o_.partitions);
  }
  std::optional<std::string> LatestOffset(const std::optional<std::string>&, const ReadLimit&) override {
    int64_t now = clock_->NowMillis();
    int64_t seconds = std::max<int64_t>(0, (now - creation_ms_) / 1000);
    if (target_ >= 0) seconds = std::min(seconds, target_);
    return std::to_string(seconds);
  }
  std::vector<Partition> GetBatch(const std::optional<std::string>& start, const std::string& end) override {
    int64_t s = ParseLong(start), e = ParseLong(end);
    int64_t lo = ValueAtSecond(s, o_.rows_per_second, o_.ramp_up_seconds);
    int64_t hi = ValueAtSecond(e, o_.rows_per_second, o_.ramp_up_seconds);
    double ms_per_value = hi > lo ? (e - s) * 1000.0 / static_cast<double>(hi - lo) : 0.0;
    return MakeRows(lo, hi, creation_ms_ + s * 1000, ms_per_value, o_.partitions, o_.chunk_rows);
  }
  void PrepareForAvailableNow() override {
    target_ = std::max<int64_t>(0, (clock_->NowMillis() - creation_ms_) / 1000);
  }

 private:
  RateOptions o_;
  std::shared_ptr<Clock> clock_;
  int64_t creation_ms_ = 0;
  int64_t target_ = -1;
};

// ---- rate-micro-batch ----
struct PerBatchOptions {
  int64_t rows_per_batch;
  int partitions;
  int64_t start_timestamp_ms;
  int64_t advance_ms;
  size_t chunk_rows;  // spark.sluice.maxBatchRows
};

class RatePerBatchStream : public StreamSource {
 public:
  explicit RatePerBatchStream(PerBatchOptions o) : o_(o) {}
  std::string Description() const override {
    return fmt::format("RatePerMicroBatchStream[rowsPerBatch={}, numPartitions={}, startTimestamp={}, "
                       "advanceMsPerBatch={}]",
                       o_.rows_per_batch, o_.partitions, o_.start_timestamp_ms, o_.advance_ms);
  }
  static std::string Offset(int64_t n, int64_t ts) {
    return fmt::format("{{\"offset\":{},\"timestamp\":{}}}", n, ts);
  }
  static std::pair<int64_t, int64_t> Parse(const std::string& s) {
    auto j = nlohmann::json::parse(s, nullptr, false);
    if (j.is_discarded() || !j.contains("offset") || !j.contains("timestamp")) {
      throw IoError("invalid rate-micro-batch offset '" + s + "' in the offset log");
    }
    return {j["offset"].get<int64_t>(), j["timestamp"].get<int64_t>()};
  }
  std::optional<std::string> LatestOffset(const std::optional<std::string>& start, const ReadLimit&) override {
    int64_t n = 0, ts = o_.start_timestamp_ms;
    if (start) std::tie(n, ts) = Parse(*start);
    if (available_now_ && start && n >= available_now_target_) return start;
    return Offset(n + o_.rows_per_batch, ts + o_.advance_ms);
  }
  std::vector<Partition> GetBatch(const std::optional<std::string>& start, const std::string& end) override {
    int64_t s = 0, ts = o_.start_timestamp_ms;
    if (start) std::tie(s, ts) = Parse(*start);
    auto [e, ets] = Parse(end);
    (void)ets;
    return MakeRows(s, e, ts, 0.0, o_.partitions, o_.chunk_rows);
  }
  void PrepareForAvailableNow() override {
    available_now_ = true;
    available_now_target_ = o_.rows_per_batch;  // one batch, as there is no end to "available"
  }

 private:
  PerBatchOptions o_;
  bool available_now_ = false;
  int64_t available_now_target_ = 0;
};

class RateRelation : public RelationSource {
 public:
  RateRelation(std::string format, RateOptions r, PerBatchOptions b, std::shared_ptr<Clock> clock)
      : format_(std::move(format)), r_(r), b_(b), clock_(std::move(clock)) {}
  TypePtr schema() const override { return RateSchema(); }
  bool is_streaming() const override { return true; }
  std::string Description() const override { return format_; }
  std::unique_ptr<StreamSource> CreateStream(const StreamSourceContext& ctx) const override {
    if (format_ == "rate") return std::make_unique<RateStream>(r_, clock_, ctx.metadata_dir);
    return std::make_unique<RatePerBatchStream>(b_);
  }

 private:
  std::string format_;
  RateOptions r_;
  PerBatchOptions b_;
  std::shared_ptr<Clock> clock_;
};

}  // namespace

PlanPtr MakeRatePlan(const SessionState& session, const std::string& format,
                     const std::map<std::string, std::string>& options) {
  OptionMap opts(options.begin(), options.end());
  int default_parts = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  RateOptions r{};
  PerBatchOptions b{};
  if (format == "rate") {
    r.rows_per_second = PositiveOption(opts, "rowsPerSecond", 1);
    r.ramp_up_seconds =
        ParseTimeConfMicros("rampUpTime", GetString(opts, "rampUpTime", "0s"), 1000000) / 1000000;
    r.partitions = static_cast<int>(PositiveOption(opts, "numPartitions", default_parts));
  } else {
    if (!GetOptionalString(opts, "rowsPerBatch")) {
      throw AnalysisError("Invalid value '0'. The option 'rowsPerBatch' must be positive.");
    }
    b.rows_per_batch = PositiveOption(opts, "rowsPerBatch", 0);
    b.partitions = static_cast<int>(PositiveOption(opts, "numPartitions", default_parts));
    b.start_timestamp_ms = PositiveOption(opts, "startTimestamp", 0, true);
    b.advance_ms = PositiveOption(opts, "advanceMillisPerBatch", 1000, true);
  }
  r.chunk_rows = b.chunk_rows =
      static_cast<size_t>(std::max<int64_t>(1, session.GetConfInt("spark.sluice.maxBatchRows", 8192)));
  return MakeSourcePlan(std::make_shared<RateRelation>(format, r, b, session.clock()), /*streaming=*/true,
                        SourceNullability::kFromSchema);
}

}  // namespace sluice
