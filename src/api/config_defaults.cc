#include "api/config_defaults.h"

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
      {"spark.sql.streaming.stateStore.providerClass", "memory+snapshot",
       "State store implementation (the stateful issue adds RocksDB)."},
      {"spark.sql.streaming.stateStore.maintenanceInterval", "60s", "Accepted for compatibility."},
      {"spark.sql.streaming.stateStore.minDeltasForSnapshot", "10", "Accepted for compatibility."},
      {"spark.sql.files.maxPartitionBytes", "134217728",
       "Largest file split read by one task of a file source."},
      {"spark.sluice.threads", "0", "Worker threads for a batch's tasks (0: one per core)."},
      {"spark.sluice.maxBatchRows", "8192", "Rows per column-vector chunk read from files."},
  };
  return kConfigs;
}

std::optional<std::string> DefaultConfig(const std::string& key) {
  for (const auto& e : KnownConfigs()) {
    if (key == e.key) return std::string(e.default_value);
  }
  return std::nullopt;
}

}  // namespace sluice
