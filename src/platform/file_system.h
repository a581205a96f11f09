// Small, synchronous file-system functions over std::filesystem and POSIX, used by the checkpoint
// logs, the file source and the file sink. Every failure throws IoError whose message names the
// operation, the path and the system error text.
//
// Thread-safe: the functions keep no state. Atomicity guarantees are those of the local POSIX file
// system (rename(2) and link(2) are atomic within one directory).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/// Returns the whole content of the file at `path`.
std::string ReadFile(const std::filesystem::path& path);

/// Replaces (or creates) `path` with `content` atomically: readers see either the old or the new
/// content, never a partial file. Writes a hidden temp file in the same directory, fsyncs it,
/// renames it over `path` and fsyncs the directory. The parent directory must exist.
void WriteFileAtomic(const std::filesystem::path& path, std::string_view content);

/// WriteFileAtomic for content produced piece by piece: the pieces go to a hidden temp file beside
/// `path` as they are appended (nothing is buffered), and Commit() fsyncs it, renames it over `path`
/// and fsyncs the directory. Destroyed without Commit (an exception while writing), the temp file
/// is removed and `path` is untouched. Not thread-safe.
class AtomicFileWriter {
 public:
  /// Creates the temp file. The parent directory must exist.
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void Append(std::string_view bytes);
  /// Makes the file visible at `path`, durably. Append and Commit may not be called afterwards.
  void Commit();
  /// Bytes appended so far.
  int64_t bytes() const { return bytes_; }

 private:
  std::filesystem::path path_, tmp_;
  int fd_ = -1;
  int64_t bytes_ = 0;
  bool committed_ = false;
};

/// Creates `path` with `content` only if no file of that name exists, atomically: of several
/// concurrent callers exactly one returns true, and readers never see a partial file. Returns false
/// (leaving the existing file untouched) if `path` already exists. The parent directory must exist.
bool CreateFileExclusive(const std::filesystem::path& path, std::string_view content);

/// Returns the regular files under `dir` (descending into subdirectories if `recursive`), sorted by
/// path. Throws IoError if `dir` does not exist or is not a directory.
std::vector<std::filesystem::path> ListFiles(const std::filesystem::path& dir,
                                             bool recursive = false);

/// Creates `dir` and its missing parents; does nothing if it already exists as a directory.
void MakeDirs(const std::filesystem::path& dir);

/// Removes `path` recursively; does nothing if it does not exist. Returns the number of entries
/// removed.
uint64_t RemoveAll(const std::filesystem::path& path);

/// Removes the file `path`; returns false if it did not exist.
bool RemoveFile(const std::filesystem::path& path);

/// Returns whether anything (file, directory, ...) exists at `path`.
bool Exists(const std::filesystem::path& path);

/// Returns whether `path` is an existing directory.
bool IsDirectory(const std::filesystem::path& path);

/// Returns the size in bytes of the regular file `path`.
uint64_t FileSize(const std::filesystem::path& path);

/// Returns the last modification time of `path` in milliseconds since the Unix epoch.
int64_t ModificationTimeMs(const std::filesystem::path& path);

/// Creates a fresh, empty directory `<parent>/<prefix>XXXXXX` (mkdtemp) and returns its path.
/// `parent` defaults to std::filesystem::temp_directory_path().
std::filesystem::path MakeTempDirectory(std::string_view prefix,
                                        const std::filesystem::path& parent = {});

/// Returns the "file:///abs/path" URI of `path` as Spark writes it in its file logs: the path is made
/// absolute and lexically normalized, and bytes other than unreserved characters and '/' are
/// percent-encoded (so a space becomes "%20").
std::string PathToFileUri(const std::filesystem::path& path);

/// Inverse of PathToFileUri. Accepts "file:///p", "file:/p", "file://localhost/p" and plain paths
/// (returned unchanged); decodes percent escapes. Throws IoError for other schemes.
std::filesystem::path FileUriToPath(std::string_view uri);

}  // namespace sluice
