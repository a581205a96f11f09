#include "delta/delta_vacuum.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "api/session_state.h"
#include "delta/delta_checkpoint.h"
#include "delta/delta_commit.h"
#include "delta/delta_write.h"
#include "platform/file_system.h"
#include "sluice/exception.h"

namespace sluice {

namespace fs = std::filesystem;
using J = nlohmann::json;

namespace {

bool Hidden(const std::string& name) { return !name.empty() && (name[0] == '_' || name[0] == '.'); }

// Regular files under `dir` outside hidden entries; fills `dirs` with the visited directories.
void Walk(const fs::path& dir, std::vector<fs::path>* files, std::vector<fs::path>* dirs) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (Hidden(name) && name.find('=') == std::string::npos) continue;
    if (it->is_directory(ec)) {
      dirs->push_back(it->path());
      Walk(it->path(), files, dirs);
    } else if (it->is_regular_file(ec)) {
      files->push_back(it->path());
    }
  }
}

}  // namespace

DeltaVacuumResult VacuumDelta(const SessionState& session, const DeltaVacuumSpec& spec) {
  DeltaTransaction probe(spec.path, session.clock());
  if (!probe.snapshot()) {
    throw AnalysisError(
        fmt::format("[DELTA_MISSING_DELTA_TABLE] file:{} is not a Delta table.", spec.path));
  }
  const DeltaSnapshot& snap = *probe.snapshot();
  CheckDeltaWritable(snap);
  int64_t configured = ParseDeltaIntervalMs(
      DeltaTableProperty(snap, "delta.deletedFileRetentionDuration", "interval 1 week"),
      "delta.deletedFileRetentionDuration");
  int64_t retention = configured;
  if (spec.retain_hours) {
    if (*spec.retain_hours < 0) {
      throw AnalysisError(
          "[DELTA_VACUUM_RETENTION_PERIOD_NEGATIVE] Retention for vacuum cannot be less than 0.");
    }
    retention = static_cast<int64_t>(*spec.retain_hours * 3600000.0);
  }
  std::string check =
      session.GetConf("spark.databricks.delta.retentionDurationCheck.enabled", "true");
  bool check_enabled = check != "false" && check != "FALSE" && check != "False";
  if (check_enabled && retention < configured) {
    throw AnalysisError(fmt::format(
        "[DELTA_VACUUM_RETENTION_PERIOD_TOO_SHORT] requirement failed: Are you sure you would like "
        "to vacuum files with such a low retention period ({} hours)? If you have writers that are "
        "currently writing to this table, there is a risk that you may corrupt the state of your "
        "Delta table.\nIf you are certain that there are no operations being performed on this "
        "table, such as insert/upsert/delete/optimize, then you may turn off this check by "
        "setting:\nspark.databricks.delta.retentionDurationCheck.enabled = false\nIf you are not "
        "sure, please use a value not less than \"{} hours\".",
        retention / 3600000.0, configured / 3600000));
  }
  int64_t now = probe.NowMillis();
  int64_t cutoff = now - retention;

  std::set<std::string> live;
  for (const DeltaFile& f : snap.files) live.insert(fs::path(f.path).lexically_normal().string());
  std::map<std::string, int64_t> tombstones;
  for (const DeltaTombstone& t : snap.tombstones) {
    tombstones[fs::path(t.path).lexically_normal().string()] = t.deletion_timestamp;
  }
  std::vector<fs::path> files, dirs;
  Walk(spec.path, &files, &dirs);
  DeltaVacuumResult result;
  for (const fs::path& f : files) {
    std::string p = f.lexically_normal().string();
    if (live.contains(p)) continue;
    auto t = tombstones.find(p);
    int64_t age_ref = t != tombstones.end() ? t->second : ModificationTimeMs(f);
    if (age_ref >= cutoff) continue;
    result.files.push_back(p);
    result.bytes += static_cast<int64_t>(FileSize(f));
  }
  std::sort(result.files.begin(), result.files.end());
  if (spec.dry_run) return result;

  auto log_only = [&](const std::string& op, J params, J metrics) {
    DeltaTransaction txn(spec.path, session.clock());
    DeltaCommitInfo info;
    info.operation = op;
    info.operation_parameters = std::move(params);
    info.operation_metrics = std::move(metrics);
    txn.Commit(info);
  };
  log_only("VACUUM START",
           J{{"retentionCheckEnabled", check_enabled ? "true" : "false"},
             {"defaultRetentionMillis", std::to_string(configured)},
             {"specifiedRetentionMillis", std::to_string(retention)}},
           J{{"numFilesToDelete", std::to_string(result.files.size())},
             {"sizeOfDataToDelete", std::to_string(result.bytes)}});
  for (const std::string& f : result.files) RemoveFile(f);
  // Deepest directories first.
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
    return a.string().size() > b.string().size();
  });
  for (const fs::path& d : dirs) {
    std::error_code ec;
    if (fs::is_empty(d, ec) && !ec && fs::remove(d, ec)) ++result.directories_removed;
  }
  log_only("VACUUM END", J{{"status", "COMPLETED"}},
           J{{"numDeletedFiles", std::to_string(result.files.size())},
             {"numVacuumedDirectories", std::to_string(dirs.size())}});
  return result;
}

}  // namespace sluice
