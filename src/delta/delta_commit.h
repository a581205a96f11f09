// DeltaTransaction: one optimistic transaction on a Delta table (PROTOCOL.md, "Optimistic
// Concurrency Control"), as Delta's OptimisticTransaction does.
//
// A transaction reads the latest snapshot when it starts (read version R, or none for a new
// table), collects actions (protocol, metaData, txn, add, remove) and what it read (the whole
// table, or single files), then commits by creating `_delta_log/<R+1>.json` put-if-absent: the
// commit file is written complete under a temporary name and linked into place with
// renameat2(RENAME_NOREPLACE), so of several writers racing for one version exactly one wins and
// the others see EEXIST. A loser reads the commits that won, one by one, and checks them for
// conflicts as Delta does:
//   - a winner's protocol change        -> [DELTA_PROTOCOL_CHANGED] ProtocolChangedException
//   - a winner's metadata change        -> [DELTA_METADATA_CHANGED] MetadataChangedException
//   - a winner's txn for one of our appIds -> [DELTA_CONCURRENT_TRANSACTION]
//   - files added (dataChange) by the winner while we read the table (overwrite, not a blind
//     append)                           -> [DELTA_CONCURRENT_APPEND] ConcurrentAppendException
//   - a winner removed a file we read    -> [DELTA_CONCURRENT_DELETE_READ]
//   - a winner removed a file we remove  -> [DELTA_CONCURRENT_DELETE_DELETE]
//   - we change metadata and the winner changed data -> [DELTA_METADATA_CHANGED]
// Without a conflict it retries at the next version (a blind append never conflicts with appends).
// Conflicts throw ExecutionError whose message carries the class above and the winning version.
//
// After a successful commit of version V, a classic checkpoint is written when V is a multiple of
// delta.checkpointInterval (default 10; delta_checkpoint.h). A failed checkpoint leaves the commit
// valid (the next one retries).
//
// Thread-compatible: one thread per transaction; any number of transactions (threads, processes)
// may race on one table.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "delta/delta_file_writer.h"
#include "delta/delta_log.h"

namespace sluice {

class Clock;

/// What a commit records in its commitInfo.
struct DeltaCommitInfo {
  std::string operation;  ///< "WRITE", "STREAMING UPDATE", "OPTIMIZE", ...
  nlohmann::json operation_parameters = nlohmann::json::object();  ///< values are strings
  nlohmann::json operation_metrics = nlohmann::json::object();     ///< values are strings
};

class DeltaTransaction {
 public:
  /// Starts a transaction on the table at `table_path` (absolute). `clock` gives commit
  /// timestamps (ms). Reads the latest snapshot if the table exists.
  DeltaTransaction(std::string table_path, std::shared_ptr<Clock> clock);

  const std::string& table_path() const { return table_path_; }
  /// The snapshot read at start; nullopt for a table that does not exist yet.
  const std::optional<DeltaSnapshot>& snapshot() const { return snapshot_; }
  int64_t read_version() const { return snapshot_ ? snapshot_->version : -1; }
  int64_t NowMillis() const;

  // ---- actions ----
  void SetProtocol(nlohmann::json protocol) { protocol_ = std::move(protocol); }
  void SetMetadata(nlohmann::json metadata) { metadata_ = std::move(metadata); }
  void AddTxn(const std::string& app_id, int64_t version);
  void AddFile(const DeltaAddFile& add);
  /// Removes a live file of the snapshot (dataChange as given); records it as read.
  void RemoveFile(const DeltaFile& file, bool data_change);
  /// The transaction depends on the whole table (overwrite): concurrent appends conflict.
  void ReadWholeTable() { read_whole_table_ = true; }
  void ReadFile(const std::string& log_path) { read_files_.insert(log_path); }

  /// The commitInfo.isBlindAppend of this transaction: only adds, nothing read.
  bool IsBlindAppend() const;

  /// Commits; returns the committed version. Throws ExecutionError for conflicts (file comment),
  /// IoError for I/O failures. May be called once.
  int64_t Commit(const DeltaCommitInfo& info);

  /// Maximum commit attempts before giving up (each lost race costs one).
  static constexpr int kMaxAttempts = 1000;

 private:
  std::string Serialize(const DeltaCommitInfo& info) const;
  void CheckConflicts(int64_t winner_version, const std::string& winner_path) const;

  std::string table_path_;
  std::shared_ptr<Clock> clock_;
  std::optional<DeltaSnapshot> snapshot_;
  std::optional<nlohmann::json> protocol_;
  std::optional<nlohmann::json> metadata_;
  std::vector<nlohmann::json> txns_;
  std::set<std::string> txn_app_ids_;
  std::vector<nlohmann::json> adds_;
  std::vector<nlohmann::json> removes_;
  std::set<std::string> removed_paths_;
  std::set<std::string> read_files_;
  bool read_whole_table_ = false;
  bool data_change_ = false;
  bool committed_ = false;
};

/// The table property `key` of `snapshot` (or `fallback`).
std::string DeltaTableProperty(const DeltaSnapshot& snapshot, const std::string& key,
                               const std::string& fallback);

/// Serialized partitionValues object (null for NULL values).
nlohmann::json DeltaPartitionValuesJson(const DeltaPartitionValues& values);

}  // namespace sluice
