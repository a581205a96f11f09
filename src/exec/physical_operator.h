// PhysicalOperator: one node of an executable plan. Execute() returns the node's output as
// partitions of record-batch chunks; independent partitions are processed in parallel on the
// context's thread pool. Results never depend on the number of threads: partitioning is decided by
// data (source splits, key hashes), not by scheduling.
//
// Streaming: the same operators run once per micro-batch. Scans read the batch's input from the
// ExecContext; stateful operators keep state in a StateStore between batches.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "exec/group_hash_table.h"
#include "expr/eval_context.h"
#include "plan/relation_source.h"
#include "state/state_schema.h"

namespace sluice {

class ThreadPool;
class StateStoreProvider;
class LateRowCollector;
struct StateOperatorProgress;

/// Per-micro-batch information for streaming execution.
struct StreamBatchContext {
  int64_t batch_id = 0;
  /// Global watermark used for late-row filtering in this batch (previous batch's), ms.
  int64_t watermark_for_late_rows_ms = 0;
  /// Global watermark used for eviction in this batch, ms.
  int64_t watermark_for_eviction_ms = 0;
  /// Input of each streaming scan for this batch, by scan id.
  std::map<int, std::vector<Partition>> inputs;
  /// Where stateful operators keep their state (null for batch queries).
  StateStoreProvider* state = nullptr;
  /// Output mode of the query.
  int output_mode = 0;  // OutputMode
  /// True for a batch that runs only because the watermark moved (no new input).
  bool no_data_batch = false;
  /// Where operators record the rows they drop as late (null unless the query has a late-rows
  /// dead-letter sink).
  LateRowCollector* late_rows = nullptr;
};

struct ExecContext {
  EvalContext eval;
  ThreadPool* pool = nullptr;
  int shuffle_partitions = 200;
  StreamBatchContext* stream = nullptr;
};

class PhysicalOperator {
 public:
  PhysicalOperator(TypePtr schema, std::vector<std::unique_ptr<PhysicalOperator>> children)
      : schema_(std::move(schema)), children_(std::move(children)) {}
  virtual ~PhysicalOperator() = default;

  virtual std::vector<Partition> Execute(ExecContext& ctx) = 0;
  /// Pipelined execution: the output partitions as chunk streams that compute each chunk when it
  /// is pulled, so chunks flow from a scan through filters and projections into their consumer
  /// (an aggregation) without the input being held in memory. Partitions are pulled in parallel,
  /// each by one thread. Default: Execute()'s partitions.
  virtual std::vector<ChunkStream> ExecuteStreams(ExecContext& ctx);
  /// One-line description for explain(): "Filter (amount > 10)".
  virtual std::string Describe() const = 0;
  /// Adds progress of stateful operators (nearest the sink first) to `out`.
  virtual void CollectStateProgress(std::vector<StateOperatorProgress>* out) const;
  /// Streaming: true if a no-data batch would let this operator evict state or emit rows.
  virtual bool NeedsNoDataBatch(int64_t new_watermark_ms) const;
  /// Streaming: true if a no-data batch at processing time `now_ms` would fire state timeouts.
  virtual bool NeedsTimeoutBatch(int64_t now_ms) const;
  /// Streaming: what this operator keeps in state stores, one entry per state operator id (empty
  /// for stateless operators and batch queries). Used for the restart compatibility check.
  virtual std::vector<StateSchemaInfo> StateSchemas() const;

  const TypePtr& schema() const { return schema_; }
  const std::vector<std::unique_ptr<PhysicalOperator>>& children() const { return children_; }
  /// Indented tree for explain().
  std::string TreeString(int indent = 0) const;

 protected:
  TypePtr schema_;
  std::vector<std::unique_ptr<PhysicalOperator>> children_;
};

/// Runs fn(i) for i in [0, n) on the pool (inline when the pool is null or n <= 1).
void ParallelFor(ThreadPool* pool, size_t n, const std::function<void(size_t)>& fn);

/// Applies `fn` to every chunk of every partition in parallel (one task per partition); empty
/// results are dropped.
std::vector<Partition> MapChunks(ExecContext& ctx, const std::vector<Partition>& input,
                                 const std::function<RecordBatchPtr(const RecordBatchPtr&)>& fn);
/// Streams applying `fn` to each chunk of `input` as it is pulled; empty results are skipped.
/// `fn` must stay valid while the streams are used and be safe to call from several threads.
std::vector<ChunkStream> MapChunkStreams(std::vector<ChunkStream> input,
                                         std::function<RecordBatchPtr(const RecordBatchPtr&)> fn);

/// Shuffle partition (of n) for a row hash. Uses the hash's high 32 bits: hash tables inside a
/// partition index by the low bits, which must not be constant within a partition.
inline size_t ShufflePartition(uint64_t hash, size_t n) {
  return static_cast<size_t>(((hash >> 32) * n) >> 32);
}

/// Splits every chunk of `input` into `n` partitions by the hash of its key columns (given per
/// chunk by `keys_of`), keeping the input order within each partition.
std::vector<std::vector<RecordBatchPtr>> HashPartition(
    const std::vector<Partition>& input, size_t n,
    const std::function<std::vector<VectorPtr>(const RecordBatch&)>& keys_of);

/// StateSchemas() of every operator of `root`'s tree, by operator id.
std::vector<StateSchemaInfo> CollectStateSchemas(const PhysicalOperator& root);

/// Total rows of partitions.
size_t CountRows(const std::vector<Partition>& parts);
/// All chunks of all partitions concatenated into one batch of `schema`.
RecordBatchPtr Gather(const TypePtr& schema, const std::vector<Partition>& parts);

}  // namespace sluice
