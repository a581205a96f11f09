#include "streaming/checkpoint/file_sink_log.h"

#include <unordered_set>

#include <fmt/format.h>

#include "platform/file_system.h"
#include "sluice/exception.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

using Entry = CompactibleFileLog::Entry;
constexpr std::string_view kKind = "file sink log";

[[noreturn]] void Corrupt(const fs::path& file, std::string_view what) {
  throw IoError(fmt::format("corrupt {} file '{}': {}", kKind, file.string(), what));
}

// Drops the files deleted by any "delete" entry, and the delete entries themselves.
std::vector<Entry> DropDeleted(std::vector<Entry> entries) {
  std::unordered_set<std::string> deleted;
  for (const Entry& e : entries) {
    if (e.value("action", "") == SinkFileStatus::kDeleteAction) deleted.insert(e.value("path", ""));
  }
  if (deleted.empty()) return entries;
  std::vector<Entry> live;
  for (Entry& e : entries) {
    if (!deleted.count(e.value("path", ""))) live.push_back(std::move(e));
  }
  return live;
}

template <typename T>
T ReadField(const Entry& json, const char* key, T fallback, const fs::path& file) {
  auto it = json.find(key);
  if (it == json.end() || it->is_null()) return fallback;
  if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) Corrupt(file, fmt::format("\"{}\" is not a boolean", key));
  } else if constexpr (std::is_integral_v<T>) {
    if (!it->is_number_integer()) Corrupt(file, fmt::format("\"{}\" is not an integer", key));
  } else {
    if (!it->is_string()) Corrupt(file, fmt::format("\"{}\" is not a string", key));
  }
  return it->template get<T>();
}

}  // namespace

SinkFileStatus SinkFileStatus::FromLocalFile(const fs::path& file) {
  SinkFileStatus status;
  status.path = PathToFileUri(file);
  status.is_dir = IsDirectory(file);
  status.size = status.is_dir ? 0 : static_cast<int64_t>(FileSize(file));
  status.modification_time = ModificationTimeMs(file);
  return status;
}

Entry SinkFileStatus::ToJson() const {
  Entry json;
  json["path"] = path;
  json["size"] = size;
  json["isDir"] = is_dir;
  json["modificationTime"] = modification_time;
  json["blockReplication"] = block_replication;
  json["blockSize"] = block_size;
  json["action"] = action;
  return json;
}

SinkFileStatus SinkFileStatus::FromJson(const Entry& json, const fs::path& log_file) {
  SinkFileStatus s;
  s.path = ReadField<std::string>(json, "path", "", log_file);
  if (s.path.empty()) Corrupt(log_file, "an entry has no \"path\"");
  s.size = ReadField<int64_t>(json, "size", 0, log_file);
  s.is_dir = ReadField<bool>(json, "isDir", false, log_file);
  s.modification_time = ReadField<int64_t>(json, "modificationTime", 0, log_file);
  s.block_replication = ReadField<int32_t>(json, "blockReplication", 1, log_file);
  s.block_size = ReadField<int64_t>(json, "blockSize", kDefaultBlockSize, log_file);
  s.action = ReadField<std::string>(json, "action", kAddAction, log_file);
  if (s.action != kAddAction && s.action != kDeleteAction) {
    Corrupt(log_file, fmt::format("unknown action \"{}\"", s.action));
  }
  return s;
}

FileSinkLog::FileSinkLog(const fs::path& output_dir, int compact_interval)
    : log_(MetadataDir(output_dir), compact_interval, std::string(kKind), DropDeleted,
           [](const Entry& e, const fs::path& file) { SinkFileStatus::FromJson(e, file); }) {}

fs::path FileSinkLog::MetadataDir(const fs::path& output_dir) {
  return output_dir / kMetadataDirName;
}

bool FileSinkLog::HasMetadataLog(const fs::path& output_dir) {
  return IsDirectory(MetadataDir(output_dir));
}

bool FileSinkLog::Add(int64_t batch_id, const std::vector<SinkFileStatus>& files) const {
  std::vector<Entry> entries;
  entries.reserve(files.size());
  for (const auto& f : files) entries.push_back(f.ToJson());
  return log_.Add(batch_id, entries);
}

std::optional<std::vector<SinkFileStatus>> FileSinkLog::Get(int64_t batch_id) const {
  auto entries = log_.Get(batch_id);
  if (!entries) return std::nullopt;
  const fs::path file = log_.log().BatchPath(batch_id);
  std::vector<SinkFileStatus> out;
  for (const auto& e : *entries) out.push_back(SinkFileStatus::FromJson(e, file));
  return out;
}

std::vector<SinkFileStatus> FileSinkLog::AllFiles() const {
  std::vector<SinkFileStatus> out;
  for (const auto& e : log_.AllEntries()) out.push_back(SinkFileStatus::FromJson(e, dir()));
  return out;
}

}  // namespace sluice
