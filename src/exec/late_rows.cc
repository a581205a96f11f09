#include "exec/late_rows.h"

#include <algorithm>
#include <tuple>

#include "formats/json/json_text.h"
#include "formats/json/json_writer.h"

namespace sluice {

TypePtr LateRowCollector::Schema() {
  static const TypePtr schema = DataType::Struct({
      StructField("batchId", DataType::Long(), false),
      StructField("operatorId", DataType::Int(), false),
      StructField("operatorName", DataType::String(), false),
      StructField("reason", DataType::String(), false),
      StructField("watermark", DataType::Timestamp(), false),
      StructField("eventTime", DataType::Timestamp(), true),
      StructField("row", DataType::String(), false),
  });
  return schema;
}

LateRowCollector::LateRowCollector(int64_t batch_id, std::string time_zone)
    : batch_id_(batch_id), time_zone_(std::move(time_zone)) {}

void LateRowCollector::Add(int operator_id, const std::string& operator_name, const std::string& reason,
                           int64_t watermark_ms, const RecordBatch& chunk, const SelectionVector& rows,
                           const std::vector<int64_t>& event_time_micros) {
  if (rows.empty()) return;
  JsonOptions options;
  options.datetime.time_zone = time_zone_;
  options.ignore_null_fields = false;
  JsonWriter writer(options);
  std::vector<Entry> added;
  added.reserve(rows.size());
  for (size_t k = 0; k < rows.size(); ++k) {
    std::string json;
    json += '{';
    const auto& fields = chunk.schema()->fields();
    for (size_t c = 0; c < fields.size(); ++c) {
      if (c > 0) json += ',';
      AppendJsonString(fields[c].name, &json);
      json += ':';
      writer.WriteValue(*chunk.column(c), rows[k], &json);
    }
    json += '}';
    added.push_back(Entry{operator_id, operator_name, reason, watermark_ms, event_time_micros[k], std::move(json)});
  }
  std::lock_guard<std::mutex> l(mu_);
  for (auto& e : added) entries_.push_back(std::move(e));
}

size_t LateRowCollector::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return entries_.size();
}

RecordBatchPtr LateRowCollector::Finish() const {
  std::vector<const Entry*> order;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& e : entries_) order.push_back(&e);
  }
  std::sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
    return std::tie(a->operator_id, a->event_time_micros, a->row_json) <
           std::tie(b->operator_id, b->event_time_micros, b->row_json);
  });
  const TypePtr& schema = Schema();
  std::vector<VectorPtr> cols;
  for (const auto& f : schema->fields()) cols.push_back(std::make_shared<Vector>(f.type));
  for (const Entry* e : order) {
    cols[0]->Append<int64_t>(batch_id_);
    cols[1]->Append<int32_t>(e->operator_id);
    cols[2]->AppendString(e->operator_name);
    cols[3]->AppendString(e->reason);
    cols[4]->Append<int64_t>(e->watermark_ms * 1000);
    cols[5]->Append<int64_t>(e->event_time_micros);
    cols[6]->AppendString(e->row_json);
  }
  return RecordBatch::Make(schema, std::move(cols), order.size());
}

}  // namespace sluice
