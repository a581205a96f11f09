#include "exec/partial_groups.h"

#include <numeric>

namespace sluice {

PartialGroups::PartialGroups(std::vector<TypePtr> key_types, bool pass_through)
    : pass_through_(pass_through && !key_types.empty()) {
  if (pass_through_) {
    for (const auto& t : key_types) keys_.push_back(std::make_shared<Vector>(t));
  } else {
    table_.emplace(std::move(key_types));
  }
}

void PartialGroups::Reserve(size_t n) {
  if (!pass_through_) {
    table_->Reserve(n);
    return;
  }
  for (auto& k : keys_) k->Reserve(n);
}

void PartialGroups::Assign(const std::vector<VectorPtr>& keys, size_t n, std::vector<uint32_t>* ids,
                           const uint64_t* hashes) {
  if (!pass_through_) {
    table_->FindOrInsert(keys, n, ids, hashes);
    return;
  }
  for (size_t c = 0; c < keys_.size(); ++c) keys_[c]->AppendRange(*keys[c], 0, n);
  ids->resize(n);
  std::iota(ids->begin(), ids->end(), static_cast<uint32_t>(size_));
  size_ += n;
}

}  // namespace sluice
