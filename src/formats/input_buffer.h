// InputBuffer: the bytes of one input (a file or an in-memory string) with a name for error
// messages, followed by zeroed padding so that SIMD parsers (simdjson) may read past the end.
// Immutable after construction; safe to share between threads for reading.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace sluice {

class InputBuffer {
 public:
  /// Bytes readable past size() (at least simdjson's SIMDJSON_PADDING).
  static constexpr size_t kPadding = 128;

  /// Reads the whole file. Throws IoError naming the path.
  static std::shared_ptr<const InputBuffer> FromFile(const std::string& path);
  /// Copies `data`; `source_name` is used in error messages ("<memory>" if empty).
  static std::shared_ptr<const InputBuffer> FromString(std::string_view data,
                                                       std::string source_name = "");

  const char* data() const { return bytes_.data(); }
  size_t size() const { return size_; }
  std::string_view view() const { return std::string_view(bytes_.data(), size_); }
  const std::string& source_name() const { return source_name_; }

  InputBuffer(std::string bytes, size_t size, std::string source_name)
      : bytes_(std::move(bytes)), size_(size), source_name_(std::move(source_name)) {}

 private:
  std::string bytes_;  // size_ bytes of data followed by kPadding zero bytes
  size_t size_;
  std::string source_name_;
};

using InputBufferPtr = std::shared_ptr<const InputBuffer>;

}  // namespace sluice
