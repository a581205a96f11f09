#include "exec/sort_limit.h"

#include <algorithm>
#include <fmt/format.h>
#include <numeric>

#include "expr/evaluator.h"

namespace sluice {

Sort::Sort(std::unique_ptr<PhysicalOperator> child, std::vector<ExprPtr> orders)
    : PhysicalOperator(child->schema(), {}), orders_(std::move(orders)) {
  children_.push_back(std::move(child));
}

std::vector<Partition> Sort::Execute(ExecContext& ctx) {
  RecordBatchPtr all = Gather(schema_, children_[0]->Execute(ctx));
  std::vector<VectorPtr> keys;
  for (const auto& o : orders_) keys.push_back(Evaluate(*o->children[0], *all, ctx.eval));
  SelectionVector idx(all->num_rows());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) {
    for (size_t k = 0; k < keys.size(); ++k) {
      const auto& o = *orders_[k];
      bool an = keys[k]->IsNull(a), bn = keys[k]->IsNull(b);
      if (an || bn) {
        if (an && bn) continue;
        return an == o.nulls_first;
      }
      int c = keys[k]->CompareRows(a, *keys[k], b);
      if (c != 0) return o.ascending ? c < 0 : c > 0;
    }
    return false;
  });
  return {Partition{all->Take(idx)}};
}

std::string Sort::Describe() const {
  std::string s = "Sort [";
  for (size_t i = 0; i < orders_.size(); ++i) {
    const auto& o = *orders_[i];
    s += (i ? ", " : "") + o.children[0]->ToSql() + (o.ascending ? " ASC" : " DESC") +
         (o.nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  return s + "]";
}

Limit::Limit(std::unique_ptr<PhysicalOperator> child, int64_t limit)
    : PhysicalOperator(child->schema(), {}), limit_(limit) {
  children_.push_back(std::move(child));
}

std::vector<Partition> Limit::Execute(ExecContext& ctx) {
  // The input's partitions are pulled one after another and only until the limit is reached, so
  // `LIMIT n` over a file scan reads about n rows (the same rows, in the same order, as reading
  // everything and keeping the first n).
  std::vector<ChunkStream> input = children_[0]->ExecuteStreams(ctx);
  Partition out;
  int64_t left = limit_;
  for (const ChunkStream& next : input) {
    while (left > 0) {
      RecordBatchPtr c = next();
      if (c == nullptr) break;
      int64_t n = static_cast<int64_t>(c->num_rows());
      if (n <= left) {
        out.push_back(c);
        left -= n;
      } else {
        out.push_back(c->Slice(0, static_cast<size_t>(left)));
        left = 0;
      }
    }
  }
  return {out};
}

std::string Limit::Describe() const { return fmt::format("Limit {}", limit_); }

UnionAll::UnionAll(TypePtr schema, std::vector<std::unique_ptr<PhysicalOperator>> children)
    : PhysicalOperator(std::move(schema), std::move(children)) {}

std::vector<Partition> UnionAll::Execute(ExecContext& ctx) {
  std::vector<Partition> out;
  for (auto& c : children_) {
    for (auto& p : c->Execute(ctx)) {
      Partition q;
      for (auto& b : p) q.push_back(RecordBatch::Make(schema_, b->columns(), b->num_rows()));
      out.push_back(std::move(q));
    }
  }
  return out;
}

}  // namespace sluice
