// FileSourceLog records which input files the file source has already handed to a batch (Spark's
// FileStreamSourceLog, checkpoint "sources/<i>/N"), so that a restarted query neither re-reads nor
// skips files.
//
// Format: CompactibleFileLog ("v1" then one JSON line per file), each line Spark's FileEntry:
//   {"path":"file:///abs/input/a.json","timestamp":1700000000000,"batchId":0}
// Compaction every spark.sql.streaming.fileSource.log.compactInterval (10) batches keeps every
// entry.
//
// Thread-safe as MetadataLog is.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "streaming/checkpoint/compactible_file_log.h"

namespace sluice {

/// One seen input file (Spark's FileEntry).
struct FileEntry {
  std::string path;       ///< "file:///abs/path" URI
  int64_t timestamp = 0;  ///< modification time, milliseconds since the epoch
  int64_t batch_id = 0;   ///< the batch that read the file

  CompactibleFileLog::Entry ToJson() const;
  /// Reads one log line; throws IoError naming `log_file` if fields are missing or mistyped.
  static FileEntry FromJson(const CompactibleFileLog::Entry& json,
                            const std::filesystem::path& log_file);

  bool operator==(const FileEntry&) const = default;
};

class FileSourceLog {
 public:
  static constexpr int kDefaultCompactInterval = 10;

  /// Opens (creating if missing) the log directory, normally Checkpoint::SourcePath(i).
  explicit FileSourceLog(std::filesystem::path dir, int compact_interval = kDefaultCompactInterval);

  /// Records the files read by `batch_id`; returns false, writing nothing, if already recorded.
  bool Add(int64_t batch_id, const std::vector<FileEntry>& files) const;
  /// Returns the entries stored for `batch_id` (everything up to it for a compaction batch), or
  /// nullopt if absent.
  std::optional<std::vector<FileEntry>> Get(int64_t batch_id) const;
  /// Returns every recorded file, in batch order.
  std::vector<FileEntry> AllFiles() const;
  std::optional<int64_t> GetLatestBatchId() const { return log_.GetLatestBatchId(); }

  const std::filesystem::path& dir() const { return log_.log().dir(); }

 private:
  CompactibleFileLog log_;
};

}  // namespace sluice
