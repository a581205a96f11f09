#include "exec/window_expand.h"

#include <fmt/format.h>

#include "expr/evaluator.h"
#include "types/datetime.h"

namespace sluice {

WindowExpand::WindowExpand(TypePtr schema, std::unique_ptr<PhysicalOperator> child, ExprPtr time,
                           int64_t window_micros, int64_t slide_micros, int64_t start_micros)
    : PhysicalOperator(std::move(schema), {}),
      time_(std::move(time)),
      window_(window_micros),
      slide_(slide_micros),
      assigner_(window_micros, slide_micros, start_micros) {
  children_.push_back(std::move(child));
}

RecordBatchPtr WindowExpand::Apply(const RecordBatchPtr& chunk, const EvalContext& ctx) const {
  VectorPtr t = Evaluate(*time_, *chunk, ctx);
  size_t n = chunk->num_rows();
  SelectionVector sel;
  std::vector<int64_t> starts;
  sel.reserve(n);
  starts.reserve(n);
  assigner_.Assign(*t, 0, n, &sel, &starts);
  std::vector<VectorPtr> cols;
  // Every row in exactly one window: the columns are kept as they are.
  bool all_once = sel.size() == n;
  for (size_t i = 0; all_once && i < n; ++i) all_once = sel[i] == i;
  for (const auto& c : chunk->columns()) cols.push_back(all_once ? c : c->Take(sel));
  cols.push_back(assigner_.MakeWindows(schema_->fields().back().type, starts.data(), starts.size()));
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
