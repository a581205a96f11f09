// InputBuffer: the bytes of one input (a file or an in-memory string) with a name for error
// messages, followed by zeroed padding so that SIMD parsers (simdjson) may read past the end.
//
// A buffer made by FromFile checks at once that the file can be opened, but loads the bytes only
// when data(), size() or view() is first called. Readers that can stream (JsonReader) instead read
// the file in chunks through OpenStream() and never hold the whole file in memory.
//
// Logically immutable after construction; safe to share between threads for reading (the lazy
// load is synchronized).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace sluice {

class InputBuffer {
 public:
  /// Bytes readable past size() (at least simdjson's SIMDJSON_PADDING).
  static constexpr size_t kPadding = 128;

  /// A file input. Throws IoError naming the path if the file cannot be opened. The bytes are read
  /// on the first data()/size()/view() call (which throws IoError if reading fails then).
  static std::shared_ptr<const InputBuffer> FromFile(const std::string& path);
  /// Copies `data`; `source_name` is used in error messages ("<memory>" if empty).
  static std::shared_ptr<const InputBuffer> FromString(std::string_view data,
                                                       std::string source_name = "");

  const char* data() const {
    EnsureLoaded();
    return data_;
  }
  size_t size() const {
    EnsureLoaded();
    return size_;
  }
  std::string_view view() const { return std::string_view(data(), size()); }
  const std::string& source_name() const { return source_name_; }

  /// True for a FromFile buffer whose bytes have not been loaded: a streaming reader should read
  /// the file with OpenStream() rather than call data(), which would load all of it.
  bool IsUnloadedFile() const { return !path_.empty() && !loaded_.load(std::memory_order_acquire); }
  /// Opens the file of a FromFile buffer for sequential reading; returns the file descriptor (the
  /// caller closes it). Throws IoError naming the path. REQUIRES: made by FromFile.
  int OpenStream() const;

  InputBuffer(std::string bytes, size_t size, std::string source_name);
  ~InputBuffer();
  InputBuffer(const InputBuffer&) = delete;
  InputBuffer& operator=(const InputBuffer&) = delete;

 private:
  struct FileTag {};
  InputBuffer(FileTag, std::string path);
  void EnsureLoaded() const {
    if (!loaded_.load(std::memory_order_acquire)) Load();
  }
  void Load() const;

  // Either bytes_ (strings) or heap_ (files, loaded lazily) holds the data plus padding.
  mutable std::string bytes_;
  mutable std::unique_ptr<char[]> heap_;
  mutable const char* data_ = nullptr;
  mutable size_t size_ = 0;
  mutable std::atomic<bool> loaded_{false};
  mutable std::mutex load_mu_;
  std::string path_;  // FromFile only
  std::string source_name_;
};

using InputBufferPtr = std::shared_ptr<const InputBuffer>;

/// Reads until `n` bytes are read or end of file; returns the bytes read. Throws IoError naming
/// `path` on a read error (EINTR is retried).
size_t ReadFully(int fd, char* dst, size_t n, const std::string& path);

}  // namespace sluice
