#include "delta/delta_sink.h"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/session_state.h"
#include "connectors/file/file_listing.h"
#include "delta/delta_write.h"
#include "platform/file_system.h"
#include "sluice/exception.h"

namespace sluice {

using J = nlohmann::json;

DeltaSink::DeltaSink(std::shared_ptr<SessionState> session, const std::string& path,
                     std::map<std::string, std::string> options,
                     std::vector<std::string> partition_by, std::string checkpoint_location,
                     OutputMode mode)
    : session_(std::move(session)),
      options_(std::move(options)),
      partition_by_(std::move(partition_by)),
      checkpoint_location_(std::move(checkpoint_location)) {
  if (path.empty()) throw AnalysisError("'path' is not specified");
  path_ = AbsolutePath(path).lexically_normal().string();
  if (mode == OutputMode::kUpdate) {
    throw AnalysisError(
        "[DELTA_UNSUPPORTED_OUTPUT_MODE] Data source com.databricks.sql.transaction.tahoe.sources."
        "DeltaDataSource does not support Update output mode");
  }
  options_.erase("path");
  options_.erase("checkpointLocation");
}

std::string DeltaSink::Description() const { return "DeltaSink[" + path_ + "]"; }

std::string DeltaSink::QueryId() {
  if (!query_id_.empty()) return query_id_;
  std::filesystem::path meta = std::filesystem::path(checkpoint_location_) / "metadata";
  J j = J::parse(ReadFile(meta), nullptr, false);
  if (j.is_discarded() || !j.contains("id") || !j["id"].is_string()) {
    throw IoError(fmt::format(
        "Cannot read the streaming query id from {} (expected {{\"id\":\"<query id>\"}})",
        meta.string()));
  }
  query_id_ = j["id"].get<std::string>();
  return query_id_;
}

void DeltaSink::AddBatch(int64_t batch_id, const TypePtr& schema,
                         const std::vector<RecordBatchPtr>& partitions, OutputMode mode) {
  std::string query_id = QueryId();
  DeltaWriteRequest req;
  req.path = path_;
  req.mode = mode == OutputMode::kComplete ? DeltaSaveMode::kOverwrite : DeltaSaveMode::kAppend;
  req.options = options_;
  req.partition_by = partition_by_;
  req.schema = schema;
  for (const RecordBatchPtr& b : partitions) req.data.push_back({b});
  req.operation = "STREAMING UPDATE";
  req.operation_parameters =
      J{{"outputMode", mode == OutputMode::kComplete ? "Complete" : "Append"},
        {"queryId", query_id},
        {"epochId", std::to_string(batch_id)}};
  req.txn = std::make_pair(query_id, batch_id);
  WriteDelta(*session_, req);
}

}  // namespace sluice
