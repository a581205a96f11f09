#include "exec/window_expand.h"

#include <fmt/format.h>

#include "expr/evaluator.h"
#include "types/datetime.h"

namespace sluice {

namespace {
int64_t FloorMod(int64_t a, int64_t b) {
  int64_t m = a % b;
  return m < 0 ? m + b : m;
}
}  // namespace

WindowExpand::WindowExpand(TypePtr schema, std::unique_ptr<PhysicalOperator> child, ExprPtr time,
                           int64_t window_micros, int64_t slide_micros, int64_t start_micros)
    : PhysicalOperator(std::move(schema), {}),
      time_(std::move(time)),
      window_(window_micros),
      slide_(slide_micros),
      start_(start_micros) {
  children_.push_back(std::move(child));
}

RecordBatchPtr WindowExpand::Apply(const RecordBatchPtr& chunk, const EvalContext& ctx) const {
  VectorPtr t = Evaluate(*time_, *chunk, ctx);
  SelectionVector sel;
  std::vector<int64_t> starts;
  size_t n = chunk->num_rows();
  sel.reserve(n);
  starts.reserve(n);
  int64_t max_overlap = (window_ + slide_ - 1) / slide_;
  for (size_t i = 0; i < n; ++i) {
    if (t->IsNull(i)) continue;
    int64_t ts = t->Get<int64_t>(i);
    int64_t last_start = ts - FloorMod(ts - start_, slide_);
    for (int64_t k = max_overlap - 1; k >= 0; --k) {
      int64_t ws = last_start - k * slide_;
      if (ws <= ts && ts < ws + window_) {
        sel.push_back(static_cast<uint32_t>(i));
        starts.push_back(ws);
      }
    }
  }
  std::vector<VectorPtr> cols;
  for (const auto& c : chunk->columns()) cols.push_back(sel.size() == n && max_overlap == 1 ? c : c->Take(sel));
  const TypePtr& wtype = schema_->fields().back().type;
  auto w = std::make_shared<Vector>(wtype);
  auto s = std::make_shared<Vector>(wtype->fields()[0].type);
  auto e = std::make_shared<Vector>(wtype->fields()[1].type);
  s->Resize(sel.size());
  e->Resize(sel.size());
  for (size_t i = 0; i < sel.size(); ++i) {
    s->data<int64_t>()[i] = starts[i];
    e->data<int64_t>()[i] = starts[i] + window_;
  }
  w->mutable_child(0) = s;
  w->mutable_child(1) = e;
  w->Resize(sel.size());
  cols.push_back(w);
  return RecordBatch::Make(schema_, std::move(cols), sel.size());
}

std::vector<Partition> WindowExpand::Execute(ExecContext& ctx) {
  auto input = children_[0]->Execute(ctx);
  return MapChunks(ctx, input, [&](const RecordBatchPtr& c) { return Apply(c, ctx.eval); });
}

std::string WindowExpand::Describe() const {
  return fmt::format("WindowExpand {} [{}, slide {}]", time_->ToSql(), FormatInterval(window_),
                     FormatInterval(slide_));
}

}  // namespace sluice
