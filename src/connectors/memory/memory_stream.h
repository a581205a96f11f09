// MemoryStream's data and its streaming source. Rows added from C++ form the stream; offsets are
// row counts (a JSON number), so a query reads rows (start, end] in every batch and a restarted
// query re-reads exactly the rows of a re-run batch. Thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "plan/relation_source.h"
#include "sluice/session.h"

namespace sluice {

struct MemoryStream::Impl {
  TypePtr schema;
  int num_partitions = 1;
  int id = 0;
  std::mutex mu;
  std::vector<std::vector<Value>> rows;                     // GUARDED_BY(mu)
  std::vector<std::weak_ptr<std::function<void()>>> watchers;  // GUARDED_BY(mu)
};

class MemoryStreamRelation : public RelationSource {
 public:
  explicit MemoryStreamRelation(std::shared_ptr<MemoryStream::Impl> impl) : impl_(std::move(impl)) {}
  TypePtr schema() const override { return impl_->schema; }
  bool is_streaming() const override { return true; }
  std::string Description() const override;
  std::unique_ptr<StreamSource> CreateStream(const StreamSourceContext& ctx) const override;

 private:
  std::shared_ptr<MemoryStream::Impl> impl_;
};

}  // namespace sluice
