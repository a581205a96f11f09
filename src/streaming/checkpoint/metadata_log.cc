#include "streaming/checkpoint/metadata_log.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "platform/file_system.h"
#include "sluice/exception.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kCompactSuffix = ".compact";

void CheckBatchId(int64_t batch_id) {
  if (batch_id < 0) throw InternalError(fmt::format("negative batch id {}", batch_id));
}

}  // namespace

MetadataLog::MetadataLog(fs::path dir, int compact_interval)
    : dir_(std::move(dir)), compact_interval_(compact_interval) {
  if (compact_interval_ < 0) {
    throw InternalError(fmt::format("negative compact interval {}", compact_interval_));
  }
  MakeDirs(dir_);
}

std::optional<int64_t> MetadataLog::ParseBatchFileName(std::string_view name, bool* is_compact) {
  bool compact = false;
  if (name.size() > kCompactSuffix.size() &&
      name.substr(name.size() - kCompactSuffix.size()) == kCompactSuffix) {
    compact = true;
    name.remove_suffix(kCompactSuffix.size());
  }
  if (name.empty() || (name.size() > 1 && name[0] == '0')) return std::nullopt;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (ec != std::errc() || ptr != name.data() + name.size()) return std::nullopt;  // overflow
  if (is_compact) *is_compact = compact;
  return id;
}

bool MetadataLog::IsCompactionBatch(int64_t batch_id) const {
  return compact_interval_ > 0 && (batch_id + 1) % compact_interval_ == 0;
}

fs::path MetadataLog::BatchPath(int64_t batch_id) const {
  CheckBatchId(batch_id);
  std::string name = std::to_string(batch_id);
  if (IsCompactionBatch(batch_id)) name += kCompactSuffix;
  return dir_ / name;
}

std::optional<fs::path> MetadataLog::FindBatchFile(int64_t batch_id) const {
  CheckBatchId(batch_id);
  const fs::path plain = dir_ / std::to_string(batch_id);
  const fs::path compact = dir_ / (std::to_string(batch_id) + std::string(kCompactSuffix));
  // Look first under the name this log would write, then under the other one (a log written with
  // a different compaction interval).
  const bool prefer_compact = IsCompactionBatch(batch_id);
  for (const fs::path& p : prefer_compact ? std::vector<fs::path>{compact, plain}
                                          : std::vector<fs::path>{plain, compact}) {
    if (Exists(p)) return p;
  }
  return std::nullopt;
}

bool MetadataLog::Add(int64_t batch_id, std::string_view content) const {
  CheckBatchId(batch_id);
  if (FindBatchFile(batch_id)) return false;
  return CreateFileExclusive(BatchPath(batch_id), content);
}

std::optional<std::string> MetadataLog::Get(int64_t batch_id) const {
  auto path = FindBatchFile(batch_id);
  if (!path) return std::nullopt;
  try {
    return ReadFile(*path);
  } catch (const IoError&) {
    if (!Exists(*path)) return std::nullopt;  // purged concurrently
    throw;
  }
}

std::vector<int64_t> MetadataLog::List() const {
  std::vector<int64_t> ids;
  for (const fs::path& p : ListFiles(dir_)) {
    if (auto id = ParseBatchFileName(p.filename().string())) ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::optional<int64_t> MetadataLog::GetLatestBatchId() const {
  auto ids = List();
  if (ids.empty()) return std::nullopt;
  return ids.back();
}

std::optional<std::pair<int64_t, std::string>> MetadataLog::GetLatest() const {
  auto ids = List();
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    if (auto content = Get(*it)) return std::make_pair(*it, std::move(*content));
  }
  return std::nullopt;
}

std::vector<std::pair<int64_t, std::string>> MetadataLog::GetRange(
    std::optional<int64_t> start, std::optional<int64_t> end) const {
  std::vector<std::pair<int64_t, std::string>> out;
  for (int64_t id : List()) {
    if (start && id < *start) continue;
    if (end && id > *end) break;
    if (auto content = Get(id)) out.emplace_back(id, std::move(*content));
  }
  return out;
}

void MetadataLog::Purge(int64_t threshold) const {
  for (const fs::path& p : ListFiles(dir_)) {
    auto id = ParseBatchFileName(p.filename().string());
    if (id && *id < threshold) RemoveFile(p);
  }
}

std::vector<std::string_view> SplitLogLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return lines;
}

int ParseLogVersion(std::string_view line, int max_supported, const fs::path& file) {
  int version = 0;
  bool ok = line.size() >= 2 && line[0] == 'v';
  if (ok) {
    auto [ptr, ec] = std::from_chars(line.data() + 1, line.data() + line.size(), version);
    ok = ec == std::errc() && ptr == line.data() + line.size() && version > 0;
  }
  if (!ok) {
    throw IoError(fmt::format(
        "malformed log file '{}': failed to read the log version from the first line '{}'",
        file.string(), line.substr(0, 64)));
  }
  if (version > max_supported) {
    throw IoError(fmt::format(
        "unsupported log version v{} in '{}': the maximum supported log version is v{}; the file "
        "was written by a newer version",
        version, file.string(), max_supported));
  }
  return version;
}

}  // namespace sluice
