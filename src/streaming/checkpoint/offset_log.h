// OffsetLog is the write-ahead log of a streaming query (Spark's OffsetSeqLog, checkpoint
// "offsets/N"): before batch N runs, the offsets it will read up to are recorded here, so that a
// restarted query replays exactly the same batch.
//
// File format (Spark's, version 1), lines separated by '\n', no trailing newline:
//   v1
//   {"batchWatermarkMs":0,"batchTimestampMs":1700000000000,"conf":{"spark.sql.shuffle.partitions":"200"}}
//   <offset JSON of source 0, or "-" if the source has no offset yet>
//   <offset JSON of source 1> ...
//
// Thread-safe as MetadataLog is.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "streaming/checkpoint/metadata_log.h"

namespace sluice {

/// One offsets/N entry (Spark's OffsetSeq plus its OffsetSeqMetadata).
struct OffsetSeqEntry {
  int64_t batch_watermark_ms = 0;
  int64_t batch_timestamp_ms = 0;
  /// Session configuration that must stay fixed across restarts (spark.sql.shuffle.partitions, ...).
  std::map<std::string, std::string> conf;
  /// One slot per source, in source order: that source's offset as JSON text, or nullopt ("-").
  std::vector<std::optional<std::string>> source_offsets;

  /// Returns the file text. Offsets holding line breaks are re-serialized compactly (they must be
  /// valid JSON then); throws InternalError if an offset cannot be put on one line or is "-".
  std::string Serialize() const;

  /// Parses file text. `file` only names the source in error messages. Throws IoError naming the
  /// file for an unsupported version ("unsupported log version") or a malformed/truncated entry.
  static OffsetSeqEntry Parse(std::string_view text, const std::filesystem::path& file);

  bool operator==(const OffsetSeqEntry&) const = default;
};

class OffsetLog {
 public:
  static constexpr int kVersion = 1;

  /// Opens (creating if missing) the log directory, normally "<checkpoint>/offsets".
  explicit OffsetLog(std::filesystem::path dir) : log_(std::move(dir)) {}

  /// Writes the entry of `batch_id`; returns false if one already exists (it is left unchanged).
  bool Add(int64_t batch_id, const OffsetSeqEntry& entry) const;
  /// Returns the entry of `batch_id`, or nullopt. Throws IoError for a corrupt file.
  std::optional<OffsetSeqEntry> Get(int64_t batch_id) const;
  /// Returns the entry with the highest batch id, or nullopt if the log is empty.
  std::optional<std::pair<int64_t, OffsetSeqEntry>> GetLatest() const;
  std::optional<int64_t> GetLatestBatchId() const { return log_.GetLatestBatchId(); }
  std::vector<int64_t> List() const { return log_.List(); }
  /// Removes the entries with id < threshold.
  void Purge(int64_t threshold) const { log_.Purge(threshold); }

  const MetadataLog& log() const { return log_; }

 private:
  MetadataLog log_;
};

}  // namespace sluice
