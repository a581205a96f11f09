#include "streaming/checkpoint/checkpoint.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "platform/file_system.h"
#include "platform/uuid.h"
#include "sluice/exception.h"

namespace sluice {

namespace {

std::filesystem::path MakeRoot(std::filesystem::path root) {
  MakeDirs(root);
  return root;
}

}  // namespace

Checkpoint::Checkpoint(std::filesystem::path root)
    : root_(MakeRoot(std::move(root))),
      offsets_(root_ / "offsets"),
      commits_(root_ / "commits"),
      query_id_(ReadOrCreateQueryId()) {}

std::string Checkpoint::ReadOrCreateQueryId() const {
  const std::filesystem::path path = MetadataPath();
  if (!Exists(path)) {
    nlohmann::json meta = {{"id", GenerateUuid()}};
    CreateFileExclusive(path, meta.dump());  // a concurrent creator may win; read back below
  }
  const std::string text = ReadFile(path);
  nlohmann::json meta = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (meta.is_discarded() || !meta.is_object()) {
    throw IoError(fmt::format("corrupt checkpoint metadata file '{}': not a JSON object",
                              path.string()));
  }
  auto it = meta.find("id");
  if (it == meta.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw IoError(fmt::format("corrupt checkpoint metadata file '{}': missing string \"id\"",
                              path.string()));
  }
  return it->get<std::string>();
}

std::filesystem::path Checkpoint::SourcePath(int source_index) const {
  if (source_index < 0) throw InternalError(fmt::format("negative source index {}", source_index));
  return root_ / "sources" / std::to_string(source_index);
}

void Checkpoint::Purge(int64_t min_batches_to_retain) const {
  if (min_batches_to_retain < 1) {
    throw InternalError(fmt::format("minBatchesToRetain must be >= 1, got {}",
                                    min_batches_to_retain));
  }
  auto latest = offsets_.GetLatestBatchId();
  if (!latest) return;
  const int64_t threshold = *latest - min_batches_to_retain + 1;
  if (threshold <= 0) return;
  offsets_.Purge(threshold);
  commits_.Purge(threshold);
}

}  // namespace sluice
