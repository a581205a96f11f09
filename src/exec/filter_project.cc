#include "exec/filter_project.h"

#include <algorithm>
#include <functional>
#include <map>

#include "exec/filter.h"
#include "expr/evaluator.h"

namespace sluice {

namespace {

void CollectColumns(const ExprPtr& e, std::vector<int>* out) {
  if (e->kind == ExprKind::kBoundColumn) out->push_back(e->index);
  for (const auto& c : e->children) CollectColumns(c, out);
}

ExprPtr Remap(const ExprPtr& e, const std::map<int, int>& mapping) {
  auto r = std::make_shared<Expr>(*e);
  if (r->kind == ExprKind::kBoundColumn) r->index = mapping.at(e->index);
  for (auto& c : r->children) c = Remap(c, mapping);
  return r;
}

}  // namespace

FilterProject::FilterProject(TypePtr schema, std::unique_ptr<PhysicalOperator> child, ExprPtr condition,
                             std::vector<ExprPtr> exprs)
    : PhysicalOperator(std::move(schema), {}), condition_(std::move(condition)), original_exprs_(exprs) {
  for (const auto& e : exprs) CollectColumns(e, &used_columns_);
  std::sort(used_columns_.begin(), used_columns_.end());
  used_columns_.erase(std::unique(used_columns_.begin(), used_columns_.end()), used_columns_.end());
  std::map<int, int> mapping;
  for (size_t i = 0; i < used_columns_.size(); ++i) mapping[used_columns_[i]] = static_cast<int>(i);
  for (const auto& e : exprs) exprs_.push_back(Remap(e, mapping));
  children_.push_back(std::move(child));
}

RecordBatchPtr FilterProject::Apply(const RecordBatchPtr& chunk, const EvalContext& ctx) const {
  VectorPtr mask = Evaluate(*condition_, *chunk, ctx);
  if (mask->type_id() == TypeId::kNull) return nullptr;
  SelectionVector sel = SelectTrue(*mask);
  if (sel.empty()) return nullptr;
  bool all = sel.size() == chunk->num_rows();
  std::vector<VectorPtr> cols;
  std::vector<StructField> fields;
  for (int c : used_columns_) {
    cols.push_back(all ? chunk->column(c) : chunk->column(c)->Take(sel));
    fields.push_back(chunk->schema()->fields()[c]);
  }
  RecordBatch narrowed(DataType::Struct(std::move(fields)), std::move(cols), sel.size());
  std::vector<VectorPtr> out;
  out.reserve(exprs_.size());
  for (const auto& e : exprs_) out.push_back(Evaluate(*e, narrowed, ctx));
  return RecordBatch::Make(schema_, std::move(out), sel.size());
}

std::vector<Partition> FilterProject::Execute(ExecContext& ctx) {
  auto input = children_[0]->Execute(ctx);
  return MapChunks(ctx, input, [&](const RecordBatchPtr& c) { return Apply(c, ctx.eval); });
}

std::vector<ChunkStream> FilterProject::ExecuteStreams(ExecContext& ctx) {
  return MapChunkStreams(children_[0]->ExecuteStreams(ctx),
                         [this, &ctx](const RecordBatchPtr& c) { return Apply(c, ctx.eval); });
}

std::string FilterProject::Describe() const {
  std::string s = "FilterProject " + condition_->ToSql() + " [";
  for (size_t i = 0; i < original_exprs_.size(); ++i) s += (i ? ", " : "") + original_exprs_[i]->ToSql();
  return s + "]";
}

}  // namespace sluice
