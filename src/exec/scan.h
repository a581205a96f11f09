// Leaf operators: reading a batch source, in-memory rows, or a streaming source's micro-batch input.
#pragma once

#include "exec/physical_operator.h"

namespace sluice {

/// Reads a batch RelationSource (files, tables) in its partitions.
class SourceScan : public PhysicalOperator {
 public:
  SourceScan(TypePtr schema, std::shared_ptr<RelationSource> source);
  std::vector<Partition> Execute(ExecContext& ctx) override;
  /// Reads only the required columns where the source can (see RelationSource::ReadStreams).
  std::vector<ChunkStream> ExecuteStreams(ExecContext& ctx) override;
  std::string Describe() const override;
  /// Marks the columns the consumer of ExecuteStreams reads (set by PruneScanColumns); the others
  /// may come back as placeholders. Empty: all.
  void SetRequiredColumns(std::vector<bool> required) { required_ = std::move(required); }

 private:
  std::shared_ptr<RelationSource> source_;
  std::vector<bool> required_;
};

/// Rows known at planning time (VALUES, createDataFrame).
class LocalScan : public PhysicalOperator {
 public:
  LocalScan(TypePtr schema, std::vector<std::vector<Value>> rows);
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::string Describe() const override;

 private:
  RecordBatchPtr batch_;
};

/// The current micro-batch's input of streaming source `scan_id` (set by the runtime).
class StreamScan : public PhysicalOperator {
 public:
  StreamScan(TypePtr schema, int scan_id, std::string description);
  std::vector<Partition> Execute(ExecContext& ctx) override;
  std::string Describe() const override;
  int scan_id() const { return scan_id_; }

 private:
  int scan_id_;
  std::string description_;
};

}  // namespace sluice
