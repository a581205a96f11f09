#include "streaming/checkpoint/compactible_file_log.h"

#include <map>

#include <fmt/format.h>

#include "platform/file_system.h"
#include "sluice/exception.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

struct BatchFile {
  fs::path path;
  bool is_compact = false;
};

// Batch files of the log by id. If both "N" and "N.compact" exist, the compact one wins.
std::map<int64_t, BatchFile> ListBatchFiles(const fs::path& dir) {
  std::map<int64_t, BatchFile> files;
  for (const fs::path& p : ListFiles(dir)) {
    bool is_compact = false;
    auto id = MetadataLog::ParseBatchFileName(p.filename().string(), &is_compact);
    if (!id) continue;
    auto [it, inserted] = files.try_emplace(*id, BatchFile{p, is_compact});
    if (!inserted && is_compact) it->second = BatchFile{p, true};
  }
  return files;
}

}  // namespace

CompactibleFileLog::CompactibleFileLog(fs::path dir, int compact_interval, std::string kind,
                                       CompactFn compact, ValidateFn validate)
    : log_(std::move(dir), compact_interval),
      kind_(std::move(kind)),
      compact_(std::move(compact)),
      validate_(std::move(validate)) {
  if (compact_interval < 1) {
    throw InternalError(fmt::format("{}: compact interval must be >= 1, got {}", kind_,
                                    compact_interval));
  }
}

std::string CompactibleFileLog::Serialize(const std::vector<Entry>& entries) {
  std::string out = fmt::format("v{}", kVersion);
  for (const Entry& e : entries) {
    if (!e.is_object()) throw InternalError("file log entries must be JSON objects");
    out += '\n';
    out += e.dump();
  }
  return out;
}

std::vector<CompactibleFileLog::Entry> CompactibleFileLog::Parse(std::string_view text,
                                                                 const fs::path& file,
                                                                 std::string_view kind) {
  auto lines = SplitLogLines(text);
  if (lines.empty()) {
    throw IoError(fmt::format("corrupt {} file '{}': the file is empty", kind, file.string()));
  }
  ParseLogVersion(lines[0], kVersion, file);
  std::vector<Entry> entries;
  entries.reserve(lines.size() - 1);
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    Entry e = Entry::parse(lines[i], nullptr, /*allow_exceptions=*/false);
    if (e.is_discarded() || !e.is_object()) {
      throw IoError(fmt::format("corrupt {} file '{}': line {} is not a JSON object", kind,
                                file.string(), i + 1));
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

std::optional<std::vector<CompactibleFileLog::Entry>> CompactibleFileLog::Get(
    int64_t batch_id) const {
  auto path = log_.FindBatchFile(batch_id);
  if (!path) return std::nullopt;
  if (!Exists(*path)) return std::nullopt;  // purged meanwhile
  return ReadBatchFile(*path);
}

std::vector<CompactibleFileLog::Entry> CompactibleFileLog::ReadBatchFile(const fs::path& file) const {
  auto entries = Parse(ReadFile(file), file, kind_);
  if (validate_) {
    for (const Entry& e : entries) validate_(e, file);
  }
  return entries;
}

std::vector<CompactibleFileLog::Entry> CompactibleFileLog::EntriesUpTo(
    std::optional<int64_t> end) const {
  auto files = ListBatchFiles(log_.dir());
  if (end) files.erase(files.upper_bound(*end), files.end());
  auto start = files.begin();
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    if (it->second.is_compact) {
      start = std::prev(it.base());
      break;
    }
  }
  std::vector<Entry> entries;
  for (auto it = start; it != files.end(); ++it) {
    auto part = ReadBatchFile(it->second.path);
    for (auto& e : part) entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<CompactibleFileLog::Entry> CompactibleFileLog::AllEntries() const {
  auto entries = EntriesUpTo(std::nullopt);
  return compact_ ? compact_(std::move(entries)) : entries;
}

bool CompactibleFileLog::Add(int64_t batch_id, const std::vector<Entry>& entries) const {
  if (log_.FindBatchFile(batch_id)) return false;
  if (!log_.IsCompactionBatch(batch_id)) return log_.Add(batch_id, Serialize(entries));
  std::vector<Entry> all = batch_id > 0 ? EntriesUpTo(batch_id - 1) : std::vector<Entry>{};
  all.insert(all.end(), entries.begin(), entries.end());
  if (compact_) all = compact_(std::move(all));
  return log_.Add(batch_id, Serialize(all));
}

int CompactibleFileLog::PurgeBeforeLatestCompaction() const {
  auto files = ListBatchFiles(log_.dir());
  std::optional<int64_t> latest_compact;
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    if (it->second.is_compact) {
      latest_compact = it->first;
      break;
    }
  }
  if (!latest_compact) return 0;
  int removed = 0;
  for (const fs::path& p : ListFiles(log_.dir())) {
    auto id = MetadataLog::ParseBatchFileName(p.filename().string());
    if (id && *id < *latest_compact && RemoveFile(p)) ++removed;
  }
  return removed;
}

}  // namespace sluice
