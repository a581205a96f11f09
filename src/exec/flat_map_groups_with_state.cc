#include "exec/flat_map_groups_with_state.h"

#include <fmt/format.h>

#include "exec/group_hash_table.h"
#include "exec/late_rows.h"
#include "expr/evaluator.h"
#include "sluice/exception.h"
#include "state/state_store.h"

namespace sluice {

/// The keys of one shuffle partition with their state (bytes) and timeout.
struct FlatMapGroupsWithState::PartitionState {
  int64_t loaded_version = -1;
  std::unique_ptr<GroupHashTable> table;   // key -> group id
  std::vector<std::optional<std::string>> values;
  std::vector<int64_t> timeouts;
};

FlatMapGroupsWithState::FlatMapGroupsWithState(TypePtr schema, std::unique_ptr<PhysicalOperator> child,
                                               std::vector<ExprPtr> keys, std::vector<std::string> key_names,
                                               std::shared_ptr<const GroupStateSpec> spec,
                                               bool watermark_present, int event_time_column,
                                               bool streaming, int operator_id)
    : PhysicalOperator(std::move(schema), {}), keys_(std::move(keys)), spec_(std::move(spec)),
      watermark_present_(watermark_present), event_time_column_(event_time_column), streaming_(streaming),
      operator_id_(operator_id) {
  children_.push_back(std::move(child));
  std::vector<StructField> kf, sf;
  for (size_t k = 0; k < keys_.size(); ++k) {
    kf.emplace_back(key_names[k], keys_[k]->type);
    sf.emplace_back(fmt::format("k{}", k), keys_[k]->type);
  }
  key_schema_ = DataType::Struct(kf);
  sf.emplace_back("state", DataType::Binary());
  sf.emplace_back("timeout_ms", DataType::Long());
  state_schema_ = DataType::Struct(std::move(sf));
  progress_.operator_name = "flatMapGroupsWithState";
}

FlatMapGroupsWithState::~FlatMapGroupsWithState() = default;

std::vector<StateSchemaInfo> FlatMapGroupsWithState::StateSchemas() const {
  if (!streaming_) return {};
  StateSchemaInfo info;
  info.op = operator_id_;
  info.operator_name = "flatMapGroupsWithState";
  std::vector<StructField> values(state_schema_->fields().begin() + keys_.size(), state_schema_->fields().end());
  info.key_schema = key_schema_;
  info.value_schema = DataType::Struct(std::move(values));
  return {info};
}

RecordBatchPtr FlatMapGroupsWithState::StateRows(const PartitionState& st, const SelectionVector& groups) const {
  std::vector<VectorPtr> cols;
  for (const auto& k : st.table->keys()) cols.push_back(k->Take(groups));
  auto sv = std::make_shared<Vector>(DataType::Binary());
  auto tv = std::make_shared<Vector>(DataType::Long());
  for (uint32_t g : groups) {
    if (st.values[g]) {
      sv->AppendString(*st.values[g]);
    } else {
      sv->AppendNull();
    }
    tv->Append<int64_t>(st.timeouts[g]);
  }
  cols.push_back(sv);
  cols.push_back(tv);
  return RecordBatch::Make(state_schema_, std::move(cols), groups.size());
}

void FlatMapGroupsWithState::LoadRows(const RecordBatch& rows, PartitionState* st) const {
  std::vector<VectorPtr> kc(rows.columns().begin(), rows.columns().begin() + keys_.size());
  std::vector<uint32_t> g;
  st->table->FindOrInsert(kc, rows.num_rows(), &g);
  st->values.resize(st->table->size(), std::nullopt);
  st->timeouts.resize(st->table->size(), GroupStateHandle::kNoTimestamp);
  const Vector& sv = *rows.column(keys_.size());
  const Vector& tv = *rows.column(keys_.size() + 1);
  for (size_t i = 0; i < rows.num_rows(); ++i) {
    st->values[g[i]] = sv.IsNull(i) ? std::nullopt : std::optional<std::string>(std::string(sv.GetString(i)));
    st->timeouts[g[i]] = tv.Get<int64_t>(i);
  }
}

namespace {

// A value converted to the output column's type when the function returned another type.
Value Conform(const Value& v, const TypePtr& type, const EvalContext& ctx) {
  if (v.is_null() || v.type()->Equals(*type)) return v;
  auto vec = Vector::MakeConstant(v, 1);
  return CastVector(vec, type, ctx)->GetValue(0);
}

}  // namespace

RecordBatchPtr FlatMapGroupsWithState::ProcessPartition(size_t part, const std::vector<RecordBatchPtr>& rows,
                                                        ExecContext& ctx) {
  std::vector<TypePtr> key_types;
  for (const auto& k : keys_) key_types.push_back(k->type);
  std::unique_ptr<PartitionState> local;
  PartitionState* st;
  int64_t version = streaming_ ? ctx.stream->batch_id : 0;
  if (streaming_) {
    auto& s = states_[part];
    if (!s || s->loaded_version != version) {
      s = std::make_unique<PartitionState>();
      s->table = std::make_unique<GroupHashTable>(key_types);
      RecordBatchPtr saved =
          ctx.stream->state->LoadAll(operator_id_, static_cast<int>(part), version, state_schema_, keys_.size());
      LoadRows(*saved, s.get());
    }
    st = s.get();
  } else {
    local = std::make_unique<PartitionState>();
    local->table = std::make_unique<GroupHashTable>(key_types);
    st = local.get();
  }
  // Group the batch's rows by key, keys in order of first appearance.
  std::vector<std::vector<Row>> values_of;  // by group id
  std::vector<uint32_t> groups_with_data;
  size_t before = st->table->size();
  for (const auto& chunk : rows) {
    std::vector<VectorPtr> kc;
    for (const auto& k : keys_) kc.push_back(Evaluate(*k, *chunk, ctx.eval));
    std::vector<uint32_t> g;
    st->table->FindOrInsert(kc, chunk->num_rows(), &g);
    if (values_of.size() < st->table->size()) values_of.resize(st->table->size());
    for (size_t i = 0; i < chunk->num_rows(); ++i) {
      if (values_of[g[i]].empty()) groups_with_data.push_back(g[i]);
      values_of[g[i]].emplace_back(chunk->schema(), chunk->GetRow(i));
    }
  }
  st->values.resize(st->table->size(), std::nullopt);
  st->timeouts.resize(st->table->size(), GroupStateHandle::kNoTimestamp);
  (void)before;

  int64_t batch_time_ms = ctx.eval.current_timestamp_micros / 1000;
  int64_t watermark_ms = streaming_ ? ctx.stream->watermark_for_eviction_ms : 0;
  std::vector<std::vector<Value>> out_rows;
  int64_t updated = 0, removed = 0;
  SelectionVector upserted_groups;  // live after the call and changed by it
  SelectionVector removed_groups;   // live before the call, not after
  const auto& out_fields = schema_->fields();
  auto is_live = [&](uint32_t g) { return st->values[g] || st->timeouts[g] != GroupStateHandle::kNoTimestamp; };
  auto call = [&](uint32_t g, const std::vector<Row>& values, bool timed_out) {
    bool was_live = is_live(g);
    GroupStateHandle h(st->values[g], batch_time_ms, watermark_ms, spec_->timeout, timed_out,
                       watermark_present_);
    std::vector<Value> key_vals;
    for (const auto& kv : st->table->keys()) key_vals.push_back(kv->GetValue(g));
    Row key(key_schema_, std::move(key_vals));
    std::vector<Row> produced = spec_->fn(key, values, h);
    for (const auto& r : produced) {
      if (r.size() != out_fields.size()) {
        throw ExecutionError(fmt::format(
            "[map|flatMap]GroupsWithState function returned a row of {} values; the output schema "
            "has {} columns",
            r.size(), out_fields.size()));
      }
      std::vector<Value> vals;
      for (size_t c = 0; c < r.size(); ++c) vals.push_back(Conform(r[c], out_fields[c].type, ctx.eval));
      out_rows.push_back(std::move(vals));
    }
    int64_t prev_timeout = st->timeouts[g];
    int64_t new_timeout = h.timeout_timestamp_ms();
    if (h.removed() && new_timeout == GroupStateHandle::kNoTimestamp) {
      if (was_live) {
        ++removed;
        removed_groups.push_back(g);
      }
      st->values[g].reset();
      st->timeouts[g] = GroupStateHandle::kNoTimestamp;
    } else if (h.updated() || h.removed() || new_timeout != prev_timeout) {
      st->values[g] = h.exists() ? std::optional<std::string>(h.bytes()) : std::nullopt;
      st->timeouts[g] = new_timeout;
      ++updated;
      if (is_live(g)) {
        upserted_groups.push_back(g);
      } else if (was_live) {
        removed_groups.push_back(g);
      }
    }
  };
  for (uint32_t g : groups_with_data) call(g, values_of[g], false);
  // Timeouts of keys without new rows.
  if (streaming_ && spec_->timeout != GroupStateTimeout::NoTimeout) {
    int64_t threshold = spec_->timeout == GroupStateTimeout::ProcessingTimeTimeout ? batch_time_ms : watermark_ms;
    std::vector<uint8_t> had_data(st->table->size(), 0);
    for (uint32_t g : groups_with_data) had_data[g] = 1;
    for (uint32_t g = 0; g < st->table->size(); ++g) {
      if (had_data[g]) continue;
      int64_t t = st->timeouts[g];
      if (t != GroupStateHandle::kNoTimestamp && t < threshold && (st->values[g] || t >= 0)) {
        call(g, {}, true);
      }
    }
  }
  RecordBatchPtr out = RecordBatch::FromRows(schema_, out_rows);
  if (streaming_) {
    SelectionVector live;
    for (uint32_t g = 0; g < st->table->size(); ++g) {
      if (is_live(g)) live.push_back(g);
    }
    // Persist only this batch's changes: keys whose state or timeout changed, keys removed.
    std::map<std::string, int64_t> store_metrics;
    if (!upserted_groups.empty() || !removed_groups.empty()) {
      auto upserts = StateRows(*st, upserted_groups);
      std::vector<VectorPtr> removed_cols;
      for (const auto& k : st->table->keys()) removed_cols.push_back(k->Take(removed_groups));
      auto removed_keys = RecordBatch::Make(key_schema_, std::move(removed_cols), removed_groups.size());
      store_metrics = ctx.stream->state->Commit(operator_id_, static_cast<int>(part), version + 1, *upserts,
                                                *removed_keys);
    }
    if (live.size() * 2 < st->table->size() && st->table->size() > 1024) {
      // Compact: rebuild the in-memory table without keys whose state is gone.
      auto rows = StateRows(*st, live);
      auto fresh = std::make_unique<PartitionState>();
      fresh->table = std::make_unique<GroupHashTable>(key_types);
      LoadRows(*rows, fresh.get());
      *st = std::move(*fresh);
      live.resize(st->table->size());
      for (uint32_t g = 0; g < live.size(); ++g) live[g] = g;
    }
    st->loaded_version = version + 1;
    std::lock_guard<std::mutex> l(mu_);
    progress_.num_rows_total += static_cast<int64_t>(live.size());
    progress_.num_rows_updated += updated;
    progress_.num_rows_removed += removed;
    for (const auto& [k, v] : store_metrics) progress_.custom_metrics[k] += v;
    for (uint32_t g : live) {
      if (st->timeouts[g] != GroupStateHandle::kNoTimestamp) min_timeout_ms_ = std::min(min_timeout_ms_, st->timeouts[g]);
    }
  }
  return out;
}

std::vector<Partition> FlatMapGroupsWithState::Execute(ExecContext& ctx) {
  auto input = children_[0]->Execute(ctx);
  int64_t dropped = 0;
  if (streaming_ && spec_->timeout == GroupStateTimeout::EventTimeTimeout && event_time_column_ >= 0 &&
      ctx.stream->batch_id > 0) {
    int64_t wm = ctx.stream->watermark_for_late_rows_ms;
    std::mutex m;
    input = MapChunks(ctx, input, [&](const RecordBatchPtr& c) {
      const Vector& et = *c->column(static_cast<size_t>(event_time_column_));
      SelectionVector keep, late;
      std::vector<int64_t> late_times;
      for (size_t i = 0; i < c->num_rows(); ++i) {
        if (et.IsValid(i) && et.Get<int64_t>(i) / 1000 <= wm) {
          late.push_back(static_cast<uint32_t>(i));
          late_times.push_back(et.Get<int64_t>(i));
        } else {
          keep.push_back(static_cast<uint32_t>(i));
        }
      }
      if (ctx.stream->late_rows != nullptr) {
        ctx.stream->late_rows->Add(operator_id_, "flatMapGroupsWithState", "event time at or below the watermark",
                                   wm, *c, late, late_times);
      }
      std::lock_guard<std::mutex> l(m);
      dropped += static_cast<int64_t>(late.size());
      return late.empty() ? c : c->Take(keep);
    });
  }
  size_t nparts = static_cast<size_t>(std::max(1, ctx.shuffle_partitions));
  auto by_part = HashPartition(input, nparts, [&](const RecordBatch& c) {
    std::vector<VectorPtr> keys;
    for (const auto& k : keys_) keys.push_back(Evaluate(*k, c, ctx.eval));
    return keys;
  });
  if (streaming_) {
    if (states_.size() != nparts) states_.resize(nparts);
    std::lock_guard<std::mutex> l(mu_);
    progress_ = StateOperatorProgress{};
    progress_.operator_name = "flatMapGroupsWithState";
    progress_.num_shuffle_partitions = static_cast<int64_t>(nparts);
    progress_.num_state_store_instances = static_cast<int64_t>(nparts);
    progress_.num_rows_dropped_by_watermark = dropped;
    min_timeout_ms_ = INT64_MAX;
    last_eviction_watermark_ms_ = ctx.stream->watermark_for_eviction_ms;
  }
  std::vector<Partition> out(nparts);
  ParallelFor(ctx.pool, nparts, [&](size_t q) {
    if (!streaming_ && by_part[q].empty()) return;
    auto r = ProcessPartition(q, by_part[q], ctx);
    if (r->num_rows()) out[q].push_back(r);
  });
  return out;
}

std::string FlatMapGroupsWithState::Describe() const {
  std::string s = spec_->is_map ? "MapGroupsWithState" : "FlatMapGroupsWithState";
  return fmt::format("{} keys=[{}] timeout={}", s, keys_.size(),
                     spec_->timeout == GroupStateTimeout::NoTimeout               ? "NoTimeout"
                     : spec_->timeout == GroupStateTimeout::ProcessingTimeTimeout ? "ProcessingTimeTimeout"
                                                                                  : "EventTimeTimeout");
}

void FlatMapGroupsWithState::CollectStateProgress(std::vector<StateOperatorProgress>* out) const {
  if (streaming_) {
    std::lock_guard<std::mutex> l(mu_);
    out->push_back(progress_);
  }
  PhysicalOperator::CollectStateProgress(out);
}

bool FlatMapGroupsWithState::NeedsNoDataBatch(int64_t new_watermark_ms) const {
  if (streaming_ && spec_->timeout == GroupStateTimeout::EventTimeTimeout) {
    std::lock_guard<std::mutex> l(mu_);
    if (new_watermark_ms > last_eviction_watermark_ms_) return true;
  }
  return PhysicalOperator::NeedsNoDataBatch(new_watermark_ms);
}

bool FlatMapGroupsWithState::NeedsTimeoutBatch(int64_t now_ms) const {
  if (streaming_ && spec_->timeout == GroupStateTimeout::ProcessingTimeTimeout) {
    std::lock_guard<std::mutex> l(mu_);
    if (min_timeout_ms_ != INT64_MAX && min_timeout_ms_ < now_ms) return true;
  }
  return PhysicalOperator::NeedsTimeoutBatch(now_ms);
}

}  // namespace sluice
