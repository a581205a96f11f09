// Checkpoint is the on-disk state of one streaming query, laid out as Spark lays out its
// checkpointLocation:
//   <root>/metadata      {"id":"<query id uuid>"}, written once when the query first starts
//   <root>/offsets/N     OffsetLog (write-ahead log of the offsets of batch N)
//   <root>/commits/N     CommitLog (batch N finished)
//   <root>/sources/<i>/  metadata owned by source i (e.g. the file source's seen-files log)
//   <root>/state/        state store files
//
// Thread-safe: the logs are (see MetadataLog); the query id is fixed at construction.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "streaming/checkpoint/commit_log.h"
#include "streaming/checkpoint/offset_log.h"

namespace sluice {

class Checkpoint {
 public:
  /// Default of spark.sql.streaming.minBatchesToRetain.
  static constexpr int64_t kDefaultMinBatchesToRetain = 100;

  /// Opens the checkpoint at `root`, creating root, offsets/ and commits/ if missing. Reads the
  /// query id from <root>/metadata, or writes a new random UUID there on first start (if two
  /// processes race, both end up with the id that was written first). Throws IoError for I/O
  /// failures and for a metadata file that does not hold a JSON object with a string "id".
  explicit Checkpoint(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }
  /// Returns the query id (Spark's StreamingQuery.id), stable across restarts.
  const std::string& query_id() const { return query_id_; }

  const OffsetLog& offsets() const { return offsets_; }
  const CommitLog& commits() const { return commits_; }

  /// Returns <root>/metadata.
  std::filesystem::path MetadataPath() const { return root_ / "metadata"; }
  /// Returns <root>/sources/<source_index> (not created).
  std::filesystem::path SourcePath(int source_index) const;
  /// Returns <root>/state (not created).
  std::filesystem::path StatePath() const { return root_ / "state"; }

  /// Keeps only the newest `min_batches_to_retain` entries of the offset log, and drops the commit
  /// entries older than the oldest offset entry kept. Does nothing if the log is shorter.
  /// REQUIRES: min_batches_to_retain >= 1.
  void Purge(int64_t min_batches_to_retain = kDefaultMinBatchesToRetain) const;

 private:
  std::string ReadOrCreateQueryId() const;

  std::filesystem::path root_;
  OffsetLog offsets_;
  CommitLog commits_;
  std::string query_id_;
};

}  // namespace sluice
