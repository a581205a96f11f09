// CommitLog marks batches as finished (Spark's CommitLog, checkpoint "commits/N"): batch N is
// committed once commits/N exists, so a restarted query resumes at the batch after the last commit.
//
// File format (Spark's, version 1), no trailing newline:
//   v1
//   {"nextBatchWatermarkMs":0}
//
// Thread-safe as MetadataLog is.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "streaming/checkpoint/metadata_log.h"

namespace sluice {

/// One commits/N entry (Spark's CommitMetadata).
struct CommitEntry {
  /// Watermark the next batch starts with.
  int64_t next_batch_watermark_ms = 0;

  std::string Serialize() const;
  /// Parses file text; throws IoError naming `file` for a bad version or malformed content.
  static CommitEntry Parse(std::string_view text, const std::filesystem::path& file);

  bool operator==(const CommitEntry&) const = default;
};

class CommitLog {
 public:
  static constexpr int kVersion = 1;

  /// Opens (creating if missing) the log directory, normally "<checkpoint>/commits".
  explicit CommitLog(std::filesystem::path dir) : log_(std::move(dir)) {}

  /// Writes the entry of `batch_id`; returns false if one already exists (it is left unchanged).
  bool Add(int64_t batch_id, const CommitEntry& entry = {}) const;
  /// Returns the entry of `batch_id`, or nullopt. Throws IoError for a corrupt file.
  std::optional<CommitEntry> Get(int64_t batch_id) const;
  /// Returns the entry with the highest batch id, or nullopt if the log is empty.
  std::optional<std::pair<int64_t, CommitEntry>> GetLatest() const;
  std::optional<int64_t> GetLatestBatchId() const { return log_.GetLatestBatchId(); }
  std::vector<int64_t> List() const { return log_.List(); }
  /// Removes the entries with id < threshold.
  void Purge(int64_t threshold) const { log_.Purge(threshold); }

  const MetadataLog& log() const { return log_; }

 private:
  MetadataLog log_;
};

}  // namespace sluice
