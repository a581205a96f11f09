#include "plan/streaming_checks.h"

#include <fmt/format.h>

#include "plan/group_state_spec.h"
#include "plan/join_time_constraint.h"
#include "sluice/exception.h"

namespace sluice {

namespace {

struct Shape {
  int aggregations = 0;
  int aggregations_without_watermark = 0;
  int deduplications = 0;
};

bool AggregateHasEventTimeKey(const LogicalPlan& agg) {
  const auto& in = agg.children[0]->output;
  for (const auto& k : agg.group_by) {
    if (k->kind == ExprKind::kBoundColumn && in[k->index].is_event_time) return true;
    if (k->kind == ExprKind::kCall && (k->name == "window" || k->name == "session_window")) {
      for (const auto& c : k->children) {
        if (c->kind == ExprKind::kBoundColumn && in[c->index].is_event_time) return true;
      }
    }
  }
  return false;
}

[[noreturn]] void Fail(const std::string& message) { throw AnalysisError(message); }

bool IsStreamStreamJoin(const LogicalPlan& p) {
  return p.kind == PlanKind::kJoin && p.children[0]->is_streaming && p.children[1]->is_streaming;
}

// Spark's support matrix for joins of two streams (docs/joins.md).
void CheckStreamStreamJoin(const LogicalPlan& j, OutputMode mode) {
  JoinType t = j.join_type;
  if (mode != OutputMode::kAppend) {
    Fail(fmt::format("Join between two streaming DataFrames/Datasets is not supported in {} output "
                     "mode, only in Append output mode",
                     OutputModeName(mode)));
  }
  if (t == JoinType::kLeftAnti) {
    Fail("LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported (joins "
         "of two streams support Inner, LeftOuter, RightOuter, FullOuter and LeftSemi)");
  }
  const auto& left = j.children[0]->output;
  const auto& right = j.children[1]->output;
  bool has_key = false;
  for (const auto& c : SplitConjuncts(j.condition)) has_key |= IsEquiJoinConjunct(c, left.size());
  if (!has_key) {
    Fail("Stream-stream join without equality predicate is not supported: the join condition must "
         "contain an equality between a column of each side (e.g. `l.id = r.id`)");
  }
  SideEventTimeColumn(left, "left");
  SideEventTimeColumn(right, "right");
  if (t == JoinType::kInner || t == JoinType::kCross) return;  // watermarks and ranges optional
  bool key_watermark = EventTimeJoinKey(j.condition, left, right).has_value();
  bool left_bounded = !ExtractRangeBounds(j.condition, left, right, JoinSide::kLeft).empty();
  bool right_bounded = !ExtractRangeBounds(j.condition, left, right, JoinSide::kRight).empty();
  bool ok = key_watermark;
  std::string needs;
  switch (t) {
    case JoinType::kLeftOuter:
    case JoinType::kLeftSemi:
      ok |= left_bounded;
      needs = "a watermark on the right input and a time-range condition bounding the left event "
              "time by it (e.g. `l.ts BETWEEN r.ts - INTERVAL 5 MINUTES AND r.ts + INTERVAL 10 "
              "MINUTES`)";
      break;
    case JoinType::kRightOuter:
      ok |= right_bounded;
      needs = "a watermark on the left input and a time-range condition bounding the right event "
              "time by it (e.g. `r.ts BETWEEN l.ts AND l.ts + INTERVAL 10 MINUTES`)";
      break;
    default:  // full outer
      ok |= left_bounded || right_bounded;
      needs = "a watermark on at least one input and a time-range condition bounding the other "
              "side's event time by it";
      break;
  }
  if (!ok) {
    Fail(fmt::format("Stream-stream {} join between two streaming DataFrame/Datasets is not "
                     "supported without a watermark in the join keys, or a watermark on the "
                     "nullable side and an appropriate range condition. Join on an event-time or "
                     "window column of watermarked inputs, or add {}.",
                     JoinTypeName(t), needs));
  }
}

// A stateful operator that can emit rows older than the watermark, which a stateful operator
// after it would drop as late (Spark's global watermark limit): a time-interval join of two
// streams, or flatMapGroupsWithState with an event-time timeout.
bool MayEmitRowsBelowWatermark(const LogicalPlan& p) {
  if (IsStreamStreamJoin(p)) {
    return HasRangeConditionOnEventTime(p.condition, p.children[0]->output, p.children[1]->output);
  }
  return p.kind == PlanKind::kFlatMapGroupsWithState && p.is_streaming && p.group_state &&
         p.group_state->timeout == GroupStateTimeout::EventTimeTimeout;
}

bool IsStatefulNode(const LogicalPlan& p) {
  if (!p.is_streaming) return false;
  return IsStreamStreamJoin(p) || p.kind == PlanKind::kAggregate || p.kind == PlanKind::kDeduplicate ||
         p.kind == PlanKind::kFlatMapGroupsWithState;
}

bool HasLateRowEmitterBelow(const PlanPtr& p) {
  for (const auto& c : p->children) {
    if (MayEmitRowsBelowWatermark(*c) || HasLateRowEmitterBelow(c)) return true;
  }
  return false;
}

// Stateful operators chained with stream-stream joins, as Spark allows them.
void CheckChainedWithStreamJoins(const PlanPtr& p) {
  if (IsStatefulNode(*p) && HasLateRowEmitterBelow(p)) {
    bool involves_join = IsStreamStreamJoin(*p);
    std::vector<PlanPtr> stack(p->children.begin(), p->children.end());
    while (!stack.empty() && !involves_join) {
      PlanPtr c = stack.back();
      stack.pop_back();
      involves_join = IsStreamStreamJoin(*c) && MayEmitRowsBelowWatermark(*c);
      stack.insert(stack.end(), c->children.begin(), c->children.end());
    }
    if (involves_join) {
      Fail("Detected pattern of possible 'correctness' issue due to global watermark. The query "
           "contains a stateful operation which can emit rows older than the current watermark "
           "(a stream-stream join with a time-range condition, or flatMapGroupsWithState with an "
           "event-time timeout) followed by another stateful operator, which would drop those "
           "rows as late. Join on window or event-time columns instead of a time range, or move "
           "the other stateful operator before the join. (To run it anyway, accepting that such "
           "rows may be dropped, set spark.sql.streaming.statefulOperator.checkCorrectness.enabled "
           "to false.)");
    }
  }
  for (const auto& c : p->children) CheckChainedWithStreamJoins(c);
}

void Walk(const PlanPtr& p, OutputMode mode, Shape* shape) {
  if (!p->is_streaming) return;
  switch (p->kind) {
    case PlanKind::kAggregate:
      ++shape->aggregations;
      if (!AggregateHasEventTimeKey(*p)) ++shape->aggregations_without_watermark;
      break;
    case PlanKind::kDeduplicate: ++shape->deduplications; break;
    case PlanKind::kSort: {
      // Sorting is allowed only on an aggregation, in complete mode.
      bool on_agg = false;
      for (PlanPtr c = p->children[0]; c; c = c->children.empty() ? nullptr : c->children[0]) {
        if (c->kind == PlanKind::kAggregate && c->is_streaming) {
          on_agg = true;
          break;
        }
      }
      if (!on_agg || mode != OutputMode::kComplete) {
        Fail("Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated "
             "DataFrame/Dataset in Complete output mode");
      }
      break;
    }
    case PlanKind::kJoin: {
      bool ls = p->children[0]->is_streaming, rs = p->children[1]->is_streaming;
      JoinType t = p->join_type;
      if (ls && rs) {
        CheckStreamStreamJoin(*p, mode);
        break;
      }
      if (ls && (t == JoinType::kRightOuter)) {
        Fail("RightOuter join with a streaming DataFrame/Dataset on the left and a static "
             "DataFrame/DataSet on the right is not supported");
      }
      if (ls && t == JoinType::kFullOuter) {
        Fail("FullOuter joins with streaming DataFrames/Datasets on the left and a static "
             "DataFrame/DataSet on the right is not supported");
      }
      if (rs && (t == JoinType::kLeftOuter || t == JoinType::kLeftSemi || t == JoinType::kLeftAnti)) {
        Fail(fmt::format("{} join with a streaming DataFrame/Dataset on the right and a static "
                         "DataFrame/Dataset on the left is not supported",
                         JoinTypeName(t)));
      }
      if (rs && t == JoinType::kFullOuter) {
        Fail("FullOuter joins with streaming DataFrames/Datasets on the right and a static "
             "DataFrame/DataSet on the left is not supported");
      }
      break;
    }
    default: break;
  }
  for (const auto& c : p->children) Walk(c, mode, shape);
}

bool HasGroupsWithState(const PlanPtr& p) {
  if (p->kind == PlanKind::kFlatMapGroupsWithState) return true;
  for (const auto& c : p->children) {
    if (HasGroupsWithState(c)) return true;
  }
  return false;
}

bool HasSessionWindow(const PlanPtr& p) {
  if (p->kind == PlanKind::kAggregate && p->is_streaming) {
    for (const auto& k : p->group_by) {
      if (k->kind == ExprKind::kCall && k->name == "session_window") return true;
    }
  }
  for (const auto& c : p->children) {
    if (HasSessionWindow(c)) return true;
  }
  return false;
}

bool HasStreamingAggregateBelow(const PlanPtr& p) {
  if (!p->is_streaming) return false;
  if (p->kind == PlanKind::kAggregate) return true;
  for (const auto& c : p->children) {
    if (HasStreamingAggregateBelow(c)) return true;
  }
  return false;
}

int CountStreamingAggregates(const PlanPtr& p) {
  if (!p->is_streaming) return 0;
  int n = p->kind == PlanKind::kAggregate ? 1 : 0;
  for (const auto& c : p->children) n += CountStreamingAggregates(c);
  return n;
}

// Spark's rules for (flat)mapGroupsWithState against the query's output mode and aggregations.
void CheckGroupsWithState(const PlanPtr& p, OutputMode mode, int aggs_in_query) {
  if (p->kind == PlanKind::kFlatMapGroupsWithState && p->is_streaming) {
    const GroupStateSpec& s = *p->group_state;
    if (s.is_map) {
      if (aggs_in_query > 0) Fail("mapGroupsWithState is not supported with aggregation on a streaming DataFrame/Dataset");
      if (mode != OutputMode::kUpdate) {
        Fail(fmt::format("mapGroupsWithState is not supported with {} output mode on a streaming "
                         "DataFrame/Dataset",
                         OutputModeName(mode)));
      }
    } else if (aggs_in_query == 0) {
      if (s.function_output_mode != mode) {
        Fail(fmt::format("flatMapGroupsWithState in {} mode is not supported with {} output mode on a "
                         "streaming DataFrame/Dataset",
                         s.function_output_mode == OutputMode::kUpdate ? "update" : "append",
                         OutputModeName(mode)));
      }
    } else {
      if (s.function_output_mode == OutputMode::kUpdate) {
        Fail("flatMapGroupsWithState in update mode is not supported with aggregation on a streaming "
             "DataFrame/Dataset");
      }
      if (CountStreamingAggregates(p) > 0) {
        Fail("flatMapGroupsWithState in append mode is not supported after aggregation on a "
             "streaming DataFrame/Dataset");
      }
    }
  }
  for (const auto& c : p->children) CheckGroupsWithState(c, mode, aggs_in_query);
}

void CheckLimits(const PlanPtr& p, OutputMode mode) {
  if (p->kind == PlanKind::kLimit && p->is_streaming) {
    if (mode == OutputMode::kUpdate) {
      Fail("Limits are not supported on streaming DataFrames/Datasets in Update output mode");
    }
    if (!(mode == OutputMode::kComplete && HasStreamingAggregateBelow(p))) {
      Fail("Limits on streaming DataFrames/Datasets are supported by Sluice only on top of an "
           "aggregation in Complete output mode");
    }
  }
  for (const auto& c : p->children) CheckLimits(c, mode);
}

}  // namespace

void CheckStreamingPlan(const PlanPtr& plan, OutputMode mode, bool check_correctness) {
  if (!plan->is_streaming) {
    Fail("'writeStream' can be called only on streaming Dataset/DataFrame");
  }
  CheckLimits(plan, mode);
  CheckGroupsWithState(plan, mode, CountStreamingAggregates(plan));
  Shape shape;
  Walk(plan, mode, &shape);
  if (check_correctness) CheckChainedWithStreamJoins(plan);
  if (mode == OutputMode::kComplete && shape.aggregations == 0) {
    if (HasGroupsWithState(plan)) {
      Fail("Complete output mode not supported when there are no streaming aggregations on "
           "streaming DataFrames/Datasets ((flat)mapGroupsWithState keeps state but is not an "
           "aggregation)");
    }
    Fail("Complete output mode not supported when there are no streaming aggregations on streaming "
         "DataFrames/Datasets");
  }
  if (mode == OutputMode::kAppend && shape.aggregations_without_watermark > 0) {
    Fail("Append output mode not supported when there are streaming aggregations on streaming "
         "DataFrames/DataSets without watermark");
  }
  if (mode == OutputMode::kUpdate && HasSessionWindow(plan)) {
    Fail("Update output mode is not supported for streaming aggregations with session windows "
         "(session_window); use Append or Complete output mode");
  }
  if (shape.aggregations > 1 && mode != OutputMode::kAppend) {
    Fail(fmt::format("Multiple streaming aggregations are not supported with streaming "
                     "DataFrames/Datasets in {} output mode",
                     OutputModeName(mode)));
  }
}

}  // namespace sluice
