// RelationSource: an input bound into a resolved plan (kSource). A batch source reads its data in
// partitions; a streaming source creates a StreamSource per query run, which hands out data between
// offsets (Spark's Source API: latestOffset / getBatch / commit).
//
// Offsets are opaque JSON text owned by the source (written verbatim to the offset log), so a
// restarted query can ask the source for exactly the same data again.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "expr/eval_context.h"
#include "plan/logical_plan.h"

namespace sluice {

class SessionState;

/// How much a source may hand out in one micro-batch.
struct ReadLimit {
  /// Trigger.Once: everything available, ignoring maxFilesPerTrigger & co.
  bool all_available = false;
};

/// Chunks of rows of one input partition.
using Partition = std::vector<RecordBatchPtr>;

/// The chunks of one partition produced on demand: each call returns the next chunk, null after
/// the last. Called from one thread at a time; may throw (a read error) from any call.
using ChunkStream = std::function<RecordBatchPtr()>;

/// One stream per partition, over chunks already in memory.
std::vector<ChunkStream> StreamPartitions(std::vector<Partition> partitions);

/// One run of a streaming source. Used from the query thread only.
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  /// Spark's description in progress reports, e.g. "MemoryStream[v#1]", "FileStreamSource[file:/in]".
  virtual std::string Description() const = 0;
  /// The end offset of the next batch starting after `start` (nullopt start: from the beginning),
  /// bounded by the source's rate limits unless limit.all_available; nullopt if there is no data
  /// at all yet. Equal to `start` when nothing new arrived.
  virtual std::optional<std::string> LatestOffset(const std::optional<std::string>& start,
                                                  const ReadLimit& limit) = 0;
  /// Data in (start, end] as partitions. Must return the same rows when called again with the same
  /// offsets (a re-run batch after restart).
  virtual std::vector<Partition> GetBatch(const std::optional<std::string>& start,
                                          const std::string& end) = 0;
  /// Data up to `end` is durably processed and may be forgotten.
  virtual void Commit(const std::string& end) {}
  /// Trigger.AvailableNow: fix the target offset now; later LatestOffset calls stop there.
  virtual void PrepareForAvailableNow() {}
  /// Rows counted as dropped/malformed while reading the last GetBatch (for progress metrics).
  virtual int64_t NumMalformedRowsForLastBatch() const { return 0; }
  /// Source-specific progress metrics for the batch ending at `end` (SourceProgress.metrics).
  virtual std::map<std::string, std::string> Metrics(const std::optional<std::string>& end) const {
    return {};
  }
  /// The latest offset seen at the source when the batch was planned, if it differs from the
  /// batch's end (rate-limited sources).
  virtual std::optional<std::string> ReportLatestOffset() const { return std::nullopt; }
  virtual void Stop() {}
};

/// Where a query run keeps the source's private checkpoint data and what it may call back.
struct StreamSourceContext {
  std::string metadata_dir;  // <checkpoint>/sources/<i>
  std::shared_ptr<SessionState> session;
  /// Called by push-style sources when new data arrives (wakes the query thread).
  std::function<void()> notify_new_data;
};

class RelationSource {
 public:
  virtual ~RelationSource() = default;
  virtual TypePtr schema() const = 0;
  virtual bool is_streaming() const = 0;
  virtual std::string Description() const = 0;
  /// Batch sources: all data, as partitions.
  virtual std::vector<Partition> ReadAll(const EvalContext& ctx) const;
  /// Batch sources: all data as one chunk stream per partition, read as the streams are pulled
  /// where the source can (files), so a consumer such as an aggregation never holds the whole
  /// input. `required` (empty: all) marks the columns the consumer reads; a source may return
  /// the others as placeholders (NULLs) and skip reading them. Default: ReadAll()'s partitions.
  virtual std::vector<ChunkStream> ReadStreams(const EvalContext& ctx,
                                               const std::vector<bool>& required) const;
  /// Streaming sources: a reader for one query run.
  virtual std::unique_ptr<StreamSource> CreateStream(const StreamSourceContext& ctx) const;
};

/// Whether a source plan's columns are all nullable (as Spark marks file and memory columns) or
/// take the nullability of the source's schema.
enum class SourceNullability { kAllNullable, kFromSchema };

/// A resolved kSource plan over `source`, one output column per field of source->schema().
PlanPtr MakeSourcePlan(std::shared_ptr<RelationSource> source, bool streaming,
                       SourceNullability nullability = SourceNullability::kAllNullable);

}  // namespace sluice
