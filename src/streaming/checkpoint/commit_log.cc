#include "streaming/checkpoint/commit_log.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "sluice/exception.h"

namespace sluice {

namespace {

[[noreturn]] void Corrupt(const std::filesystem::path& file, std::string_view what) {
  throw IoError(fmt::format("corrupt commit log file '{}': {}", file.string(), what));
}

}  // namespace

std::string CommitEntry::Serialize() const {
  return fmt::format("v{}\n{{\"nextBatchWatermarkMs\":{}}}", CommitLog::kVersion,
                     next_batch_watermark_ms);
}

CommitEntry CommitEntry::Parse(std::string_view text, const std::filesystem::path& file) {
  auto lines = SplitLogLines(text);
  if (lines.empty()) Corrupt(file, "the file is empty");
  ParseLogVersion(lines[0], CommitLog::kVersion, file);
  if (lines.size() < 2) Corrupt(file, "incomplete log file: the metadata line is missing");
  nlohmann::json meta = nlohmann::json::parse(lines[1], nullptr, /*allow_exceptions=*/false);
  if (meta.is_discarded() || !meta.is_object()) {
    Corrupt(file, "the metadata line is not a JSON object");
  }
  CommitEntry entry;
  if (auto it = meta.find("nextBatchWatermarkMs"); it != meta.end() && !it->is_null()) {
    if (!it->is_number_integer()) Corrupt(file, "\"nextBatchWatermarkMs\" is not an integer");
    entry.next_batch_watermark_ms = it->get<int64_t>();
  }
  return entry;
}

bool CommitLog::Add(int64_t batch_id, const CommitEntry& entry) const {
  return log_.Add(batch_id, entry.Serialize());
}

std::optional<CommitEntry> CommitLog::Get(int64_t batch_id) const {
  auto text = log_.Get(batch_id);
  if (!text) return std::nullopt;
  return CommitEntry::Parse(*text, log_.BatchPath(batch_id));
}

std::optional<std::pair<int64_t, CommitEntry>> CommitLog::GetLatest() const {
  auto latest = log_.GetLatest();
  if (!latest) return std::nullopt;
  return std::make_pair(latest->first,
                        CommitEntry::Parse(latest->second, log_.BatchPath(latest->first)));
}

}  // namespace sluice
