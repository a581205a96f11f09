#include "formats/input_buffer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "sluice/exception.h"

namespace sluice {

std::shared_ptr<const InputBuffer> InputBuffer::FromFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    throw IoError("cannot open file " + path + ": " + std::strerror(errno));
  }
  std::string bytes;
  size_t size = 0;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    long end = std::ftell(f);
    if (end > 0) bytes.reserve(static_cast<size_t>(end) + kPadding);
    std::fseek(f, 0, SEEK_SET);
  }
  char chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f)) > 0) bytes.append(chunk, n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw IoError("cannot read file " + path);
  size = bytes.size();
  bytes.append(kPadding, '\0');
  return std::make_shared<const InputBuffer>(std::move(bytes), size, path);
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
