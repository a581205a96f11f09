#include "streaming/checkpoint/file_source_log.h"

#include <fmt/format.h>

#include "sluice/exception.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

using Entry = CompactibleFileLog::Entry;
constexpr std::string_view kKind = "file source log";

[[noreturn]] void Corrupt(const fs::path& file, std::string_view what) {
  throw IoError(fmt::format("corrupt {} file '{}': {}", kKind, file.string(), what));
}

}  // namespace

Entry FileEntry::ToJson() const {
  Entry json;
  json["path"] = path;
  json["timestamp"] = timestamp;
  json["batchId"] = batch_id;
  return json;
}

FileEntry FileEntry::FromJson(const Entry& json, const fs::path& log_file) {
  FileEntry e;
  auto path = json.find("path");
  if (path == json.end() || !path->is_string() || path->get<std::string>().empty()) {
    Corrupt(log_file, "an entry has no string \"path\"");
  }
  e.path = path->get<std::string>();
  for (auto [key, out] : {std::pair<const char*, int64_t*>{"timestamp", &e.timestamp},
                          std::pair<const char*, int64_t*>{"batchId", &e.batch_id}}) {
    auto it = json.find(key);
    if (it == json.end() || !it->is_number_integer()) {
      Corrupt(log_file, fmt::format("an entry has no integer \"{}\"", key));
    }
    *out = it->get<int64_t>();
  }
  return e;
}

FileSourceLog::FileSourceLog(fs::path dir, int compact_interval)
    : log_(std::move(dir), compact_interval, std::string(kKind), /*compact=*/{},
           [](const Entry& e, const fs::path& file) { FileEntry::FromJson(e, file); }) {}

bool FileSourceLog::Add(int64_t batch_id, const std::vector<FileEntry>& files) const {
  std::vector<Entry> entries;
  entries.reserve(files.size());
  for (const auto& f : files) entries.push_back(f.ToJson());
  return log_.Add(batch_id, entries);
}

std::optional<std::vector<FileEntry>> FileSourceLog::Get(int64_t batch_id) const {
  auto entries = log_.Get(batch_id);
  if (!entries) return std::nullopt;
  const fs::path file = log_.log().BatchPath(batch_id);
  std::vector<FileEntry> out;
  for (const auto& e : *entries) out.push_back(FileEntry::FromJson(e, file));
  return out;
}

std::vector<FileEntry> FileSourceLog::AllFiles() const {
  std::vector<FileEntry> out;
  for (const auto& e : log_.AllEntries()) out.push_back(FileEntry::FromJson(e, dir()));
  return out;
}

}  // namespace sluice
