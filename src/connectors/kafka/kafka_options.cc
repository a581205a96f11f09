#include "connectors/kafka/kafka_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "sluice/exception.h"
#include "types/ascii.h"

namespace sluice::kafka {

namespace {

constexpr const char* kOffsetsExample = R"({"topicA":{"0":23,"1":-1},"topicB":{"0":-2}})";
constexpr const char* kPartitionsExample = R"({"topicA":[0,1],"topicB":[0,1]})";
constexpr const char* kTimestampsExample =
    R"({"topicA": {"0": 123456789, "1": 123456789}, "topicB": {"0": 123456789, "1": 123456789}})";

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Parses {"topic":{"<partition>":<long>}} or throws with `example`.
PartitionOffsets ParseNested(const std::string& json, const char* example) {
  auto fail = [&] { return AnalysisError(fmt::format("Expected e.g. {}, got {}", example, json)); };
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw fail();
  PartitionOffsets out;
  for (const auto& [topic, parts] : j.items()) {
    if (!parts.is_object()) throw fail();
    for (const auto& [p, off] : parts.items()) {
      if (!off.is_number_integer()) throw fail();
      size_t used = 0;
      int32_t partition = 0;
      try {
        partition = std::stoi(p, &used);
      } catch (const std::exception&) {
        throw fail();
      }
      if (used != p.size()) throw fail();
      out[TopicPartition{topic, partition}] = off.get<int64_t>();
    }
  }
  return out;
}

int64_t LongOption(const OptionMap& options, const char* name, int64_t def) {
  auto v = GetOptionalString(options, name);
  if (!v) return def;
  try {
    size_t used = 0;
    int64_t n = std::stoll(Trim(*v), &used);
    if (used != Trim(*v).size()) throw std::invalid_argument(*v);
    return n;
  } catch (const std::exception&) {
    throw AnalysisError(fmt::format("Invalid value '{}' for option '{}': expected a number", *v, name));
  }
}

OffsetSpec ParseOffsetSpec(const OptionMap& options, const char* offsets_key, const char* ts_key,
                           const char* by_ts_key, OffsetSpec::Kind def) {
  OffsetSpec spec;
  spec.kind = def;
  if (auto by_ts = GetOptionalString(options, by_ts_key)) {
    spec.kind = OffsetSpec::Kind::kByTimestamp;
    spec.offsets = TimestampsFromJson(Trim(*by_ts));
  } else if (GetOptionalString(options, ts_key)) {
    spec.kind = OffsetSpec::Kind::kTimestamp;
    spec.timestamp_ms = LongOption(options, ts_key, 0);
  } else if (auto off = GetOptionalString(options, offsets_key)) {
    std::string v = AsciiLower(Trim(*off));
    if (v == "latest") {
      spec.kind = OffsetSpec::Kind::kLatest;
    } else if (v == "earliest") {
      spec.kind = OffsetSpec::Kind::kEarliest;
    } else {
      spec.kind = OffsetSpec::Kind::kSpecific;
      spec.offsets = OffsetsFromJson(Trim(*off));
    }
  }
  return spec;
}

}  // namespace

int64_t ParseTimeStringMs(const std::string& name, const std::string& text) {
  // Java's JavaUtils.timeStringAsMs: a number with an optional unit (default ms).
  std::string v = AsciiLower(Trim(text));
  size_t i = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
  std::string unit = Trim(v.substr(i));
  static const std::map<std::string, int64_t> kUnits = {{"", 1},        {"ms", 1},       {"s", 1000},
                                                        {"sec", 1000},  {"m", 60000},    {"min", 60000},
                                                        {"h", 3600000}, {"d", 86400000}, {"us", 0}};
  auto it = kUnits.find(unit);
  if (i == 0 || it == kUnits.end()) {
    throw AnalysisError(fmt::format(
        "Invalid value '{}' for option '{}': expected a time such as '15m', '30s' or '500ms'", text, name));
  }
  int64_t n = std::stoll(v.substr(0, i));
  return unit == "us" ? n / 1000 : n * it->second;
}

std::string TopicPartition::ToString() const { return fmt::format("{}-{}", topic, partition); }

std::string OffsetsToJson(const PartitionOffsets& offsets) {
  // std::map orders by (topic, partition), so topics and partitions come out in ascending order.
  std::string out = "{";
  const std::string* topic = nullptr;
  for (const auto& [tp, off] : offsets) {
    if (!topic || *topic != tp.topic) {
      if (topic) out += "},";
      out += nlohmann::json(tp.topic).dump() + ":{";
      topic = &tp.topic;
    } else {
      out += ",";
    }
    out += fmt::format("\"{}\":{}", tp.partition, off);
  }
  if (topic) out += "}";
  out += "}";
  return out;
}

PartitionOffsets OffsetsFromJson(const std::string& json) { return ParseNested(json, kOffsetsExample); }

PartitionOffsets TimestampsFromJson(const std::string& json) { return ParseNested(json, kTimestampsExample); }

std::vector<TopicPartition> PartitionsFromJson(const std::string& json) {
  auto fail = [&] {
    return AnalysisError(fmt::format("Expected e.g. {}, got {}", kPartitionsExample, json));
  };
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw fail();
  std::vector<TopicPartition> out;
  for (const auto& [topic, parts] : j.items()) {
    if (!parts.is_array()) throw fail();
    for (const auto& p : parts) {
      if (!p.is_number_integer()) throw fail();
      out.push_back(TopicPartition{topic, p.get<int32_t>()});
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::map<std::string, std::string> ClientConf(const OptionMap& options, bool for_source) {
  auto has = [&](const char* k) { return options.count(std::string("kafka.") + k) > 0; };
  if (for_source) {
    if (has("auto.offset.reset")) {
      throw AnalysisError(
          "Kafka option 'auto.offset.reset' is not supported. Instead set the source option "
          "'startingoffsets' to 'earliest' or 'latest' to specify where to start. Structured "
          "Streaming manages which offsets are consumed internally, rather than relying on the "
          "kafkaConsumer to do it. This will ensure that no data is missed when new "
          "topics/partitions are dynamically subscribed. Note that 'startingoffsets' only applies "
          "when a new Streaming query is started, and that resuming will always pick up from where "
          "the query left off. See the docs for more details.");
    }
    if (has("key.deserializer")) {
      throw AnalysisError(
          "Kafka option 'key.deserializer' is not supported as keys are deserialized as byte arrays "
          "with ByteArrayDeserializer. Use DataFrame operations to explicitly deserialize the keys.");
    }
    if (has("value.deserializer")) {
      throw AnalysisError(
          "Kafka option 'value.deserializer' is not supported as values are deserialized as byte "
          "arrays with ByteArrayDeserializer. Use DataFrame operations to explicitly deserialize the "
          "values.");
    }
    for (const char* c : {"enable.auto.commit", "interceptor.classes"}) {
      if (has(c)) throw AnalysisError(fmt::format("Kafka option '{}' is not supported", c));
    }
  } else {
    if (has("key.serializer")) {
      throw AnalysisError(
          "Kafka option 'key.serializer' is not supported as keys are serialized with "
          "ByteArraySerializer.");
    }
    if (has("value.serializer")) {
      throw AnalysisError(
          "Kafka option 'value.serializer' is not supported as value are serialized with "
          "ByteArraySerializer.");
    }
  }
  if (!has("bootstrap.servers")) {
    throw AnalysisError(
        fmt::format("Option 'kafka.bootstrap.servers' must be specified for configuring Kafka {}",
                    for_source ? "consumer" : "producer"));
  }
  std::map<std::string, std::string> conf;
  for (const auto& [k, v] : options) {
    if (k.size() > 6 && AsciiLower(k.substr(0, 6)) == "kafka.") conf[k.substr(6)] = v;
  }
  return conf;
}

SourceOptions ParseSourceOptions(const OptionMap& options, bool streaming) {
  SourceOptions o;
  auto subscribe = GetOptionalString(options, "subscribe");
  auto pattern = GetOptionalString(options, "subscribePattern");
  auto assign = GetOptionalString(options, "assign");
  int strategies = !!subscribe + !!pattern + !!assign;
  if (strategies == 0) {
    throw AnalysisError(
        "One of the following options must be specified for Kafka source: subscribe, "
        "subscribepattern, assign. See the docs for more details.");
  }
  if (strategies > 1) {
    throw AnalysisError(
        "Only one of the following options can be specified for Kafka source: subscribe, "
        "subscribepattern, assign. See the docs for more details.");
  }
  if (subscribe) {
    o.subscription.kind = Subscription::Kind::kSubscribe;
    size_t pos = 0;
    const std::string& v = *subscribe;
    while (pos <= v.size()) {
      size_t comma = v.find(',', pos);
      if (comma == std::string::npos) comma = v.size();
      std::string t = Trim(v.substr(pos, comma - pos));
      if (!t.empty() && std::find(o.subscription.topics.begin(), o.subscription.topics.end(), t) ==
                            o.subscription.topics.end())
        o.subscription.topics.push_back(t);
      pos = comma + 1;
    }
    if (o.subscription.topics.empty()) {
      throw AnalysisError(
          fmt::format("No topics to subscribe to as specified value for option 'subscribe' is '{}'", v));
    }
  } else if (pattern) {
    o.subscription.kind = Subscription::Kind::kPattern;
    o.subscription.pattern = Trim(*pattern);
    if (o.subscription.pattern.empty()) {
      throw AnalysisError(fmt::format(
          "Pattern to subscribe is empty as specified value for option 'subscribePattern' is '{}'",
          *pattern));
    }
  } else {
    o.subscription.kind = Subscription::Kind::kAssign;
    if (Trim(*assign).rfind('{', 0) != 0) {
      throw AnalysisError(fmt::format(
          "No topicpartitions to assign as specified value for option 'assign' is '{}'", *assign));
    }
    o.subscription.partitions = PartitionsFromJson(Trim(*assign));
  }

  o.client_conf = ClientConf(options, /*for_source=*/true);
  if (auto g = GetOptionalString(options, "groupIdPrefix")) o.group_id_prefix = *g;

  o.starting = ParseOffsetSpec(options, "startingOffsets", "startingTimestamp", "startingOffsetsByTimestamp",
                               streaming ? OffsetSpec::Kind::kLatest : OffsetSpec::Kind::kEarliest);
  if (auto s = GetOptionalString(options, "startingOffsetsByTimestampStrategy")) {
    std::string v = AsciiLower(Trim(*s));
    if (v != "error" && v != "latest") {
      throw AnalysisError(fmt::format(
          "Invalid value '{}' for option 'startingOffsetsByTimestampStrategy': expected 'error' or "
          "'latest'",
          *s));
    }
    o.timestamp_strategy_latest = v == "latest";
  }
  bool has_ending = GetOptionalString(options, "endingOffsets") ||
                    GetOptionalString(options, "endingTimestamp") ||
                    GetOptionalString(options, "endingOffsetsByTimestamp");
  if (streaming) {
    if (has_ending) throw AnalysisError("ending offset not valid in streaming queries");
  } else {
    o.ending = ParseOffsetSpec(options, "endingOffsets", "endingTimestamp", "endingOffsetsByTimestamp",
                               OffsetSpec::Kind::kLatest);
    if (o.starting.kind == OffsetSpec::Kind::kLatest) {
      throw AnalysisError("starting offset can't be latest for batch queries on Kafka");
    }
    if (o.starting.kind == OffsetSpec::Kind::kSpecific) {
      for (const auto& [tp, off] : o.starting.offsets) {
        if (off == kLatestOffset) {
          throw AnalysisError(fmt::format("startingOffsets for {} can't be latest for batch queries on Kafka",
                                          tp.ToString()));
        }
      }
    }
    if (o.ending.kind == OffsetSpec::Kind::kEarliest) {
      throw AnalysisError("ending offset can't be earliest for batch queries on Kafka");
    }
    if (o.ending.kind == OffsetSpec::Kind::kSpecific) {
      for (const auto& [tp, off] : o.ending.offsets) {
        if (off == kEarliestOffset) {
          throw AnalysisError(fmt::format("endingOffsets for {} can't be earliest for batch queries on Kafka",
                                          tp.ToString()));
        }
      }
    }
  }

  o.fail_on_data_loss = GetBool(options, "failOnDataLoss", true);
  o.include_headers = GetBool(options, "includeHeaders", false);
  if (GetOptionalString(options, "maxOffsetsPerTrigger")) {
    o.max_offsets_per_trigger = LongOption(options, "maxOffsetsPerTrigger", 0);
    if (*o.max_offsets_per_trigger <= 0) {
      throw AnalysisError(
          fmt::format("Invalid value '{}' for option 'maxOffsetsPerTrigger', must be a positive integer",
                      *o.max_offsets_per_trigger));
    }
  }
  if (GetOptionalString(options, "minOffsetsPerTrigger")) {
    o.min_offsets_per_trigger = LongOption(options, "minOffsetsPerTrigger", 0);
    if (*o.min_offsets_per_trigger <= 0) {
      throw AnalysisError(
          fmt::format("Invalid value '{}' for option 'minOffsetsPerTrigger', must be a positive integer",
                      *o.min_offsets_per_trigger));
    }
  }
  if (o.min_offsets_per_trigger && o.max_offsets_per_trigger &&
      *o.min_offsets_per_trigger > *o.max_offsets_per_trigger) {
    throw AnalysisError(
        fmt::format("The value of minOffsetPerTrigger({}) is higher than the maxOffsetsPerTrigger({}).",
                    *o.min_offsets_per_trigger, *o.max_offsets_per_trigger));
  }
  if (auto d = GetOptionalString(options, "maxTriggerDelay")) {
    o.max_trigger_delay_ms = ParseTimeStringMs("maxTriggerDelay", *d);
  }
  if (GetOptionalString(options, "minPartitions")) {
    int64_t p = LongOption(options, "minPartitions", 0);
    if (p <= 0) throw AnalysisError("minPartitions must be positive");
    o.min_partitions = static_cast<int>(std::min<int64_t>(p, 1 << 20));
  }
  o.poll_timeout_ms = LongOption(options, "kafkaConsumer.pollTimeoutMs", 120000);
  return o;
}

SinkOptions ParseSinkOptions(const OptionMap& options) {
  SinkOptions o;
  o.client_conf = ClientConf(options, /*for_source=*/false);
  if (auto t = GetOptionalString(options, "topic")) o.topic = Trim(*t);
  if (auto g = GetOptionalString(options, "deliveryGuarantee")) {
    std::string v = AsciiLower(Trim(*g));
    std::erase(v, '-');
    std::erase(v, '_');
    if (v == "atleastonce") {
      o.guarantee = DeliveryGuarantee::kAtLeastOnce;
    } else if (v == "exactlyonce") {
      o.guarantee = DeliveryGuarantee::kExactlyOnce;
    } else {
      throw AnalysisError(
          fmt::format("Invalid value '{}' for option 'deliveryGuarantee': expected 'at-least-once' or "
                      "'exactly-once'",
                      *g));
    }
  }
  if (o.client_conf.count("transactional.id")) {
    throw AnalysisError(
        "Kafka option 'transactional.id' is not supported: the exactly-once sink derives it from "
        "the query id (option deliveryGuarantee = exactly-once)");
  }
  if (auto m = GetOptionalString(options, "transactionMarkerTopic")) o.marker_topic = Trim(*m);
  if (GetOptionalString(options, "flushTimeoutMs")) {
    o.flush_timeout_ms = LongOption(options, "flushTimeoutMs", o.flush_timeout_ms);
  }
  return o;
}

}  // namespace sluice::kafka
