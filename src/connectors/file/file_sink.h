// The file sink (json, csv, text) of streaming queries, with Spark's exactly-once manifest
// (FileStreamSink + ManifestFileCommitProtocol), and the batch file writer behind
// DataFrameWriter.save.
//
// Each streaming batch writes its rows as part files into the output path:
//   <path>/[col=value/...]part-<task:05d>-<job uuid>.c<file:03d>.<ext>
// one per non-empty input partition (and per partitionBy value: Hive-style directories, escaped as
// Hive does, NULL or "" as __HIVE_DEFAULT_PARTITION__; partition columns are not written into the
// files). Files are written under a hidden temp name and renamed once complete; then the batch's
// files are recorded in <path>/_spark_metadata/<batchId> (FileSinkLog). A batch id at or below
// the latest one in the manifest is skipped entirely, so a re-run batch never duplicates output;
// readers of <path> read only the files the manifest lists.
//
// Options: the format's writer options (JsonOptions / CsvOptions incl. header / text lineSep),
// maxRecordsPerFile, compression (text formats: only none/uncompressed; parquet: snappy (default),
// zstd, gzip, lz4_raw, none — see src/formats/parquet/parquet_writer.h).
// Only append output mode is supported, as in Spark.
//
// Thread-compatible: one query thread calls AddBatch; a batch's tasks are written in parallel on
// the session's pool (file names carry the task number, so the output does not depend on it).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "connectors/file/file_scan.h"
#include "connectors/sink.h"
#include "plan/relation_source.h"

namespace sluice {

class SessionState;

/// Throws AnalysisError "Data source json does not support Update output mode" unless `mode` is
/// append (Spark's DataSource.createSink check).
void CheckFileSinkOutputMode(const std::string& format, OutputMode mode);

class FileSink : public Sink {
 public:
  /// Throws AnalysisError for unsupported formats and options.
  FileSink(const SessionState& session, const std::string& format, const std::string& path,
           const std::map<std::string, std::string>& options,
           const std::vector<std::string>& partition_by);

  /// "FileSink[/abs/path]".
  std::string Description() const override;
  void AddBatch(int64_t batch_id, const TypePtr& schema,
                const std::vector<RecordBatchPtr>& partitions, OutputMode mode) override;

  const std::string& path() const { return path_; }

 private:
  FileFormat format_;
  std::string format_name_;
  std::string path_;  // absolute
  OptionMap options_;
  std::vector<std::string> partition_by_;
  std::string time_zone_;
  int compact_interval_;
  const SessionState* session_;  // outlives the sink (queries hold their session); for its pool
};

/// Writes `data` (rows of `schema`) as files of `format` under `path` for DataFrameWriter, with
/// Spark's save modes: "errorifexists"/"error"/"default" (AnalysisError "[PATH_ALREADY_EXISTS]
/// Path file:/x already exists. ..." if the path exists), "append", "overwrite" (replaces the
/// whole path), "ignore" (does nothing if the path exists). Writes one part file per non-empty
/// partition (per partitionBy value), then an empty `_SUCCESS` marker.
void WriteFiles(const SessionState& session, const std::string& format, const std::string& path,
                const std::string& save_mode, const std::map<std::string, std::string>& options,
                const std::vector<std::string>& partition_by, const TypePtr& schema,
                const std::vector<Partition>& data);

}  // namespace sluice
