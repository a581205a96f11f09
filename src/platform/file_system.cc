#include "platform/file_system.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "sluice/exception.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void ThrowErrno(std::string_view op, const fs::path& path, int err) {
  throw IoError(fmt::format("{} '{}': {}", op, path.string(), std::strerror(err)));
}

[[noreturn]] void ThrowEc(std::string_view op, const fs::path& path, const std::error_code& ec) {
  throw IoError(fmt::format("{} '{}': {}", op, path.string(), ec.message()));
}

// Closes the descriptor on scope exit unless released.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// Removes the temp file on scope exit unless it was consumed by a rename.
class TempRemover {
 public:
  explicit TempRemover(fs::path p) : path_(std::move(p)) {}
  ~TempRemover() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  void Dismiss() { path_.clear(); }

 private:
  fs::path path_;
};

fs::path ParentOrDot(const fs::path& path) {
  fs::path parent = path.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

// Returns a temp-file path beside `path`, hidden and ending in ".tmp" so log readers skip it.
fs::path TempPathFor(const fs::path& path) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return ParentOrDot(path) /
         fmt::format(".{}.{:016x}.tmp", path.filename().string(), static_cast<uint64_t>(rng()));
}

// Writes all of data[0, n) to fd (a file being written for `path`).
void WriteAll(int fd, const char* data, size_t n, const fs::path& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("cannot write", path, errno);
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
}

// Writes `content` into a new temp file beside `path`, fsynced; returns the temp path.
fs::path WriteTempFile(const fs::path& path, std::string_view content) {
  const fs::path tmp = TempPathFor(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) ThrowErrno("cannot create temp file for", path, errno);
  FdCloser closer(fd);
  TempRemover remover(tmp);
  WriteAll(fd, content.data(), content.size(), tmp);
  if (::fsync(fd) != 0) ThrowErrno("cannot fsync", tmp, errno);
  if (::close(closer.Release()) != 0) ThrowErrno("cannot close", tmp, errno);
  remover.Dismiss();
  return tmp;
}

// Best effort: makes a rename or link in `dir` durable. Some file systems refuse fsync on a
// directory; the data itself is already synced, so failures are ignored.
void SyncDirectory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// rename(2) that fails with EEXIST instead of replacing; returns 0 or an errno value.
int RenameNoReplace(const fs::path& from, const fs::path& to) {
#if defined(__linux__) && defined(SYS_renameat2)
  constexpr unsigned kRenameNoReplace = 1;  // RENAME_NOREPLACE from <linux/fs.h>
  if (::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), kRenameNoReplace) ==
      0) {
    return 0;
  }
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) return errno;
#endif
  // Fallback: link(2) never replaces an existing name.
  if (::link(from.c_str(), to.c_str()) != 0) return errno;
  ::unlink(from.c_str());
  return 0;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string ReadFile(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) ThrowErrno("cannot open", path, errno);
  FdCloser closer(fd);
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("cannot read", path, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void WriteFileAtomic(const fs::path& path, std::string_view content) {
  AtomicFileWriter writer(path);
  writer.Append(content);
  writer.Commit();
}

AtomicFileWriter::AtomicFileWriter(fs::path path) : path_(std::move(path)), tmp_(TempPathFor(path_)) {
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) ThrowErrno("cannot create temp file for", path_, errno);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicFileWriter::Append(std::string_view bytes) {
  if (fd_ < 0) throw IoError(fmt::format("cannot write {}: the file is already committed", path_.string()));
  WriteAll(fd_, bytes.data(), bytes.size(), tmp_);
  bytes_ += static_cast<int64_t>(bytes.size());
}

void AtomicFileWriter::Commit() {
  if (fd_ < 0) throw IoError(fmt::format("cannot commit {} twice", path_.string()));
  if (::fsync(fd_) != 0) ThrowErrno("cannot fsync", tmp_, errno);
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) ThrowErrno("cannot close", tmp_, errno);
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) ThrowErrno("cannot rename temp file to", path_, errno);
  committed_ = true;
  SyncDirectory(ParentOrDot(path_));
}

bool CreateFileExclusive(const fs::path& path, std::string_view content) {
  // Cheap early exit; the rename below is what actually arbitrates between racing writers.
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) return false;
  const fs::path tmp = WriteTempFile(path, content);
  TempRemover remover(tmp);
  const int err = RenameNoReplace(tmp, path);
  if (err == EEXIST) return false;
  if (err != 0) ThrowErrno("cannot create", path, err);
  SyncDirectory(ParentOrDot(path));
  return true;
}

std::vector<fs::path> ListFiles(const fs::path& dir, bool recursive) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) ThrowErrno("cannot list", dir, errno);
  if (!S_ISDIR(st.st_mode)) ThrowErrno("cannot list", dir, ENOTDIR);
  std::error_code ec;
  std::vector<fs::path> out;
  auto visit = [&](const fs::directory_entry& entry) {
    std::error_code type_ec;
    if (entry.is_regular_file(type_ec)) out.push_back(entry.path());
  };
  if (recursive) {
    fs::recursive_directory_iterator it(dir, ec), end;
    if (ec) ThrowEc("cannot list", dir, ec);
    for (; it != end; it.increment(ec)) {
      if (ec) ThrowEc("cannot list", dir, ec);
      visit(*it);
    }
    if (ec) ThrowEc("cannot list", dir, ec);
  } else {
    fs::directory_iterator it(dir, ec), end;
    if (ec) ThrowEc("cannot list", dir, ec);
    for (; it != end; it.increment(ec)) {
      if (ec) ThrowEc("cannot list", dir, ec);
      visit(*it);
    }
    if (ec) ThrowEc("cannot list", dir, ec);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void MakeDirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  // Another thread creating the same directory at the same time is not an error.
  if (ec && !fs::is_directory(dir)) ThrowEc("cannot create directory", dir, ec);
  if (!fs::is_directory(dir, ec)) ThrowErrno("cannot create directory", dir, ENOTDIR);
}

uint64_t RemoveAll(const fs::path& path) {
  std::error_code ec;
  const auto n = fs::remove_all(path, ec);
  if (ec) ThrowEc("cannot remove", path, ec);
  return static_cast<uint64_t>(n);
}

bool RemoveFile(const fs::path& path) {
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  ThrowErrno("cannot remove", path, errno);
}

bool Exists(const fs::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  ThrowErrno("cannot stat", path, errno);
}

bool IsDirectory(const fs::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return S_ISDIR(st.st_mode);
  if (errno == ENOENT || errno == ENOTDIR) return false;
  ThrowErrno("cannot stat", path, errno);
}

uint64_t FileSize(const fs::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) ThrowErrno("cannot stat", path, errno);
  if (S_ISDIR(st.st_mode)) ThrowErrno("cannot get the size of", path, EISDIR);
  return static_cast<uint64_t>(st.st_size);
}

int64_t ModificationTimeMs(const fs::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) ThrowErrno("cannot stat", path, errno);
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

fs::path MakeTempDirectory(std::string_view prefix, const fs::path& parent) {
  fs::path base = parent;
  if (base.empty()) {
    std::error_code ec;
    base = fs::temp_directory_path(ec);
    if (ec) ThrowEc("cannot find the temp directory", "", ec);
  }
  std::string templ = (base / (std::string(prefix) + "XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) ThrowErrno("cannot create temp directory", templ, errno);
  return fs::path(templ);
}

std::string PathToFileUri(const fs::path& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  if (ec) ThrowEc("cannot make absolute", path, ec);
  abs = abs.lexically_normal();
  std::string out = "file://";
  for (unsigned char c : abs.generic_string()) {
    if (IsUnreserved(c) || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

fs::path FileUriToPath(std::string_view uri) {
  std::string_view rest = uri;
  if (rest.rfind("file:", 0) == 0) {
    rest.remove_prefix(5);
    if (rest.rfind("//", 0) == 0) {
      rest.remove_prefix(2);
      // Authority: empty or "localhost"; anything else is a remote host we cannot read.
      const size_t slash = rest.find('/');
      std::string_view host = rest.substr(0, slash);
      if (!host.empty() && host != "localhost") {
        throw IoError(fmt::format("unsupported file URI host in '{}'", uri));
      }
      rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    }
  } else {
    const size_t colon = rest.find(':');
    const size_t slash = rest.find('/');
    if (colon != std::string_view::npos && colon > 1 &&
        (slash == std::string_view::npos || colon < slash)) {
      throw IoError(fmt::format("unsupported URI scheme in '{}': only file: is supported", uri));
    }
    return fs::path(std::string(rest));
  }
  std::string out;
  out.reserve(rest.size());
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && HexValue(rest[i + 1]) >= 0 &&
        HexValue(rest[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(rest[i + 1]) * 16 + HexValue(rest[i + 2])));
      i += 2;
    } else {
      out.push_back(rest[i]);
    }
  }
  return fs::path(out);
}

}  // namespace sluice
