#include "formats/input_buffer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sluice/exception.h"

namespace sluice {

namespace {

int OpenOrThrow(const std::string& path) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw IoError("cannot open file " + path + ": " + std::strerror(errno));
  return fd;
}

struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

}  // namespace

size_t ReadFully(int fd, char* dst, size_t n, const std::string& path) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::read(fd, dst + done, n - done);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw IoError("cannot read file " + path + ": " + std::strerror(errno));
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

InputBuffer::InputBuffer(std::string bytes, size_t size, std::string source_name)
    : bytes_(std::move(bytes)), size_(size), source_name_(std::move(source_name)) {
  data_ = bytes_.data();
  loaded_.store(true, std::memory_order_release);
}

InputBuffer::InputBuffer(FileTag, std::string path) : path_(path), source_name_(std::move(path)) {}

InputBuffer::~InputBuffer() = default;

std::shared_ptr<const InputBuffer> InputBuffer::FromFile(const std::string& path) {
  ::close(OpenOrThrow(path));  // fail early, as a reader of the whole file would
  return std::shared_ptr<const InputBuffer>(new InputBuffer(FileTag{}, path));
}

int InputBuffer::OpenStream() const {
  int fd = OpenOrThrow(path_);
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  return fd;
}

void InputBuffer::Load() const {
  std::lock_guard<std::mutex> lock(load_mu_);
  if (loaded_.load(std::memory_order_relaxed)) return;
  FdCloser f{OpenOrThrow(path_)};
  struct stat st;
  size_t capacity = 1 << 16;
  if (::fstat(f.fd, &st) == 0 && st.st_size > 0) capacity = static_cast<size_t>(st.st_size) + 1;
  // Read straight into one buffer sized from fstat (+1 to see end of file without a regrow);
  // grows only if the file grew meanwhile.
  std::unique_ptr<char[]> buf(new char[capacity + kPadding]);
  size_t size = 0;
  while (true) {
    size += ReadFully(f.fd, buf.get() + size, capacity - size, path_);
    if (size < capacity) break;
    size_t bigger = capacity * 2;
    std::unique_ptr<char[]> grown(new char[bigger + kPadding]);
    std::memcpy(grown.get(), buf.get(), size);
    buf = std::move(grown);
    capacity = bigger;
  }
  std::memset(buf.get() + size, 0, kPadding);
  heap_ = std::move(buf);
  data_ = heap_.get();
  size_ = size;
  loaded_.store(true, std::memory_order_release);
}

std::shared_ptr<const InputBuffer> InputBuffer::FromString(std::string_view data,
                                                           std::string source_name) {
  std::string bytes;
  bytes.reserve(data.size() + kPadding);
  bytes.append(data);
  bytes.append(kPadding, '\0');
  if (source_name.empty()) source_name = "<memory>";
  return std::make_shared<const InputBuffer>(std::move(bytes), data.size(),
                                             std::move(source_name));
}

}  // namespace sluice
