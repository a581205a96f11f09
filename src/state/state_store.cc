#include "state/state_store.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fmt/format.h>
#include <iostream>

#include "platform/file_system.h"
#include "sluice/exception.h"
#include "state/hdfs_state_store.h"
#include "state/rocksdb_state_store.h"
#include "types/ascii.h"

namespace sluice {

namespace {

[[noreturn]] void BadConf(const std::string& key, const std::string& value, const std::string& what) {
  throw AnalysisError(fmt::format("[INVALID_CONF_VALUE] The value '{}' in the config \"{}\" is "
                                  "invalid: {}.",
                                  value, key, what));
}

int64_t ParsePositiveInt(const std::string& key, const std::string& value) {
  try {
    size_t pos = 0;
    int64_t v = std::stoll(value, &pos);
    if (pos == value.size() && v >= 0) return v;
  } catch (const std::exception&) {
  }
  BadConf(key, value, "expected a non-negative integer");
}

// Spark time confs: a number with an optional unit (default: milliseconds).
int64_t ParseDurationMs(const std::string& key, const std::string& value) {
  std::string s;
  for (char c : value) {
    if (!std::isspace(static_cast<unsigned char>(c))) s += static_cast<char>(std::tolower(c));
  }
  size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0 || i > 15) BadConf(key, value, "expected a time such as 500ms, 60s, 1min");
  int64_t n = std::stoll(s.substr(0, i));
  std::string unit = s.substr(i);
  if (unit.empty() || unit == "ms") return n;
  if (unit == "us") return n / 1000;
  if (unit == "s") return n * 1000;
  if (unit == "m" || unit == "min") return n * 60000;
  if (unit == "h") return n * 3600000;
  if (unit == "d") return n * 86400000;
  BadConf(key, value, "expected a time such as 500ms, 60s, 1min");
}

constexpr const char* kProviderFile = "_metadata/provider";

}  // namespace

std::optional<std::string> StateStoreConf::NormalizeProvider(const std::string& name) {
  std::string n = AsciiLower(name);
  for (const char* prefix : {"org.apache.spark.sql.execution.streaming.state.",
                             "com.databricks.sql.streaming.state."}) {
    if (n.rfind(prefix, 0) == 0) n = n.substr(std::string(prefix).size());
  }
  if (n == "hdfs" || n == "memory" || n == "memory+snapshot" || n == "hdfsbackedstatestoreprovider")
    return "hdfs";
  if (n == "rocksdb" || n == "rocksdbstatestoreprovider") return "rocksdb";
  return std::nullopt;
}

StateStoreConf StateStoreConf::FromConfs(
    const std::function<std::optional<std::string>(const std::string&)>& get) {
  StateStoreConf c;
  const std::string kProvider = "spark.sql.streaming.stateStore.providerClass";
  if (auto v = get(kProvider); v && !v->empty()) {
    auto p = NormalizeProvider(*v);
    if (!p) {
      BadConf(kProvider, *v,
              "expected org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider "
              "(or hdfs), org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider "
              "(or rocksdb)");
    }
    c.provider = *p;
  }
  const std::string kMinDeltas = "spark.sql.streaming.stateStore.minDeltasForSnapshot";
  if (auto v = get(kMinDeltas); v && !v->empty()) {
    c.min_deltas_for_snapshot = std::max<int64_t>(1, ParsePositiveInt(kMinDeltas, *v));
  }
  const std::string kInterval = "spark.sql.streaming.stateStore.maintenanceInterval";
  if (auto v = get(kInterval); v && !v->empty()) c.maintenance_interval_ms = ParseDurationMs(kInterval, *v);
  const std::string kRetain = "spark.sql.streaming.minBatchesToRetain";
  if (auto v = get(kRetain); v && !v->empty()) {
    c.min_batches_to_retain = std::max<int64_t>(1, ParsePositiveInt(kRetain, *v));
  }
  if (auto v = get("spark.sluice.stateStore.rocksdb.localDir"); v) c.local_dir = *v;
  return c;
}

std::unique_ptr<StateStoreProvider> StateStoreProvider::Create(std::string state_dir,
                                                               StateStoreConf conf) {
  std::string recorded_path = state_dir + "/" + kProviderFile;
  if (Exists(recorded_path)) {
    std::string recorded = ReadFile(recorded_path);
    while (!recorded.empty() && std::isspace(static_cast<unsigned char>(recorded.back()))) recorded.pop_back();
    if (auto p = StateStoreConf::NormalizeProvider(recorded)) conf.provider = *p;
  }
  if (conf.provider == "rocksdb") {
    return std::unique_ptr<StateStoreProvider>(new RocksDbStateStoreProvider(std::move(state_dir), conf));
  }
  return std::unique_ptr<StateStoreProvider>(new HdfsStateStoreProvider(std::move(state_dir), conf));
}

StateStoreProvider::StateStoreProvider(std::string state_dir, StateStoreConf conf)
    : dir_(std::move(state_dir)), conf_(std::move(conf)) {}

StateStoreProvider::~StateStoreProvider() { StopMaintenanceThread(); }

std::string StateStoreProvider::StoreDir(int op, int partition) const {
  return fmt::format("{}/{}/{}", dir_, op, partition);
}

void StateStoreProvider::RecordProvider() {
  std::call_once(provider_recorded_, [&] {
    std::string path = dir_ + "/" + kProviderFile;
    if (Exists(path)) return;
    MakeDirs(dir_ + "/_metadata");
    CreateFileExclusive(path, std::string(Name()) + "\n");
  });
}

void StateStoreProvider::EnsureMaintenanceThread() {
  if (conf_.maintenance_interval_ms <= 0) return;
  std::lock_guard<std::mutex> l(maintenance_mu_);
  if (maintenance_thread_.joinable() || maintenance_stop_) return;
  maintenance_thread_ = std::thread([this] {
    std::unique_lock<std::mutex> l(maintenance_mu_);
    while (!maintenance_stop_) {
      if (maintenance_cv_.wait_for(l, std::chrono::milliseconds(conf_.maintenance_interval_ms),
                                   [&] { return maintenance_stop_; }))
        break;
      l.unlock();
      try {
        DoMaintenance();
      } catch (const std::exception& e) {
        // Maintenance is an optimization: a failed pass is retried at the next interval.
        std::cerr << "state store maintenance failed: " << e.what() << "\n";
      }
      l.lock();
    }
  });
}

void StateStoreProvider::StopMaintenanceThread() {
  {
    std::lock_guard<std::mutex> l(maintenance_mu_);
    maintenance_stop_ = true;
  }
  maintenance_cv_.notify_all();
  if (maintenance_thread_.joinable()) maintenance_thread_.join();
}

}  // namespace sluice
