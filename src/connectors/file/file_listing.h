// File listing for the file sources, as Spark's InMemoryFileIndex / MetadataLogFileIndex find the
// input files of a path:
//   - a path is a file, a directory (listed recursively: every leaf file below it) or a glob
//     pattern (`*`, `?`, `[abc]`, `[a-z]`, `{x,y}` in any path component);
//   - names starting with `_` or `.` (files and directories) are hidden and skipped, except
//     `_col=value` partition directories; names ending in `._COPYING_` too;
//   - `pathGlobFilter` keeps only leaf files whose name matches the pattern;
//   - a directory holding a file sink manifest (`_spark_metadata`) lists exactly the files the
//     manifest commits (for batch reads), so readers see only complete batches;
//   - `col=value` directories between the base path and a file give the file's partition values
//     (Hive escaping undone; `__HIVE_DEFAULT_PARTITION__` means NULL), unless recursiveFileLookup.
// Thread-safe: functions only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/read_options.h"

namespace sluice {

/// Hive's name for the directory of a NULL (or empty string) partition value.
inline constexpr const char* kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

/// One input file with what the sources need to know about it.
struct InputFile {
  std::filesystem::path path;  ///< absolute, lexically normal
  int64_t size = 0;
  int64_t modification_time_ms = 0;
  /// (column, value) from `column=value` directories, outermost first; value nullopt for NULL.
  std::vector<std::pair<std::string, std::optional<std::string>>> partition_values;
  /// A byte range of the file to read (a split of a large line-based file): the lines starting
  /// in [start, start + length). length < 0: the whole file.
  int64_t start = 0;
  int64_t length = -1;

  bool IsWholeFile() const { return length < 0 || (start == 0 && length >= size); }
};

/// The listing-related data source options.
struct ListingOptions {
  std::optional<std::string> path_glob_filter;  ///< pathGlobFilter
  bool recursive_file_lookup = false;           ///< recursiveFileLookup: no partition discovery
  std::optional<std::string> base_path;         ///< basePath: root for partition discovery
  /// Batch reads honour a `_spark_metadata` manifest; the streaming source lists plainly.
  bool use_sink_manifest = true;

  static ListingOptions FromMap(const OptionMap& options);
};

/// Returns whether `path` contains glob metacharacters (`*?[{`).
bool IsGlobPath(std::string_view path);

/// Returns whether Spark skips a file or directory of this name when listing.
bool IsHiddenName(std::string_view name);

/// Spark's display form of a local path: "file:/abs/path" (absolute, normalized).
std::string QualifiedPath(const std::filesystem::path& path);

/// The absolute, lexically normal form of `path` (a "file:" URI prefix is accepted).
std::filesystem::path AbsolutePath(std::string_view path);

/// Lists the input files of `path`, sorted by path. A missing path (or a glob matching nothing)
/// gives AnalysisError "[PATH_NOT_FOUND] Path does not exist: file:/...." when `must_exist`, else
/// no files.
std::vector<InputFile> ListInputFiles(std::string_view path, const ListingOptions& options,
                                      bool must_exist);

/// Matches one path component against a glob pattern (`*`, `?`, `[...]`, `{a,b}`).
bool GlobMatch(std::string_view pattern, std::string_view name);

/// Hive's ExternalCatalogUtils.escapePathName / unescapePathName for partition directory names.
std::string EscapePartitionPathName(std::string_view name);
std::string UnescapePartitionPathName(std::string_view name);

}  // namespace sluice
