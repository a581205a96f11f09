#include "exec/scan.h"

#include <fmt/format.h>

#include "sluice/exception.h"

namespace sluice {

SourceScan::SourceScan(TypePtr schema, std::shared_ptr<RelationSource> source)
    : PhysicalOperator(std::move(schema), {}), source_(std::move(source)) {}

std::vector<Partition> SourceScan::Execute(ExecContext& ctx) { return source_->ReadAll(ctx.eval); }

std::vector<ChunkStream> SourceScan::ExecuteStreams(ExecContext& ctx) {
  return source_->ReadStreams(ctx.eval, required_);
}

std::string SourceScan::Describe() const {
  std::string s = "Scan " + source_->Description();
  if (!required_.empty()) {
    std::string cols;
    for (size_t i = 0; i < required_.size(); ++i) {
      if (required_[i]) cols += (cols.empty() ? "" : ", ") + schema_->fields()[i].name;
    }
    s += " ReadSchema: [" + cols + "]";
  }
  return s;
}

LocalScan::LocalScan(TypePtr schema, std::vector<std::vector<Value>> rows)
    : PhysicalOperator(schema, {}), batch_(RecordBatch::FromRows(schema, rows)) {}

std::vector<Partition> LocalScan::Execute(ExecContext&) {
  if (batch_->num_rows() == 0) return {Partition{}};
  return {Partition{batch_}};
}

std::string LocalScan::Describe() const {
  return fmt::format("LocalTableScan [{} rows]", batch_->num_rows());
}

StreamScan::StreamScan(TypePtr schema, int scan_id, std::string description)
    : PhysicalOperator(std::move(schema), {}), scan_id_(scan_id), description_(std::move(description)) {}

std::vector<Partition> StreamScan::Execute(ExecContext& ctx) {
  if (!ctx.stream) throw InternalError("streaming scan executed outside a micro-batch");
  auto it = ctx.stream->inputs.find(scan_id_);
  if (it == ctx.stream->inputs.end()) return {Partition{}};
  return it->second;
}

std::string StreamScan::Describe() const { return "StreamingScan " + description_; }

}  // namespace sluice
