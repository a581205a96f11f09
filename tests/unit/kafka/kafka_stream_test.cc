// The Kafka source and sink against an in-process librdkafka mock cluster: offsets, rate limits,
// new partitions, retention (data loss), metrics, batch reads and the SQL table function.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <filesystem>

#include "api/session_state.h"
#include "connectors/kafka/kafka_client.h"
#include "connectors/kafka/kafka_mock_cluster.h"
#include "connectors/kafka/kafka_source.h"
#include "platform/file_system.h"
#include "sluice/sluice.h"

namespace sluice::kafka {
namespace {

class KafkaStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = std::make_unique<MockCluster>(1);
    bs_ = cluster_->bootstrap_servers();
    session_ = Session::builder().getOrCreate();
    dir_ = MakeTempDirectory("sluice-kafka-test-");
    producer_ = NewClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bs_}}, {{"linger.ms", "0"}});
  }
  void TearDown() override {
    producer_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Produce(const std::string& topic, int partition, int n, const std::string& prefix = "v",
               size_t pad = 0) {
    for (int i = 0; i < n; ++i) {
      std::string v = fmt::format("{}{}", prefix, i) + std::string(pad, 'x');
      ASSERT_EQ(rd_kafka_producev(producer_.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                                  RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                  RD_KAFKA_V_VALUE(v.data(), v.size()), RD_KAFKA_V_END),
                RD_KAFKA_RESP_ERR_NO_ERROR);
      if (i % 1000 == 999) rd_kafka_flush(producer_.get(), 10000);
    }
    ASSERT_EQ(rd_kafka_flush(producer_.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  std::unique_ptr<KafkaStream> Stream(std::map<std::string, std::string> opts,
                                      const std::string& sub = "s0") {
    opts["kafka.bootstrap.servers"] = bs_;
    OptionMap o(opts.begin(), opts.end());
    StreamSourceContext ctx;
    ctx.metadata_dir = (dir_ / sub).string();
    ctx.session = session_.state();
    return std::make_unique<KafkaStream>(ParseSourceOptions(o, true), SourceSchema(false), ctx);
  }

  static size_t Rows(const std::vector<Partition>& parts) {
    size_t n = 0;
    for (const auto& p : parts)
      for (const auto& b : p) n += b->num_rows();
    return n;
  }

  std::unique_ptr<MockCluster> cluster_;
  std::string bs_;
  Session session_ = Session::builder().getOrCreate();
  std::filesystem::path dir_;
  Handle producer_;
};

TEST_F(KafkaStreamTest, OffsetsRateLimitAndDeterministicReread) {
  cluster_->CreateTopic("t", 2);
  Produce("t", 0, 30);
  Produce("t", 1, 10);
  auto s = Stream({{"subscribe", "t"}, {"startingOffsets", "earliest"}, {"maxOffsetsPerTrigger", "20"}});
  EXPECT_EQ(s->Description(), "KafkaV2[Subscribe[t]]");
  ReadLimit limit;
  auto end1 = s->LatestOffset(std::nullopt, limit);
  ASSERT_TRUE(end1);
  EXPECT_EQ(*end1, R"({"t":{"0":15,"1":5}})");
  EXPECT_EQ(*s->ReportLatestOffset(), R"({"t":{"0":30,"1":10}})");  // before the rate limit
  EXPECT_EQ(s->Metrics(end1)["maxOffsetsBehindLatest"], "15");
  EXPECT_EQ(s->Metrics(end1)["avgOffsetsBehindLatest"], "10.0");
  auto b1 = s->GetBatch(std::nullopt, *end1);
  EXPECT_EQ(Rows(b1), 20u);
  auto end2 = s->LatestOffset(end1, limit);
  EXPECT_EQ(*end2, R"({"t":{"0":30,"1":10}})");
  auto b2 = s->GetBatch(end1, *end2);
  EXPECT_EQ(Rows(b2), 20u);
  EXPECT_EQ(*s->LatestOffset(end2, limit), *end2);  // nothing new
  auto m = s->Metrics(end2);
  EXPECT_EQ(m["maxOffsetsBehindLatest"], "0");
  // A re-run batch (restart) reads the same rows from a new stream with the same offsets.
  auto again = Stream({{"subscribe", "t"}, {"startingOffsets", "earliest"}});
  auto b1again = again->GetBatch(std::nullopt, *end1);
  ASSERT_EQ(Rows(b1again), 20u);
  EXPECT_EQ(b1again[0][0]->GetRow(0)[4], b1[0][0]->GetRow(0)[4]);
  EXPECT_EQ(b1again[0][0]->GetRow(0)[1].GetString(), "v0");
}

TEST_F(KafkaStreamTest, LatestStartSkipsOldDataAndPatternFindsNewTopics) {
  cluster_->CreateTopic("ev-a", 1);
  Produce("ev-a", 0, 5);
  auto s = Stream({{"subscribePattern", "ev-.*"}});
  ReadLimit limit;
  EXPECT_FALSE(s->LatestOffset(std::nullopt, limit));  // latest: nothing yet
  Produce("ev-a", 0, 3);
  cluster_->CreateTopic("ev-b", 2);
  Produce("ev-b", 1, 4);
  auto end = s->LatestOffset(std::nullopt, limit);
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, R"({"ev-a":{"0":8},"ev-b":{"0":0,"1":4}})");
  EXPECT_EQ(Rows(s->GetBatch(std::nullopt, *end)), 7u);
}

TEST_F(KafkaStreamTest, MinOffsetsPerTriggerDelaysSmallBatches) {
  cluster_->CreateTopic("m", 1);
  Produce("m", 0, 5);
  auto s = Stream({{"subscribe", "m"},
                   {"startingOffsets", "earliest"},
                   {"minOffsetsPerTrigger", "10"},
                   {"maxTriggerDelay", "1h"}});
  ReadLimit limit;
  auto first = s->LatestOffset(std::nullopt, limit);  // first trigger always runs (Spark)
  ASSERT_TRUE(first);
  Produce("m", 0, 5);
  auto second = s->LatestOffset(first, limit);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, *first);  // 5 < 10 new offsets: wait
  Produce("m", 0, 5);
  EXPECT_EQ(*s->LatestOffset(first, limit), R"({"m":{"0":15}})");
}

TEST_F(KafkaStreamTest, DataLossFromRetention) {
  cluster_->CreateTopic("big", 1);
  Produce("big", 0, 10);
  auto strict = Stream({{"subscribe", "big"}, {"startingOffsets", "earliest"}}, "strict");
  auto lenient =
      Stream({{"subscribe", "big"}, {"startingOffsets", "earliest"}, {"failOnDataLoss", "false"}}, "lenient");
  ReadLimit limit;
  auto s0 = strict->LatestOffset(std::nullopt, limit);
  auto l0 = lenient->LatestOffset(std::nullopt, limit);
  ASSERT_TRUE(s0 && l0);
  // About 8 MB more: the mock deletes the oldest segments, including offsets 0..9.
  Produce("big", 0, 2000, "big", 4000);
  auto earliest = ListOffsets(producer_.get(), {TopicPartition{"big", 0}}, kEarliestOffset, 10000);
  ASSERT_GT((earliest[{"big", 0}]), 10) << "the mock kept everything";
  auto end = strict->LatestOffset(std::nullopt, limit);
  try {
    strict->GetBatch(std::nullopt, *end);
    FAIL() << "expected data loss";
  } catch (const ExecutionError& e) {
    EXPECT_NE(std::string(e.what()).find("failOnDataLoss"), std::string::npos) << e.what();
  }
  int64_t low = earliest[TopicPartition{"big", 0}];
  auto lend = lenient->LatestOffset(std::nullopt, limit);
  size_t rows = Rows(lenient->GetBatch(std::nullopt, *lend));
  EXPECT_EQ(static_cast<int64_t>(rows), 2010 - low);
  EXPECT_EQ(lenient->lost_offsets(), low);
  EXPECT_EQ(lenient->Metrics(lend)["offsetsLost"], std::to_string(low));
}

TEST_F(KafkaStreamTest, BatchReadAndTableFunction) {
  cluster_->CreateTopic("b", 2);
  Produce("b", 0, 6, "x");
  Produce("b", 1, 4, "y");
  DataFrame df = session_.read()
                     .format("kafka")
                     .option("kafka.bootstrap.servers", bs_)
                     .option("subscribe", "b")
                     .option("endingOffsets", R"({"b":{"0":3,"1":-1}})")
                     .load();
  EXPECT_EQ(df.count(), 7);
  DataFrame sql = session_.sql(fmt::format(
      "SELECT cast(value AS STRING) AS v FROM read_kafka(bootstrapServers => '{}', subscribe => 'b', "
      "startingOffsets => 'earliest', endingOffsets => 'latest') WHERE partition = 1 ORDER BY offset",
      bs_));
  auto rows = sql.collect();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][0].GetString(), "y0");
}

TEST_F(KafkaStreamTest, BatchWriteThenRead) {
  DataFrame out =
      session_.createDataFrame({{Value::String("k1"), Value::String("hello"), Value::Int(0)},
                                {Value::Null(DataType::String()), Value::String("world"), Value::Int(1)}},
                               "key STRING, value STRING, partition INT");
  out.write()
      .format("kafka")
      .option("kafka.bootstrap.servers", bs_)
      .option("topic", "w")
      .mode("append")
      .save("");
  DataFrame back =
      session_.read().format("kafka").option("kafka.bootstrap.servers", bs_).option("subscribe", "w").load();
  auto rows = back.selectExpr({"cast(key as string) k", "cast(value as string) v", "partition"})
                  .orderBy(std::vector<std::string>{"v"})
                  .collect();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0].GetString(), "k1");
  EXPECT_EQ(rows[1][0].is_null(), true);
  EXPECT_EQ(rows[1][2].GetInt64(), 1);
  EXPECT_THROW(out.write()
                   .format("kafka")
                   .option("kafka.bootstrap.servers", bs_)
                   .option("topic", "w")
                   .mode("overwrite")
                   .save(""),
               AnalysisError);
}

TEST_F(KafkaStreamTest, HeadersAndTopicColumnRoundTrip) {
  DataFrame out =
      session_.sql("SELECT * FROM VALUES ('h1', 'a', 'x'), ('h2', 'b', NULL) AS t(topic, value, hv)");
  out = out.selectExpr(
      {"topic", "value", "array(named_struct('key', 'trace', 'value', cast(hv AS BINARY))) AS headers"});
  out.write().format("kafka").option("kafka.bootstrap.servers", bs_).save("");
  DataFrame back = session_.read()
                       .format("kafka")
                       .option("kafka.bootstrap.servers", bs_)
                       .option("subscribePattern", "h[0-9]")
                       .option("includeHeaders", "true")
                       .load();
  EXPECT_EQ(back.schema()->fields().back().name, "headers");
  auto rows = back.selectExpr({"topic", "cast(value AS STRING) v", "headers[0].key k",
                               "cast(headers[0].value AS STRING) hv"})
                  .orderBy(std::vector<std::string>{"topic"})
                  .collect();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0].GetString(), "h1");
  EXPECT_EQ(rows[0][2].GetString(), "trace");
  EXPECT_EQ(rows[0][3].GetString(), "x");
  EXPECT_EQ(rows[1][1].GetString(), "b");
  EXPECT_TRUE(rows[1][3].is_null());
}

}  // namespace
}  // namespace sluice::kafka
