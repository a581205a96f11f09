#include "exec/physical_planner.h"

#include "exec/deduplicate.h"
#include "exec/event_time_watermark.h"
#include "exec/filter.h"
#include "exec/filter_project.h"
#include "exec/flat_map_groups_with_state.h"
#include "exec/hash_aggregate.h"
#include "exec/hash_join.h"
#include "exec/project.h"
#include "exec/scan.h"
#include "exec/session_window_aggregate.h"
#include "exec/sort_limit.h"
#include "exec/stream_stream_join.h"
#include "exec/window_expand.h"
#include "exec/scan_column_pruning.h"
#include "expr/function_registry.h"
#include "sluice/exception.h"

namespace sluice {

namespace {

// True if `e` refers to input column `index` anywhere.
bool RefersToColumn(const Expr& e, int index) {
  if (e.kind == ExprKind::kBoundColumn && e.index == index) return true;
  for (const auto& c : e.children) {
    if (RefersToColumn(*c, index)) return true;
  }
  return false;
}

// True if `e` calls no non-deterministic function (so evaluating it once per input row equals
// evaluating it once per copy of the row).
bool IsDeterministic(const Expr& e) {
  if (e.kind == ExprKind::kCall && e.function != nullptr && !e.function->deterministic) return false;
  for (const auto& c : e.children) {
    if (!IsDeterministic(*c)) return false;
  }
  return true;
}

// The fused window assignment of an aggregation `spec` over `expand` (a kWindowExpand node), or
// nullopt when the window column is used other than as exactly one grouping key, or another key or
// argument is non-deterministic (see AggregateSpec::FusedWindow).
std::optional<AggregateSpec::FusedWindow> FuseWindow(const AggregateSpec& spec, const LogicalPlan& expand) {
  const int window_column = static_cast<int>(expand.output.size()) - 1;
  std::optional<AggregateSpec::FusedWindow> fw;
  for (size_t k = 0; k < spec.keys.size(); ++k) {
    const Expr& e = *spec.keys[k];
    if (e.kind == ExprKind::kBoundColumn && e.index == window_column && !fw) {
      fw.emplace();
      fw->key_index = k;
    } else if (RefersToColumn(e, window_column) || !IsDeterministic(e)) {
      return std::nullopt;
    }
  }
  if (!fw) return std::nullopt;
  for (const auto& call : spec.aggregate_calls) {
    for (const auto& arg : call->children) {
      if (RefersToColumn(*arg, window_column) || !IsDeterministic(*arg)) return std::nullopt;
    }
  }
  fw->time = expand.exprs[0];
  fw->window_micros = expand.window_micros;
  fw->slide_micros = expand.slide_micros;
  fw->start_micros = expand.window_start_micros;
  fw->expanded_schema = expand.Schema();
  return fw;
}

class Planner {
 public:
  explicit Planner(PhysicalPlan* out) : out_(out) {}

  std::unique_ptr<PhysicalOperator> Plan(const PlanPtr& p) {
    TypePtr schema = p->Schema();
    switch (p->kind) {
      case PlanKind::kSource:
        if (p->is_streaming) {
          int id = static_cast<int>(out_->stream_sources.size());
          out_->stream_sources.push_back(p->source);
          return std::make_unique<StreamScan>(schema, id, p->source->Description());
        }
        return std::make_unique<SourceScan>(schema, p->source);
      case PlanKind::kLocalRelation: return std::make_unique<LocalScan>(schema, p->local_rows);
      case PlanKind::kSubqueryAlias: return Plan(p->children[0]);
      case PlanKind::kProject: {
        const PlanPtr& child = p->children[0];
        if (child->kind == PlanKind::kFilter) {
          return std::make_unique<FilterProject>(schema, Plan(child->children[0]), child->condition, p->exprs);
        }
        return std::make_unique<Project>(schema, Plan(child), p->exprs);
      }
      case PlanKind::kFilter: return std::make_unique<Filter>(Plan(p->children[0]), p->condition);
      case PlanKind::kWatermark: {
        auto op = std::make_unique<EventTimeWatermark>(Plan(p->children[0]), p->exprs[0]->index,
                                                       p->delay_micros, p->alias);
        out_->watermarks.push_back(op.get());
        return op;
      }
      case PlanKind::kAggregate: {
        for (size_t k = 0; k < p->group_by.size(); ++k) {
          const ExprPtr& e = p->group_by[k];
          if (e->kind != ExprKind::kCall || e->name != "session_window") continue;
          SessionWindowSpec s;
          s.session_key_index = static_cast<int>(k);
          s.time = e->children[0];
          s.gap = e->children[1];
          s.session_type = e->type;
          for (size_t j = 0; j < p->group_by.size(); ++j) {
            if (j != k) s.keys.push_back(p->group_by[j]);
          }
          s.aggregate_calls = p->aggregate_calls;
          s.output_exprs = p->exprs;
          bool streaming = p->is_streaming;
          int id = streaming ? out_->num_stateful++ : -1;
          return std::make_unique<SessionWindowAggregate>(schema, Plan(p->children[0]), std::move(s),
                                                          streaming, id);
        }
        AggregateSpec spec;
        spec.keys = p->group_by;
        spec.aggregate_calls = p->aggregate_calls;
        spec.output_exprs = p->exprs;
        const auto& in = p->children[0]->output;
        for (size_t k = 0; k < spec.keys.size(); ++k) {
          const ExprPtr& e = spec.keys[k];
          if (e->kind == ExprKind::kBoundColumn && in[e->index].is_event_time) {
            spec.event_time_key = static_cast<int>(k);
            spec.event_time_is_window = e->type->id() == TypeId::kStruct;
          } else if (e->kind == ExprKind::kCall && (e->name == "window" || e->name == "session_window")) {
            for (const auto& c : e->children) {
              if (c->kind == ExprKind::kBoundColumn && in[c->index].is_event_time) {
                spec.event_time_key = static_cast<int>(k);
                spec.event_time_is_window = true;
              }
            }
          }
        }
        bool streaming = p->is_streaming;
        int id = streaming ? out_->num_stateful++ : -1;
        const PlanPtr& child = p->children[0];
        if (child->kind == PlanKind::kWindowExpand) {
          spec.window = FuseWindow(spec, *child);
          if (spec.window) {
            return std::make_unique<HashAggregate>(schema, Plan(child->children[0]), std::move(spec),
                                                   streaming, id);
          }
        }
        return std::make_unique<HashAggregate>(schema, Plan(child), std::move(spec), streaming, id);
      }
      case PlanKind::kDeduplicate: {
        DeduplicateSpec spec;
        const auto& in = p->children[0]->output;
        for (const auto& k : p->group_by) spec.key_columns.push_back(k->index);
        for (size_t i = 0; i < in.size(); ++i) {
          if (in[i].is_event_time) {
            spec.event_time_column = static_cast<int>(i);
            spec.delay_micros = in[i].watermark_delay_micros;
          }
        }
        for (int k : spec.key_columns) spec.event_time_in_keys |= k == spec.event_time_column;
        spec.within_watermark = p->within_watermark;
        bool streaming = p->is_streaming;
        int id = streaming ? out_->num_stateful++ : -1;
        return std::make_unique<Deduplicate>(Plan(p->children[0]), std::move(spec), streaming, id);
      }
      case PlanKind::kJoin: {
        size_t lw = p->children[0]->output.size();
        if (p->children[0]->is_streaming && p->children[1]->is_streaming) return PlanStreamStreamJoin(p);
        JoinSpec spec = ExtractJoinKeys(p->join_type, p->condition, lw);
        bool cache = p->is_streaming && !p->children[1]->is_streaming;
        auto left = Plan(p->children[0]);
        auto right = Plan(p->children[1]);
        return std::make_unique<HashJoin>(schema, std::move(left), std::move(right), std::move(spec),
                                          cache);
      }
      case PlanKind::kUnion: {
        std::vector<std::unique_ptr<PhysicalOperator>> kids;
        for (const auto& c : p->children) kids.push_back(Plan(c));
        return std::make_unique<UnionAll>(schema, std::move(kids));
      }
      case PlanKind::kFlatMapGroupsWithState: {
        bool watermark = false;
        int event_time_column = -1;
        const auto& in = p->children[0]->output;
        for (size_t i = 0; i < in.size(); ++i) {
          if (in[i].is_event_time && event_time_column < 0) event_time_column = static_cast<int>(i);
          watermark |= in[i].is_event_time;
        }
        bool streaming = p->is_streaming;
        int id = streaming ? out_->num_stateful++ : -1;
        return std::make_unique<FlatMapGroupsWithState>(schema, Plan(p->children[0]), p->group_by,
                                                        p->column_names, p->group_state, watermark,
                                                        event_time_column, streaming, id);
      }
      case PlanKind::kWindowExpand:
        return std::make_unique<WindowExpand>(schema, Plan(p->children[0]), p->exprs[0],
                                              p->window_micros, p->slide_micros,
                                              p->window_start_micros);
      case PlanKind::kSort: return std::make_unique<Sort>(Plan(p->children[0]), p->exprs);
      case PlanKind::kLimit: return std::make_unique<Limit>(Plan(p->children[0]), p->limit);
      default:
        throw InternalError("no physical operator for plan node: " + p->ToString());
    }
  }

 private:
  // Both sides streaming: the symmetric hash join, with one state operator id per side.
  std::unique_ptr<PhysicalOperator> PlanStreamStreamJoin(const PlanPtr& p) {
    const auto& left = p->children[0]->output;
    const auto& right = p->children[1]->output;
    StreamStreamJoinSpec spec;
    spec.join = ExtractJoinKeys(p->join_type, p->condition, left.size());
    if (spec.join.type == JoinType::kCross) spec.join.type = JoinType::kInner;  // with equi-keys
    spec.eviction = PlanJoinEviction(p->condition, left, right);
    spec.left_event_time = SideEventTimeColumn(left, "left");
    spec.right_event_time = SideEventTimeColumn(right, "right");
    for (const auto& a : left) spec.left_names.push_back(a.name);
    for (const auto& a : right) spec.right_names.push_back(a.name);
    int id = out_->num_stateful;
    out_->num_stateful += 2;
    auto l = Plan(p->children[0]);
    auto r = Plan(p->children[1]);
    return std::make_unique<StreamStreamJoin>(p->Schema(), std::move(l), std::move(r), std::move(spec), id);
  }

  PhysicalPlan* out_;
};

}  // namespace

PhysicalPlan PlanPhysical(const PlanPtr& plan) {
  PhysicalPlan out;
  Planner planner(&out);
  out.root = planner.Plan(plan);
  PruneScanColumns(out.root.get());
  return out;
}

}  // namespace sluice
