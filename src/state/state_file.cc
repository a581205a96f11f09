#include "state/state_file.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <tuple>

#include "columnar/batch_serde.h"
#include "platform/file_system.h"
#include "sluice/exception.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

constexpr uint32_t kDeltaMagic = 0x44534c53;  // "SLSD"
constexpr uint32_t kDeltaFormat = 1;

void PutU64(std::string* out, uint64_t v) { out->append(reinterpret_cast<const char*>(&v), 8); }

}  // namespace

std::string EncodeStateDelta(const RecordBatch& upserts, const RecordBatch& removed_keys) {
  std::string a = SerializeBatch(upserts);
  std::string b = SerializeBatch(removed_keys);
  std::string out;
  out.reserve(24 + a.size() + b.size());
  uint32_t head[2] = {kDeltaMagic, kDeltaFormat};
  out.append(reinterpret_cast<const char*>(head), sizeof(head));
  PutU64(&out, a.size());
  out += a;
  PutU64(&out, b.size());
  out += b;
  return out;
}

StateDelta DecodeStateDelta(std::string_view data, const TypePtr& row_schema, size_t num_key_columns,
                            const std::string& path) {
  auto fail = [&](const char* what) {
    throw IoError(fmt::format("corrupt state file {}: {}", path, what));
  };
  if (data.size() < 16) fail("truncated");
  uint32_t head[2];
  std::memcpy(head, data.data(), sizeof(head));
  if (head[0] != kDeltaMagic) fail("bad magic");
  if (head[1] != kDeltaFormat) fail("unknown format version");
  data.remove_prefix(8);
  auto next = [&]() {
    if (data.size() < 8) fail("truncated");
    uint64_t n;
    std::memcpy(&n, data.data(), 8);
    data.remove_prefix(8);
    if (n > data.size()) fail("truncated");
    std::string_view part = data.substr(0, n);
    data.remove_prefix(n);
    return part;
  };
  std::string_view a = next();
  std::string_view b = next();
  if (!data.empty()) fail("trailing bytes");
  StateDelta d;
  d.upserts = DeserializeBatch(row_schema, a, path);
  d.removed_keys = DeserializeBatch(KeySchemaOf(row_schema, num_key_columns), b, path);
  return d;
}

TypePtr KeySchemaOf(const TypePtr& row_schema, size_t n) {
  const auto& f = row_schema->fields();
  return DataType::Struct(std::vector<StructField>(f.begin(), f.begin() + n));
}

TypePtr ValueSchemaOf(const TypePtr& row_schema, size_t n) {
  const auto& f = row_schema->fields();
  return DataType::Struct(std::vector<StructField>(f.begin() + n, f.end()));
}

int64_t StoreFiles::LatestVersion() const {
  int64_t v = -1;
  if (!deltas.empty()) v = std::max(v, deltas.rbegin()->first);
  if (!snapshots.empty()) v = std::max(v, snapshots.rbegin()->first);
  return v;
}

void CheckVersionRetained(const StoreFiles& files, int64_t version, int64_t base, const std::string& dir) {
  if (base >= 0 || version <= 0 || files.snapshots.empty()) return;
  int64_t oldest_snapshot = files.snapshots.begin()->first;
  bool delta_before = !files.deltas.empty() && files.deltas.begin()->first <= oldest_snapshot;
  if (!delta_before && oldest_snapshot > version) {
    throw IoError(fmt::format(
        "state store {}: version {} is no longer available (files up to version {} were removed "
        "by cleanup; spark.sql.streaming.minBatchesToRetain)",
        dir, version, oldest_snapshot - 1));
  }
}

std::optional<int64_t> ParseVersionName(std::string_view name, std::string_view ext) {
  if (name.size() <= ext.size() || name.substr(name.size() - ext.size()) != ext) return std::nullopt;
  std::string_view digits = name.substr(0, name.size() - ext.size());
  if (digits.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

StoreFiles ListStoreFiles(const std::string& dir, std::string_view delta_ext,
                          std::string_view snapshot_ext) {
  StoreFiles out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (auto v = ParseVersionName(name, delta_ext)) out.deltas[*v] = e.path().string();
    else if (auto s = ParseVersionName(name, snapshot_ext)) out.snapshots[*s] = e.path().string();
  }
  return out;
}

}  // namespace sluice

namespace sluice {

size_t CleanupStoreFiles(const StoreFiles& files, int64_t min_version) {
  int64_t keep = -1;
  for (const auto& [v, path] : files.snapshots) {
    if (v <= min_version) keep = v;
  }
  if (keep < 0) return 0;
  size_t removed = 0;
  for (const auto& [v, path] : files.snapshots) {
    if (v < keep) removed += RemoveAll(path) > 0;
  }
  for (const auto& [v, path] : files.deltas) {
    if (v <= keep) removed += RemoveAll(path) > 0;
  }
  return removed;
}

std::vector<StoreDirEntry> ListStoreDirs(const std::string& state_dir) {
  std::vector<StoreDirEntry> out;
  std::error_code ec;
  auto number = [](const std::string& s) -> std::optional<int> {
    if (s.empty() || s.size() > 9) return std::nullopt;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    return std::stoi(s);
  };
  for (const auto& op : std::filesystem::directory_iterator(state_dir, ec)) {
    auto o = number(op.path().filename().string());
    if (!o || !op.is_directory(ec)) continue;
    std::error_code ec2;
    for (const auto& part : std::filesystem::directory_iterator(op.path(), ec2)) {
      auto p = number(part.path().filename().string());
      if (!p || !part.is_directory(ec2)) continue;
      out.push_back({*o, *p, part.path().string()});
    }
  }
  std::sort(out.begin(), out.end(), [](const StoreDirEntry& a, const StoreDirEntry& b) {
    return std::tie(a.op, a.partition) < std::tie(b.op, b.partition);
  });
  return out;
}

}  // namespace sluice
