#include "delta/delta_relation.h"

#include <fmt/format.h>

#include <thread>

#include "api/session_state.h"
#include "connectors/file/file_listing.h"
#include "connectors/file/file_scan.h"
#include "delta/delta_change_feed.h"
#include "delta/delta_stream_source.h"
#include "platform/thread_pool.h"
#include "sluice/exception.h"

namespace sluice {

DeltaRelation::DeltaRelation(DeltaSnapshot snapshot, std::map<std::string, std::string> options,
                             std::weak_ptr<const SessionState> session,
                             int64_t max_partition_bytes, int64_t open_cost_bytes,
                             int parallelism, size_t batch_rows)
    : snapshot_(std::move(snapshot)),
      options_(std::move(options)),
      session_(std::move(session)),
      max_partition_bytes_(max_partition_bytes),
      open_cost_bytes_(open_cost_bytes),
      parallelism_(parallelism),
      batch_rows_(batch_rows) {}

std::string DeltaRelation::Description() const {
  return fmt::format("DeltaScan [{}] version {}", QualifiedPath(snapshot_.table_path),
                     snapshot_.version);
}

FileScanner DeltaRelation::Scanner(const EvalContext& ctx) const {
  OptionMap options;
  options.insert(options_.begin(), options_.end());
  return FileScanner(FileFormat::kParquet, options, snapshot_.physical_schema, ctx.time_zone,
                     batch_rows_);
}

std::vector<std::vector<InputFile>> DeltaRelation::FileGroups() const {
  std::vector<InputFile> files;
  files.reserve(snapshot_.files.size());
  for (const DeltaFile& f : snapshot_.files) {
    InputFile in;
    in.path = f.path;
    in.size = f.size;
    in.modification_time_ms = f.modification_time;
    in.partition_values = f.partition_values;
    files.push_back(std::move(in));
  }
  return PackFilePartitions(std::move(files), max_partition_bytes_, open_cost_bytes_, parallelism_,
                            /*splittable=*/true);
}

std::vector<Partition> DeltaRelation::ReadAll(const EvalContext& ctx) const {
  ThreadPool* pool = nullptr;
  std::shared_ptr<const SessionState> session = session_.lock();
  if (session) pool = &session->pool();
  ReadCounts counts;
  std::vector<Partition> parts = Scanner(ctx).ReadPartitions(FileGroups(), pool, &counts);
  // Physical -> logical names (column mapping); same columns, same order.
  for (Partition& p : parts) {
    for (RecordBatchPtr& b : p) b = RecordBatch::Make(snapshot_.schema, b->columns(), b->num_rows());
  }
  return parts;
}

std::vector<ChunkStream> DeltaRelation::ReadStreams(const EvalContext& ctx,
                                                    const std::vector<bool>& required) const {
  // The physical schema has the logical one's columns in the same order.
  std::vector<ChunkStream> streams = Scanner(ctx).OpenStreams(FileGroups(), nullptr, required);
  // Physical -> logical names (column mapping); same columns, same order.
  for (ChunkStream& s : streams) {
    s = [next = std::move(s), schema = snapshot_.schema]() -> RecordBatchPtr {
      RecordBatchPtr b = next();
      return b ? RecordBatch::Make(schema, b->columns(), b->num_rows()) : nullptr;
    };
  }
  return streams;
}

namespace {

int Parallelism(const SessionState& session) {
  int64_t threads = session.GetConfInt("spark.sluice.threads", 0);
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(session.GetConfInt("spark.default.parallelism", threads));
}

}  // namespace

PlanPtr MakeDeltaRelationPlan(const SessionState& session, const std::string& path,
                              const std::map<std::string, std::string>& options,
                              const TypePtr& user_schema, bool streaming) {
  if (path.empty()) throw AnalysisError("[UNABLE_TO_INFER_SCHEMA] 'path' is not specified");
  if (user_schema) {
    throw AnalysisError(
        "[DELTA_READ_TABLE_WITHOUT_COLUMNS] Delta does not support specifying the schema at read "
        "time.");
  }
  if (streaming) return MakeDeltaStreamPlan(session, path, options);
  if (WantsDeltaChangeFeed(options)) return MakeDeltaChangeFeedPlan(session, path, options);
  std::string tz = session.MakeEvalContext().time_zone;
  DeltaSnapshot snapshot =
      LoadDeltaSnapshot(AbsolutePath(path).string(), TimeTravelFromOptions(options), tz);
  int64_t max_partition_bytes = ParseByteSize(
      session.GetConf("spark.sql.files.maxPartitionBytes", "134217728"),
      "spark.sql.files.maxPartitionBytes");
  int64_t open_cost_bytes = ParseByteSize(
      session.GetConf("spark.sql.files.openCostInBytes", "4194304"),
      "spark.sql.files.openCostInBytes");
  size_t batch_rows = static_cast<size_t>(
      std::max<int64_t>(1, session.GetConfInt("spark.sluice.maxBatchRows", 8192)));

  PlanPtr plan = MakeSourcePlan(
      std::make_shared<DeltaRelation>(std::move(snapshot), options, session.weak_from_this(), max_partition_bytes,
                                      open_cost_bytes, Parallelism(session), batch_rows),
      /*streaming=*/false);
  return plan;
}

}  // namespace sluice
