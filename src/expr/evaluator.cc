// Evaluate: vectorized evaluation of resolved expression trees (see evaluator.h).
//
// Columns are returned without copying; literals become constant vectors. Conditional forms (CASE,
// if, coalesce/nvl/ifnull, nvl2, and, or) evaluate each branch only on the rows that reach it (a
// sub-batch taken with a selection vector), so an untaken branch cannot raise an ANSI error, as in
// Spark. NULL-intolerant functions get their output NULL wherever an argument is NULL.
// Stateless, thread-safe.
#include "expr/evaluator.h"

#include <cstring>

#include "expr/function_registry.h"
#include "sluice/exception.h"

namespace sluice {

namespace {

VectorPtr Eval(const Expr& e, const RecordBatch& batch, const EvalContext& ctx);

// A literal, or casts of one (as coercion wraps a literal operand): the same value on every row.
bool IsLiteralOrCastLiteral(const Expr& e) {
  if (e.kind == ExprKind::kLiteral) return true;
  return e.kind == ExprKind::kCast && IsLiteralOrCastLiteral(*e.children[0]);
}

// A piece of a conditional result: values for the global rows `rows`.
struct Piece {
  VectorPtr values;
  SelectionVector rows;
};

// Assembles a vector of `n` rows of `type` from pieces; rows no piece covers are NULL.
VectorPtr Scatter(const TypePtr& type, size_t n, const std::vector<Piece>& pieces) {
  for (const auto& p : pieces) {
    if (p.rows.size() == n && p.values->type()->Equals(*type)) {
      bool identity = true;
      for (size_t i = 0; i < n && identity; ++i) identity = p.rows[i] == i;
      if (identity) return p.values;
    }
  }
  int width = type->FixedWidth();
  if (width > 0 && !type->IsNested()) {
    auto out = std::make_shared<Vector>(type);
    out->Resize(n);
    std::vector<uint8_t> covered(n, 0);
    auto* dst = reinterpret_cast<char*>(out->data<uint8_t>());
    for (const auto& p : pieces) {
      const auto* src = reinterpret_cast<const char*>(p.values->data<uint8_t>());
      for (size_t j = 0; j < p.rows.size(); ++j) {
        uint32_t r = p.rows[j];
        covered[r] = 1;
        if (p.values->IsNull(j)) {
          out->SetNull(r);
        } else {
          std::memcpy(dst + static_cast<size_t>(r) * width, src + j * width, width);
        }
      }
    }
    for (size_t r = 0; r < n; ++r) {
      if (!covered[r]) out->SetNull(r);
    }
    return out;
  }
  // Generic path: append rows in order from their piece.
  std::vector<std::pair<int32_t, uint32_t>> src(n, {-1, 0});
  for (size_t k = 0; k < pieces.size(); ++k) {
    for (size_t j = 0; j < pieces[k].rows.size(); ++j) src[pieces[k].rows[j]] = {static_cast<int32_t>(k), j};
  }
  auto out = std::make_shared<Vector>(type);
  out->Reserve(n);
  for (size_t r = 0; r < n; ++r) {
    if (src[r].first < 0) {
      out->AppendNull();
    } else {
      out->AppendFrom(*pieces[src[r].first].values, src[r].second);
    }
  }
  return out;
}

// A batch restricted to some rows of an original batch, with the global index of each row.
struct RowSet {
  RecordBatchPtr holder;       // owns the taken batch (null when `batch` is the original)
  const RecordBatch* batch;
  SelectionVector rows;        // global row index of each local row
};

RowSet AllRows(const RecordBatch& batch) {
  RowSet s{nullptr, &batch, {}};
  s.rows.resize(batch.num_rows());
  for (size_t i = 0; i < s.rows.size(); ++i) s.rows[i] = static_cast<uint32_t>(i);
  return s;
}

// The subset of `set` named by local indexes `local`.
RowSet Subset(const RowSet& set, const SelectionVector& local) {
  if (local.size() == set.rows.size()) return set;
  RowSet s;
  s.holder = set.batch->Take(local);
  s.batch = s.holder.get();
  s.rows.reserve(local.size());
  for (uint32_t l : local) s.rows.push_back(set.rows[l]);
  return s;
}

bool IsTrue(const Vector& v, size_t i) { return !v.IsNull(i) && v.Get<uint8_t>(i) != 0; }
bool IsFalse(const Vector& v, size_t i) { return !v.IsNull(i) && v.Get<uint8_t>(i) == 0; }

VectorPtr EvalCase(const Expr& e, const RecordBatch& batch, const EvalContext& ctx) {
  size_t n = batch.num_rows();
  const auto& c = e.children;
  size_t pairs = (c.size() - (e.has_else ? 1 : 0)) / 2;
  std::vector<Piece> pieces;
  RowSet cur = AllRows(batch);
  for (size_t k = 0; k < pairs && !cur.rows.empty(); ++k) {
    VectorPtr cond = Eval(*c[2 * k], *cur.batch, ctx);
    SelectionVector take, rest;
    for (size_t i = 0; i < cur.rows.size(); ++i) (IsTrue(*cond, i) ? take : rest).push_back(static_cast<uint32_t>(i));
    if (!take.empty()) {
      RowSet t = Subset(cur, take);
      pieces.push_back({Eval(*c[2 * k + 1], *t.batch, ctx), t.rows});
    }
    cur = Subset(cur, rest);
  }
  if (e.has_else && !cur.rows.empty()) pieces.push_back({Eval(*c.back(), *cur.batch, ctx), cur.rows});
  return Scatter(e.type, n, pieces);
}

// coalesce / nvl / ifnull: each argument only on the rows still NULL.
VectorPtr EvalCoalesce(const Expr& e, const RecordBatch& batch, const EvalContext& ctx) {
  std::vector<Piece> pieces;
  RowSet cur = AllRows(batch);
  for (size_t k = 0; k < e.children.size() && !cur.rows.empty(); ++k) {
    VectorPtr v = Eval(*e.children[k], *cur.batch, ctx);
    SelectionVector nulls;
    for (size_t i = 0; i < cur.rows.size(); ++i) {
      if (v->IsNull(i)) nulls.push_back(static_cast<uint32_t>(i));
    }
    pieces.push_back({v, cur.rows});
    if (nulls.empty()) break;
    cur = Subset(cur, nulls);
  }
  // Later pieces override the NULL rows of earlier ones: scatter in reverse priority.
  std::vector<Piece> ordered;
  for (size_t k = 0; k < pieces.size(); ++k) {
    Piece p;
    p.values = pieces[k].values;
    // Keep only non-null rows of piece k (except the last, which may stay NULL).
    if (k + 1 < pieces.size()) {
      SelectionVector local;
      for (size_t i = 0; i < pieces[k].rows.size(); ++i) {
        if (!p.values->IsNull(i)) local.push_back(static_cast<uint32_t>(i));
      }
      if (local.size() != pieces[k].rows.size()) {
        p.values = p.values->Take(local);
        for (uint32_t l : local) p.rows.push_back(pieces[k].rows[l]);
      } else {
        p.rows = pieces[k].rows;
      }
    } else {
      p.rows = pieces[k].rows;
    }
    ordered.push_back(std::move(p));
  }
  return Scatter(e.type, batch.num_rows(), ordered);
}

// if(cond, a, b) and nvl2(x, a, b): a on the selected rows, b on the others.
VectorPtr EvalTwoWay(const Expr& e, const RecordBatch& batch, const EvalContext& ctx, bool nvl2) {
  VectorPtr sel = Eval(*e.children[0], batch, ctx);
  RowSet all = AllRows(batch);
  SelectionVector a_rows, b_rows;
  for (size_t i = 0; i < batch.num_rows(); ++i) {
    bool pick_a = nvl2 ? !sel->IsNull(i) : IsTrue(*sel, i);
    (pick_a ? a_rows : b_rows).push_back(static_cast<uint32_t>(i));
  }
  std::vector<Piece> pieces;
  if (!a_rows.empty()) {
    RowSet s = Subset(all, a_rows);
    pieces.push_back({Eval(*e.children[1], *s.batch, ctx), s.rows});
  }
  if (!b_rows.empty()) {
    RowSet s = Subset(all, b_rows);
    pieces.push_back({Eval(*e.children[2], *s.batch, ctx), s.rows});
  }
  return Scatter(e.type, batch.num_rows(), pieces);
}

// and / or with SQL three-valued logic; the right side only where the left does not decide.
VectorPtr EvalLogic(const Expr& e, const RecordBatch& batch, const EvalContext& ctx, bool is_and) {
  size_t n = batch.num_rows();
  VectorPtr left = Eval(*e.children[0], batch, ctx);
  SelectionVector undecided;
  for (size_t i = 0; i < n; ++i) {
    bool decided = is_and ? IsFalse(*left, i) : IsTrue(*left, i);
    if (!decided) undecided.push_back(static_cast<uint32_t>(i));
  }
  auto out = std::make_shared<Vector>(DataType::Boolean());
  out->Resize(n);
  uint8_t* dst = out->data<uint8_t>();
  for (size_t i = 0; i < n; ++i) dst[i] = is_and ? 0 : 1;  // decided value
  if (undecided.empty()) return out;
  RowSet s = Subset(AllRows(batch), undecided);
  VectorPtr right = Eval(*e.children[1], *s.batch, ctx);
  for (size_t j = 0; j < s.rows.size(); ++j) {
    uint32_t r = s.rows[j];
    bool ln = left->IsNull(r), rn = right->IsNull(j);
    bool rv = !rn && right->Get<uint8_t>(j) != 0;
    if (is_and) {
      // left is TRUE or NULL here.
      if (!rn && !rv) {
        dst[r] = 0;
      } else if (ln || rn) {
        out->SetNull(r);
      } else {
        dst[r] = 1;
      }
    } else {
      // left is FALSE or NULL here.
      if (!rn && rv) {
        dst[r] = 1;
      } else if (ln || rn) {
        out->SetNull(r);
      } else {
        dst[r] = 0;
      }
    }
  }
  return out;
}

VectorPtr EvalGetField(const Expr& e, const RecordBatch& batch, const EvalContext& ctx) {
  VectorPtr base = Eval(*e.children[0], batch, ctx);
  if (base->type_id() == TypeId::kArray) {
    // ARRAY<STRUCT> -> ARRAY<field>.
    const VectorPtr& elems = base->child(0);
    VectorPtr field = elems->child(static_cast<size_t>(e.index));
    if (elems->MayHaveNulls()) {
      field = field->Slice(0, field->size());
      for (size_t i = 0; i < elems->size(); ++i) {
        if (elems->IsNull(i)) field->SetNull(i);
      }
    }
    auto out = std::make_shared<Vector>(e.type);
    out->Resize(base->size());
    out->mutable_offsets() = base->offsets();
    out->mutable_child(0) = field;
    for (size_t i = 0; i < base->size(); ++i) {
      if (base->IsNull(i)) out->SetNull(i);
    }
    return out;
  }
  VectorPtr field = base->child(static_cast<size_t>(e.index));
  if (!base->MayHaveNulls()) return field;
  VectorPtr out = field->Slice(0, field->size());
  for (size_t i = 0; i < base->size(); ++i) {
    if (base->IsNull(i)) out->SetNull(i);
  }
  return out;
}

VectorPtr EvalCall(const Expr& e, const RecordBatch& batch, const EvalContext& ctx) {
  const ScalarFunction* fn = e.function;
  if (!fn) throw InternalError("evaluating an unbound call " + e.name);
  const std::string& name = fn->name;
  if (name == "coalesce" || name == "nvl" || name == "ifnull") return EvalCoalesce(e, batch, ctx);
  if (name == "if") return EvalTwoWay(e, batch, ctx, false);
  if (name == "nvl2") return EvalTwoWay(e, batch, ctx, true);
  if (name == "and") return EvalLogic(e, batch, ctx, true);
  if (name == "or") return EvalLogic(e, batch, ctx, false);
  size_t n = batch.num_rows();
  KernelArgs args;
  args.num_rows = n;
  args.args.reserve(e.children.size());
  for (const auto& c : e.children) {
    args.args.push_back(Eval(*c, batch, ctx));
    args.constant.push_back(IsLiteralOrCastLiteral(*c));
  }
  VectorPtr out = fn->kernel(e, args, e.function_state, ctx);
  if (!out || out->size() != n) {
    throw InternalError("kernel of " + name + " returned " + (out ? std::to_string(out->size()) : "no") +
                        " rows for " + std::to_string(n));
  }
  if (fn->null_intolerant) {
    bool needs = false;
    for (const auto& a : args.args) {
      if (a->MayHaveNulls() && a != out) needs = true;
    }
    if (needs) {
      bool shared = false;
      for (const auto& a : args.args) shared = shared || a == out;
      for (const auto& col : batch.columns()) shared = shared || col == out;
      for (size_t i = 0; i < n; ++i) {
        bool any_null = false;
        for (const auto& a : args.args) {
          if (a->IsNull(i)) {
            any_null = true;
            break;
          }
        }
        if (any_null && !out->IsNull(i)) {
          if (shared) {
            out = out->Slice(0, n);
            shared = false;
          }
          out->SetNull(i);
        }
      }
    }
  }
  return out;
}

VectorPtr Eval(const Expr& e, const RecordBatch& batch, const EvalContext& ctx) {
  switch (e.kind) {
    case ExprKind::kLiteral:
      return Vector::MakeConstant(e.literal, batch.num_rows());
    case ExprKind::kBoundColumn:
      if (e.index < 0 || static_cast<size_t>(e.index) >= batch.num_columns()) {
        throw InternalError("column index " + std::to_string(e.index) + " out of range");
      }
      return batch.column(static_cast<size_t>(e.index));
    case ExprKind::kAlias:
    case ExprKind::kSortOrder:
      return Eval(*e.children[0], batch, ctx);
    case ExprKind::kCast:
      return CastVector(Eval(*e.children[0], batch, ctx), e.type, ctx, e.is_try);
    case ExprKind::kCase:
      return EvalCase(e, batch, ctx);
    case ExprKind::kGetField:
      return EvalGetField(e, batch, ctx);
    case ExprKind::kCall:
      return EvalCall(e, batch, ctx);
    case ExprKind::kColumn:
    case ExprKind::kStar:
      break;
  }
  throw InternalError("evaluating an unresolved expression " + e.ToString());
}

}  // namespace

VectorPtr Evaluate(const Expr& expr, const RecordBatch& batch, const EvalContext& ctx) {
  return Eval(expr, batch, ctx);
}

Value EvaluateConstant(const Expr& expr, const EvalContext& ctx) {
  RecordBatch one(DataType::Struct({}), {}, 1);
  VectorPtr v = Eval(expr, one, ctx);
  return v->GetValue(0);
}

}  // namespace sluice
