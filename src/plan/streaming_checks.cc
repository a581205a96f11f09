#include "plan/streaming_checks.h"

#include <fmt/format.h>

#include "plan/group_state_spec.h"
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
        Fail("Stream-stream joins are not supported by this version of Sluice yet (stream-static "
             "joins are)");
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

void CheckStreamingPlan(const PlanPtr& plan, OutputMode mode) {
  if (!plan->is_streaming) {
    Fail("'writeStream' can be called only on streaming Dataset/DataFrame");
  }
  CheckLimits(plan, mode);
  CheckGroupsWithState(plan, mode, CountStreamingAggregates(plan));
  Shape shape;
  Walk(plan, mode, &shape);
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
