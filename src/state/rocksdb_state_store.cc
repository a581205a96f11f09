#include "state/rocksdb_state_store.h"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include "platform/file_system.h"
#include "sluice/exception.h"
#include "state/row_codec.h"
#include "state/state_file.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kChangelogExt = ".changelog";
constexpr std::string_view kSnapshotExt = ".rocksdb";

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void Check(const rocksdb::Status& s, const std::string& what) {
  if (!s.ok()) throw IoError(fmt::format("RocksDB state store: {}: {}", what, s.ToString()));
}

// Copies a RocksDB checkpoint directory: immutable SST files are hard-linked (copied if the link
// fails, e.g. across file systems); MANIFEST, CURRENT, OPTIONS are copied since RocksDB appends to
// or replaces them.
void CopyCheckpoint(const fs::path& from, const fs::path& to) {
  MakeDirs(to);
  for (const auto& f : ListFiles(from)) {
    fs::path dst = to / f.filename();
    std::error_code ec;
    if (f.extension() == ".sst") {
      fs::create_hard_link(f, dst, ec);
      if (!ec) continue;
    }
    fs::copy_file(f, dst, fs::copy_options::overwrite_existing, ec);
    if (ec) throw IoError(fmt::format("cannot copy state snapshot file {} to {}: {}", f.string(), dst.string(), ec.message()));
  }
}

}  // namespace

struct RocksDbStateStoreProvider::Instance {
  std::mutex mu;
  int op = 0;
  int partition = 0;
  std::string store_dir;  // in the checkpoint
  std::string work_dir;   // local RocksDB directory
  std::unique_ptr<rocksdb::DB> db;
  int64_t version = -1;        // version the db holds (valid while db is open)
  int64_t last_snapshot = -1;  // newest snapshot version in store_dir
  int64_t loads = 0;           // restores since the last commit
};

RocksDbStateStoreProvider::RocksDbStateStoreProvider(std::string state_dir, StateStoreConf conf)
    : StateStoreProvider(std::move(state_dir), std::move(conf)) {
  fs::path parent = conf_.local_dir.empty() ? fs::path() : fs::path(conf_.local_dir);
  if (!parent.empty()) MakeDirs(parent);
  work_root_ = MakeTempDirectory("sluice-rocksdb-", parent).string();
  block_cache_ = rocksdb::NewLRUCache(64 << 20);
}

RocksDbStateStoreProvider::~RocksDbStateStoreProvider() {
  StopMaintenanceThread();
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [id, inst] : instances_) {
      if (inst->db) inst->db->Close();
      inst->db.reset();
    }
    instances_.clear();
  }
  std::error_code ec;
  fs::remove_all(work_root_, ec);
}

RocksDbStateStoreProvider::Instance* RocksDbStateStoreProvider::GetInstance(int op, int partition) {
  std::lock_guard<std::mutex> l(mu_);
  auto& inst = instances_[{op, partition}];
  if (!inst) {
    inst = std::make_unique<Instance>();
    inst->op = op;
    inst->partition = partition;
    inst->store_dir = StoreDir(op, partition);
    inst->work_dir = fmt::format("{}/{}_{}", work_root_, op, partition);
  }
  return inst.get();
}

void RocksDbStateStoreProvider::OpenDb(Instance* inst) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.write_buffer_size = 8 << 20;
  options.max_write_buffer_number = 2;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  options.keep_log_file_num = 1;
  options.max_open_files = 64;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = block_cache_;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* db = nullptr;
  Check(rocksdb::DB::Open(options, inst->work_dir, &db), "open " + inst->work_dir);
  inst->db.reset(db);
}

void RocksDbStateStoreProvider::Restore(Instance* inst, int64_t version, const TypePtr& row_schema,
                                        size_t num_keys) {
  if (inst->db) {
    inst->db->Close();
    inst->db.reset();
  }
  inst->version = -1;
  RemoveAll(inst->work_dir);
  StoreFiles files = ListStoreFiles(inst->store_dir, kChangelogExt, kSnapshotExt);
  int64_t base = -1;
  for (const auto& [v, path] : files.snapshots) {
    if (v <= version) base = v;
  }
  CheckVersionRetained(files, version, base, inst->store_dir);
  if (base >= 0) CopyCheckpoint(files.snapshots[base], inst->work_dir);
  OpenDb(inst);
  std::string key, value;
  for (const auto& [v, path] : files.deltas) {
    if (v <= base || v > version) continue;
    StateDelta d = DecodeStateDelta(ReadFile(path), row_schema, num_keys, path);
    rocksdb::WriteBatch wb;
    const RecordBatch& up = *d.upserts;
    for (size_t i = 0; i < up.num_rows(); ++i) {
      key.clear();
      value.clear();
      RowCodec::EncodeRow(up.columns(), 0, num_keys, i, &key);
      RowCodec::EncodeRow(up.columns(), num_keys, up.num_columns(), i, &value);
      wb.Put(key, value);
    }
    const RecordBatch& rm = *d.removed_keys;
    for (size_t i = 0; i < rm.num_rows(); ++i) {
      key.clear();
      RowCodec::EncodeRow(rm.columns(), i, &key);
      wb.Delete(key);
    }
    rocksdb::WriteOptions wo;
    wo.disableWAL = true;
    Check(inst->db->Write(wo, &wb), "replay " + path);
  }
  inst->last_snapshot = files.snapshots.empty() ? -1 : files.snapshots.rbegin()->first;
  inst->version = version;
  ++inst->loads;
}

RecordBatchPtr RocksDbStateStoreProvider::LoadAll(int op, int partition, int64_t version,
                                                  const TypePtr& row_schema, size_t num_key_columns) {
  Instance* inst = GetInstance(op, partition);
  std::lock_guard<std::mutex> l(inst->mu);
  if (!inst->db || inst->version != version) Restore(inst, version, row_schema, num_key_columns);
  std::vector<VectorPtr> cols;
  for (const auto& f : row_schema->fields()) cols.push_back(std::make_shared<Vector>(f.type));
  std::vector<VectorPtr> key_cols(cols.begin(), cols.begin() + num_key_columns);
  std::vector<VectorPtr> value_cols(cols.begin() + num_key_columns, cols.end());
  std::unique_ptr<rocksdb::Iterator> it(inst->db->NewIterator(rocksdb::ReadOptions()));
  size_t n = 0;
  std::string source = fmt::format("RocksDB state store {}", inst->work_dir);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    std::string_view v(it->value().data(), it->value().size());
    RowCodec::DecodeRow(&k, key_cols, source);
    RowCodec::DecodeRow(&v, value_cols, source);
    ++n;
  }
  Check(it->status(), "iterate " + inst->work_dir);
  return RecordBatch::Make(row_schema, std::move(cols), n);
}

std::map<std::string, int64_t> RocksDbStateStoreProvider::Commit(int op, int partition, int64_t version,
                                                                 const RecordBatch& upserts,
                                                                 const RecordBatch& removed_keys) {
  Instance* inst = GetInstance(op, partition);
  std::lock_guard<std::mutex> l(inst->mu);
  size_t num_keys = removed_keys.num_columns();
  // The instance must hold the newest version below `version` (a re-run batch rewrites it).
  if (!inst->db || inst->version >= version) Restore(inst, version - 1, upserts.schema(), num_keys);
  RecordProvider();
  MakeDirs(inst->store_dir);
  std::map<std::string, int64_t> m;

  int64_t t0 = NowUs();
  std::string data = EncodeStateDelta(upserts, removed_keys);
  WriteFileAtomic(fmt::format("{}/{}{}", inst->store_dir, version, kChangelogExt), data);
  int64_t t1 = NowUs();

  rocksdb::WriteBatch wb;
  std::string key, value;
  for (size_t i = 0; i < upserts.num_rows(); ++i) {
    key.clear();
    value.clear();
    RowCodec::EncodeRow(upserts.columns(), 0, num_keys, i, &key);
    RowCodec::EncodeRow(upserts.columns(), num_keys, upserts.num_columns(), i, &value);
    wb.Put(key, value);
  }
  for (size_t i = 0; i < removed_keys.num_rows(); ++i) {
    key.clear();
    RowCodec::EncodeRow(removed_keys.columns(), i, &key);
    wb.Delete(key);
  }
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;
  rocksdb::Status s = inst->db->Write(wo, &wb);
  if (!s.ok()) {
    inst->db.reset();  // next use restores from the checkpoint
    Check(s, "write batch");
  }
  inst->version = version;
  int64_t t2 = NowUs();

  int64_t checkpoint_us = 0;
  if (version - inst->last_snapshot >= conf_.min_deltas_for_snapshot) {
    fs::path final_dir = fmt::format("{}/{}{}", inst->store_dir, version, kSnapshotExt);
    fs::path tmp = fmt::format("{}/.{}{}.tmp", inst->store_dir, version, kSnapshotExt);
    RemoveAll(tmp);
    rocksdb::Checkpoint* cp = nullptr;
    Check(rocksdb::Checkpoint::Create(inst->db.get(), &cp), "checkpoint");
    std::unique_ptr<rocksdb::Checkpoint> cp_owner(cp);
    Check(cp->CreateCheckpoint(tmp.string()), "checkpoint " + tmp.string());
    RemoveAll(final_dir);
    std::error_code ec;
    fs::rename(tmp, final_dir, ec);
    if (ec) throw IoError(fmt::format("cannot rename {} to {}: {}", tmp.string(), final_dir.string(), ec.message()));
    inst->last_snapshot = version;
    checkpoint_us = NowUs() - t2;
    m["rocksdbSnapshotsCreated"] = 1;
  }
  uint64_t sst = 0, mem = 0;
  inst->db->GetIntProperty("rocksdb.total-sst-files-size", &sst);
  inst->db->GetIntProperty("rocksdb.cur-size-all-mem-tables", &mem);
  m["rocksdbCommitFileSyncLatencyMs"] = (t1 - t0) / 1000;
  m["rocksdbCommitWriteBatchLatency"] = (t2 - t1) / 1000;
  m["rocksdbCommitCheckpointLatency"] = checkpoint_us / 1000;
  m["rocksdbChangelogBytesWritten"] = static_cast<int64_t>(data.size());
  m["rocksdbSstFileSize"] = static_cast<int64_t>(sst);
  m["rocksdbMemtableBytes"] = static_cast<int64_t>(mem);
  m["rocksdbLoadedFromCheckpointCount"] = inst->loads;
  inst->loads = 0;
  EnsureMaintenanceThread();
  return m;
}

void RocksDbStateStoreProvider::Purge(int64_t min_version) {
  for (const auto& s : ListStoreDirs(dir_)) {
    CleanupStoreFiles(ListStoreFiles(s.path, kChangelogExt, kSnapshotExt), min_version);
    CleanupStoreFiles(ListStoreFiles(s.path, ".delta", ".snapshot"), min_version);  // whole-state API
  }
}

void RocksDbStateStoreProvider::DoMaintenance() {
  for (const auto& s : ListStoreDirs(dir_)) {
    StoreFiles files = ListStoreFiles(s.path, kChangelogExt, kSnapshotExt);
    int64_t latest = files.LatestVersion();
    if (latest >= 0) CleanupStoreFiles(files, latest - conf_.min_batches_to_retain + 1);
  }
}

}  // namespace sluice
