#include "exec/physical_operator.h"

#include <algorithm>

#include "platform/thread_pool.h"

namespace sluice {

std::vector<ChunkStream> PhysicalOperator::ExecuteStreams(ExecContext& ctx) {
  return StreamPartitions(Execute(ctx));
}

void PhysicalOperator::CollectStateProgress(std::vector<StateOperatorProgress>* out) const {
  for (const auto& c : children_) c->CollectStateProgress(out);
}

bool PhysicalOperator::NeedsNoDataBatch(int64_t new_watermark_ms) const {
  for (const auto& c : children_) {
    if (c->NeedsNoDataBatch(new_watermark_ms)) return true;
  }
  return false;
}

bool PhysicalOperator::NeedsTimeoutBatch(int64_t now_ms) const {
  for (const auto& c : children_) {
    if (c->NeedsTimeoutBatch(now_ms)) return true;
  }
  return false;
}

std::string PhysicalOperator::TreeString(int indent) const {
  std::string s(indent * 2, ' ');
  s += (indent ? "+- " : "") + Describe() + "\n";
  for (const auto& c : children_) s += c->TreeString(indent + 1);
  return s;
}

void ParallelFor(ThreadPool* pool, size_t n, const std::function<void(size_t)>& fn) {
  if (!pool || n <= 1 || pool->size() <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::vector<std::function<void()>> tasks;
  tasks.reserve(n);
  for (size_t i = 0; i < n; ++i) tasks.push_back([&fn, i] { fn(i); });
  pool->RunAll(std::move(tasks));
}

std::vector<Partition> MapChunks(ExecContext& ctx, const std::vector<Partition>& input,
                                 const std::function<RecordBatchPtr(const RecordBatchPtr&)>& fn) {
  std::vector<Partition> out(input.size());
  ParallelFor(ctx.pool, input.size(), [&](size_t p) {
    for (const auto& chunk : input[p]) {
      RecordBatchPtr r = fn(chunk);
      if (r && r->num_rows() > 0) out[p].push_back(std::move(r));
    }
  });
  return out;
}

std::vector<ChunkStream> MapChunkStreams(std::vector<ChunkStream> input,
                                         std::function<RecordBatchPtr(const RecordBatchPtr&)> fn) {
  auto shared_fn = std::make_shared<std::function<RecordBatchPtr(const RecordBatchPtr&)>>(std::move(fn));
  for (ChunkStream& s : input) {
    s = [next = std::move(s), shared_fn]() -> RecordBatchPtr {
      while (RecordBatchPtr c = next()) {
        RecordBatchPtr r = (*shared_fn)(c);
        if (r && r->num_rows() > 0) return r;
      }
      return nullptr;
    };
  }
  return input;
}

std::vector<std::vector<RecordBatchPtr>> HashPartition(
    const std::vector<Partition>& input, size_t n,
    const std::function<std::vector<VectorPtr>(const RecordBatch&)>& keys_of) {
  std::vector<std::vector<RecordBatchPtr>> out(n);
  for (const auto& p : input) {
    for (const auto& c : p) {
      std::vector<VectorPtr> keys = keys_of(*c);
      std::vector<SelectionVector> sels(n);
      std::vector<uint64_t> hashes(c->num_rows());
      HashKeyRows(keys, 0, c->num_rows(), hashes.data());
      for (size_t i = 0; i < c->num_rows(); ++i)
        sels[ShufflePartition(hashes[i], n)].push_back(static_cast<uint32_t>(i));
      for (size_t q = 0; q < n; ++q) {
        if (sels[q].empty()) continue;
        out[q].push_back(sels[q].size() == c->num_rows() ? c : c->Take(sels[q]));
      }
    }
  }
  return out;
}

std::vector<StateSchemaInfo> PhysicalOperator::StateSchemas() const { return {}; }

namespace {
void CollectStateSchemasInto(const PhysicalOperator& op, std::vector<StateSchemaInfo>* out) {
  for (auto& s : op.StateSchemas()) out->push_back(std::move(s));
  for (const auto& c : op.children()) CollectStateSchemasInto(*c, out);
}
}  // namespace

std::vector<StateSchemaInfo> CollectStateSchemas(const PhysicalOperator& root) {
  std::vector<StateSchemaInfo> out;
  CollectStateSchemasInto(root, &out);
  std::sort(out.begin(), out.end(), [](const StateSchemaInfo& a, const StateSchemaInfo& b) { return a.op < b.op; });
  return out;
}

size_t CountRows(const std::vector<Partition>& parts) {
  size_t n = 0;
  for (const auto& p : parts) {
    for (const auto& c : p) n += c->num_rows();
  }
  return n;
}

RecordBatchPtr Gather(const TypePtr& schema, const std::vector<Partition>& parts) {
  std::vector<RecordBatchPtr> all;
  for (const auto& p : parts) {
    for (const auto& c : p) all.push_back(c);
  }
  if (all.empty()) return RecordBatch::Empty(schema);
  return RecordBatch::Concat(schema, all);
}

}  // namespace sluice
