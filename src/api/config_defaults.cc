#include "api/config_defaults.h"

#include <cctype>
#include <fmt/format.h>

#include "sluice/exception.h"

namespace sluice {

const std::vector<ConfigEntry>& KnownConfigs() {
  static const std::vector<ConfigEntry> kConfigs = {
      {"spark.sql.shuffle.partitions", "200",
       "Partitions of keyed work (aggregations, joins, state stores); fixed for the life of a "
       "streaming checkpoint."},
      {"spark.sql.ansi.enabled", "true",
       "ANSI SQL mode: invalid casts and arithmetic overflow raise errors (false: NULL / wrap)."},
      {"spark.sql.session.timeZone", "UTC", "Session time zone for timestamp rendering and parsing."},
      {"spark.sql.caseSensitive", "false", "Case-sensitive column name resolution."},
      {"spark.sql.streaming.checkpointLocation", "",
       "Default root for checkpoints of queries without a checkpointLocation option."},
      {"spark.sql.streaming.minBatchesToRetain", "100",
       "Offset/commit log entries and state versions kept for recovery."},
      {"spark.sql.streaming.numRecentProgressUpdates", "100",
       "Progress reports kept in StreamingQuery.recentProgress."},
      {"spark.sql.streaming.noDataMicroBatches.enabled", "true",
       "Run a micro-batch without new input when the watermark lets state be evicted or emitted."},
      {"spark.sql.streaming.multipleWatermarkPolicy", "min",
       "How the global watermark combines several inputs' watermarks: min or max."},
      {"spark.sql.streaming.pollingDelay", "10ms",
       "Pause between looks for new data when a query with the default trigger is idle."},
      {"spark.sql.streaming.fileSink.log.compactInterval", "10",
       "Batches between compactions of the file sink's _spark_metadata log."},
      {"spark.sql.streaming.fileSource.log.compactInterval", "10",
       "Batches between compactions of the file source's seen-files log."},
      {"spark.sql.streaming.metricsEnabled", "false", "Accepted for compatibility."},
      {"spark.sql.streaming.stateStore.providerClass",
       "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
       "State store: HDFSBackedStateStoreProvider (alias hdfs: delta files + snapshots) or "
       "RocksDBStateStoreProvider (alias rocksdb: RocksDB + changelog checkpointing). A checkpoint "
       "keeps the provider it was written with."},
      {"spark.sql.streaming.stateStore.maintenanceInterval", "60s",
       "Interval of the state store's background maintenance (snapshots, cleanup)."},
      {"spark.sql.streaming.stateStore.minDeltasForSnapshot", "10",
       "Delta/changelog files of a state store after which a snapshot is written."},
      {"spark.sql.files.maxPartitionBytes", "134217728",
       "Largest file split read by one task of a file source."},
      {"spark.sql.streaming.statefulOperator.checkCorrectness.enabled", "true",
       "Reject a stateful operator after one that may emit rows older than the watermark (a "
       "stream-stream join with a time range, flatMapGroupsWithState with an event-time timeout)."},
      {"spark.sluice.threads", "0", "Worker threads for a batch's tasks (0: one per core)."},
      {"spark.sluice.maxBatchRows", "8192", "Rows per column-vector chunk read from files."},
      {"spark.sluice.allocator.retainFreedMemory", "true",
       "Keep freed batch memory in the process for the next batch (glibc mmap/trim thresholds, "
       "process-wide, set when the first session is created) instead of returning it to the system."},
  };
  return kConfigs;
}

std::optional<std::string> DefaultConfig(const std::string& key) {
  for (const auto& e : KnownConfigs()) {
    if (key == e.key) return std::string(e.default_value);
  }
  return std::nullopt;
}

int64_t ParseTimeConfMicros(const std::string& key, const std::string& value,
                            int64_t default_unit_micros) {
  size_t i = 0;
  while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
  size_t start = i;
  while (i < value.size() && std::isdigit(static_cast<unsigned char>(value[i]))) ++i;
  std::string unit;
  for (size_t j = i; j < value.size(); ++j) {
    if (!std::isspace(static_cast<unsigned char>(value[j])))
      unit += static_cast<char>(std::tolower(static_cast<unsigned char>(value[j])));
  }
  int64_t mult = -1;
  if (unit.empty()) mult = default_unit_micros;
  else if (unit == "us") mult = 1;
  else if (unit == "ms") mult = 1000;
  else if (unit == "s") mult = 1000000;
  else if (unit == "m" || unit == "min") mult = 60000000;
  else if (unit == "h") mult = 3600000000LL;
  else if (unit == "d") mult = 86400000000LL;
  if (i == start || mult < 0) {
    throw AnalysisError(fmt::format(
        "[INVALID_CONF_VALUE] The value '{}' in the config \"{}\" is invalid: expected a time such "
        "as 10ms, 5s, 1min, 2h.",
        value, key));
  }
  return std::stoll(value.substr(start, i - start)) * mult;
}

}  // namespace sluice
