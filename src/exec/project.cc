#include "exec/project.h"

#include "expr/evaluator.h"

namespace sluice {

Project::Project(TypePtr schema, std::unique_ptr<PhysicalOperator> child, std::vector<ExprPtr> exprs)
    : PhysicalOperator(std::move(schema), {}), exprs_(std::move(exprs)) {
  children_.push_back(std::move(child));
}

RecordBatchPtr Project::Apply(const RecordBatchPtr& chunk, const EvalContext& ctx) const {
  std::vector<VectorPtr> cols;
  cols.reserve(exprs_.size());
  for (const auto& e : exprs_) cols.push_back(Evaluate(*e, *chunk, ctx));
  return RecordBatch::Make(schema_, std::move(cols), chunk->num_rows());
}

std::vector<Partition> Project::Execute(ExecContext& ctx) {
  auto input = children_[0]->Execute(ctx);
  return MapChunks(ctx, input, [&](const RecordBatchPtr& c) { return Apply(c, ctx.eval); });
}

std::vector<ChunkStream> Project::ExecuteStreams(ExecContext& ctx) {
  return MapChunkStreams(children_[0]->ExecuteStreams(ctx),
                         [this, &ctx](const RecordBatchPtr& c) { return Apply(c, ctx.eval); });
}

std::string Project::Describe() const {
  std::string s = "Project [";
  for (size_t i = 0; i < exprs_.size(); ++i) {
    if (i) s += ", ";
    s += exprs_[i]->ToSql();
  }
  return s + "]";
}

}  // namespace sluice
