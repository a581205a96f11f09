#include "connectors/memory/memory_stream.h"

#include <atomic>
#include <fmt/format.h>

#include "api/session_state.h"
#include "plan/logical_plan.h"
#include "sluice/exception.h"

namespace sluice {

namespace {

std::atomic<int> next_stream_id{0};

int64_t ParseOffset(const std::optional<std::string>& s) {
  if (!s) return 0;
  try {
    return std::stoll(*s);
  } catch (const std::exception&) {
    throw IoError(fmt::format("invalid MemoryStream offset '{}' in the offset log", *s));
  }
}

class MemoryStreamSource : public StreamSource {
 public:
  MemoryStreamSource(std::shared_ptr<MemoryStream::Impl> impl, std::function<void()> notify)
      : impl_(std::move(impl)), notify_(std::make_shared<std::function<void()>>(std::move(notify))) {
    std::lock_guard<std::mutex> l(impl_->mu);
    impl_->watchers.push_back(notify_);
  }
  std::string Description() const override { return fmt::format("MemoryStream[{}]", impl_->id); }
  std::optional<std::string> LatestOffset(const std::optional<std::string>& start,
                                          const ReadLimit&) override {
    std::lock_guard<std::mutex> l(impl_->mu);
    int64_t n = static_cast<int64_t>(impl_->rows.size());
    if (available_now_target_ >= 0) n = std::min(n, available_now_target_);
    if (n == 0 && !start) return std::nullopt;
    return std::to_string(n);
  }
  std::vector<Partition> GetBatch(const std::optional<std::string>& start,
                                  const std::string& end) override {
    int64_t b = ParseOffset(start), e = ParseOffset(end);
    std::vector<std::vector<Value>> rows;
    {
      std::lock_guard<std::mutex> l(impl_->mu);
      if (e > static_cast<int64_t>(impl_->rows.size()) || b > e) {
        throw IoError(fmt::format("MemoryStream offsets ({}, {}] are not available (have {} rows)", b,
                                  e, impl_->rows.size()));
      }
      rows.assign(impl_->rows.begin() + b, impl_->rows.begin() + e);
    }
    int np = std::max(1, impl_->num_partitions);
    std::vector<Partition> parts(np);
    size_t per = (rows.size() + np - 1) / np;
    for (int p = 0; p < np; ++p) {
      size_t lo = std::min(rows.size(), p * per), hi = std::min(rows.size(), lo + per);
      if (lo < hi) {
        std::vector<std::vector<Value>> slice(rows.begin() + lo, rows.begin() + hi);
        parts[p].push_back(RecordBatch::FromRows(impl_->schema, slice));
      }
    }
    return parts;
  }
  void PrepareForAvailableNow() override {
    std::lock_guard<std::mutex> l(impl_->mu);
    available_now_target_ = static_cast<int64_t>(impl_->rows.size());
  }

 private:
  std::shared_ptr<MemoryStream::Impl> impl_;
  std::shared_ptr<std::function<void()>> notify_;
  int64_t available_now_target_ = -1;
};

}  // namespace

std::string MemoryStreamRelation::Description() const {
  return fmt::format("MemoryStream[{}]", impl_->id);
}

std::unique_ptr<StreamSource> MemoryStreamRelation::CreateStream(const StreamSourceContext& ctx) const {
  return std::make_unique<MemoryStreamSource>(impl_, ctx.notify_new_data);
}

MemoryStream::MemoryStream(std::shared_ptr<SessionState> s, TypePtr schema, int num_partitions)
    : session_(std::move(s)), impl_(std::make_shared<Impl>()) {
  if (schema->id() != TypeId::kStruct) throw AnalysisError("MemoryStream needs a STRUCT schema");
  impl_->schema = std::move(schema);
  impl_->num_partitions = num_partitions;
  impl_->id = next_stream_id++;
}

int64_t MemoryStream::addData(const std::vector<std::vector<Value>>& rows) {
  std::vector<std::shared_ptr<std::function<void()>>> watchers;
  int64_t n;
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    size_t ncols = impl_->schema->fields().size();
    for (const auto& r : rows) {
      if (r.size() != ncols) {
        throw AnalysisError(fmt::format("MemoryStream.addData: a row has {} values, the schema {} columns",
                                        r.size(), ncols));
      }
      impl_->rows.push_back(r);
    }
    n = static_cast<int64_t>(impl_->rows.size());
    for (auto it = impl_->watchers.begin(); it != impl_->watchers.end();) {
      if (auto w = it->lock()) {
        watchers.push_back(w);
        ++it;
      } else {
        it = impl_->watchers.erase(it);
      }
    }
  }
  for (const auto& w : watchers) {
    if (*w) (*w)();
  }
  return n;
}

DataFrame MemoryStream::toDF() const {
  return DataFrame(session_, MakeSourcePlan(std::make_shared<MemoryStreamRelation>(impl_), /*streaming=*/true));
}

const TypePtr& MemoryStream::schema() const { return impl_->schema; }

}  // namespace sluice
