// StreamingQueryProgress / StreamingQueryStatus rendering as Spark's JSON.
#include <nlohmann/json.hpp>

#include "sluice/streaming.h"

namespace sluice {

namespace {

using Json = nlohmann::ordered_json;

Json OffsetJson(const std::string& text) {
  if (text.empty() || text == "null") return nullptr;
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return text;
  return j;
}

Json ToJson(const StreamingQueryProgress& p) {
  Json j;
  j["id"] = p.id;
  j["runId"] = p.run_id;
  j["name"] = p.name.empty() ? Json(nullptr) : Json(p.name);
  j["timestamp"] = p.timestamp;
  j["batchId"] = p.batch_id;
  j["batchDuration"] = p.batch_duration;
  j["numInputRows"] = p.num_input_rows;
  j["inputRowsPerSecond"] = p.input_rows_per_second;
  j["processedRowsPerSecond"] = p.processed_rows_per_second;
  Json d = Json::object();
  for (const auto& [k, v] : p.duration_ms) d[k] = v;
  j["durationMs"] = d;
  if (!p.event_time.empty()) {
    Json e = Json::object();
    for (const auto& [k, v] : p.event_time) e[k] = v;
    j["eventTime"] = e;
  }
  Json ops = Json::array();
  for (const auto& s : p.state_operators) {
    Json o;
    o["operatorName"] = s.operator_name;
    o["numRowsTotal"] = s.num_rows_total;
    o["numRowsUpdated"] = s.num_rows_updated;
    o["allUpdatesTimeMs"] = s.all_updates_time_ms;
    o["numRowsRemoved"] = s.num_rows_removed;
    o["allRemovalsTimeMs"] = s.all_removals_time_ms;
    o["commitTimeMs"] = s.commit_time_ms;
    o["memoryUsedBytes"] = s.memory_used_bytes;
    o["numRowsDroppedByWatermark"] = s.num_rows_dropped_by_watermark;
    o["numShufflePartitions"] = s.num_shuffle_partitions;
    o["numStateStoreInstances"] = s.num_state_store_instances;
    Json c = Json::object();
    for (const auto& [k, v] : s.custom_metrics) c[k] = v;
    o["customMetrics"] = c;
    ops.push_back(o);
  }
  j["stateOperators"] = ops;
  Json srcs = Json::array();
  for (const auto& s : p.sources) {
    Json o;
    o["description"] = s.description;
    o["startOffset"] = OffsetJson(s.start_offset);
    o["endOffset"] = OffsetJson(s.end_offset);
    o["latestOffset"] = OffsetJson(s.latest_offset);
    o["numInputRows"] = s.num_input_rows;
    o["inputRowsPerSecond"] = s.input_rows_per_second;
    o["processedRowsPerSecond"] = s.processed_rows_per_second;
    if (!s.metrics.empty()) {
      Json m = Json::object();
      for (const auto& [k, v] : s.metrics) m[k] = v;
      o["metrics"] = m;
    }
    srcs.push_back(o);
  }
  j["sources"] = srcs;
  Json sink;
  sink["description"] = p.sink_description;
  sink["numOutputRows"] = p.sink_num_output_rows;
  j["sink"] = sink;
  if (!p.observed_metrics.empty()) {
    Json m = Json::object();
    for (const auto& [k, v] : p.observed_metrics) m[k] = v;
    j["observedMetrics"] = m;
  }
  return j;
}

}  // namespace

std::string StreamingQueryProgress::json() const { return ToJson(*this).dump(); }
std::string StreamingQueryProgress::prettyJson() const { return ToJson(*this).dump(2); }

std::string StreamingQueryStatus::json() const {
  Json j;
  j["message"] = message;
  j["isDataAvailable"] = is_data_available;
  j["isTriggerActive"] = is_trigger_active;
  return j.dump();
}

}  // namespace sluice
