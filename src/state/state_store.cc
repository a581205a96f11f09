#include "state/state_store.h"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

#include "columnar/batch_serde.h"
#include "platform/file_system.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

// Version numbers of the snapshots in a store directory, ascending.
std::vector<int64_t> ListVersions(const std::string& dir) {
  std::vector<int64_t> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    auto dot = name.find(".snapshot");
    if (dot == std::string::npos || dot + 9 != name.size() || dot == 0) continue;
    bool digits = true;
    for (size_t i = 0; i < dot; ++i) digits &= std::isdigit(static_cast<unsigned char>(name[i])) != 0;
    if (digits) out.push_back(std::stoll(name.substr(0, dot)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string StateStoreProvider::StoreDir(int op, int partition) const {
  return fmt::format("{}/{}/{}", dir_, op, partition);
}

RecordBatchPtr StateStoreProvider::Load(int op, int partition, int64_t version,
                                        const TypePtr& schema) const {
  std::string dir = StoreDir(op, partition);
  int64_t best = -1;
  for (int64_t v : ListVersions(dir)) {
    if (v <= version) best = v;
  }
  if (best < 0) return RecordBatch::Empty(schema);
  std::string path = fmt::format("{}/{}.snapshot", dir, best);
  return DeserializeBatch(schema, ReadFile(path), path);
}

void StateStoreProvider::Commit(int op, int partition, int64_t version, const RecordBatch& rows) const {
  std::string dir = StoreDir(op, partition);
  MakeDirs(dir);
  WriteFileAtomic(fmt::format("{}/{}.snapshot", dir, version), SerializeBatch(rows));
}

void StateStoreProvider::Purge(int64_t min_version) const {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return;
  for (const auto& op : fs::directory_iterator(dir_, ec)) {
    if (!op.is_directory()) continue;
    for (const auto& part : fs::directory_iterator(op.path(), ec)) {
      if (!part.is_directory()) continue;
      auto versions = ListVersions(part.path().string());
      int64_t keep = -1;
      for (int64_t v : versions) {
        if (v <= min_version) keep = v;
      }
      for (int64_t v : versions) {
        if (v < keep) fs::remove(fmt::format("{}/{}.snapshot", part.path().string(), v), ec);
      }
    }
  }
}

}  // namespace sluice
