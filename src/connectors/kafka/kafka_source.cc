#include "connectors/kafka/kafka_source.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <iostream>

#include "api/session_state.h"
#include "connectors/kafka/kafka_client.h"
#include "formats/read_options.h"
#include "platform/clock.h"
#include "platform/file_system.h"
#include "platform/uuid.h"
#include "sluice/exception.h"

namespace sluice {
namespace kafka {

namespace {

constexpr int kRequestTimeoutMs = 30000;

const char* kLossFalseHint =
    "Some data may have been lost because they are not available in Kafka any more; either the "
    "data was aged out by Kafka or the topic may have been deleted before all the data in the topic "
    "was processed. If you don't want your streaming query to fail on such cases, set the source "
    "option \"failOnDataLoss\" to \"false\".";

std::string JavaDouble(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e7) return fmt::format("{:.1f}", d);
  return fmt::format("{}", d);
}

// Builds the rows of one input partition, in chunks of kDefaultReadBatchRows.
class RowBuilder {
 public:
  RowBuilder(TypePtr schema, bool headers) : schema_(std::move(schema)), headers_(headers) { Reset(); }

  void Add(const rd_kafka_message_t* m) {
    if (m->key)
      cols_[0]->AppendString(std::string_view(static_cast<const char*>(m->key), m->key_len));
    else
      cols_[0]->AppendNull();
    if (m->payload)
      cols_[1]->AppendString(std::string_view(static_cast<const char*>(m->payload), m->len));
    else
      cols_[1]->AppendNull();
    const char* topic = rd_kafka_topic_name(m->rkt);
    cols_[2]->AppendString(topic);
    cols_[3]->Append<int32_t>(m->partition);
    cols_[4]->Append<int64_t>(m->offset);
    rd_kafka_timestamp_type_t tstype;
    int64_t ts = rd_kafka_message_timestamp(m, &tstype);
    if (tstype == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE) {
      cols_[5]->AppendNull();
      cols_[6]->Append<int32_t>(-1);
    } else {
      cols_[5]->Append<int64_t>(ts * 1000);
      cols_[6]->Append<int32_t>(tstype == RD_KAFKA_TIMESTAMP_CREATE_TIME ? 0 : 1);
    }
    if (headers_) AddHeaders(m);
    if (++rows_ >= kDefaultReadBatchRows) Flush();
  }

  void Flush() {
    if (rows_ == 0) return;
    out_.push_back(RecordBatch::Make(schema_, cols_, rows_));
    Reset();
  }

  Partition Take() {
    Flush();
    return std::move(out_);
  }

 private:
  void Reset() {
    cols_.clear();
    for (const auto& f : schema_->fields()) cols_.push_back(std::make_shared<Vector>(f.type));
    for (auto& c : cols_) c->Reserve(1024);
    rows_ = 0;
  }

  void AddHeaders(const rd_kafka_message_t* m) {
    Vector& arr = *cols_[7];
    Vector& st = *arr.child(0);
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs) {
      const char* name;
      const void* value;
      size_t size;
      for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
           ++i) {
        st.child(0)->AppendString(name);
        if (value)
          st.child(1)->AppendString(std::string_view(static_cast<const char*>(value), size));
        else
          st.child(1)->AppendNull();
        st.AppendStructRow();
      }
    }
    arr.AppendListEnd();
  }

  TypePtr schema_;
  bool headers_;
  std::vector<VectorPtr> cols_;
  size_t rows_ = 0;
  Partition out_;
};

std::string SubscriptionDescription(const Subscription& s) {
  switch (s.kind) {
    case Subscription::Kind::kSubscribe:
      return fmt::format("Subscribe[{}]", fmt::join(s.topics, ","));
    case Subscription::Kind::kPattern:
      return fmt::format("SubscribePattern[{}]", s.pattern);
    case Subscription::Kind::kAssign: {
      std::vector<std::string> parts;
      for (const auto& tp : s.partitions) parts.push_back(tp.ToString());
      return fmt::format("Assign[{}]", fmt::join(parts, ", "));
    }
  }
  return "";
}

std::string PartitionSet(const std::vector<TopicPartition>& tps) {
  std::vector<std::string> parts;
  for (const auto& tp : tps) parts.push_back(tp.ToString());
  return fmt::format("Set({})", fmt::join(parts, ", "));
}

// Resolves `spec` to actual offsets for `tps` (Spark's KafkaOffsetReader.fetch*Offsets).
PartitionOffsets ResolveOffsets(rd_kafka_t* rk, const OffsetSpec& spec,
                                const std::vector<TopicPartition>& tps, bool timestamp_latest,
                                const char* what) {
  switch (spec.kind) {
    case OffsetSpec::Kind::kEarliest:
      return ListOffsets(rk, tps, kEarliestOffset, kRequestTimeoutMs);
    case OffsetSpec::Kind::kLatest:
      return ListOffsets(rk, tps, kLatestOffset, kRequestTimeoutMs);
    case OffsetSpec::Kind::kSpecific:
    case OffsetSpec::Kind::kByTimestamp: {
      std::vector<TopicPartition> specified;
      for (const auto& [tp, v] : spec.offsets) specified.push_back(tp);
      if (specified != tps) {
        throw AnalysisError(
            fmt::format("If {} contains specific offsets, you must specify all TopicPartitions.\nUse -1 for "
                        "latest, -2 for earliest.\nSpecified: {} Assigned: {}",
                        what, PartitionSet(specified), PartitionSet(tps)));
      }
      if (spec.kind == OffsetSpec::Kind::kSpecific) {
        PartitionOffsets out = spec.offsets, query;
        for (const auto& [tp, v] : spec.offsets) {
          if (v < 0) query[tp] = v;
        }
        for (const auto& [tp, v] : ListOffsets(rk, query, kRequestTimeoutMs)) out[tp] = v;
        return out;
      }
      [[fallthrough]];
    }
    case OffsetSpec::Kind::kTimestamp: {
      PartitionOffsets query;
      for (const auto& tp : tps) {
        query[tp] = spec.kind == OffsetSpec::Kind::kTimestamp ? spec.timestamp_ms : spec.offsets.at(tp);
      }
      PartitionOffsets out = ListOffsets(rk, query, kRequestTimeoutMs);
      PartitionOffsets latest;
      for (auto& [tp, off] : out) {
        if (off >= 0) continue;
        if (!timestamp_latest) {
          throw AnalysisError(
              fmt::format("No offset matched from request of topic-partition {} and timestamp {}.",
                          tp.ToString(), query[tp]));
        }
        if (latest.empty()) latest = ListOffsets(rk, tps, kLatestOffset, kRequestTimeoutMs);
        off = latest[tp];
      }
      return out;
    }
  }
  return {};
}

// Reads the ranges into one Partition per (split) range.
std::vector<Partition> ReadRanges(RangeReader& reader, const TypePtr& schema, bool headers,
                                  const std::vector<OffsetRange>& ranges, int min_partitions,
                                  const RangeReader::DataLossFn& on_loss) {
  std::vector<OffsetRange> split = SplitRanges(ranges, min_partitions);
  std::vector<RangeReader::Range> rr;
  for (const auto& r : split) rr.push_back({r.tp, r.from, r.until});
  std::vector<RowBuilder> builders;
  builders.reserve(rr.size());
  for (size_t i = 0; i < rr.size(); ++i) builders.emplace_back(schema, headers);
  reader.Read(
      rr, [&](size_t i, const rd_kafka_message_t* m) { builders[i].Add(m); }, on_loss);
  std::vector<Partition> out;
  for (auto& b : builders) {
    Partition p = b.Take();
    if (!p.empty()) out.push_back(std::move(p));
  }
  return out;
}

std::string GroupId(const SourceOptions& o, const char* kind) {
  return fmt::format("{}-{}-{}", o.group_id_prefix, GenerateUuid(), kind);
}

}  // namespace

TypePtr SourceSchema(bool include_headers) {
  std::vector<StructField> f = {
      StructField("key", DataType::Binary()),       StructField("value", DataType::Binary()),
      StructField("topic", DataType::String()),     StructField("partition", DataType::Int()),
      StructField("offset", DataType::Long()),      StructField("timestamp", DataType::Timestamp()),
      StructField("timestampType", DataType::Int())};
  if (include_headers) {
    f.push_back(StructField(
        "headers", DataType::Array(DataType::Struct(
                       {StructField("key", DataType::String()), StructField("value", DataType::Binary())}))));
  }
  return DataType::Struct(std::move(f));
}

PartitionOffsets RateLimit(const PartitionOffsets& from, const PartitionOffsets& until, int64_t limit) {
  std::map<TopicPartition, int64_t> sizes;
  double total = 0;
  for (const auto& [tp, end] : until) {
    auto it = from.find(tp);
    if (it == from.end()) continue;
    int64_t size = end - it->second;
    if (size > 0) {
      sizes[tp] = size;
      total += static_cast<double>(size);
    }
  }
  if (total < 1) return until;
  PartitionOffsets out;
  for (const auto& [tp, end] : until) {
    auto s = sizes.find(tp);
    if (s == sizes.end()) {
      out[tp] = end;
      continue;
    }
    int64_t begin = from.at(tp);
    double prorate = static_cast<double>(limit) * (static_cast<double>(s->second) / total);
    // Small partitions are not starved: a share below one offset rounds up.
    int64_t share = static_cast<int64_t>(prorate < 1 ? std::ceil(prorate) : std::floor(prorate));
    int64_t off = share > INT64_MAX - begin ? INT64_MAX : begin + share;
    out[tp] = std::min(end, off);
  }
  return out;
}

std::map<std::string, std::string> OffsetsBehindLatestMetrics(const PartitionOffsets& consumed,
                                                              const PartitionOffsets& latest_available) {
  std::map<std::string, std::string> m;
  if (latest_available.empty()) return m;
  int64_t mn = INT64_MAX, mx = INT64_MIN;
  double sum = 0;
  for (const auto& [tp, latest] : latest_available) {
    auto it = consumed.find(tp);
    int64_t behind = latest - (it == consumed.end() ? 0 : it->second);
    mn = std::min(mn, behind);
    mx = std::max(mx, behind);
    sum += static_cast<double>(behind);
  }
  m["minOffsetsBehindLatest"] = std::to_string(mn);
  m["maxOffsetsBehindLatest"] = std::to_string(mx);
  m["avgOffsetsBehindLatest"] = JavaDouble(sum / static_cast<double>(latest_available.size()));
  return m;
}

std::vector<OffsetRange> SplitRanges(const std::vector<OffsetRange>& ranges, int min_partitions) {
  if (min_partitions <= 0 || static_cast<int>(ranges.size()) >= min_partitions) return ranges;
  double total = 0;
  for (const auto& r : ranges) total += static_cast<double>(std::max<int64_t>(0, r.until - r.from));
  if (total <= 0) return ranges;
  std::vector<OffsetRange> out;
  for (const auto& r : ranges) {
    int64_t size = std::max<int64_t>(0, r.until - r.from);
    int64_t parts = std::max<int64_t>(
        1, static_cast<int64_t>(std::llround(static_cast<double>(size) / total * min_partitions)));
    parts = std::min<int64_t>(parts, std::max<int64_t>(1, size));
    for (int64_t i = 0; i < parts; ++i) {
      OffsetRange piece = r;
      piece.from = r.from + size * i / parts;
      piece.until = r.from + size * (i + 1) / parts;
      out.push_back(piece);
    }
  }
  return out;
}

// ---- KafkaStream ----

class KafkaStream::Impl {
 public:
  Impl(SourceOptions o, TypePtr schema, StreamSourceContext ctx)
      : o_(std::move(o)),
        schema_(std::move(schema)),
        ctx_(std::move(ctx)),
        reader_(o_.client_conf, GroupId(o_, "driver-0"), o_.poll_timeout_ms) {}

  rd_kafka_t* rk() { return reader_.handle(); }

  std::vector<TopicPartition> Partitions() {
    return SelectPartitions(o_.subscription, ListTopics(rk(), kRequestTimeoutMs));
  }

  // The starting offsets of the query: fixed at first start, kept in sources/<i>/0.
  const PartitionOffsets& Initial(const std::vector<TopicPartition>* tps) {
    if (initial_) return *initial_;
    std::filesystem::path file = std::filesystem::path(ctx_.metadata_dir) / "0";
    if (!Exists(file)) {
      std::vector<TopicPartition> current = tps ? *tps : Partitions();
      PartitionOffsets init =
          ResolveOffsets(rk(), o_.starting, current, o_.timestamp_strategy_latest, "startingOffsets");
      MakeDirs(ctx_.metadata_dir);
      // Spark's KafkaSourceInitialOffsetWriter format: a zero byte, "v1\n", the offset JSON.
      CreateFileExclusive(file, std::string(1, '\0') + "v1\n" + OffsetsToJson(init));
    }
    std::string text = ReadFile(file);
    if (!text.empty() && text[0] == '\0') text.erase(0, 1);
    if (text.rfind("v1\n", 0) != 0)
      throw IoError(fmt::format("corrupt Kafka initial offsets {}", file.string()));
    initial_ = ParseLogged(text.substr(3));
    return *initial_;
  }

  PartitionOffsets ParseLogged(const std::string& json) {
    try {
      return OffsetsFromJson(json);
    } catch (const AnalysisError&) {
      throw IoError(fmt::format("invalid Kafka source offset '{}' in the offset log", json));
    }
  }

  void Loss(const std::string& message, int64_t lost, int64_t* counter) {
    if (o_.fail_on_data_loss) {
      throw ExecutionError(fmt::format("[KAFKA_DATA_LOSS] {} {}", message, kLossFalseHint));
    }
    std::cerr << "sluice kafka: WARN " << message
              << " Some data may have been lost (failOnDataLoss=false: continuing).\n";
    *counter += std::max<int64_t>(0, lost);
  }

  SourceOptions o_;
  TypePtr schema_;
  StreamSourceContext ctx_;
  RangeReader reader_;
  std::optional<PartitionOffsets> initial_;
  PartitionOffsets latest_available_;
  std::optional<PartitionOffsets> available_now_target_;
  int64_t last_trigger_ms_ = 0;
};

KafkaStream::KafkaStream(SourceOptions options, TypePtr schema, StreamSourceContext ctx)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(schema), std::move(ctx))) {}

KafkaStream::~KafkaStream() = default;

std::string KafkaStream::Description() const {
  return fmt::format("KafkaV2[{}]", SubscriptionDescription(impl_->o_.subscription));
}

std::optional<std::string> KafkaStream::LatestOffset(const std::optional<std::string>& start,
                                                     const ReadLimit& limit) {
  Impl& s = *impl_;
  std::vector<TopicPartition> tps = s.Partitions();
  PartitionOffsets from = start ? s.ParseLogged(*start) : s.Initial(&tps);
  // Partitions of topics that no longer exist.
  if (s.o_.subscription.kind != Subscription::Kind::kAssign) {
    std::vector<TopicPartition> gone;
    for (const auto& [tp, off] : from) {
      if (!std::binary_search(tps.begin(), tps.end(), tp)) gone.push_back(tp);
    }
    if (!gone.empty()) {
      s.Loss(fmt::format("{} are gone.", PartitionSet(gone)), 0, &lost_offsets_);
      for (const auto& tp : gone) from.erase(tp);
    }
  }
  // New partitions start at the earliest offset (Spark).
  std::vector<TopicPartition> fresh;
  for (const auto& tp : tps) {
    if (!from.count(tp)) fresh.push_back(tp);
  }
  PartitionOffsets starts = from;
  for (const auto& [tp, off] : ListOffsets(s.rk(), fresh, kEarliestOffset, kRequestTimeoutMs))
    starts[tp] = off;
  PartitionOffsets latest = ListOffsets(s.rk(), tps, kLatestOffset, kRequestTimeoutMs);
  s.latest_available_ = latest;
  if (s.available_now_target_) {
    for (auto& [tp, off] : latest) {
      auto t = s.available_now_target_->find(tp);
      off = t == s.available_now_target_->end() ? starts[tp] : std::min(off, t->second);
    }
  }
  // A partition never moves back (a shrunken log is reported when read).
  for (auto& [tp, off] : latest) off = std::max(off, starts[tp]);
  if (!limit.all_available) {
    if (s.o_.min_offsets_per_trigger && !s.available_now_target_) {
      int64_t now = s.ctx_.session->clock()->NowMillis();
      if (now - s.last_trigger_ms_ >= s.o_.max_trigger_delay_ms) {
        s.last_trigger_ms_ = now;
      } else {
        int64_t available = 0;
        for (const auto& [tp, off] : latest) available += off - starts[tp];
        if (available < *s.o_.min_offsets_per_trigger) return start;  // nullopt: no batch yet
        s.last_trigger_ms_ = now;
      }
    }
    if (s.o_.max_offsets_per_trigger) latest = RateLimit(starts, latest, *s.o_.max_offsets_per_trigger);
  }
  PartitionOffsets end = latest;
  for (const auto& [tp, off] : from) {
    if (!end.count(tp)) end[tp] = off;
  }
  if (!start && end == from) return std::nullopt;
  std::string json = OffsetsToJson(end);
  if (start && end == from) return start;
  return json;
}

std::vector<Partition> KafkaStream::GetBatch(const std::optional<std::string>& start,
                                             const std::string& end) {
  Impl& s = *impl_;
  PartitionOffsets from = start ? s.ParseLogged(*start) : s.Initial(nullptr);
  PartitionOffsets until = s.ParseLogged(end);
  std::vector<TopicPartition> fresh;
  for (const auto& [tp, off] : until) {
    if (!from.count(tp)) fresh.push_back(tp);
  }
  for (const auto& [tp, off] : ListOffsets(s.rk(), fresh, kEarliestOffset, kRequestTimeoutMs)) from[tp] = off;
  std::vector<OffsetRange> ranges;
  for (const auto& [tp, u] : until) {
    int64_t f = from[tp];
    if (f > u) {
      s.Loss(fmt::format("Partition {}'s offset was changed from {} to {}.", tp.ToString(), f, u), 0,
             &lost_offsets_);
      continue;
    }
    ranges.push_back({tp, f, u});
  }
  return ReadRanges(s.reader_, s.schema_, s.o_.include_headers, ranges, s.o_.min_partitions,
                    [&](const std::string& msg, int64_t lost) { s.Loss(msg, lost, &lost_offsets_); });
}

void KafkaStream::PrepareForAvailableNow() {
  impl_->available_now_target_ =
      ListOffsets(impl_->rk(), impl_->Partitions(), kLatestOffset, kRequestTimeoutMs);
}

void KafkaStream::Stop() {}

std::optional<std::string> KafkaStream::ReportLatestOffset() const {
  if (impl_->latest_available_.empty()) return std::nullopt;
  return OffsetsToJson(impl_->latest_available_);
}

std::map<std::string, std::string> KafkaStream::Metrics(const std::optional<std::string>& end) const {
  std::map<std::string, std::string> m;
  if (end) m = OffsetsBehindLatestMetrics(impl_->ParseLogged(*end), impl_->latest_available_);
  if (lost_offsets_ > 0) m["offsetsLost"] = std::to_string(lost_offsets_);
  return m;
}

// ---- relation ----

namespace {

class KafkaRelation : public RelationSource {
 public:
  KafkaRelation(SourceOptions o, bool streaming)
      : o_(std::move(o)), streaming_(streaming), schema_(SourceSchema(o_.include_headers)) {}
  TypePtr schema() const override { return schema_; }
  bool is_streaming() const override { return streaming_; }
  std::string Description() const override {
    return fmt::format("KafkaRelation[{}]", SubscriptionDescription(o_.subscription));
  }

  std::vector<Partition> ReadAll(const EvalContext&) const override {
    RangeReader reader(o_.client_conf, GroupId(o_, "driver-0"), o_.poll_timeout_ms);
    std::vector<TopicPartition> tps =
        SelectPartitions(o_.subscription, ListTopics(reader.handle(), kRequestTimeoutMs));
    PartitionOffsets from =
        ResolveOffsets(reader.handle(), o_.starting, tps, o_.timestamp_strategy_latest, "startingOffsets");
    PartitionOffsets until =
        ResolveOffsets(reader.handle(), o_.ending, tps, o_.timestamp_strategy_latest, "endingOffsets");
    std::vector<OffsetRange> ranges;
    for (const auto& tp : tps) {
      int64_t f = from[tp], u = until[tp];
      if (u < f) {
        throw ExecutionError(
            fmt::format("[KAFKA_DATA_LOSS] The ending offset {} of {} is before its starting offset {}.", u,
                        tp.ToString(), f));
      }
      ranges.push_back({tp, f, u});
    }
    bool fail = o_.fail_on_data_loss;
    return ReadRanges(reader, schema_, o_.include_headers, ranges, o_.min_partitions,
                      [fail](const std::string& msg, int64_t) {
                        if (fail)
                          throw ExecutionError(fmt::format("[KAFKA_DATA_LOSS] {} {}", msg, kLossFalseHint));
                        std::cerr << "sluice kafka: WARN " << msg << " (failOnDataLoss=false: continuing)\n";
                      });
  }

  std::unique_ptr<StreamSource> CreateStream(const StreamSourceContext& ctx) const override {
    return std::make_unique<KafkaStream>(o_, schema_, ctx);
  }

 private:
  SourceOptions o_;
  bool streaming_;
  TypePtr schema_;
};

}  // namespace
}  // namespace kafka

PlanPtr MakeKafkaPlan(const SessionState& session, const std::map<std::string, std::string>& options,
                      bool streaming) {
  OptionMap opts(options.begin(), options.end());
  kafka::SourceOptions o = kafka::ParseSourceOptions(opts, streaming);
  return MakeSourcePlan(std::make_shared<kafka::KafkaRelation>(std::move(o), streaming), streaming,
                        SourceNullability::kFromSchema);
}

PlanPtr MakeReadKafkaPlan(const SessionState& session, const std::vector<ExprPtr>& args) {
  OptionMap options = {{"startingOffsets", "earliest"}, {"endingOffsets", "latest"}};
  for (const auto& a : args) {
    if (a->kind != ExprKind::kAlias || a->children.empty() || a->children[0]->kind != ExprKind::kLiteral) {
      throw AnalysisError(
          "[REQUIRED_PARAMETER_NOT_FOUND] read_kafka takes named arguments with literal values, "
          "e.g. read_kafka(bootstrapServers => 'host:9092', subscribe => 'topic')");
    }
    const Value& v = a->children[0]->literal;
    std::string text = v.is_null() ? "" : v.type()->IsStringLike() ? v.GetString() : v.ToString();
    std::string name = a->name;
    if (name == "bootstrapServers" || name == "bootstrapservers") name = "kafka.bootstrap.servers";
    options[name] = text;
  }
  return MakeKafkaPlan(session, std::map<std::string, std::string>(options.begin(), options.end()),
                       /*streaming=*/false);
}

}  // namespace sluice
