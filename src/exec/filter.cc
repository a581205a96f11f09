#include "exec/filter.h"

#include "expr/evaluator.h"

namespace sluice {

Filter::Filter(std::unique_ptr<PhysicalOperator> child, ExprPtr condition)
    : PhysicalOperator(child->schema(), {}), condition_(std::move(condition)) {
  children_.push_back(std::move(child));
}

SelectionVector SelectTrue(const Vector& mask) {
  SelectionVector sel;
  size_t n = mask.size();
  sel.reserve(n);
  const uint8_t* d = mask.data<uint8_t>();
  if (!mask.MayHaveNulls()) {
    for (size_t i = 0; i < n; ++i) {
      if (d[i]) sel.push_back(static_cast<uint32_t>(i));
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      if (d[i] && mask.IsValid(i)) sel.push_back(static_cast<uint32_t>(i));
    }
  }
  return sel;
}

RecordBatchPtr Filter::Apply(const RecordBatchPtr& chunk, const EvalContext& ctx) const {
  VectorPtr mask = Evaluate(*condition_, *chunk, ctx);
  if (mask->type_id() == TypeId::kNull) return RecordBatch::Empty(chunk->schema());
  SelectionVector sel = SelectTrue(*mask);
  if (sel.size() == chunk->num_rows()) return chunk;
  return chunk->Take(sel);
}

std::vector<Partition> Filter::Execute(ExecContext& ctx) {
  auto input = children_[0]->Execute(ctx);
  return MapChunks(ctx, input, [&](const RecordBatchPtr& c) { return Apply(c, ctx.eval); });
}

std::vector<ChunkStream> Filter::ExecuteStreams(ExecContext& ctx) {
  return MapChunkStreams(children_[0]->ExecuteStreams(ctx),
                         [this, &ctx](const RecordBatchPtr& c) { return Apply(c, ctx.eval); });
}

std::string Filter::Describe() const { return "Filter " + condition_->ToSql(); }

}  // namespace sluice
