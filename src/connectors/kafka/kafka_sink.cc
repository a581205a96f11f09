#include "connectors/kafka/kafka_sink.h"

#include <fmt/format.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "connectors/kafka/kafka_client.h"
#include "platform/file_system.h"
#include "platform/uuid.h"
#include "sluice/exception.h"

namespace sluice {
namespace kafka {

namespace {

int FieldIndex(const TypePtr& schema, const char* name) {
  const auto& f = schema->fields();
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool IsHeadersType(const TypePtr& t) {
  if (t->id() != TypeId::kArray) return false;
  const TypePtr& e = t->element_type();
  if (e->id() != TypeId::kStruct || e->fields().size() != 2) return false;
  return e->fields()[0].name == "key" && e->fields()[0].type->id() == TypeId::kString &&
         e->fields()[1].name == "value" && e->fields()[1].type->id() == TypeId::kBinary;
}

// Column positions of one written schema.
struct WriteColumns {
  int topic = -1, key = -1, value = -1, partition = -1, headers = -1;
  explicit WriteColumns(const TypePtr& schema)
      : topic(FieldIndex(schema, "topic")),
        key(FieldIndex(schema, "key")),
        value(FieldIndex(schema, "value")),
        partition(FieldIndex(schema, "partition")),
        headers(FieldIndex(schema, "headers")) {}
};

}  // namespace

void ValidateWriteSchema(const TypePtr& schema, const std::optional<std::string>& topic_option) {
  WriteColumns c(schema);
  const auto& f = schema->fields();
  if (c.topic < 0) {
    if (!topic_option) {
      throw AnalysisError(
          "topic option required when no 'topic' attribute is present. Use the topic option for "
          "setting a topic.");
    }
  } else if (f[c.topic].type->id() != TypeId::kString) {
    throw AnalysisError("Topic type must be a string");
  }
  if (c.key >= 0 && !f[c.key].type->IsStringLike()) {
    throw AnalysisError("key attribute type must be a string or binary");
  }
  if (c.value < 0) throw AnalysisError("Required attribute 'value' not found");
  if (!f[c.value].type->IsStringLike()) {
    throw AnalysisError("value attribute type must be a string or binary");
  }
  if (c.headers >= 0 && !IsHeadersType(f[c.headers].type)) {
    throw AnalysisError("headers attribute type must be a array<struct<key:string,value:binary>>");
  }
  if (c.partition >= 0 && f[c.partition].type->id() != TypeId::kInt) {
    throw AnalysisError("partition attribute type must be an int");
  }
}

std::string TransactionalId(const std::string& query_id) { return "sluice-" + query_id; }

// A producer plus the first delivery error reported for its messages.
class KafkaSink::Producer {
 public:
  Producer(const SinkOptions& o, const std::optional<std::string>& txn_id)
      : flush_timeout_ms_(o.flush_timeout_ms) {
    std::map<std::string, std::string> fixed;
    // The Java client's default partitioner, so keys land where Spark's writer puts them.
    if (!o.client_conf.count("partitioner")) fixed["partitioner"] = "murmur2_random";
    if (txn_id) {
      fixed["transactional.id"] = *txn_id;
      fixed["enable.idempotence"] = "true";
    }
    rk_ = NewClient(RD_KAFKA_PRODUCER, o.client_conf, fixed, [this](rd_kafka_conf_t* c) {
      rd_kafka_conf_set_opaque(c, this);
      rd_kafka_conf_set_dr_msg_cb(c, &Producer::OnDelivery);
    });
  }

  rd_kafka_t* rk() const { return rk_.get(); }

  void ResetErrors() {
    std::lock_guard<std::mutex> l(mu_);
    error_.clear();
  }

  // Produces every row of `parts` (schema `schema`); `topic_option` overrides the topic column.
  void ProduceRows(const TypePtr& schema, const std::vector<RecordBatchPtr>& parts,
                   const std::optional<std::string>& topic_option) {
    WriteColumns c(schema);
    for (const auto& b : parts) {
      const Vector* topic = c.topic >= 0 ? b->column(c.topic).get() : nullptr;
      const Vector* key = c.key >= 0 ? b->column(c.key).get() : nullptr;
      const Vector* value = b->column(c.value).get();
      const Vector* part = c.partition >= 0 ? b->column(c.partition).get() : nullptr;
      const Vector* headers = c.headers >= 0 ? b->column(c.headers).get() : nullptr;
      for (size_t i = 0; i < b->num_rows(); ++i) {
        std::string_view t;
        if (topic_option) {
          t = *topic_option;
        } else if (topic->IsNull(i)) {
          throw ExecutionError("null topic present in the data. Use the topic option for setting a topic.");
        } else {
          t = topic->GetString(i);
        }
        std::string_view k, v;
        bool has_key = key && !key->IsNull(i), has_value = !value->IsNull(i);
        if (has_key) k = key->GetString(i);
        if (has_value) v = value->GetString(i);
        int32_t p = part && !part->IsNull(i) ? part->Get<int32_t>(i) : RD_KAFKA_PARTITION_UA;
        rd_kafka_headers_t* hdrs = nullptr;
        if (headers && !headers->IsNull(i) && headers->ListEnd(i) > headers->ListBegin(i)) {
          const Vector& st = *headers->child(0);
          hdrs = rd_kafka_headers_new(static_cast<size_t>(headers->ListEnd(i) - headers->ListBegin(i)));
          for (int64_t h = headers->ListBegin(i); h < headers->ListEnd(i); ++h) {
            if (st.IsNull(h) || st.child(0)->IsNull(h)) continue;
            std::string_view hk = st.child(0)->GetString(h);
            bool null_value = st.child(1)->IsNull(h);
            std::string_view hv = null_value ? std::string_view() : st.child(1)->GetString(h);
            rd_kafka_header_add(hdrs, hk.data(), static_cast<ssize_t>(hk.size()),
                                null_value ? nullptr : hv.data(),
                                null_value ? 0 : static_cast<ssize_t>(hv.size()));
          }
        }
        Produce(t, p, has_key ? &k : nullptr, has_value ? &v : nullptr, hdrs);
      }
    }
  }

  void Produce(std::string_view topic, int32_t partition, const std::string_view* key,
               const std::string_view* value, rd_kafka_headers_t* hdrs) {
    std::string topic_name(topic);
    while (true) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          rk_.get(), RD_KAFKA_V_TOPIC(topic_name.c_str()), RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(key ? const_cast<char*>(key->data()) : nullptr, key ? key->size() : 0),
          RD_KAFKA_V_VALUE(value ? const_cast<char*>(value->data()) : nullptr, value ? value->size() : 0),
          RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(rk_.get(), 50);
        continue;
      }
      if (hdrs) rd_kafka_headers_destroy(hdrs);
      throw ExecutionError(
          fmt::format("Failed to send a record to Kafka topic {}: {}", topic_name, rd_kafka_err2str(err)));
    }
  }

  // Waits for every produced record; throws the first delivery error.
  void Flush() {
    rd_kafka_resp_err_t err = rd_kafka_flush(rk_.get(), static_cast<int>(flush_timeout_ms_));
    if (err) {
      throw ExecutionError(fmt::format("Kafka producer flush failed after {} ms: {}", flush_timeout_ms_,
                                       rd_kafka_err2str(err)));
    }
    std::lock_guard<std::mutex> l(mu_);
    if (!error_.empty()) throw ExecutionError("Failed to write to Kafka: " + error_);
  }

 private:
  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (!m->err) return;
    auto* self = static_cast<Producer*>(opaque);
    std::lock_guard<std::mutex> l(self->mu_);
    if (self->error_.empty()) {
      self->error_ = fmt::format("{} (topic {}, partition {})", rd_kafka_err2str(m->err),
                                 m->rkt ? rd_kafka_topic_name(m->rkt) : "?", m->partition);
    }
  }

  Handle rk_;
  int64_t flush_timeout_ms_;
  std::mutex mu_;
  std::string error_;
};

namespace {

// Runs a transactional call; throws with librdkafka's message on error.
void CheckTxn(rd_kafka_error_t* error, const char* what) {
  if (!error) return;
  std::string msg = fmt::format("Kafka transaction {} failed: {}{}", what, rd_kafka_error_string(error),
                                rd_kafka_error_is_fatal(error) ? " (fatal)" : "");
  rd_kafka_error_destroy(error);
  throw ExecutionError(msg);
}

}  // namespace

KafkaSink::KafkaSink(SinkOptions options, std::string checkpoint_location)
    : o_(std::move(options)), checkpoint_location_(std::move(checkpoint_location)) {}

KafkaSink::~KafkaSink() = default;

std::string KafkaSink::Description() const {
  return fmt::format("KafkaSink[{}{}]", o_.topic ? *o_.topic : "<topic column>",
                     o_.guarantee == DeliveryGuarantee::kExactlyOnce ? ", exactly-once" : "");
}

int64_t KafkaSink::ReadLastCommittedBatch(const std::string& txn_id) {
  std::map<std::string, std::string> conf = o_.client_conf;
  conf["isolation.level"] = "read_committed";
  RangeReader reader(conf, "sluice-sink-" + GenerateUuid(), 30000);
  auto topics = ListTopics(reader.handle(), 30000);
  auto it = topics.find(o_.marker_topic);
  if (it == topics.end()) return -1;
  std::vector<TopicPartition> tps;
  for (int p = 0; p < it->second; ++p) tps.push_back({o_.marker_topic, p});
  PartitionOffsets low = ListOffsets(reader.handle(), tps, kEarliestOffset, 30000);
  PartitionOffsets high = ListOffsets(reader.handle(), tps, kLatestOffset, 30000);
  std::vector<RangeReader::Range> ranges;
  for (const auto& tp : tps) ranges.push_back({tp, low[tp], high[tp]});
  int64_t last = -1;
  reader.Read(
      ranges,
      [&](size_t, const rd_kafka_message_t* m) {
        if (!m->key || !m->payload) return;
        std::string_view k(static_cast<const char*>(m->key), m->key_len);
        if (k != txn_id) return;
        try {
          last =
              std::max<int64_t>(last, std::stoll(std::string(static_cast<const char*>(m->payload), m->len)));
        } catch (const std::exception&) {
        }
      },
      [](const std::string&, int64_t) {});  // older markers aged out: the newest ones matter
  return last;
}

void KafkaSink::EnsureProducer() {
  if (producer_) return;
  if (o_.guarantee == DeliveryGuarantee::kAtLeastOnce) {
    producer_ = std::make_unique<Producer>(o_, std::nullopt);
    return;
  }
  std::filesystem::path meta = std::filesystem::path(checkpoint_location_) / "metadata";
  auto j = nlohmann::json::parse(ReadFile(meta), nullptr, false);
  if (j.is_discarded() || !j.contains("id") || !j["id"].is_string()) {
    throw IoError(fmt::format("cannot read the query id from {}", meta.string()));
  }
  txn_id_ = TransactionalId(j["id"].get<std::string>());
  auto p = std::make_unique<Producer>(o_, txn_id_);
  // Fences an earlier producer of this query and aborts its open transaction, if any.
  CheckTxn(rd_kafka_init_transactions(p->rk(), static_cast<int>(o_.flush_timeout_ms)), "init");
  last_committed_ = ReadLastCommittedBatch(txn_id_);
  producer_ = std::move(p);
}

void KafkaSink::AddBatch(int64_t batch_id, const TypePtr& schema,
                         const std::vector<RecordBatchPtr>& partitions, OutputMode) {
  EnsureProducer();
  producer_->ResetErrors();
  if (o_.guarantee == DeliveryGuarantee::kAtLeastOnce) {
    producer_->ProduceRows(schema, partitions, o_.topic);
    producer_->Flush();
    return;
  }
  if (batch_id <= last_committed_) {
    ++skipped_;  // committed before a restart: its rows are already visible
    return;
  }
  rd_kafka_t* rk = producer_->rk();
  CheckTxn(rd_kafka_begin_transaction(rk), "begin");
  try {
    producer_->ProduceRows(schema, partitions, o_.topic);
    std::string marker = std::to_string(batch_id);
    std::string_view key(txn_id_), value(marker);
    producer_->Produce(o_.marker_topic, RD_KAFKA_PARTITION_UA, &key, &value, nullptr);
    producer_->Flush();
    CheckTxn(rd_kafka_commit_transaction(rk, static_cast<int>(o_.flush_timeout_ms)), "commit");
  } catch (...) {
    // Nothing of this batch becomes visible to read_committed consumers; the query fails and the
    // batch is re-run on restart.
    rd_kafka_error_t* e = rd_kafka_abort_transaction(rk, static_cast<int>(o_.flush_timeout_ms));
    if (e) rd_kafka_error_destroy(e);
    producer_.reset();
    throw;
  }
  last_committed_ = batch_id;
}

void KafkaSink::Close() { producer_.reset(); }

}  // namespace kafka

std::shared_ptr<Sink> MakeKafkaSink(const std::map<std::string, std::string>& options, const TypePtr& schema,
                                    const std::string& checkpoint_location) {
  OptionMap opts(options.begin(), options.end());
  kafka::SinkOptions o = kafka::ParseSinkOptions(opts);
  kafka::ValidateWriteSchema(schema, o.topic);
  return std::make_shared<kafka::KafkaSink>(std::move(o), checkpoint_location);
}

void WriteKafka(const std::map<std::string, std::string>& options, const std::string& save_mode,
                const TypePtr& schema, const std::vector<std::vector<RecordBatchPtr>>& partitions) {
  std::string mode;
  for (char c : save_mode) mode += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (mode != "append" && mode != "error" && mode != "errorifexists" && !mode.empty()) {
    std::string shown = mode == "overwrite" ? "Overwrite" : mode == "ignore" ? "Ignore" : save_mode;
    throw AnalysisError(
        fmt::format("Save mode {} not allowed for Kafka. Allowed save modes are Append and ErrorIfExists "
                    "(default).",
                    shown));
  }
  OptionMap opts(options.begin(), options.end());
  kafka::SinkOptions o = kafka::ParseSinkOptions(opts);
  if (o.guarantee == kafka::DeliveryGuarantee::kExactlyOnce) {
    throw AnalysisError("deliveryGuarantee exactly-once applies to streaming writes only");
  }
  kafka::ValidateWriteSchema(schema, o.topic);
  kafka::KafkaSink sink(std::move(o), "");
  std::vector<RecordBatchPtr> all;
  for (const auto& p : partitions) all.insert(all.end(), p.begin(), p.end());
  sink.AddBatch(0, schema, all, OutputMode::kAppend);
  sink.Close();
}

}  // namespace sluice
