#include "columnar/record_batch.h"

#include <fmt/format.h>

#include "sluice/exception.h"

namespace sluice {

RecordBatch::RecordBatch(TypePtr schema, std::vector<VectorPtr> columns, size_t num_rows)
    : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {
  if (schema_->id() != TypeId::kStruct || schema_->fields().size() != columns_.size()) {
    throw InternalError(fmt::format("record batch schema {} does not match {} columns",
                                    schema_->SimpleString(), columns_.size()));
  }
  for (const auto& c : columns_) {
    if (c->size() != num_rows_) {
      throw InternalError(fmt::format("record batch column of {} rows in a batch of {} rows",
                                      c->size(), num_rows_));
    }
  }
}

RecordBatchPtr RecordBatch::Make(TypePtr schema, std::vector<VectorPtr> columns, size_t num_rows) {
  return std::make_shared<RecordBatch>(std::move(schema), std::move(columns), num_rows);
}

RecordBatchPtr RecordBatch::Empty(TypePtr schema) {
  std::vector<VectorPtr> cols;
  for (const auto& f : schema->fields()) cols.push_back(std::make_shared<Vector>(f.type));
  return Make(std::move(schema), std::move(cols), 0);
}

RecordBatchPtr RecordBatch::FromRows(TypePtr schema, const std::vector<std::vector<Value>>& rows) {
  std::vector<VectorPtr> cols;
  for (const auto& f : schema->fields()) {
    cols.push_back(std::make_shared<Vector>(f.type));
    cols.back()->Reserve(rows.size());
  }
  for (const auto& row : rows) {
    if (row.size() != cols.size()) {
      throw InternalError(fmt::format("row of {} values for a schema of {} columns", row.size(),
                                      cols.size()));
    }
    for (size_t c = 0; c < cols.size(); ++c) cols[c]->AppendValue(row[c]);
  }
  return Make(std::move(schema), std::move(cols), rows.size());
}

RecordBatchPtr RecordBatch::Concat(TypePtr schema, const std::vector<RecordBatchPtr>& batches) {
  if (batches.size() == 1 && batches[0]->schema()->Equals(*schema)) return batches[0];
  std::vector<VectorPtr> cols;
  size_t total = 0;
  for (const auto& b : batches) total += b->num_rows();
  for (const auto& f : schema->fields()) {
    cols.push_back(std::make_shared<Vector>(f.type));
    cols.back()->Reserve(total);
  }
  for (const auto& b : batches) {
    for (size_t c = 0; c < cols.size(); ++c) cols[c]->AppendRange(*b->column(c), 0, b->num_rows());
  }
  return Make(std::move(schema), std::move(cols), total);
}

RecordBatchPtr RecordBatch::Take(const SelectionVector& sel) const {
  std::vector<VectorPtr> cols;
  cols.reserve(columns_.size());
  for (const auto& c : columns_) cols.push_back(c->Take(sel));
  return Make(schema_, std::move(cols), sel.size());
}

RecordBatchPtr RecordBatch::Slice(size_t begin, size_t count) const {
  std::vector<VectorPtr> cols;
  for (const auto& c : columns_) cols.push_back(c->Slice(begin, count));
  return Make(schema_, std::move(cols), count);
}

std::vector<Value> RecordBatch::GetRow(size_t i) const {
  std::vector<Value> row;
  row.reserve(columns_.size());
  for (const auto& c : columns_) row.push_back(c->GetValue(i));
  return row;
}

int64_t EstimateBatchBytes(const RecordBatch& batch) {
  int64_t bytes = 0;
  std::vector<const Vector*> stack;
  for (const VectorPtr& c : batch.columns()) stack.push_back(c.get());
  while (!stack.empty()) {
    const Vector* v = stack.back();
    stack.pop_back();
    bytes += static_cast<int64_t>(v->size()) * std::max(1, v->type()->FixedWidth()) +
             static_cast<int64_t>(v->chars().size());
    for (size_t i = 0; i < v->num_children(); ++i) stack.push_back(v->child(i).get());
  }
  return bytes;
}

}  // namespace sluice
