#include "delta/delta_commit.h"

#include <fmt/format.h>

#include <filesystem>

#include "delta/delta_checkpoint.h"
#include "platform/clock.h"
#include "platform/file_system.h"
#include "platform/uuid.h"
#include "sluice/exception.h"

namespace sluice {

namespace fs = std::filesystem;
using J = nlohmann::json;

namespace {

constexpr const char* kEngineInfo = "Sluice/0.1.0";

std::string Dump(const J& j) { return j.dump(-1, ' ', false, J::error_handler_t::replace); }

}  // namespace

std::string DeltaTableProperty(const DeltaSnapshot& snapshot, const std::string& key,
                               const std::string& fallback) {
  auto it = snapshot.configuration.find(key);
  return it == snapshot.configuration.end() ? fallback : it->second;
}

J DeltaPartitionValuesJson(const DeltaPartitionValues& values) {
  J out = J::object();
  for (const auto& [k, v] : values) {
    if (v)
      out[k] = *v;
    else
      out[k] = nullptr;
  }
  return out;
}

DeltaTransaction::DeltaTransaction(std::string table_path, std::shared_ptr<Clock> clock)
    : table_path_(std::move(table_path)), clock_(std::move(clock)) {
  if (LatestDeltaVersion(table_path_)) snapshot_ = LoadDeltaSnapshot(table_path_);
}

int64_t DeltaTransaction::NowMillis() const {
  if (clock_) return clock_->NowMillis();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void DeltaTransaction::AddTxn(const std::string& app_id, int64_t version) {
  txns_.push_back(J{{"appId", app_id}, {"version", version}, {"lastUpdated", NowMillis()}});
  txn_app_ids_.insert(app_id);
}

void DeltaTransaction::AddFile(const DeltaAddFile& add) {
  J a = J::object();
  a["path"] = add.log_path;
  a["partitionValues"] = DeltaPartitionValuesJson(add.partition_values);
  a["size"] = add.size;
  a["modificationTime"] = add.modification_time;
  a["dataChange"] = add.data_change;
  if (!add.stats.empty()) a["stats"] = add.stats;
  adds_.push_back(std::move(a));
  if (add.data_change) data_change_ = true;
}

void DeltaTransaction::RemoveFile(const DeltaFile& file, bool data_change) {
  J r = J::object();
  r["path"] = file.log_path;
  r["deletionTimestamp"] = NowMillis();
  r["dataChange"] = data_change;
  r["extendedFileMetadata"] = true;
  J pv = J::object();
  for (const auto& [k, v] : file.partition_values) {
    if (v)
      pv[k] = *v;
    else
      pv[k] = nullptr;
  }
  r["partitionValues"] = pv;
  r["size"] = file.size;
  removes_.push_back(std::move(r));
  removed_paths_.insert(file.log_path);
  read_files_.insert(file.log_path);
  if (data_change) data_change_ = true;
}

bool DeltaTransaction::IsBlindAppend() const {
  return removes_.empty() && read_files_.empty() && !read_whole_table_ && data_change_;
}

std::string DeltaTransaction::Serialize(const DeltaCommitInfo& info) const {
  J ci = J::object();
  ci["timestamp"] = NowMillis();
  ci["operation"] = info.operation;
  ci["operationParameters"] = info.operation_parameters;
  if (read_version() >= 0) ci["readVersion"] = read_version();
  ci["isolationLevel"] = data_change_ ? "Serializable" : "SnapshotIsolation";
  ci["isBlindAppend"] = IsBlindAppend();
  ci["operationMetrics"] = info.operation_metrics;
  ci["engineInfo"] = kEngineInfo;
  ci["txnId"] = GenerateUuid();
  std::string out = Dump(J{{"commitInfo", ci}}) + "\n";
  if (protocol_) out += Dump(J{{"protocol", *protocol_}}) + "\n";
  if (metadata_) out += Dump(J{{"metaData", *metadata_}}) + "\n";
  for (const J& t : txns_) out += Dump(J{{"txn", t}}) + "\n";
  for (const J& r : removes_) out += Dump(J{{"remove", r}}) + "\n";
  for (const J& a : adds_) out += Dump(J{{"add", a}}) + "\n";
  return out;
}

void DeltaTransaction::CheckConflicts(int64_t winner_version,
                                      const std::string& winner_path) const {
  auto fail = [&](const std::string& cls, const std::string& what) {
    throw ExecutionError(fmt::format(
        "[{}] {} (a concurrent transaction committed version {} of the Delta table {}; this "
        "transaction read version {}). Please try the operation again.",
        cls, what, winner_version, table_path_, read_version()));
  };
  if (read_version() < 0) {
    fail("DELTA_PROTOCOL_CHANGED",
         "ProtocolChangedException: The protocol version of the Delta table has been changed by a "
         "concurrent update. This happens when multiple writers are writing to an empty directory");
  }
  bool winner_changed_data = false;
  for (const std::string& line : ReadDeltaCommitLines(winner_path)) {
    J a = J::parse(line);
    if (a.contains("protocol")) {
      fail("DELTA_PROTOCOL_CHANGED",
           "ProtocolChangedException: The protocol version of the Delta table has been changed by "
           "a concurrent update");
    }
    if (a.contains("metaData")) {
      fail("DELTA_METADATA_CHANGED",
           "MetadataChangedException: The metadata of the Delta table has been changed by a "
           "concurrent update");
    }
    if (auto it = a.find("txn"); it != a.end() && it->is_object()) {
      auto app = it->find("appId");
      if (app != it->end() && app->is_string() && txn_app_ids_.contains(app->get<std::string>())) {
        fail("DELTA_CONCURRENT_TRANSACTION",
             fmt::format("ConcurrentTransactionException: another run of the streaming query or "
                         "application '{}' committed to the table at the same time",
                         app->get<std::string>()));
      }
    }
    if (auto it = a.find("add"); it != a.end() && it->is_object()) {
      bool dc = !it->contains("dataChange") || !(*it)["dataChange"].is_boolean() ||
                (*it)["dataChange"].get<bool>();
      if (dc) {
        winner_changed_data = true;
        if (read_whole_table_) {
          fail("DELTA_CONCURRENT_APPEND",
               fmt::format("ConcurrentAppendException: Files were added to the table by a "
                           "concurrent update ({})",
                           (*it).value("path", std::string("?"))));
        }
      }
    }
    if (auto it = a.find("remove"); it != a.end() && it->is_object()) {
      std::string path = it->value("path", std::string());
      bool dc = !it->contains("dataChange") || !(*it)["dataChange"].is_boolean() ||
                (*it)["dataChange"].get<bool>();
      if (dc) winner_changed_data = true;
      if (removed_paths_.contains(path)) {
        fail("DELTA_CONCURRENT_DELETE_DELETE",
             fmt::format("ConcurrentDeleteDeleteException: This transaction attempted to delete "
                         "the file {}, which was deleted by a concurrent update",
                         path));
      }
      if (read_files_.contains(path) || (read_whole_table_ && dc)) {
        fail("DELTA_CONCURRENT_DELETE_READ",
             fmt::format("ConcurrentDeleteReadException: This transaction attempted to read the "
                         "file {}, which was deleted by a concurrent update",
                         path));
      }
    }
  }
  if (metadata_ && winner_changed_data) {
    fail("DELTA_METADATA_CHANGED",
         "MetadataChangedException: this transaction changes the table's metadata while a "
         "concurrent update changed its data");
  }
}

int64_t DeltaTransaction::Commit(const DeltaCommitInfo& info) {
  if (committed_) throw InternalError("DeltaTransaction::Commit called twice");
  committed_ = true;
  fs::path log_dir = fs::path(table_path_) / "_delta_log";
  MakeDirs(log_dir);
  int64_t attempt = read_version() + 1;
  for (int tries = 0; tries < kMaxAttempts; ++tries, ++attempt) {
    fs::path file = log_dir / DeltaCommitFileName(attempt);
    if (CreateFileExclusive(file, Serialize(info))) {
      // Checkpoint every delta.checkpointInterval commits.
      int64_t interval = 10;
      std::string text;
      if (metadata_ && metadata_->contains("configuration") &&
          (*metadata_)["configuration"].contains("delta.checkpointInterval")) {
        text = (*metadata_)["configuration"]["delta.checkpointInterval"].get<std::string>();
      } else if (snapshot_) {
        text = DeltaTableProperty(*snapshot_, "delta.checkpointInterval", "");
      }
      if (!text.empty()) {
        try {
          interval = std::stoll(text);
        } catch (const std::exception&) {
          interval = 10;
        }
      }
      if (interval > 0 && attempt > 0 && attempt % interval == 0) {
        try {
          WriteDeltaCheckpoint(table_path_, attempt, NowMillis());
        } catch (const SluiceError&) {
          // The commit stands; a later commit writes the next checkpoint.
        }
      }
      return attempt;
    }
    CheckConflicts(attempt, file.string());
  }
  throw ExecutionError(fmt::format(
      "[DELTA_MAX_COMMIT_RETRIES_EXCEEDED] This commit to the Delta table {} has failed as it has "
      "been tried {} times but did not succeed.",
      table_path_, kMaxAttempts));
}

}  // namespace sluice
