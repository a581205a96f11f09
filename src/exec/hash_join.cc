#include "exec/hash_join.h"

#include <atomic>
#include <fmt/format.h>

#include "exec/filter.h"
#include "exec/group_hash_table.h"
#include "expr/evaluator.h"

namespace sluice {

ExprPtr ShiftColumns(const ExprPtr& e, int delta) {
  auto r = std::make_shared<Expr>(*e);
  if (r->kind == ExprKind::kBoundColumn) r->index += delta;
  for (auto& c : r->children) c = ShiftColumns(c, delta);
  return r;
}

std::pair<int, int> ColumnRange(const ExprPtr& e) {
  int lo = -1, hi = -1;
  if (e->kind == ExprKind::kBoundColumn) lo = hi = e->index;
  for (const auto& c : e->children) {
    auto [l, h] = ColumnRange(c);
    if (l >= 0) {
      lo = lo < 0 ? l : std::min(lo, l);
      hi = std::max(hi, h);
    }
  }
  return {lo, hi};
}

namespace {

void Conjuncts(const ExprPtr& e, std::vector<ExprPtr>* out) {
  if (e->kind == ExprKind::kCall && e->name == "and" && e->children.size() == 2) {
    Conjuncts(e->children[0], out);
    Conjuncts(e->children[1], out);
  } else {
    out->push_back(e);
  }
}

}  // namespace

JoinSpec ExtractJoinKeys(JoinType type, const ExprPtr& condition, size_t left_width) {
  JoinSpec spec;
  spec.type = type;
  if (!condition) return spec;
  std::vector<ExprPtr> parts, residual;
  Conjuncts(condition, &parts);
  int lw = static_cast<int>(left_width);
  for (const auto& p : parts) {
    if (p->kind == ExprKind::kCall && (p->name == "=" || p->name == "<=>") && p->children.size() == 2) {
      auto [a_lo, a_hi] = ColumnRange(p->children[0]);
      auto [b_lo, b_hi] = ColumnRange(p->children[1]);
      bool a_left = a_lo >= 0 && a_hi < lw, a_right = a_lo >= lw;
      bool b_left = b_lo >= 0 && b_hi < lw, b_right = b_lo >= lw;
      if ((a_left && b_right) || (a_right && b_left)) {
        const ExprPtr& l = a_left ? p->children[0] : p->children[1];
        const ExprPtr& r = a_left ? p->children[1] : p->children[0];
        spec.left_keys.push_back(l);
        spec.right_keys.push_back(ShiftColumns(r, -lw));
        spec.null_safe.push_back(p->name == "<=>");
        continue;
      }
    }
    residual.push_back(p);
  }
  for (const auto& r : residual) {
    spec.residual = spec.residual ? BindExpression(MakeCall("and", {spec.residual, r}), EvalContext{}) : r;
  }
  return spec;
}

struct HashJoin::BuildSide {
  RecordBatchPtr rows;
  std::unique_ptr<GroupHashTable> table;
  std::vector<int64_t> first;  // per group: first build row, chained through next
  std::vector<int64_t> next;   // per build row
  std::vector<uint8_t> has_null_key;
  std::unique_ptr<std::atomic<uint8_t>[]> matched;
};

HashJoin::HashJoin(TypePtr schema, std::unique_ptr<PhysicalOperator> left,
                   std::unique_ptr<PhysicalOperator> right, JoinSpec spec, bool cache_build_side)
    : PhysicalOperator(std::move(schema), {}), spec_(std::move(spec)), cache_build_side_(cache_build_side) {
  children_.push_back(std::move(left));
  children_.push_back(std::move(right));
}

std::shared_ptr<HashJoin::BuildSide> HashJoin::Build(ExecContext& ctx) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (cache_build_side_ && cached_) {
      // Matched flags are per execution.
      size_t n = cached_->rows->num_rows();
      cached_->matched.reset(new std::atomic<uint8_t>[n]());
      return cached_;
    }
  }
  auto b = std::make_shared<BuildSide>();
  b->rows = Gather(children_[1]->schema(), children_[1]->Execute(ctx));
  size_t n = b->rows->num_rows();
  std::vector<TypePtr> types;
  std::vector<VectorPtr> keys;
  for (const auto& k : spec_.right_keys) {
    types.push_back(k->type);
    keys.push_back(Evaluate(*k, *b->rows, ctx.eval));
  }
  b->table = std::make_unique<GroupHashTable>(types);
  std::vector<uint32_t> groups;
  b->table->FindOrInsert(keys, n, &groups);
  b->first.assign(b->table->size(), -1);
  b->next.assign(n, -1);
  b->has_null_key.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < keys.size(); ++k) {
      if (keys[k]->IsNull(i) && !spec_.null_safe[k]) b->has_null_key[i] = 1;
    }
  }
  // Chain rows in input order (insert at the tail by walking backwards).
  for (int64_t i = static_cast<int64_t>(n) - 1; i >= 0; --i) {
    if (b->has_null_key[i] && !keys.empty()) continue;
    b->next[i] = b->first[groups[i]];
    b->first[groups[i]] = i;
  }
  b->matched.reset(new std::atomic<uint8_t>[n]());
  std::lock_guard<std::mutex> l(mu_);
  if (cache_build_side_) cached_ = b;
  return b;
}

RecordBatchPtr HashJoin::Probe(const RecordBatchPtr& chunk, BuildSide& b, const EvalContext& ctx) const {
  size_t n = chunk->num_rows();
  std::vector<VectorPtr> keys;
  for (const auto& k : spec_.left_keys) keys.push_back(Evaluate(*k, *chunk, ctx));
  // Candidate pairs.
  SelectionVector li, ri;
  size_t build_rows = b.rows->num_rows();
  for (size_t i = 0; i < n; ++i) {
    if (keys.empty()) {
      for (size_t r = 0; r < build_rows; ++r) {
        li.push_back(static_cast<uint32_t>(i));
        ri.push_back(static_cast<uint32_t>(r));
      }
      continue;
    }
    bool null_key = false;
    for (size_t k = 0; k < keys.size(); ++k) null_key |= keys[k]->IsNull(i) && !spec_.null_safe[k];
    if (null_key) continue;
    int64_t g = b.table->Find(keys, i);
    if (g < 0) continue;
    for (int64_t r = b.first[g]; r >= 0; r = b.next[r]) {
      li.push_back(static_cast<uint32_t>(i));
      ri.push_back(static_cast<uint32_t>(r));
    }
  }
  // Pairs as a combined batch, filtered by the residual condition.
  const auto& lf = chunk->schema()->fields();
  const auto& rf = b.rows->schema()->fields();
  std::vector<StructField> fields(lf.begin(), lf.end());
  fields.insert(fields.end(), rf.begin(), rf.end());
  auto pair_schema = DataType::Struct(fields);
  auto make_pairs = [&](const SelectionVector& l, const SelectionVector& r) {
    std::vector<VectorPtr> cols;
    for (const auto& c : chunk->columns()) cols.push_back(c->Take(l));
    for (const auto& c : b.rows->columns()) cols.push_back(c->Take(r));
    return RecordBatch::Make(pair_schema, std::move(cols), l.size());
  };
  RecordBatchPtr pairs = make_pairs(li, ri);
  if (spec_.residual && pairs->num_rows()) {
    VectorPtr mask = Evaluate(*spec_.residual, *pairs, ctx);
    SelectionVector keep = SelectTrue(*mask);
    if (keep.size() != li.size()) {
      SelectionVector l2, r2;
      for (uint32_t k : keep) {
        l2.push_back(li[k]);
        r2.push_back(ri[k]);
      }
      li.swap(l2);
      ri.swap(r2);
      pairs = pairs->Take(keep);
    }
  }
  JoinType t = spec_.type;
  if (t == JoinType::kRightOuter || t == JoinType::kFullOuter) {
    for (uint32_t r : ri) b.matched[r].store(1, std::memory_order_relaxed);
  }
  if (t == JoinType::kInner || t == JoinType::kCross || t == JoinType::kRightOuter) return pairs;
  std::vector<uint8_t> has_match(n, 0);
  for (uint32_t l : li) has_match[l] = 1;
  if (t == JoinType::kLeftSemi || t == JoinType::kLeftAnti) {
    SelectionVector sel;
    for (size_t i = 0; i < n; ++i) {
      if (has_match[i] == (t == JoinType::kLeftSemi ? 1 : 0)) sel.push_back(static_cast<uint32_t>(i));
    }
    return sel.size() == n ? chunk : chunk->Take(sel);
  }
  // Left/full outer: matched pairs plus unmatched left rows padded with nulls, in left order.
  SelectionVector unmatched;
  for (size_t i = 0; i < n; ++i) {
    if (!has_match[i]) unmatched.push_back(static_cast<uint32_t>(i));
  }
  if (unmatched.empty()) return pairs;
  std::vector<VectorPtr> cols;
  for (const auto& c : chunk->columns()) cols.push_back(c->Take(unmatched));
  for (const auto& f : rf) cols.push_back(Vector::MakeNull(f.type, unmatched.size()));
  auto padded = RecordBatch::Make(pair_schema, std::move(cols), unmatched.size());
  return RecordBatch::Concat(pair_schema, {pairs, padded});
}

std::vector<Partition> HashJoin::Execute(ExecContext& ctx) {
  auto build = Build(ctx);
  auto left = children_[0]->Execute(ctx);
  auto out = MapChunks(ctx, left, [&](const RecordBatchPtr& c) {
    auto r = Probe(c, *build, ctx.eval);
    if (r->schema() != schema_) return RecordBatch::Make(schema_, r->columns(), r->num_rows());
    return r;
  });
  if (spec_.type == JoinType::kRightOuter || spec_.type == JoinType::kFullOuter) {
    SelectionVector unmatched;
    size_t n = build->rows->num_rows();
    for (size_t r = 0; r < n; ++r) {
      if (!build->matched[r].load()) unmatched.push_back(static_cast<uint32_t>(r));
    }
    if (!unmatched.empty()) {
      std::vector<VectorPtr> cols;
      for (const auto& f : children_[0]->schema()->fields())
        cols.push_back(Vector::MakeNull(f.type, unmatched.size()));
      for (const auto& c : build->rows->columns()) cols.push_back(c->Take(unmatched));
      out.push_back({RecordBatch::Make(schema_, std::move(cols), unmatched.size())});
    }
  }
  return out;
}

std::string HashJoin::Describe() const {
  std::string s = fmt::format("HashJoin {} keys=[", JoinTypeName(spec_.type));
  for (size_t i = 0; i < spec_.left_keys.size(); ++i)
    s += (i ? ", " : "") + spec_.left_keys[i]->ToSql() + " = " + spec_.right_keys[i]->ToSql();
  s += "]";
  if (spec_.residual) s += " condition=" + spec_.residual->ToSql();
  return s;
}

}  // namespace sluice
