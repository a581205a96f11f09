// DeltaSink: the Delta streaming sink (writeStream.format("delta")), as Delta's DeltaSink.
//
// Each micro-batch is one Delta commit carrying a txn action (appId = the streaming query id read
// from <checkpoint>/metadata, version = batch id). A batch whose id is at or below the table's
// txn version for the query was already committed (the query failed between the Delta commit and
// its commit log entry) and is skipped, so every batch lands exactly once. Output modes: append
// (adds files) and complete (overwrites the table each batch); update is rejected as Delta does.
// commitInfo: operation "STREAMING UPDATE", operationParameters outputMode / queryId / epochId.
// Options: the batch writer's (mergeSchema, partitionBy, compression, delta.* properties on
// create).
//
// Thread-compatible: one query thread calls AddBatch.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/sink.h"

namespace sluice {

class SessionState;

class DeltaSink : public Sink {
 public:
  /// Throws AnalysisError for update output mode or a missing path.
  DeltaSink(std::shared_ptr<SessionState> session, const std::string& path,
            std::map<std::string, std::string> options, std::vector<std::string> partition_by,
            std::string checkpoint_location, OutputMode mode);

  /// "DeltaSink[/abs/path]".
  std::string Description() const override;
  void AddBatch(int64_t batch_id, const TypePtr& schema,
                const std::vector<RecordBatchPtr>& partitions, OutputMode mode) override;

 private:
  std::string QueryId();

  std::shared_ptr<SessionState> session_;
  std::string path_;
  std::map<std::string, std::string> options_;
  std::vector<std::string> partition_by_;
  std::string checkpoint_location_;
  std::string query_id_;
};

}  // namespace sluice
