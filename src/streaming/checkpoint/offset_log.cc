#include "streaming/checkpoint/offset_log.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "sluice/exception.h"

namespace sluice {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

[[noreturn]] void Corrupt(const std::filesystem::path& file, std::string_view what) {
  throw IoError(fmt::format("corrupt offset log file '{}': {}", file.string(), what));
}

int64_t ReadInt64(const Json& obj, const char* key, const std::filesystem::path& file) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return 0;  // Spark's defaults
  if (!it->is_number_integer()) Corrupt(file, fmt::format("\"{}\" is not an integer", key));
  return it->get<int64_t>();
}

}  // namespace

std::string OffsetSeqEntry::Serialize() const {
  OrderedJson meta;
  meta["batchWatermarkMs"] = batch_watermark_ms;
  meta["batchTimestampMs"] = batch_timestamp_ms;
  OrderedJson conf_json = OrderedJson::object();
  for (const auto& [key, value] : conf) conf_json[key] = value;
  meta["conf"] = std::move(conf_json);

  std::string out = fmt::format("v{}\n{}", OffsetLog::kVersion, meta.dump());
  for (size_t i = 0; i < source_offsets.size(); ++i) {
    out += '\n';
    const auto& offset = source_offsets[i];
    if (!offset) {
      out += '-';
      continue;
    }
    if (offset->empty() || *offset == "-") {
      throw InternalError(fmt::format("offset of source {} cannot be written: '{}'", i, *offset));
    }
    if (offset->find_first_of("\r\n") == std::string::npos) {
      out += *offset;
      continue;
    }
    Json parsed = Json::parse(*offset, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      throw InternalError(
          fmt::format("offset of source {} spans several lines and is not valid JSON", i));
    }
    out += parsed.dump();
  }
  return out;
}

OffsetSeqEntry OffsetSeqEntry::Parse(std::string_view text, const std::filesystem::path& file) {
  auto lines = SplitLogLines(text);
  if (lines.empty()) Corrupt(file, "the file is empty");
  ParseLogVersion(lines[0], OffsetLog::kVersion, file);
  if (lines.size() < 2) Corrupt(file, "incomplete log file: the metadata line is missing");

  OffsetSeqEntry entry;
  Json meta = Json::parse(lines[1], nullptr, /*allow_exceptions=*/false);
  if (meta.is_discarded() || !meta.is_object()) {
    Corrupt(file, "the metadata line is not a JSON object");
  }
  entry.batch_watermark_ms = ReadInt64(meta, "batchWatermarkMs", file);
  entry.batch_timestamp_ms = ReadInt64(meta, "batchTimestampMs", file);
  if (auto it = meta.find("conf"); it != meta.end() && !it->is_null()) {
    if (!it->is_object()) Corrupt(file, "\"conf\" is not a JSON object");
    for (const auto& [key, value] : it->items()) {
      if (!value.is_string()) Corrupt(file, fmt::format("conf \"{}\" is not a string", key));
      entry.conf[key] = value.get<std::string>();
    }
  }
  for (size_t i = 2; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line == "-") {
      entry.source_offsets.emplace_back(std::nullopt);
    } else if (line.empty()) {
      Corrupt(file, fmt::format("line {} is empty (expected an offset or \"-\")", i + 1));
    } else {
      entry.source_offsets.emplace_back(std::string(line));
    }
  }
  return entry;
}

bool OffsetLog::Add(int64_t batch_id, const OffsetSeqEntry& entry) const {
  return log_.Add(batch_id, entry.Serialize());
}

std::optional<OffsetSeqEntry> OffsetLog::Get(int64_t batch_id) const {
  auto text = log_.Get(batch_id);
  if (!text) return std::nullopt;
  return OffsetSeqEntry::Parse(*text, log_.BatchPath(batch_id));
}

std::optional<std::pair<int64_t, OffsetSeqEntry>> OffsetLog::GetLatest() const {
  auto latest = log_.GetLatest();
  if (!latest) return std::nullopt;
  return std::make_pair(latest->first,
                        OffsetSeqEntry::Parse(latest->second, log_.BatchPath(latest->first)));
}

}  // namespace sluice
