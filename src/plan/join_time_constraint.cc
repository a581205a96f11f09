#include "plan/join_time_constraint.h"

#include <algorithm>
#include <fmt/format.h>

#include "sluice/exception.h"

namespace sluice {

namespace {

// Smallest and largest bound column index in `e` (-1, -1 if none).
std::pair<int, int> ColumnSpan(const ExprPtr& e) {
  int lo = -1, hi = -1;
  if (e->kind == ExprKind::kBoundColumn) lo = hi = e->index;
  for (const auto& c : e->children) {
    auto [l, h] = ColumnSpan(c);
    if (l < 0) continue;
    lo = lo < 0 ? l : std::min(lo, l);
    hi = std::max(hi, h);
  }
  return {lo, hi};
}

void CollectColumns(const ExprPtr& e, std::vector<int>* out) {
  if (e->kind == ExprKind::kBoundColumn) out->push_back(e->index);
  for (const auto& c : e->children) CollectColumns(c, out);
}

bool IsRangeComparison(const ExprPtr& e) {
  return e->kind == ExprKind::kCall && e->children.size() == 2 &&
         (e->name == "<" || e->name == "<=" || e->name == ">" || e->name == ">=");
}

bool IsTimestamp(const TypePtr& t) {
  return t->id() == TypeId::kTimestamp || t->id() == TypeId::kTimestampNtz;
}

// One additive term of `lhs - rhs`: a column (global index) or a constant in microseconds.
struct Term {
  int column = -1;
  int sign = 1;
  double micros = 0;
};

// Splits `e` into signed terms; false if `e` contains anything that cannot be solved.
bool CollectTerms(const ExprPtr& e, bool negate, std::vector<Term>* out) {
  switch (e->kind) {
    case ExprKind::kBoundColumn:
      out->push_back(Term{e->index, negate ? -1 : 1, 0});
      return true;
    case ExprKind::kCast:
      if (!e->type->IsNumeric() && !IsTimestamp(e->type)) return false;
      return CollectTerms(e->children[0], negate, out);
    case ExprKind::kLiteral: {
      const Value& v = e->literal;
      if (v.is_null()) return false;
      double micros;
      TypeId id = v.type()->id();
      if (id == TypeId::kInterval || id == TypeId::kTimestamp || id == TypeId::kTimestampNtz) {
        micros = static_cast<double>(v.GetInt64());
      } else if (v.type()->IsNumeric()) {
        micros = v.AsDouble() * 1e6;  // numbers are seconds
      } else {
        return false;
      }
      out->push_back(Term{-1, 1, negate ? -micros : micros});
      return true;
    }
    case ExprKind::kCall:
      if (e->children.size() == 2 && e->name == "+") {
        return CollectTerms(e->children[0], negate, out) && CollectTerms(e->children[1], negate, out);
      }
      if (e->children.size() == 2 && e->name == "-") {
        return CollectTerms(e->children[0], negate, out) && CollectTerms(e->children[1], !negate, out);
      }
      if (e->children.size() == 1 && e->name == "negative") {
        return CollectTerms(e->children[0], !negate, out);
      }
      return false;
    default:
      return false;
  }
}

// Solves `lhs < rhs` (or <=) for a column of the state side: a bound if the conjunct has the form
// `other-side event time + c < state column` after moving every term to the left.
std::optional<JoinRangeBound> SolveLessThan(const ExprPtr& lhs, const ExprPtr& rhs, bool inclusive,
                                            const std::vector<Attribute>& left,
                                            const std::vector<Attribute>& right,
                                            JoinSide state_side) {
  int lw = static_cast<int>(left.size());
  auto on_state_side = [&](int col) { return state_side == JoinSide::kLeft ? col < lw : col >= lw; };
  // At most one distinct column of each side.
  std::vector<int> cols;
  CollectColumns(lhs, &cols);
  CollectColumns(rhs, &cols);
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
  int state_cols = 0, other_cols = 0;
  for (int c : cols) (on_state_side(c) ? state_cols : other_cols)++;
  if (state_cols != 1 || other_cols > 1) return std::nullopt;

  std::vector<Term> terms;
  if (!CollectTerms(lhs, false, &terms) || !CollectTerms(rhs, true, &terms)) return std::nullopt;
  JoinRangeBound b;
  b.inclusive = inclusive;
  b.watermark_coefficient = 0;
  int state_sign = 0;
  for (const Term& t : terms) {
    if (t.column < 0) {
      b.constant_micros += t.micros;
    } else if (on_state_side(t.column)) {
      if (b.column >= 0 && b.column != t.column - (state_side == JoinSide::kLeft ? 0 : lw)) return std::nullopt;
      b.column = state_side == JoinSide::kLeft ? t.column : t.column - lw;
      state_sign += t.sign;
    } else {
      const Attribute& a = state_side == JoinSide::kLeft ? right[t.column - lw] : left[t.column];
      if (!a.is_event_time) return std::nullopt;  // only the watermark can be substituted
      b.watermark_coefficient += t.sign;
    }
  }
  // The state column must appear negated: `other + c - state < 0`, i.e. `state > other + c`.
  if (state_sign != -1) return std::nullopt;
  const Attribute& sc = state_side == JoinSide::kLeft ? left[b.column] : right[b.column];
  if (!IsTimestamp(sc.type)) return std::nullopt;
  return b;
}

}  // namespace

int64_t JoinRangeBound::StateWatermarkMs(int64_t watermark_ms) const {
  double micros = watermark_coefficient * (static_cast<double>(watermark_ms) * 1000.0) + constant_micros;
  return static_cast<int64_t>(micros / 1000.0) - (inclusive ? 1 : 0);
}

int64_t JoinSideEviction::StateWatermarkMs(int64_t watermark_ms) const {
  if (kind == Kind::kByJoinKey) return watermark_ms;
  int64_t w = INT64_MAX;
  for (const auto& b : bounds) w = std::min(w, b.StateWatermarkMs(watermark_ms));
  return w;
}

std::vector<ExprPtr> SplitConjuncts(const ExprPtr& condition) {
  std::vector<ExprPtr> out;
  if (!condition) return out;
  std::vector<ExprPtr> stack = {condition};
  while (!stack.empty()) {
    ExprPtr e = stack.back();
    stack.pop_back();
    if (e->kind == ExprKind::kCall && e->name == "and" && e->children.size() == 2) {
      stack.push_back(e->children[1]);
      stack.push_back(e->children[0]);
    } else {
      out.push_back(e);
    }
  }
  return out;
}

bool IsEquiJoinConjunct(const ExprPtr& p, size_t left_width) {
  if (p->kind != ExprKind::kCall || (p->name != "=" && p->name != "<=>") || p->children.size() != 2)
    return false;
  int lw = static_cast<int>(left_width);
  auto [a_lo, a_hi] = ColumnSpan(p->children[0]);
  auto [b_lo, b_hi] = ColumnSpan(p->children[1]);
  bool a_left = a_lo >= 0 && a_hi < lw, a_right = a_lo >= lw;
  bool b_left = b_lo >= 0 && b_hi < lw, b_right = b_lo >= lw;
  return (a_left && b_right) || (a_right && b_left);
}

int SideEventTimeColumn(const std::vector<Attribute>& side, const char* side_name) {
  int found = -1;
  std::string names;
  int count = 0;
  for (size_t i = 0; i < side.size(); ++i) {
    if (!side[i].is_event_time) continue;
    if (found < 0) found = static_cast<int>(i);
    names += (count++ ? ", " : "") + side[i].name;
  }
  if (count > 1) {
    throw AnalysisError(fmt::format(
        "More than one event time columns are available on the {} side of a stream-stream join: "
        "[{}]. Please ensure there is at most one event time column per stream (select only the "
        "watermarked column or the window derived from it).",
        side_name, names));
  }
  return found;
}

std::optional<int> EventTimeJoinKey(const ExprPtr& condition, const std::vector<Attribute>& left,
                                    const std::vector<Attribute>& right) {
  int lw = static_cast<int>(left.size());
  std::vector<std::pair<ExprPtr, ExprPtr>> keys;  // (left operand, right operand)
  for (const auto& p : SplitConjuncts(condition)) {
    if (!IsEquiJoinConjunct(p, left.size())) continue;
    bool first_left = ColumnSpan(p->children[0]).second < lw;
    keys.emplace_back(first_left ? p->children[0] : p->children[1],
                      first_left ? p->children[1] : p->children[0]);
  }
  for (size_t k = 0; k < keys.size(); ++k) {
    const ExprPtr& l = keys[k].first;
    if (l->kind == ExprKind::kBoundColumn && left[l->index].is_event_time) return static_cast<int>(k);
  }
  for (size_t k = 0; k < keys.size(); ++k) {
    const ExprPtr& r = keys[k].second;
    if (r->kind == ExprKind::kBoundColumn && right[r->index - lw].is_event_time)
      return static_cast<int>(k);
  }
  return std::nullopt;
}

std::vector<JoinRangeBound> ExtractRangeBounds(const ExprPtr& condition,
                                               const std::vector<Attribute>& left,
                                               const std::vector<Attribute>& right,
                                               JoinSide state_side) {
  std::vector<JoinRangeBound> out;
  const auto& other = state_side == JoinSide::kLeft ? right : left;
  if (std::none_of(other.begin(), other.end(), [](const Attribute& a) { return a.is_event_time; }))
    return out;
  for (const auto& p : SplitConjuncts(condition)) {
    if (!IsRangeComparison(p)) continue;
    bool inclusive = p->name == "<=" || p->name == ">=";
    bool less = p->name == "<" || p->name == "<=";
    const ExprPtr& lo = less ? p->children[0] : p->children[1];
    const ExprPtr& hi = less ? p->children[1] : p->children[0];
    if (auto b = SolveLessThan(lo, hi, inclusive, left, right, state_side)) out.push_back(*b);
  }
  return out;
}

JoinEvictionPlan PlanJoinEviction(const ExprPtr& condition, const std::vector<Attribute>& left,
                                  const std::vector<Attribute>& right) {
  JoinEvictionPlan plan;
  if (auto k = EventTimeJoinKey(condition, left, right)) {
    for (JoinSideEviction* s : {&plan.left, &plan.right}) {
      s->kind = JoinSideEviction::Kind::kByJoinKey;
      s->key_index = *k;
    }
    return plan;
  }
  auto plan_side = [&](JoinSide side, JoinSideEviction* s) {
    const auto& attrs = side == JoinSide::kLeft ? left : right;
    int event_time = SideEventTimeColumn(attrs, side == JoinSide::kLeft ? "left" : "right");
    if (event_time < 0) return;
    s->bounds = ExtractRangeBounds(condition, left, right, side);
    if (s->bounds.empty()) return;
    s->kind = JoinSideEviction::Kind::kByRange;
    // Compare the side's event-time column if a bound constrains it, else the first bound's
    // column; every bound is still safe to apply to it since the minimum is taken.
    s->column = s->bounds[0].column;
    for (const auto& b : s->bounds) {
      if (b.column == event_time) s->column = event_time;
    }
  };
  plan_side(JoinSide::kLeft, &plan.left);
  plan_side(JoinSide::kRight, &plan.right);
  return plan;
}

bool HasRangeConditionOnEventTime(const ExprPtr& condition, const std::vector<Attribute>& left,
                                  const std::vector<Attribute>& right) {
  if (!condition) return false;
  if (IsRangeComparison(condition)) {
    std::vector<int> cols;
    CollectColumns(condition, &cols);
    int lw = static_cast<int>(left.size());
    for (int c : cols) {
      const Attribute& a = c < lw ? left[c] : right[c - lw];
      if (a.is_event_time) return true;
    }
  }
  for (const auto& c : condition->children) {
    if (HasRangeConditionOnEventTime(c, left, right)) return true;
  }
  return false;
}

}  // namespace sluice
