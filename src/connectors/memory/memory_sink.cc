#include "connectors/memory/memory_sink.h"

namespace sluice {

void MemorySink::AddBatch(int64_t batch_id, const TypePtr& schema,
                          const std::vector<RecordBatchPtr>& partitions, OutputMode mode) {
  std::lock_guard<std::mutex> l(mu_);
  if (batch_id <= latest_batch_id_) return;  // a re-run batch: already added
  latest_batch_id_ = batch_id;
  schema_ = schema;
  if (mode == OutputMode::kComplete) table_.clear();
  for (const auto& p : partitions) {
    if (!p || p->num_rows() == 0) continue;
    table_.push_back(p);
    for (size_t i = 0; i < p->num_rows(); ++i) received_.push_back(p->GetRow(i));
  }
}

std::vector<std::vector<Value>> MemorySink::AllRows() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::vector<Value>> out;
  for (const auto& b : table_) {
    for (size_t i = 0; i < b->num_rows(); ++i) out.push_back(b->GetRow(i));
  }
  return out;
}

std::vector<std::vector<Value>> MemorySink::ReceivedRows() const {
  std::lock_guard<std::mutex> l(mu_);
  return received_;
}

size_t MemorySink::ReceivedCount() const {
  std::lock_guard<std::mutex> l(mu_);
  return received_.size();
}

std::vector<std::vector<Value>> MemorySink::ReceivedSince(size_t mark) const {
  std::lock_guard<std::mutex> l(mu_);
  if (mark >= received_.size()) return {};
  return std::vector<std::vector<Value>>(received_.begin() + mark, received_.end());
}

int64_t MemorySink::LatestBatchId() const {
  std::lock_guard<std::mutex> l(mu_);
  return latest_batch_id_;
}

TypePtr MemorySink::schema() const {
  std::lock_guard<std::mutex> l(mu_);
  return schema_;
}

RecordBatchPtr MemorySink::Table() const {
  std::lock_guard<std::mutex> l(mu_);
  if (!schema_) return nullptr;
  if (table_.empty()) return RecordBatch::Empty(schema_);
  return RecordBatch::Concat(schema_, table_);
}

}  // namespace sluice
