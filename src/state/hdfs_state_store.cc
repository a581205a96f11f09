#include "state/hdfs_state_store.h"

#include <chrono>
#include <fmt/format.h>
#include <unordered_map>

#include "columnar/batch_serde.h"
#include "platform/file_system.h"
#include "state/row_codec.h"
#include "state/state_file.h"

namespace sluice {

namespace {

constexpr std::string_view kDeltaExt = ".delta";
constexpr std::string_view kSnapshotExt = ".snapshot";

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

HdfsStateStoreProvider::HdfsStateStoreProvider(std::string state_dir, StateStoreConf conf)
    : StateStoreProvider(std::move(state_dir), std::move(conf)) {}

HdfsStateStoreProvider::~HdfsStateStoreProvider() { StopMaintenanceThread(); }

RecordBatchPtr HdfsStateStoreProvider::ReadVersion(const std::string& dir, int64_t version,
                                                   const TypePtr& row_schema, size_t num_keys) {
  StoreFiles files = ListStoreFiles(dir, kDeltaExt, kSnapshotExt);
  int64_t base = -1;
  for (const auto& [v, path] : files.snapshots) {
    if (v <= version) base = v;
  }
  CheckVersionRetained(files, version, base, dir);
  RecordBatchPtr snapshot;
  if (base >= 0) {
    const std::string& path = files.snapshots[base];
    snapshot = DeserializeBatch(row_schema, ReadFile(path), path);
  }
  std::vector<StateDelta> deltas;
  for (const auto& [v, path] : files.deltas) {
    if (v > base && v <= version) deltas.push_back(DecodeStateDelta(ReadFile(path), row_schema, num_keys, path));
  }
  if (deltas.empty()) return snapshot ? snapshot : RecordBatch::Empty(row_schema);

  // Replay: one entry per key; the newest row of a key wins, removals delete.
  struct Entry {
    uint32_t batch;
    uint32_t row;
    bool live;
  };
  std::vector<RecordBatchPtr> sources;
  std::vector<Entry> entries;
  std::unordered_map<std::string, uint32_t> index;
  std::string key;
  auto upsert = [&](const RecordBatchPtr& b) {
    uint32_t bi = static_cast<uint32_t>(sources.size());
    sources.push_back(b);
    for (size_t i = 0; i < b->num_rows(); ++i) {
      key.clear();
      RowCodec::EncodeRow(b->columns(), 0, num_keys, i, &key);
      auto [it, inserted] = index.try_emplace(key, static_cast<uint32_t>(entries.size()));
      if (inserted) entries.push_back({bi, static_cast<uint32_t>(i), true});
      else entries[it->second] = {bi, static_cast<uint32_t>(i), true};
    }
  };
  if (snapshot) {
    index.reserve(snapshot->num_rows());
    upsert(snapshot);
  }
  for (const auto& d : deltas) {
    upsert(d.upserts);
    const RecordBatch& rm = *d.removed_keys;
    for (size_t i = 0; i < rm.num_rows(); ++i) {
      key.clear();
      RowCodec::EncodeRow(rm.columns(), i, &key);
      auto it = index.find(key);
      if (it != index.end()) entries[it->second].live = false;
    }
  }
  std::vector<SelectionVector> sels(sources.size());
  for (const auto& e : entries) {
    if (e.live) sels[e.batch].push_back(e.row);
  }
  std::vector<RecordBatchPtr> parts;
  for (size_t b = 0; b < sources.size(); ++b) {
    if (sels[b].empty()) continue;
    parts.push_back(sels[b].size() == sources[b]->num_rows() ? sources[b] : sources[b]->Take(sels[b]));
  }
  if (parts.empty()) return RecordBatch::Empty(row_schema);
  if (parts.size() == 1) return parts[0];
  return RecordBatch::Concat(row_schema, parts);
}

RecordBatchPtr HdfsStateStoreProvider::LoadAll(int op, int partition, int64_t version,
                                               const TypePtr& row_schema, size_t num_key_columns) {
  {
    std::lock_guard<std::mutex> l(mu_);
    layouts_[op] = {row_schema, num_key_columns};
    ++loads_[{op, partition}];
  }
  return ReadVersion(StoreDir(op, partition), version, row_schema, num_key_columns);
}

std::map<std::string, int64_t> HdfsStateStoreProvider::Commit(int op, int partition, int64_t version,
                                                              const RecordBatch& upserts,
                                                              const RecordBatch& removed_keys) {
  int64_t t0 = NowUs();
  int64_t loads;
  {
    std::lock_guard<std::mutex> l(mu_);
    layouts_[op] = {upserts.schema(), removed_keys.num_columns()};
    loads = loads_[{op, partition}];
    loads_[{op, partition}] = 0;
  }
  RecordProvider();
  std::string dir = StoreDir(op, partition);
  MakeDirs(dir);
  std::string data = EncodeStateDelta(upserts, removed_keys);
  WriteFileAtomic(fmt::format("{}/{}{}", dir, version, kDeltaExt), data);
  EnsureMaintenanceThread();
  return {{"loadedMapCacheHitCount", loads == 0 ? 1 : 0},
          {"loadedMapCacheMissCount", loads},
          {"stateDeltaBytesWritten", static_cast<int64_t>(data.size())},
          {"stateCommitWriteLatencyUs", NowUs() - t0}};
}

void HdfsStateStoreProvider::Purge(int64_t min_version) {
  for (const auto& s : ListStoreDirs(dir_)) {
    CleanupStoreFiles(ListStoreFiles(s.path, kDeltaExt, kSnapshotExt), min_version);
  }
}

void HdfsStateStoreProvider::DoMaintenance() {
  std::map<int, Layout> layouts;
  {
    std::lock_guard<std::mutex> l(mu_);
    layouts = layouts_;
  }
  for (const auto& s : ListStoreDirs(dir_)) {
    StoreFiles files = ListStoreFiles(s.path, kDeltaExt, kSnapshotExt);
    int64_t latest = files.LatestVersion();
    if (latest < 0) continue;
    auto layout = layouts.find(s.op);
    int64_t last_snapshot = files.snapshots.empty() ? -1 : files.snapshots.rbegin()->first;
    int64_t pending = 0;
    for (const auto& [v, path] : files.deltas) pending += v > last_snapshot;
    if (layout != layouts.end() && pending >= conf_.min_deltas_for_snapshot) {
      RecordBatchPtr rows = ReadVersion(s.path, latest, layout->second.row_schema, layout->second.num_keys);
      std::string path = fmt::format("{}/{}{}", s.path, latest, kSnapshotExt);
      WriteFileAtomic(path, SerializeBatch(*rows));
      files.snapshots[latest] = path;
    }
    CleanupStoreFiles(files, latest - conf_.min_batches_to_retain + 1);
  }
}

}  // namespace sluice
