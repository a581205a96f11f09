// End-to-end Kafka tests against `sluice kafka-dev` (a loopback mock cluster in its own process),
// with independent clients on the other side: kafka-python (produce_json.py, consume.py) and kcat.
//
// Each test starts its own cluster, so tests are independent; waits are on conditions (progress
// reaching an expected row count), bounded by deadlines. The one timed pause is the length of the
// broker outage in BrokerDownUpAndInjectedErrors (the fault's duration is the test input).
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "connectors/kafka/kafka_client.h"
#include "platform/file_system.h"
#include "sluice/sluice.h"

namespace sluice {
namespace {

using namespace sluice::functions;
namespace fs = std::filesystem;

const std::string kScripts = SLUICE_SOURCE_DIR "/tests/integration/kafka";

// Runs a shell command and returns its stdout (throws on a non-zero exit).
std::string RunCommand(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed: " + cmd);
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  if (rc != 0) throw std::runtime_error(fmt::format("command failed ({}): {}", rc, cmd));
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// `sluice kafka-dev` as a child process, with its control channel on stdin/stdout.
class KafkaDev {
 public:
  explicit KafkaDev(const std::string& args) {
    int in[2], out[2];
    if (pipe(in) || pipe(out)) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      std::string cmd = std::string("exec '") + SLUICE_CLI + "' kafka-dev " + args;
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_ = fdopen(in[1], "w");
    from_ = fdopen(out[0], "r");
    bootstrap_ = ReadLine();  // the first line: bootstrap servers (blocks until the cluster is up)
    if (bootstrap_.find("127.0.0.1:") != 0) throw std::runtime_error("kafka-dev said: " + bootstrap_);
  }
  ~KafkaDev() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    fclose(to_);
    fclose(from_);
  }
  const std::string& bootstrap() const { return bootstrap_; }
  /// Sends a control command; returns the reply line.
  std::string Command(const std::string& line) {
    fprintf(to_, "%s\n", line.c_str());
    fflush(to_);
    return ReadLine();
  }

 private:
  std::string ReadLine() {
    char buf[4096];
    if (!fgets(buf, sizeof(buf), from_)) return "";
    std::string s(buf);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }
  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
  std::string bootstrap_;
};

int64_t InputRows(const StreamingQuery& q) {
  int64_t n = 0;
  for (const auto& p : q.recentProgress()) n += p.num_input_rows;
  return n;
}

// Waits until the query has read `rows` input rows in this run (or fails after `timeout_ms`).
void AwaitInputRows(const StreamingQuery& q, int64_t rows, int64_t timeout_ms = 30000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (InputRows(q) < rows) {
    if (auto e = q.exception()) FAIL() << "query failed: " << *e;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "read " << InputRows(q) << " of " << rows;
    q.awaitTermination(5);
  }
  EXPECT_EQ(InputRows(q), rows);
}

class KafkaIntegration : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDirectory("sluice-kafka-it-"); }
  void TearDown() override { fs::remove_all(dir_); }

  void ProduceJson(KafkaDev& k, const std::string& topic, int first, int count, int malformed_every = 0) {
    std::string out = RunCommand(fmt::format("{} {}/produce_json.py {} {} {} {} {}", PYTHON3, kScripts,
                                             k.bootstrap(), topic, first, count, malformed_every));
    ASSERT_EQ(std::stoi(out), count);
  }

  DataFrame Events(Session& spark, const std::string& bs, const std::string& topic,
                   std::map<std::string, std::string> extra = {}) {
    DataStreamReader r = spark.readStream()
                             .format("kafka")
                             .option("kafka.bootstrap.servers", bs)
                             .option("subscribe", topic)
                             .option("startingOffsets", "earliest");
    for (const auto& [k, v] : extra) r.option(k, v);
    return r.load();
  }

  static DataFrame Parse(const DataFrame& raw) {
    TypePtr schema =
        ParseSchema("event_id BIGINT, user_id STRING, event_type STRING, amount DOUBLE, timestamp TIMESTAMP");
    return raw
        .select(from_json(col("value").cast("string"), schema).alias("data"),
                col("value").cast("string").alias("raw"))
        .select({col("data.*"), col("raw")});
  }

  fs::path dir_;
};

// The seed's pipeline with a Kafka source: JSON events from kafka-python, parsed, cleaned, counted
// in 1-minute windows and written to a file sink; restarted mid-stream with no loss and no
// duplicates; malformed values become nulls and go to a dead-letter sink.
TEST_F(KafkaIntegration, JsonPipelineRestartMalformedAndWindows) {
  KafkaDev k("--brokers 1 --topic clicks:3");
  Session spark = Session::builder().config("spark.sql.shuffle.partitions", "2").getOrCreate();
  const int kMalformedEvery = 25;
  ProduceJson(k, "clicks", 1, 300, kMalformedEvery);  // 12 malformed (25, 50, ..., 300)

  auto start = [&] {
    DataFrame parsed = Parse(Events(spark, k.bootstrap(), "clicks", {{"maxOffsetsPerTrigger", "120"}}));
    StreamingQuery good = parsed.filter(col("event_id").isNotNull() && col("amount") > 0)
                              .drop("raw")
                              .writeStream()
                              .format("json")
                              .option("checkpointLocation", (dir_ / "cp-good").string())
                              .start((dir_ / "good").string());
    StreamingQuery bad = parsed.filter(col("event_id").isNull())
                             .select({col("raw")})
                             .writeStream()
                             .format("json")
                             .option("checkpointLocation", (dir_ / "cp-bad").string())
                             .start((dir_ / "dead-letter").string());
    return std::make_pair(good, bad);
  };
  auto [good, bad] = start();
  AwaitInputRows(good, 300);
  AwaitInputRows(bad, 300);
  EXPECT_GE(good.recentProgress().size(), 3u);  // maxOffsetsPerTrigger split the backlog
  good.stop();
  bad.stop();

  ProduceJson(k, "clicks", 301, 200, kMalformedEvery);  // 8 more malformed
  auto [good2, bad2] = start();
  AwaitInputRows(good2, 200);
  AwaitInputRows(bad2, 200);
  auto progress = good2.lastProgress();
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->sources[0].description, "KafkaV2[Subscribe[clicks]]");
  EXPECT_NE(progress->sources[0].end_offset.find("\"clicks\":{\"0\":"), std::string::npos);
  good2.stop();
  bad2.stop();

  DataFrame out = spark.read()
                      .format("json")
                      .schema("event_id BIGINT, user_id STRING, amount DOUBLE, timestamp TIMESTAMP")
                      .load((dir_ / "good").string());
  EXPECT_EQ(out.count(), 480);                                  // 500 - 20 malformed, none lost
  EXPECT_EQ(out.select({"event_id"}).distinct().count(), 480);  // none duplicated
  EXPECT_EQ(spark.read().format("json").schema("raw STRING").load((dir_ / "dead-letter").string()).count(),
            20);

  // Windowed aggregation over the same topic (batch of the whole stream through Trigger.AvailableNow).
  DataFrame windows = Parse(Events(spark, k.bootstrap(), "clicks"))
                          .filter(col("event_id").isNotNull())
                          .withWatermark("timestamp", "1 minute")
                          .groupBy({window(col("timestamp"), "1 minute")})
                          .agg({count("*").alias("n")});
  StreamingQuery wq = windows.writeStream()
                          .format("memory")
                          .queryName("click_windows")
                          .outputMode("complete")
                          .trigger(Trigger::AvailableNow())
                          .start();
  wq.awaitTermination();
  auto rows = spark.sql("SELECT sum(n) AS total, count(*) AS windows FROM click_windows").collect();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].GetInt64(), 480);
  EXPECT_EQ(rows[0][1].GetInt64(), 9);  // event i at i seconds: minutes 0..8
}

// A broker outage and injected request errors during a run: everything arrives exactly once.
TEST_F(KafkaIntegration, BrokerDownUpAndInjectedErrors) {
  KafkaDev k("--brokers 3 --topic ev:6");
  Session spark = Session::builder().getOrCreate();
  ProduceJson(k, "ev", 1, 300);
  StreamingQuery q = Events(spark, k.bootstrap(), "ev")
                         .select({col("value").cast("string").alias("v")})
                         .writeStream()
                         .format("memory")
                         .queryName("ev_out")
                         .start();
  AwaitInputRows(q, 300);
  ASSERT_EQ(k.Command("down 2"), "ok");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the outage
  ASSERT_EQ(k.Command("up 2"), "ok");
  ProduceJson(k, "ev", 301, 300);
  // Fetch (API key 1) fails with NOT_LEADER_FOR_PARTITION (6), ListOffsets (2) times out (7).
  ASSERT_EQ(k.Command("error 1 6 5"), "ok");
  ASSERT_EQ(k.Command("error 2 7 2"), "ok");
  ProduceJson(k, "ev", 601, 300);
  AwaitInputRows(q, 900, 60000);
  q.stop();
  auto rows = spark.sql("SELECT count(*), count(DISTINCT v) FROM ev_out").collect();
  EXPECT_EQ(rows[0][0].GetInt64(), 900);
  EXPECT_EQ(rows[0][1].GetInt64(), 900);
}

// Offsets deleted by retention while a query was stopped: failOnDataLoss=true fails the query
// with a clear error, false skips the lost offsets and continues.
TEST_F(KafkaIntegration, DeletedOffsetsFailOnDataLoss) {
  KafkaDev k("--topic lossy:1");
  Session spark = Session::builder().getOrCreate();
  ProduceJson(k, "lossy", 1, 20);
  auto start = [&](const std::string& fail) {
    return Events(spark, k.bootstrap(), "lossy", {{"failOnDataLoss", fail}})
        .select({col("offset")})
        .writeStream()
        .format("json")
        .option("checkpointLocation", (dir_ / ("cp-" + fail)).string())
        .start((dir_ / ("out-" + fail)).string());
  };
  for (const char* fail : {"true", "false"}) {
    StreamingQuery q = start(fail);
    AwaitInputRows(q, 20);
    q.stop();
  }
  // About 8 MB: the mock drops the oldest segments (offsets 20.. are deleted too).
  {
    kafka::Handle p = kafka::NewClient(RD_KAFKA_PRODUCER, {{"bootstrap.servers", k.bootstrap()}}, {});
    std::string v(4000, 'x');
    for (int i = 0; i < 2000; ++i) {
      while (rd_kafka_producev(p.get(), RD_KAFKA_V_TOPIC("lossy"), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                               RD_KAFKA_V_VALUE(v.data(), v.size()),
                               RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
        rd_kafka_poll(p.get(), 10);
    }
    ASSERT_EQ(rd_kafka_flush(p.get(), 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
    auto low =
        kafka::ListOffsets(p.get(), {kafka::TopicPartition{"lossy", 0}}, kafka::kEarliestOffset, 10000);
    ASSERT_GT((low[kafka::TopicPartition{"lossy", 0}]), 20);
  }
  StreamingQuery strict = start("true");
  EXPECT_THROW(strict.awaitTermination(), StreamingQueryError);
  ASSERT_TRUE(strict.exception());
  EXPECT_NE(strict.exception()->find("failOnDataLoss"), std::string::npos) << *strict.exception();

  StreamingQuery lenient = start("false");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (InputRows(lenient) == 0 && std::chrono::steady_clock::now() < deadline) lenient.awaitTermination(5);
  ASSERT_FALSE(lenient.exception());
  int64_t read = InputRows(lenient);
  EXPECT_GT(read, 0);
  EXPECT_LT(read, 2000);  // the deleted offsets were skipped
  lenient.stop();
}

// The exactly-once sink: a batch re-run after its transaction committed (crash before the commit
// log entry) shows once to read_committed consumers; the at-least-once sink shows it twice.
TEST_F(KafkaIntegration, TransactionalSinkExactlyOnceUnderRestart) {
  KafkaDev k("--topic in:2 --topic out-eo:2 --topic out-alo:2");
  Session spark = Session::builder().getOrCreate();
  auto start = [&](const std::string& guarantee, const std::string& topic) {
    return Events(spark, k.bootstrap(), "in")
        .select({col("key"), col("value")})
        .writeStream()
        .format("kafka")
        .option("kafka.bootstrap.servers", k.bootstrap())
        .option("topic", topic)
        .option("deliveryGuarantee", guarantee)
        .option("checkpointLocation", (dir_ / ("cp-" + topic)).string())
        .start();
  };
  ProduceJson(k, "in", 1, 100);
  int64_t alo_rerun_rows = 0;
  for (auto [guarantee, topic] :
       {std::pair{"exactly-once", "out-eo"}, std::pair{"at-least-once", "out-alo"}}) {
    StreamingQuery q = start(guarantee, topic);
    AwaitInputRows(q, 100);
    q.stop();
    auto progress = q.recentProgress();
    ASSERT_FALSE(progress.empty());
    int64_t last = progress.back().batch_id, last_rows = progress.back().num_input_rows;
    // Simulate a crash after the sink wrote the last batch but before commits/<batch> existed.
    fs::path commit = dir_ / ("cp-" + std::string(topic)) / "commits" / std::to_string(last);
    ASSERT_TRUE(fs::remove(commit)) << commit;
    StreamingQuery again = start(guarantee, topic);
    AwaitInputRows(again, last_rows);  // the re-run batch reads its rows again
    again.stop();
    if (std::string(guarantee) == "at-least-once") alo_rerun_rows = last_rows;
  }
  ProduceJson(k, "in", 101, 50);
  StreamingQuery more = start("exactly-once", "out-eo");
  AwaitInputRows(more, 50);
  more.stop();

  auto committed = Lines(RunCommand(fmt::format(
      "kcat -C -b {} -t out-eo -X isolation.level=read_committed -e -q -f '%s\\n'", k.bootstrap())));
  std::set<std::string> distinct(committed.begin(), committed.end());
  EXPECT_EQ(committed.size(), 150u);
  EXPECT_EQ(distinct.size(), 150u);
  // kafka-python (read_uncommitted) reading the at-least-once output sees the re-run batch twice.
  auto alo = Lines(RunCommand(
      fmt::format("{} {}/consume.py {} out-alo {}", PYTHON3, kScripts, k.bootstrap(), 100 + alo_rerun_rows)));
  EXPECT_EQ(static_cast<int64_t>(alo.size()), 100 + alo_rerun_rows);
  EXPECT_EQ(std::set<std::string>(alo.begin(), alo.end()).size(), 100u);
}

}  // namespace
}  // namespace sluice
