// MetadataLog is Spark's HDFSMetadataLog layout on the local file system: a directory holding one
// file per batch id, named by the decimal id ("0", "1", ...), each written atomically and never
// overwritten. The offset log, the commit log and the file source/sink logs are built on it.
//
// Files whose names are not canonical batch ids (temp files ".x.tmp", Hadoop ".crc" files, stray
// names such as "007") are ignored. A log created with compact_interval > 0 names the compaction
// batches (id + 1 divisible by the interval) "<id>.compact", as Spark's CompactibleFileStreamLog
// does; reads accept either name for any id.
//
// Thread-safe: a MetadataLog holds no mutable state. Concurrent writers of the same id (even in
// different processes) are arbitrated by exclusive file creation: exactly one Add() wins.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

class MetadataLog {
 public:
  /// Opens the log in `dir`, creating the directory if missing. REQUIRES: compact_interval >= 0.
  explicit MetadataLog(std::filesystem::path dir, int compact_interval = 0);

  const std::filesystem::path& dir() const { return dir_; }
  int compact_interval() const { return compact_interval_; }

  /// Writes `content` as the entry of `batch_id` atomically. Returns false, writing nothing, if an
  /// entry for `batch_id` already exists. REQUIRES: batch_id >= 0.
  bool Add(int64_t batch_id, std::string_view content) const;

  /// Returns the content of the entry of `batch_id`, or nullopt if there is none.
  std::optional<std::string> Get(int64_t batch_id) const;

  /// Returns the entry with the highest batch id, or nullopt if the log is empty.
  std::optional<std::pair<int64_t, std::string>> GetLatest() const;

  /// Returns the highest batch id in the log, or nullopt if the log is empty.
  std::optional<int64_t> GetLatestBatchId() const;

  /// Returns the entries with start <= id <= end (unbounded where nullopt), ascending.
  std::vector<std::pair<int64_t, std::string>> GetRange(std::optional<int64_t> start,
                                                        std::optional<int64_t> end) const;

  /// Returns every batch id present, ascending.
  std::vector<int64_t> List() const;

  /// Removes every entry whose id is < threshold.
  void Purge(int64_t threshold) const;

  /// Returns the path Add() writes for `batch_id` ("N" or "N.compact").
  std::filesystem::path BatchPath(int64_t batch_id) const;

  /// Returns the existing file holding `batch_id` (either name), or nullopt.
  std::optional<std::filesystem::path> FindBatchFile(int64_t batch_id) const;

  /// Returns whether `batch_id` is a compaction batch under this log's interval.
  bool IsCompactionBatch(int64_t batch_id) const;

  /// Parses a batch file name: "N" (or "N.compact", setting *is_compact) with N a canonical
  /// non-negative decimal int64 (no sign, no leading zeros). Returns nullopt for other names.
  static std::optional<int64_t> ParseBatchFileName(std::string_view name,
                                                   bool* is_compact = nullptr);

 private:
  std::filesystem::path dir_;
  int compact_interval_;
};

/// Splits the text of a log file into lines as Spark reads them: on '\n', dropping a trailing '\r'
/// from each line and the empty piece after a final newline.
std::vector<std::string_view> SplitLogLines(std::string_view text);

/// Checks the version line ("v1") of a log file. Returns the version. Throws IoError naming `file`
/// for a malformed line and for versions above `max_supported` ("unsupported log version").
int ParseLogVersion(std::string_view line, int max_supported, const std::filesystem::path& file);

}  // namespace sluice
