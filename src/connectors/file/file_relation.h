// The file data sources (json, csv, text) as plan leaves: MakeFileRelationPlan resolves
// spark.read / spark.readStream on a path into a kSource plan whose FileRelation lists and reads
// the files (batch) or creates a FileStreamSource per query run (streaming).
//
// Schema rules (Spark's DataSource.getOrInferFileFormatSchema / sourceSchema):
//   - a user schema is used as given (partition columns found in `col=value` directories are
//     filled from the path);
//   - batch reads without one infer it: JSON inference, CSV header names (inferSchema types, else
//     STRING), text `value STRING`; plus discovered partition columns;
//   - streaming reads without one fail for JSON/CSV unless spark.sql.streaming.schemaInference is
//     true; text needs none.
// Paths: see file_listing.h. A missing non-glob path fails with [PATH_NOT_FOUND] for batch reads
// and, as Spark's sourceSchema check does, for streaming reads too; a glob may match nothing yet.
//
// Thread-safe: a FileRelation is immutable except for its last-read counters (mutex-guarded).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "connectors/file/file_scan.h"
#include "plan/logical_plan.h"
#include "plan/relation_source.h"

namespace sluice {

class SessionState;

/// Everything a file relation needs, fixed when the plan is created.
struct FileSourceSpec {
  FileFormat format = FileFormat::kJson;
  std::string path;  ///< as given (file, directory or glob), made absolute
  OptionMap options;
  TypePtr schema;  ///< output schema (data columns, then partition columns)
  bool streaming = false;
  // Session settings read at creation.
  int64_t max_partition_bytes = 128LL << 20;  ///< spark.sql.files.maxPartitionBytes
  int64_t open_cost_bytes = 4LL << 20;        ///< spark.sql.files.openCostInBytes
  int parallelism = 1;                        ///< worker threads (files packing target)
  size_t batch_rows = 8192;                   ///< spark.sluice.maxBatchRows
  int source_log_compact_interval = 10;  ///< spark.sql.streaming.fileSource.log.compactInterval
  std::string time_zone = "UTC";
};

class FileRelation : public RelationSource {
 public:
  FileRelation(FileSourceSpec spec, std::weak_ptr<const SessionState> session);

  TypePtr schema() const override { return spec_.schema; }
  bool is_streaming() const override { return spec_.streaming; }
  /// Batch: "FileScan json [file:/abs/path]"; streaming: "FileStreamSource[file:/abs/path]".
  std::string Description() const override;
  /// Lists the files now and reads them (one partition per packed group of files).
  std::vector<Partition> ReadAll(const EvalContext& ctx) const override;
  std::vector<ChunkStream> ReadStreams(const EvalContext& ctx,
                                       const std::vector<bool>& required) const override;
  std::unique_ptr<StreamSource> CreateStream(const StreamSourceContext& ctx) const override;

  const FileSourceSpec& spec() const { return spec_; }
  /// Record accounting of the last ReadAll.
  ReadCounts LastReadCounts() const;

 private:
  FileScanner Scanner(const EvalContext& ctx) const;
  /// The listed input files packed into read partitions (split where `scanner` can split).
  std::vector<std::vector<InputFile>> FileGroups(const FileScanner& scanner) const;

  FileSourceSpec spec_;
  std::weak_ptr<const SessionState> session_;
  mutable std::mutex mu_;
  mutable ReadCounts last_counts_;  // GUARDED_BY(mu_)
};

/// Resolves a file data source read into a kSource plan (see the file comment). `format` is
/// "json", "csv" or "text"; others throw AnalysisError "[UNSUPPORTED_DATA_SOURCE] ...".
PlanPtr MakeFileRelationPlan(const SessionState& session, const std::string& format,
                             const std::string& path,
                             const std::map<std::string, std::string>& options, TypePtr user_schema,
                             bool streaming);

}  // namespace sluice
