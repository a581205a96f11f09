// Kafka connector options and offsets: Spark's offset JSON, option validation texts, starting
// offset forms, rate limiting and progress metrics (no cluster needed).
#include "connectors/kafka/kafka_options.h"

#include <gtest/gtest.h>

#include "connectors/kafka/kafka_sink.h"
#include "connectors/kafka/kafka_source.h"
#include "sluice/exception.h"

namespace sluice::kafka {
namespace {

OptionMap Opts(std::initializer_list<std::pair<const std::string, std::string>> kv) {
  OptionMap m(kv.begin(), kv.end());
  if (!m.count("kafka.bootstrap.servers")) m["kafka.bootstrap.servers"] = "127.0.0.1:9092";
  return m;
}

std::string ErrorOf(const OptionMap& o, bool streaming) {
  try {
    ParseSourceOptions(o, streaming);
  } catch (const AnalysisError& e) {
    return e.what();
  }
  return "";
}

TEST(KafkaOffsetsJson, SerializesLikeSpark) {
  PartitionOffsets o = {{{"topicB", 0}, -2}, {{"topicA", 10}, 5}, {{"topicA", 1}, -1}, {{"topicA", 0}, 23}};
  EXPECT_EQ(OffsetsToJson(o), R"({"topicA":{"0":23,"1":-1,"10":5},"topicB":{"0":-2}})");
  EXPECT_EQ(OffsetsToJson({}), "{}");
}

TEST(KafkaOffsetsJson, RoundTrips) {
  std::string json = R"({"topicA":{"0":23,"1":-1},"topicB":{"0":-2}})";
  PartitionOffsets o = OffsetsFromJson(json);
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ((o[{"topicA", 0}]), 23);
  EXPECT_EQ((o[{"topicA", 1}]), kLatestOffset);
  EXPECT_EQ((o[{"topicB", 0}]), kEarliestOffset);
  EXPECT_EQ(OffsetsToJson(o), json);
  EXPECT_EQ(OffsetsToJson(OffsetsFromJson(R"({ "t" : { "2" : 7 , "0" : 9 } })")), R"({"t":{"0":9,"2":7}})");
}

TEST(KafkaOffsetsJson, RejectsMalformedWithSparkText) {
  for (const char* bad : {"", "[]", R"({"t":5})", R"({"t":{"x":1}})", R"({"t":{"0":"1"}})", "{"}) {
    try {
      OffsetsFromJson(bad);
      FAIL() << bad;
    } catch (const AnalysisError& e) {
      EXPECT_EQ(std::string(e.what()),
                std::string(R"(Expected e.g. {"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}, got )") + bad);
    }
  }
  EXPECT_THROW(PartitionsFromJson(R"({"t":{"0":1}})"), AnalysisError);
  auto parts = PartitionsFromJson(R"({"b":[1,0],"a":[2]})");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].ToString(), "a-2");
  EXPECT_EQ(parts[1].ToString(), "b-0");
}

TEST(KafkaSourceOptions, StrategyErrors) {
  OptionMap none = Opts({});
  EXPECT_EQ(ErrorOf(none, true),
            "One of the following options must be specified for Kafka source: subscribe, "
            "subscribepattern, assign. See the docs for more details.");
  EXPECT_EQ(ErrorOf(Opts({{"subscribe", "a"}, {"subscribePattern", "b.*"}}), true),
            "Only one of the following options can be specified for Kafka source: subscribe, "
            "subscribepattern, assign. See the docs for more details.");
  EXPECT_EQ(ErrorOf(Opts({{"subscribe", " , "}}), true),
            "No topics to subscribe to as specified value for option 'subscribe' is ' , '");
  EXPECT_EQ(ErrorOf(Opts({{"subscribepattern", ""}}), true),
            "Pattern to subscribe is empty as specified value for option 'subscribePattern' is ''");
  EXPECT_EQ(ErrorOf(Opts({{"assign", "t-0"}}), true),
            "No topicpartitions to assign as specified value for option 'assign' is 't-0'");
}

TEST(KafkaSourceOptions, KafkaParamsErrors) {
  OptionMap no_servers = {{"subscribe", "t"}};
  EXPECT_EQ(ErrorOf(no_servers, true),
            "Option 'kafka.bootstrap.servers' must be specified for configuring Kafka consumer");
  EXPECT_NE(ErrorOf(Opts({{"subscribe", "t"}, {"kafka.auto.offset.reset", "earliest"}}), true)
                .find("Kafka option 'auto.offset.reset' is not supported. Instead set the source "
                      "option 'startingoffsets' to 'earliest' or 'latest'"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(Opts({{"subscribe", "t"}, {"kafka.key.deserializer", "x"}}), true),
            "Kafka option 'key.deserializer' is not supported as keys are deserialized as byte "
            "arrays with ByteArrayDeserializer. Use DataFrame operations to explicitly deserialize "
            "the keys.");
  EXPECT_EQ(ErrorOf(Opts({{"subscribe", "t"}, {"kafka.enable.auto.commit", "true"}}), true),
            "Kafka option 'enable.auto.commit' is not supported");
  SourceOptions o = ParseSourceOptions(
      Opts({{"subscribe", "t"}, {"kafka.security.protocol", "SASL_SSL"}, {"kafka.sasl.mechanism", "PLAIN"}}),
      true);
  EXPECT_EQ(o.client_conf.at("security.protocol"), "SASL_SSL");
  EXPECT_EQ(o.client_conf.at("sasl.mechanism"), "PLAIN");
  EXPECT_EQ(o.client_conf.at("bootstrap.servers"), "127.0.0.1:9092");
}

TEST(KafkaSourceOptions, StartingOffsetsForms) {
  SourceOptions s = ParseSourceOptions(Opts({{"subscribe", "a, b,a"}}), true);
  EXPECT_EQ(s.subscription.topics, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.starting.kind, OffsetSpec::Kind::kLatest);  // streaming default
  s = ParseSourceOptions(Opts({{"subscribe", "a"}}), false);
  EXPECT_EQ(s.starting.kind, OffsetSpec::Kind::kEarliest);  // batch default
  EXPECT_EQ(s.ending.kind, OffsetSpec::Kind::kLatest);
  s = ParseSourceOptions(Opts({{"subscribe", "a"}, {"startingOffsets", " EARLIEST "}}), true);
  EXPECT_EQ(s.starting.kind, OffsetSpec::Kind::kEarliest);
  s = ParseSourceOptions(Opts({{"subscribe", "a"}, {"startingOffsets", R"({"a":{"0":5,"1":-2}})"}}), true);
  EXPECT_EQ(s.starting.kind, OffsetSpec::Kind::kSpecific);
  EXPECT_EQ((s.starting.offsets[{"a", 1}]), kEarliestOffset);
  s = ParseSourceOptions(Opts({{"subscribe", "a"}, {"startingTimestamp", "1700000000000"}}), true);
  EXPECT_EQ(s.starting.kind, OffsetSpec::Kind::kTimestamp);
  EXPECT_EQ(s.starting.timestamp_ms, 1700000000000);
  s = ParseSourceOptions(Opts({{"subscribe", "a"},
                               {"startingOffsetsByTimestamp", R"({"a":{"0":1000}})"},
                               {"startingOffsets", "latest"}}),
                         true);
  EXPECT_EQ(s.starting.kind, OffsetSpec::Kind::kByTimestamp);  // takes precedence, as Spark
  EXPECT_NE(ErrorOf(Opts({{"subscribe", "a"}, {"startingOffsets", "{bad"}}), true).find("Expected e.g."),
            std::string::npos);
}

TEST(KafkaSourceOptions, BatchAndStreamingOffsetRules) {
  EXPECT_EQ(ErrorOf(Opts({{"subscribe", "a"}, {"endingOffsets", "latest"}}), true),
            "ending offset not valid in streaming queries");
  EXPECT_EQ(ErrorOf(Opts({{"subscribe", "a"}, {"startingOffsets", "latest"}}), false),
            "starting offset can't be latest for batch queries on Kafka");
  EXPECT_EQ(ErrorOf(Opts({{"subscribe", "a"}, {"endingOffsets", "earliest"}}), false),
            "ending offset can't be earliest for batch queries on Kafka");
  EXPECT_EQ(ErrorOf(Opts({{"subscribe", "a"}, {"startingOffsets", R"({"a":{"0":-1}})"}}), false),
            "startingOffsets for a-0 can't be latest for batch queries on Kafka");
  EXPECT_EQ(ErrorOf(Opts({{"subscribe", "a"}, {"endingOffsets", R"({"a":{"0":-2}})"}}), false),
            "endingOffsets for a-0 can't be earliest for batch queries on Kafka");
}

TEST(KafkaSourceOptions, TriggerLimits) {
  SourceOptions s = ParseSourceOptions(Opts({{"subscribe", "a"},
                                             {"maxOffsetsPerTrigger", "100"},
                                             {"minOffsetsPerTrigger", "10"},
                                             {"maxTriggerDelay", "30s"},
                                             {"failOnDataLoss", "false"},
                                             {"includeHeaders", "true"},
                                             {"minPartitions", "8"}}),
                                       true);
  EXPECT_EQ(*s.max_offsets_per_trigger, 100);
  EXPECT_EQ(*s.min_offsets_per_trigger, 10);
  EXPECT_EQ(s.max_trigger_delay_ms, 30000);
  EXPECT_FALSE(s.fail_on_data_loss);
  EXPECT_TRUE(s.include_headers);
  EXPECT_EQ(s.min_partitions, 8);
  EXPECT_EQ(ParseSourceOptions(Opts({{"subscribe", "a"}}), true).max_trigger_delay_ms, 15 * 60 * 1000);
  EXPECT_EQ(
      ErrorOf(Opts({{"subscribe", "a"}, {"maxOffsetsPerTrigger", "5"}, {"minOffsetsPerTrigger", "6"}}), true),
      "The value of minOffsetPerTrigger(6) is higher than the maxOffsetsPerTrigger(5).");
  EXPECT_EQ(ErrorOf(Opts({{"subscribe", "a"}, {"minPartitions", "0"}}), true),
            "minPartitions must be positive");
  EXPECT_NE(ErrorOf(Opts({{"subscribe", "a"}, {"failOnDataLoss", "maybe"}}), true), "");
}

TEST(KafkaSinkOptions, ValidationTexts) {
  EXPECT_THROW(ParseSinkOptions(OptionMap{{"topic", "t"}}), AnalysisError);
  SinkOptions o = ParseSinkOptions(Opts({{"deliveryGuarantee", "exactly-once"}}));
  EXPECT_EQ(o.guarantee, DeliveryGuarantee::kExactlyOnce);
  EXPECT_THROW(ParseSinkOptions(Opts({{"deliveryGuarantee", "twice"}})), AnalysisError);
  auto msg = [](const char* ddl, std::optional<std::string> topic) -> std::string {
    try {
      ValidateWriteSchema(ParseSchema(ddl), topic);
    } catch (const AnalysisError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(msg("value STRING", std::nullopt),
            "topic option required when no 'topic' attribute is present. Use the topic option for "
            "setting a topic.");
  EXPECT_EQ(msg("value STRING", "t"), "");
  EXPECT_EQ(msg("key BINARY, value BINARY, topic STRING, partition INT, "
                "headers ARRAY<STRUCT<key: STRING, value: BINARY>>",
                std::nullopt),
            "");
  EXPECT_EQ(msg("key STRING", "t"), "Required attribute 'value' not found");
  EXPECT_EQ(msg("value INT", "t"), "value attribute type must be a string or binary");
  EXPECT_EQ(msg("key INT, value STRING", "t"), "key attribute type must be a string or binary");
  EXPECT_EQ(msg("value STRING, topic INT", std::nullopt), "Topic type must be a string");
  EXPECT_EQ(msg("value STRING, partition BIGINT", "t"), "partition attribute type must be an int");
  EXPECT_EQ(msg("value STRING, headers ARRAY<STRING>", "t"),
            "headers attribute type must be a array<struct<key:string,value:binary>>");
}

TEST(KafkaRateLimit, ProratesLikeSpark) {
  PartitionOffsets from = {{{"t", 0}, 0}, {{"t", 1}, 0}, {{"t", 2}, 10}};
  PartitionOffsets until = {{{"t", 0}, 100}, {{"t", 1}, 1}, {{"t", 2}, 10}};
  PartitionOffsets out = RateLimit(from, until, 10);
  EXPECT_EQ((out[{"t", 0}]), 9);   // floor(10 * 100/101)
  EXPECT_EQ((out[{"t", 1}]), 1);   // ceil of a share below one: not starved
  EXPECT_EQ((out[{"t", 2}]), 10);  // no backlog
  EXPECT_EQ(RateLimit(from, until, 1000), until);
}

TEST(KafkaMetrics, OffsetsBehindLatest) {
  PartitionOffsets consumed = {{{"t", 0}, 5}, {{"t", 1}, 10}};
  PartitionOffsets latest = {{{"t", 0}, 10}, {{"t", 1}, 10}, {{"t", 2}, 3}};
  auto m = OffsetsBehindLatestMetrics(consumed, latest);
  EXPECT_EQ(m["minOffsetsBehindLatest"], "0");
  EXPECT_EQ(m["maxOffsetsBehindLatest"], "5");
  EXPECT_EQ(m["avgOffsetsBehindLatest"], "2.6666666666666665");
  m = OffsetsBehindLatestMetrics(consumed, {{{"t", 0}, 5}, {{"t", 1}, 10}});
  EXPECT_EQ(m["avgOffsetsBehindLatest"], "0.0");
}

TEST(KafkaSplitRanges, MinPartitions) {
  std::vector<OffsetRange> r = {{{"t", 0}, 0, 90}, {{"t", 1}, 0, 10}};
  auto s = SplitRanges(r, 10);
  ASSERT_EQ(s.size(), 10u);
  EXPECT_EQ(s[0].from, 0);
  EXPECT_EQ(s[8].until, 90);
  EXPECT_EQ(s[9].tp.partition, 1);
  EXPECT_EQ(SplitRanges(r, 2).size(), 2u);
}

TEST(KafkaTimeString, Units) {
  EXPECT_EQ(ParseTimeStringMs("x", "15m"), 900000);
  EXPECT_EQ(ParseTimeStringMs("x", "500"), 500);
  EXPECT_EQ(ParseTimeStringMs("x", "2h"), 7200000);
  EXPECT_THROW(ParseTimeStringMs("x", "soon"), AnalysisError);
}

}  // namespace
}  // namespace sluice::kafka
