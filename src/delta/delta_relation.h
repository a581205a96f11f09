// DeltaRelation: a batch read of a Delta table snapshot as a plan leaf. The snapshot (log replay,
// see delta_log.h) is taken when the plan is created, as Spark resolves a Delta relation at
// analysis time; ReadAll / ReadStreams read the snapshot's data files with the Parquet reader (physical column
// names under column mapping, partition columns filled from the add actions' partitionValues)
// and outputs batches of the logical schema.
//
// Thread-safe: immutable after construction.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/file/file_scan.h"
#include "delta/delta_log.h"
#include "plan/logical_plan.h"
#include "plan/relation_source.h"

namespace sluice {

class SessionState;

class DeltaRelation : public RelationSource {
 public:
  DeltaRelation(DeltaSnapshot snapshot, std::map<std::string, std::string> options,
                std::weak_ptr<const SessionState> session, int64_t max_partition_bytes,
                int64_t open_cost_bytes, int parallelism, size_t batch_rows);

  TypePtr schema() const override { return snapshot_.schema; }
  bool is_streaming() const override { return false; }
  /// "DeltaScan [file:/abs/path] version N".
  std::string Description() const override;
  std::vector<Partition> ReadAll(const EvalContext& ctx) const override;
  std::vector<ChunkStream> ReadStreams(const EvalContext& ctx,
                                       const std::vector<bool>& required) const override;

  const DeltaSnapshot& snapshot() const { return snapshot_; }

 private:
  /// A Parquet scanner of the snapshot's physical schema.
  FileScanner Scanner(const EvalContext& ctx) const;
  /// The snapshot's data files packed into read partitions.
  std::vector<std::vector<InputFile>> FileGroups() const;

  DeltaSnapshot snapshot_;
  std::map<std::string, std::string> options_;
  std::weak_ptr<const SessionState> session_;
  int64_t max_partition_bytes_;
  int64_t open_cost_bytes_;
  int parallelism_;
  size_t batch_rows_;
};

/// Resolves spark.read.format("delta").load(path) / delta.`path` into a kSource plan over the
/// snapshot chosen by the versionAsOf / timestampAsOf options; with readChangeFeed, to a change
/// feed read (delta_change_feed.h); streaming reads resolve to the Delta streaming source
/// (delta_stream_source.h). A user schema is rejected as Spark does for Delta.
PlanPtr MakeDeltaRelationPlan(const SessionState& session, const std::string& path,
                              const std::map<std::string, std::string>& options,
                              const TypePtr& user_schema, bool streaming);

}  // namespace sluice
