#include "connectors/file/file_stream_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "api/session_state.h"
#include "connectors/file/file_relation.h"
#include "platform/file_system.h"
#include "platform/thread_pool.h"
#include "sluice/exception.h"

namespace sluice {

namespace fs = std::filesystem;

int64_t ParseDurationMs(std::string_view text, std::string_view what) {
  std::string s;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  if (digits == 0 || digits > 18) {
    throw AnalysisError(fmt::format("Invalid time string '{}' for option '{}'", text, what));
  }
  int64_t n = std::stoll(s.substr(0, digits));
  std::string unit = s.substr(digits);
  if (unit.empty() || unit == "ms") return n;
  if (unit == "us") return n / 1000;
  if (unit == "s" || unit == "sec") return n * 1000;
  if (unit == "m" || unit == "min") return n * 60 * 1000;
  if (unit == "h") return n * 3600 * 1000;
  if (unit == "d") return n * 24 * 3600 * 1000;
  throw AnalysisError(fmt::format("Invalid time string '{}' for option '{}'", text, what));
}

namespace {

std::optional<int64_t> PositiveOption(const OptionMap& options, std::string_view name,
                                      bool byte_size) {
  std::optional<std::string> text = GetOptionalString(options, name);
  if (!text) return std::nullopt;
  int64_t v = 0;
  try {
    v = byte_size ? ParseByteSize(*text, name) : std::stoll(*text);
    if (!byte_size && std::to_string(v) != *text) v = 0;
  } catch (const std::exception&) {
    v = 0;
  }
  if (v <= 0) {
    throw AnalysisError(
        fmt::format("Invalid value '{}' for option '{}', must be a positive integer", *text, name));
  }
  return v;
}

}  // namespace

FileStreamOptions FileStreamOptions::FromMap(const OptionMap& options) {
  FileStreamOptions out;
  out.max_files_per_trigger = PositiveOption(options, "maxFilesPerTrigger", false);
  out.max_bytes_per_trigger = PositiveOption(options, "maxBytesPerTrigger", true);
  if (out.max_files_per_trigger && out.max_bytes_per_trigger) {
    throw AnalysisError(
        "Options 'maxFilesPerTrigger' and 'maxBytesPerTrigger' can't be both set at the same "
        "time");
  }
  out.latest_first = GetBool(options, "latestFirst", false);
  out.max_file_age_ms = ParseDurationMs(GetString(options, "maxFileAge", "7d"), "maxFileAge");
  out.file_name_only = GetBool(options, "fileNameOnly", false);
  std::string clean = GetString(options, "cleanSource", "off");
  std::string lower;
  for (char c : clean) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "off") {
    out.clean_source = Cleanup::kOff;
  } else if (lower == "delete") {
    out.clean_source = Cleanup::kDelete;
  } else if (lower == "archive") {
    out.clean_source = Cleanup::kArchive;
    std::optional<std::string> dir = GetOptionalString(options, "sourceArchiveDir");
    if (!dir || dir->empty()) {
      throw AnalysisError(
          "Archive directory to store completed files should be set if "
          "'cleanSource' option is set to 'archive'.");
    }
    out.source_archive_dir = AbsolutePath(*dir).string();
  } else {
    throw AnalysisError(fmt::format(
        "Invalid mode for clean source option {}. Must be one of archive,delete,off", clean));
  }
  return out;
}

std::string FileSourceOffsetJson(int64_t log_offset) {
  return fmt::format("{{\"logOffset\":{}}}", log_offset);
}

int64_t ParseFileSourceOffset(const std::string& json) {
  try {
    nlohmann::json j = nlohmann::json::parse(json);
    if (j.is_number_integer()) return j.get<int64_t>();
    if (j.is_object() && j.contains("logOffset") && j["logOffset"].is_number_integer()) {
      return j["logOffset"].get<int64_t>();
    }
  } catch (const nlohmann::json::exception&) {
  }
  throw IoError("Invalid file source offset: " + json);
}

FileStreamSource::FileStreamSource(const FileSourceSpec& spec, const StreamSourceContext& ctx)
    : path_(spec.path),
      stream_options_(FileStreamOptions::FromMap(spec.options)),
      scanner_(spec.format, spec.options, spec.schema,
               ctx.session ? ctx.session->MakeEvalContext().time_zone : spec.time_zone,
               spec.batch_rows),
      ctx_(ctx),
      max_partition_bytes_(spec.max_partition_bytes),
      open_cost_bytes_(spec.open_cost_bytes),
      parallelism_(spec.parallelism),
      log_(ctx.metadata_dir, spec.source_log_compact_interval) {
  bool limited = stream_options_.max_files_per_trigger || stream_options_.max_bytes_per_trigger;
  max_age_ms_ =
      stream_options_.latest_first && limited ? INT64_MAX : stream_options_.max_file_age_ms;
  // Restore the seen files (Spark: metadataLog.restore() then purge).
  current_offset_ = log_.GetLatestBatchId().value_or(-1);
  for (const FileEntry& e : log_.AllFiles()) AddSeen(SeenKey(e.path), e.timestamp);
  PurgeSeen();
}

std::string FileStreamSource::Description() const {
  return "FileStreamSource[" + QualifiedPath(path_) + "]";
}

std::string FileStreamSource::SeenKey(const std::string& path) const {
  if (!stream_options_.file_name_only) return path;
  return FileUriToPath(path).filename().string();
}

bool FileStreamSource::IsNewFile(const std::string& key, int64_t timestamp) const {
  return timestamp >= last_purge_timestamp_ && !seen_.contains(key);
}

void FileStreamSource::AddSeen(const std::string& key, int64_t timestamp) {
  seen_[key] = timestamp;
  latest_timestamp_ = std::max(latest_timestamp_, timestamp);
}

void FileStreamSource::PurgeSeen() {
  if (max_age_ms_ == INT64_MAX) return;
  last_purge_timestamp_ = latest_timestamp_ - max_age_ms_;
  for (auto it = seen_.begin(); it != seen_.end();) {
    it = it->second < last_purge_timestamp_ ? seen_.erase(it) : std::next(it);
  }
}

std::vector<InputFile> FileStreamSource::ListFiles() const {
  ListingOptions listing = ListingOptions::FromMap(scanner_.options());
  return ListInputFiles(path_, listing, /*must_exist=*/false);
}

std::optional<std::string> FileStreamSource::LatestOffset(const std::optional<std::string>& start,
                                                          const ReadLimit& limit) {
  std::vector<InputFile> all = available_now_files_ ? *available_now_files_ : ListFiles();
  std::vector<InputFile> fresh;
  for (InputFile& f : all) {
    std::string uri = PathToFileUri(f.path);
    if (IsNewFile(SeenKey(uri), f.modification_time_ms)) fresh.push_back(std::move(f));
  }
  std::sort(fresh.begin(), fresh.end(), [](const InputFile& a, const InputFile& b) {
    if (a.modification_time_ms != b.modification_time_ms) {
      return a.modification_time_ms < b.modification_time_ms;
    }
    return a.path < b.path;
  });
  if (stream_options_.latest_first) std::reverse(fresh.begin(), fresh.end());

  std::vector<InputFile> batch;
  if (limit.all_available) {
    batch = std::move(fresh);
  } else if (stream_options_.max_files_per_trigger) {
    size_t n = std::min<size_t>(fresh.size(), *stream_options_.max_files_per_trigger);
    batch.assign(fresh.begin(), fresh.begin() + static_cast<std::ptrdiff_t>(n));
  } else if (stream_options_.max_bytes_per_trigger) {
    int64_t bytes = 0;
    for (InputFile& f : fresh) {
      if (!batch.empty() && bytes + f.size > *stream_options_.max_bytes_per_trigger) break;
      bytes += f.size;
      batch.push_back(std::move(f));
    }
  } else {
    batch = std::move(fresh);
  }

  std::vector<FileEntry> entries;
  for (const InputFile& f : batch) {
    std::string uri = PathToFileUri(f.path);
    AddSeen(SeenKey(uri), f.modification_time_ms);
    entries.push_back(FileEntry{uri, f.modification_time_ms, current_offset_ + 1});
    known_files_[f.path.string()] = f;
  }
  PurgeSeen();
  if (!entries.empty()) {
    ++current_offset_;
    if (!log_.Add(current_offset_, entries)) {
      throw IoError(fmt::format("Race while writing batch {} of the file source log in {}",
                                current_offset_, log_.dir().string()));
    }
  }
  if (current_offset_ < 0) return std::nullopt;
  return FileSourceOffsetJson(current_offset_);
}

InputFile FileStreamSource::ResolveEntry(const FileEntry& entry) {
  fs::path path = AbsolutePath(FileUriToPath(entry.path).string());
  auto it = known_files_.find(path.string());
  if (it == known_files_.end()) {
    // After a restart: list again to recover partition values; else stat the file alone.
    for (InputFile& f : ListFiles()) known_files_.emplace(f.path.string(), std::move(f));
    it = known_files_.find(path.string());
  }
  if (it != known_files_.end()) return it->second;
  InputFile f;
  f.path = path;
  f.modification_time_ms = entry.timestamp;
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  f.size = ec ? 0 : static_cast<int64_t>(size);
  return f;
}

std::vector<Partition> FileStreamSource::GetBatch(const std::optional<std::string>& start,
                                                  const std::string& end) {
  int64_t from = start ? ParseFileSourceOffset(*start) : -1;
  int64_t to = ParseFileSourceOffset(end);
  std::vector<InputFile> files;
  for (int64_t id = from + 1; id <= to; ++id) {
    std::optional<std::vector<FileEntry>> entries = log_.Get(id);
    if (!entries) {
      throw IoError(
          fmt::format("Batch {} of the file source log in {} is missing", id, log_.dir().string()));
    }
    for (const FileEntry& e : *entries) {
      if (e.batch_id == id) files.push_back(ResolveEntry(e));
    }
  }
  auto groups = PackFilePartitions(std::move(files), max_partition_bytes_, open_cost_bytes_,
                                   parallelism_, scanner_.IsSplittable());
  ThreadPool* pool = ctx_.session ? &ctx_.session->pool() : nullptr;
  last_counts_ = ReadCounts();
  return scanner_.ReadPartitions(groups, pool, &last_counts_);
}

void FileStreamSource::Commit(const std::string& end) {
  if (stream_options_.clean_source == FileStreamOptions::Cleanup::kOff) return;
  int64_t id = ParseFileSourceOffset(end);
  std::optional<std::vector<FileEntry>> entries = log_.Get(id);
  if (!entries) return;
  for (const FileEntry& e : *entries) {
    if (e.batch_id != id) continue;
    fs::path src = FileUriToPath(e.path);
    std::error_code ec;
    if (!fs::exists(src, ec)) continue;
    if (stream_options_.clean_source == FileStreamOptions::Cleanup::kDelete) {
      fs::remove(src, ec);
    } else {
      fs::path dst = fs::path(stream_options_.source_archive_dir) / src.relative_path();
      fs::create_directories(dst.parent_path(), ec);
      fs::rename(src, dst, ec);
    }
    // Cleanup failures are not fatal in Spark either (logged, retried never).
  }
}

void FileStreamSource::PrepareForAvailableNow() { available_now_files_ = ListFiles(); }

}  // namespace sluice
