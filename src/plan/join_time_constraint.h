// Join time constraints: what the condition of a stream-stream join proves about how long a
// buffered row of each side can still find a match, given the global event-time watermark. The
// join evicts buffered rows by these rules (docs/joins.md) and the streaming checks use them to
// decide which outer joins are allowed. As Spark derives them, per side:
//
//   1. Event-time join key: an equi-join conjunct `l.c = r.c` where either column is an event-time
//      column (a watermarked timestamp, or a window struct over one). Both sides evict rows whose
//      key (the window end for a window) is <= the watermark.
//   2. Otherwise, if the side has an event-time column: range conjuncts (<, <=, >, >=; BETWEEN is
//      parsed into >= and <=) that relate one timestamp column of this side to the other side's
//      event-time column plus constants, e.g. `l.ts > r.ts - INTERVAL 10 MINUTES` or
//      `l.ts BETWEEN r.ts - INTERVAL 5 MINUTES AND r.ts + INTERVAL 10 MINUTES`. Each is solved
//      for this side's column with the other side's column replaced by the watermark W (ms):
//      `l.ts > W - 10 min` means rows with l.ts <= W - 10 min can never match again. A
//      non-strict comparison (>=, <=) lowers the bound by 1 ms. With several bounds the state
//      watermark is their minimum.
//   3. Otherwise the side's state is never evicted.
//
// Terms that can be solved: columns (optionally cast to a numeric or timestamp type), interval
// literals (microseconds), numeric literals (seconds), timestamp literals, combined with +, - and
// unary minus. Anything else in a conjunct makes that conjunct unusable (not an error).
//
// Pure functions over resolved expressions bound to [left columns..., right columns...];
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "expr/expression.h"
#include "plan/logical_plan.h"

namespace sluice {

enum class JoinSide : uint8_t { kLeft, kRight };

/// One solved range conjunct: rows of the state side whose `column` (a TIMESTAMP column of that
/// side, index within the side's output) is <= StateWatermarkMs(W) can no longer match.
struct JoinRangeBound {
  int column = -1;
  /// The bound in microseconds is `watermark_coefficient * W * 1000 + constant_micros`.
  int watermark_coefficient = 1;
  double constant_micros = 0;
  /// From <= or >=: the state watermark is one millisecond lower.
  bool inclusive = false;

  /// The state watermark (ms) this bound gives for the global watermark `watermark_ms`.
  int64_t StateWatermarkMs(int64_t watermark_ms) const;
};

/// How one side of a stream-stream join evicts its buffered rows.
struct JoinSideEviction {
  enum class Kind : uint8_t { kNone, kByJoinKey, kByRange };
  Kind kind = Kind::kNone;
  /// kByJoinKey: index of the key among the equi-join conjuncts (IsEquiJoinConjunct order), whose
  /// value (window end for a window struct) is compared with the watermark.
  int key_index = -1;
  /// kByRange: the column compared with the state watermark (index within the side's output),
  /// and every solved bound (the state watermark is their minimum).
  int column = -1;
  std::vector<JoinRangeBound> bounds;

  /// kByJoinKey: `watermark_ms`; kByRange: minimum over the bounds. REQUIRES: kind != kNone.
  int64_t StateWatermarkMs(int64_t watermark_ms) const;
};

struct JoinEvictionPlan {
  JoinSideEviction left;
  JoinSideEviction right;
};

/// The conjuncts of `condition` (nested ANDs flattened, in order); empty for a null condition.
std::vector<ExprPtr> SplitConjuncts(const ExprPtr& condition);

/// True for `a = b` or `a <=> b` where one operand references only left columns (index <
/// left_width, at least one) and the other only right columns: the conjuncts the hash joins use as
/// equi-join keys, in condition order.
bool IsEquiJoinConjunct(const ExprPtr& conjunct, size_t left_width);

/// The side's single event-time column (index within `side`), or -1 if it has none. Throws
/// AnalysisError naming the columns if there are several (as Spark: at most one per stream).
int SideEventTimeColumn(const std::vector<Attribute>& side, const char* side_name);

/// Index among the equi-join conjuncts of the first key whose left operand is an event-time column
/// of the left side, else of the first whose right operand is one of the right side; nullopt if
/// none.
std::optional<int> EventTimeJoinKey(const ExprPtr& condition, const std::vector<Attribute>& left,
                                    const std::vector<Attribute>& right);

/// The range bounds `condition` gives for `state_side`'s columns relative to the other side's
/// event-time column (empty if the other side has no event-time column or no conjunct solves).
std::vector<JoinRangeBound> ExtractRangeBounds(const ExprPtr& condition,
                                               const std::vector<Attribute>& left,
                                               const std::vector<Attribute>& right,
                                               JoinSide state_side);

/// Both sides' eviction rules (rules 1-3 above).
JoinEvictionPlan PlanJoinEviction(const ExprPtr& condition, const std::vector<Attribute>& left,
                                  const std::vector<Attribute>& right);

/// True if some comparison (<, <=, >, >=) anywhere in `condition` references an event-time column
/// of either side: a time-interval join, which can emit rows older than the watermark.
bool HasRangeConditionOnEventTime(const ExprPtr& condition, const std::vector<Attribute>& left,
                                  const std::vector<Attribute>& right);

}  // namespace sluice
