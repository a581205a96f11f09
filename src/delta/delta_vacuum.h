// VACUUM for Delta tables, as Delta's VacuumCommand: deletes the files under the table directory
// that the current version does not reference and that are older than the retention period —
// files removed by a commit (tombstones) whose deletionTimestamp is older, and untracked files
// (failed writes) whose modification time is older. `_delta_log` and other entries whose names
// start with '_' or '.' are never touched; directories left empty are removed.
//
// Retention: RETAIN n HOURS, else delta.deletedFileRetentionDuration (default 7 days). A
// retention shorter than that configured value is refused while
// spark.databricks.delta.retentionDurationCheck.enabled is true (the default), because concurrent
// readers or writers of older versions could lose files. DRY RUN lists the files instead of
// deleting them. A real run records "VACUUM START" and "VACUUM END" commits (commitInfo only).
// Time comes from the session's clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

class SessionState;

struct DeltaVacuumSpec {
  std::string path;
  std::optional<double> retain_hours;
  bool dry_run = false;
};

struct DeltaVacuumResult {
  std::vector<std::string> files;  ///< deleted (or, for DRY RUN, to delete), absolute, sorted
  int64_t bytes = 0;
  int64_t directories_removed = 0;
};

/// Runs VACUUM. Throws AnalysisError for a retention below the safety limit (message in the spirit
/// of Delta's), a non-Delta path or a table Sluice cannot write.
DeltaVacuumResult VacuumDelta(const SessionState& session, const DeltaVacuumSpec& spec);

}  // namespace sluice
