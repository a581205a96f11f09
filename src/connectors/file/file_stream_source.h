// FileStreamSource: Spark's streaming file source. Each micro-batch takes files not seen before,
// ordered by modification time then path (newest first with latestFirst), at most
// maxFilesPerTrigger files or maxBytesPerTrigger bytes (at least one file) unless the read limit
// says all available. The files of a batch are recorded in the seen-files log (FileSourceLog in
// <checkpoint>/sources/<i>) when LatestOffset decides the batch, before they are read; the offset
// is that log entry's batch id, written as Spark does: {"logOffset":N}. GetBatch(start, end) reads
// exactly the files of log entries (start, end], so a re-run batch reads the same files and a
// restarted query never re-reads files it has seen.
//
// maxFileAge (default 7d): after the first batch, files older than the newest seen file's time
// minus maxFileAge are ignored (not when latestFirst is set together with maxFilesPerTrigger or
// maxBytesPerTrigger, as in Spark). cleanSource: "off" (default), "delete" or "archive"
// (sourceArchiveDir) for the files of committed batches. fileNameOnly: a file is identified by its
// name instead of its path.
//
// Thread-compatible: used from the query thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/file/file_scan.h"
#include "plan/relation_source.h"
#include "streaming/checkpoint/file_source_log.h"

namespace sluice {

struct FileSourceSpec;

/// The streaming options of the file source, validated (AnalysisError for bad values).
struct FileStreamOptions {
  std::optional<int64_t> max_files_per_trigger;
  std::optional<int64_t> max_bytes_per_trigger;
  bool latest_first = false;
  int64_t max_file_age_ms = 7LL * 24 * 3600 * 1000;
  bool file_name_only = false;
  enum class Cleanup : uint8_t { kOff, kDelete, kArchive } clean_source = Cleanup::kOff;
  std::string source_archive_dir;

  static FileStreamOptions FromMap(const OptionMap& options);
};

/// Parses a Spark time string as Utils.timeStringAsMs does: "7d", "2h", "30m"/"30min", "10s",
/// "500ms", "1000" (milliseconds).
int64_t ParseDurationMs(std::string_view text, std::string_view what);

/// Formats / parses the source's offsets ({"logOffset":N}; a bare number is accepted too).
std::string FileSourceOffsetJson(int64_t log_offset);
int64_t ParseFileSourceOffset(const std::string& json);

class FileStreamSource : public StreamSource {
 public:
  FileStreamSource(const FileSourceSpec& spec, const StreamSourceContext& ctx);

  std::string Description() const override;
  std::optional<std::string> LatestOffset(const std::optional<std::string>& start,
                                          const ReadLimit& limit) override;
  std::vector<Partition> GetBatch(const std::optional<std::string>& start,
                                  const std::string& end) override;
  void Commit(const std::string& end) override;
  void PrepareForAvailableNow() override;
  int64_t NumMalformedRowsForLastBatch() const override { return last_counts_.malformed; }

  /// Record accounting of the last GetBatch.
  const ReadCounts& LastReadCounts() const { return last_counts_; }

 private:
  std::vector<InputFile> ListFiles() const;
  std::string SeenKey(const std::string& path) const;
  bool IsNewFile(const std::string& key, int64_t timestamp) const;
  void AddSeen(const std::string& key, int64_t timestamp);
  void PurgeSeen();
  /// The InputFile of a logged entry (from the listing cache, else found again).
  InputFile ResolveEntry(const FileEntry& entry);

  std::string path_;
  FileStreamOptions stream_options_;
  FileScanner scanner_;
  StreamSourceContext ctx_;
  int64_t max_partition_bytes_;
  int64_t open_cost_bytes_;
  int parallelism_;
  int64_t max_age_ms_;  // effective (unbounded with latestFirst + a per-trigger maximum)
  FileSourceLog log_;
  int64_t current_offset_ = -1;  // latest batch id in the log

  // Spark's SeenFilesMap.
  std::map<std::string, int64_t> seen_;
  int64_t latest_timestamp_ = 0;
  int64_t last_purge_timestamp_ = 0;

  std::map<std::string, InputFile> known_files_;  // by absolute path, from listings
  std::optional<std::vector<InputFile>> available_now_files_;
  ReadCounts last_counts_;
};

}  // namespace sluice
