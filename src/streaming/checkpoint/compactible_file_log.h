// CompactibleFileLog is the shared engine of the file sink and file source logs (Spark's
// CompactibleFileStreamLog): a MetadataLog whose entries are lists of JSON objects, one per line
// after the version line:
//   v1
//   {"path":"file:///...", ...}
//   {"path":"file:///...", ...}
// Every `compact_interval` batches (batch ids 9, 19, 29, ... for an interval of 10) the batch is
// written as "N.compact" holding all live entries of the earlier batches plus its own, so readers
// need only the latest compaction file plus the deltas after it.
//
// Thread-safe as MetadataLog is; two writers of the same batch id are arbitrated (one Add wins).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "streaming/checkpoint/metadata_log.h"

namespace sluice {

class CompactibleFileLog {
 public:
  static constexpr int kVersion = 1;
  using Entry = nlohmann::ordered_json;  // keeps the field order of Spark's case classes
  /// Reduces all entries, in batch order, to the live ones kept by a compaction and by AllEntries().
  using CompactFn = std::function<std::vector<Entry>(std::vector<Entry>)>;
  /// Checks one entry read from `file`, throwing IoError naming the file if it is malformed.
  using ValidateFn = std::function<void(const Entry& entry, const std::filesystem::path& file)>;

  /// Opens (creating if missing) the log directory. `kind` names the log in error messages
  /// ("file sink log"). An empty `compact` keeps every entry. `validate`, if set, checks every
  /// entry read back by Get(), AllEntries() and compaction. REQUIRES: compact_interval >= 1.
  CompactibleFileLog(std::filesystem::path dir, int compact_interval, std::string kind,
                     CompactFn compact = {}, ValidateFn validate = {});

  /// Writes the entries of `batch_id` (compacting if it is a compaction batch). Returns false,
  /// writing nothing, if the batch was already written. REQUIRES: each entry is a JSON object.
  bool Add(int64_t batch_id, const std::vector<Entry>& entries) const;

  /// Returns the entries stored in the file of `batch_id` (for a compaction batch: everything
  /// compacted into it), or nullopt if the batch is absent.
  std::optional<std::vector<Entry>> Get(int64_t batch_id) const;

  /// Returns the live entries of all batches: the latest compaction file plus the later deltas,
  /// reduced by the compact function.
  std::vector<Entry> AllEntries() const;

  std::optional<int64_t> GetLatestBatchId() const { return log_.GetLatestBatchId(); }

  /// Removes the batch files older than the latest compaction file (their entries live on in it).
  /// Returns the number of files removed.
  int PurgeBeforeLatestCompaction() const;

  const MetadataLog& log() const { return log_; }
  int compact_interval() const { return log_.compact_interval(); }

  /// Returns the file text of `entries`: "v1" then one compact JSON object per line.
  static std::string Serialize(const std::vector<Entry>& entries);
  /// Parses file text; throws IoError naming `file` for a bad version or a line that is not a
  /// JSON object. Blank lines are skipped.
  static std::vector<Entry> Parse(std::string_view text, const std::filesystem::path& file,
                                  std::string_view kind);

 private:
  // Entries of the batches with id <= end: latest compaction at or before `end` plus deltas.
  std::vector<Entry> EntriesUpTo(std::optional<int64_t> end) const;
  // Reads, parses and validates one batch file.
  std::vector<Entry> ReadBatchFile(const std::filesystem::path& file) const;

  MetadataLog log_;
  std::string kind_;
  CompactFn compact_;
  ValidateFn validate_;
};

}  // namespace sluice
