#include "exec/session_window_aggregate.h"

#include <algorithm>
#include <fmt/format.h>
#include <numeric>

#include "exec/aggregate_function.h"
#include "exec/group_hash_table.h"
#include "exec/late_rows.h"
#include "expr/evaluator.h"
#include "plan/output_mode.h"
#include "sluice/exception.h"
#include "state/row_codec.h"
#include "state/state_schema.h"
#include "state/state_store.h"
#include "types/datetime.h"

namespace sluice {

SessionWindowAggregate::SessionWindowAggregate(TypePtr schema, std::unique_ptr<PhysicalOperator> child,
                                               SessionWindowSpec spec, bool streaming, int operator_id)
    : PhysicalOperator(std::move(schema), {}), spec_(std::move(spec)), streaming_(streaming),
      operator_id_(operator_id) {
  children_.push_back(std::move(child));
  std::vector<StructField> fields;
  for (size_t k = 0; k < spec_.keys.size(); ++k) {
    key_types_.push_back(spec_.keys[k]->type);
    fields.emplace_back(fmt::format("k{}", k), spec_.keys[k]->type);
  }
  fields.emplace_back("session_start", DataType::Long());
  fields.emplace_back("session_end", DataType::Long());
  EvalContext ctx;
  for (size_t a = 0; a < spec_.aggregate_calls.size(); ++a) {
    auto types = MakeAccumulator(*spec_.aggregate_calls[a], ctx)->StateTypes();
    for (size_t s = 0; s < types.size(); ++s) fields.emplace_back(fmt::format("a{}_{}", a, s), types[s]);
  }
  state_schema_ = DataType::Struct(std::move(fields));
  key_schema_ = DataType::Struct(std::vector<StructField>(state_schema_->fields().begin(),
                                                          state_schema_->fields().begin() + key_types_.size() + 1));
  progress_.operator_name = "sessionWindowStateStoreSaveExec";
}

std::vector<StateSchemaInfo> SessionWindowAggregate::StateSchemas() const {
  if (!streaming_) return {};
  StateSchemaInfo info;
  info.op = operator_id_;
  info.operator_name = "sessionWindowStateStoreSaveExec";
  std::vector<StructField> keys, values;
  for (size_t k = 0; k < spec_.keys.size(); ++k) keys.emplace_back(spec_.keys[k]->ToSql(), key_types_[k]);
  keys.emplace_back("session_start", DataType::Long());
  values.emplace_back("session_end", DataType::Long());
  AppendAccumulatorStateFields(spec_.aggregate_calls, &values);
  info.key_schema = DataType::Struct(std::move(keys));
  info.value_schema = DataType::Struct(std::move(values));
  return {info};
}

SessionWindowAggregate::~SessionWindowAggregate() = default;

RecordBatchPtr SessionWindowAggregate::RowSessions(const RecordBatchPtr& chunk, const EvalContext& ctx,
                                                   int64_t late_wm_ms, LateRowCollector* late_rows,
                                                   int64_t* dropped) const {
  size_t n = chunk->num_rows();
  VectorPtr t = Evaluate(*spec_.time, *chunk, ctx);
  VectorPtr g = Evaluate(*spec_.gap, *chunk, ctx);
  SelectionVector sel;
  SelectionVector late;
  std::vector<int64_t> late_times;
  std::vector<int64_t> starts, ends;
  for (size_t i = 0; i < n; ++i) {
    if (t->IsNull(i) || g->IsNull(i)) continue;
    int64_t gap;
    if (g->type_id() == TypeId::kInterval) {
      gap = g->Get<int64_t>(i);
    } else {
      try {
        gap = ParseDurationMicros(g->GetString(i));
      } catch (const SluiceError&) {
        continue;  // an unparseable gap is no session (Spark yields a NULL gap)
      }
    }
    if (gap <= 0) continue;
    int64_t ts = t->Get<int64_t>(i);
    if (late_wm_ms != INT64_MIN && (ts + gap) / 1000 <= late_wm_ms) {
      ++*dropped;
      if (late_rows != nullptr) {
        late.push_back(static_cast<uint32_t>(i));
        late_times.push_back(ts + gap);
      }
      continue;
    }
    sel.push_back(static_cast<uint32_t>(i));
    starts.push_back(ts);
    ends.push_back(ts + gap);
  }
  if (late_rows != nullptr) {
    late_rows->Add(operator_id_, "sessionWindowStateStoreSaveExec",
                   "session end (event time + gap) at or below the watermark", late_wm_ms, *chunk, late,
                   late_times);
  }
  RecordBatchPtr rows = sel.size() == n ? chunk : chunk->Take(sel);
  size_t m = rows->num_rows();
  std::vector<VectorPtr> cols;
  for (const auto& k : spec_.keys) cols.push_back(Evaluate(*k, *rows, ctx));
  auto s = std::make_shared<Vector>(DataType::Long());
  auto e = std::make_shared<Vector>(DataType::Long());
  for (size_t i = 0; i < m; ++i) {
    s->Append<int64_t>(starts[i]);
    e->Append<int64_t>(ends[i]);
  }
  cols.push_back(s);
  cols.push_back(e);
  // Each row is its own group: its aggregate state is the state of one row.
  std::vector<uint32_t> groups(m);
  std::iota(groups.begin(), groups.end(), 0);
  for (const auto& call : spec_.aggregate_calls) {
    auto acc = MakeAccumulator(*call, ctx);
    acc->Resize(m);
    std::vector<VectorPtr> args;
    for (const auto& c : call->children) args.push_back(Evaluate(*c, *rows, ctx));
    acc->Update(args, groups.data(), m);
    for (auto& st : acc->SaveState(m, nullptr)) cols.push_back(st);
  }
  return RecordBatch::Make(state_schema_, std::move(cols), m);
}

RecordBatchPtr SessionWindowAggregate::MergePartition(size_t part, const std::vector<RecordBatchPtr>& inputs,
                                                      ExecContext& ctx) {
  size_t nk = spec_.keys.size();
  std::vector<RecordBatchPtr> all;
  int64_t version = streaming_ ? ctx.stream->batch_id : 0;
  size_t num_saved = 0;
  if (streaming_) {
    // The partition's open sessions: kept in memory between batches, read from the store when
    // the operator (re)starts from a version.
    SessionCache& cache = cache_[part];
    if (cache.version != version || !cache.rows) {
      cache.rows = ctx.stream->state->LoadAll(operator_id_, static_cast<int>(part), version,
                                              state_schema_, nk + 1);
      cache.version = version;
    }
    num_saved = cache.rows->num_rows();
    if (num_saved) all.push_back(cache.rows);
  }
  bool has_input = false;
  for (const auto& b : inputs) {
    if (b && b->num_rows()) {
      all.push_back(b);
      has_input = true;
    }
  }
  RecordBatchPtr rows = all.empty() ? RecordBatch::Empty(state_schema_) : RecordBatch::Concat(state_schema_, all);
  size_t n = rows->num_rows();
  // Group by key, then sweep each key's sessions in start order, merging overlapping ones.
  GroupHashTable keys(key_types_);
  std::vector<uint32_t> key_of;
  std::vector<VectorPtr> key_cols(rows->columns().begin(), rows->columns().begin() + nk);
  keys.FindOrInsert(key_cols, n, &key_of);
  const int64_t* st = rows->column(nk)->data<int64_t>();
  const int64_t* en = rows->column(nk + 1)->data<int64_t>();
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (key_of[a] != key_of[b]) return key_of[a] < key_of[b];
    return st[a] < st[b] || (st[a] == st[b] && a < b);
  });
  std::vector<uint32_t> session_of(n);
  std::vector<uint32_t> session_first_row;
  std::vector<int64_t> s_start, s_end;
  for (size_t i = 0; i < n; ++i) {
    uint32_t r = order[i];
    bool extend = !session_first_row.empty() && key_of[session_first_row.back()] == key_of[r] &&
                  st[r] <= s_end.back();
    if (!extend) {
      session_first_row.push_back(r);
      s_start.push_back(st[r]);
      s_end.push_back(en[r]);
    } else {
      s_end.back() = std::max(s_end.back(), en[r]);
    }
    session_of[r] = static_cast<uint32_t>(session_first_row.size() - 1);
  }
  size_t ns = session_first_row.size();
  std::vector<std::unique_ptr<Accumulator>> accs;
  size_t col = nk + 2;
  for (const auto& call : spec_.aggregate_calls) {
    auto acc = MakeAccumulator(*call, ctx.eval);
    acc->Resize(ns);
    size_t k = acc->StateTypes().size();
    std::vector<VectorPtr> state(rows->columns().begin() + col, rows->columns().begin() + col + k);
    acc->Merge(state, session_of.data(), n);
    col += k;
    accs.push_back(std::move(acc));
  }
  // Which sessions to emit and which to keep.
  OutputMode mode = streaming_ ? static_cast<OutputMode>(ctx.stream->output_mode) : OutputMode::kComplete;
  int64_t wm = streaming_ ? ctx.stream->watermark_for_eviction_ms : INT64_MIN;
  SelectionVector emit, keep;
  for (size_t s = 0; s < ns; ++s) {
    bool closed = streaming_ && mode == OutputMode::kAppend && s_end[s] / 1000 <= wm;
    if (!streaming_ || mode == OutputMode::kComplete || closed) emit.push_back(static_cast<uint32_t>(s));
    if (!closed) keep.push_back(static_cast<uint32_t>(s));
  }
  SelectionVector first_rows;
  for (uint32_t s : emit) first_rows.push_back(session_first_row[s]);
  // Output row: [all grouping keys (session inserted at its position)..., aggregates...].
  std::vector<VectorPtr> out_cols;
  std::vector<StructField> fields;
  size_t other = 0;
  for (size_t k = 0; k <= nk; ++k) {
    if (static_cast<int>(k) == spec_.session_key_index) {
      auto sv = std::make_shared<Vector>(spec_.session_type);
      auto s0 = std::make_shared<Vector>(spec_.session_type->fields()[0].type);
      auto s1 = std::make_shared<Vector>(spec_.session_type->fields()[1].type);
      for (uint32_t s : emit) {
        s0->Append<int64_t>(s_start[s]);
        s1->Append<int64_t>(s_end[s]);
      }
      sv->mutable_child(0) = s0;
      sv->mutable_child(1) = s1;
      sv->Resize(emit.size());
      out_cols.push_back(sv);
      fields.emplace_back(fmt::format("g{}", k), spec_.session_type);
    } else {
      out_cols.push_back(rows->column(other)->Take(first_rows));
      fields.emplace_back(fmt::format("g{}", k), key_types_[other]);
      ++other;
    }
  }
  for (size_t a = 0; a < accs.size(); ++a) {
    out_cols.push_back(accs[a]->Finalize(ns, &emit));
    fields.emplace_back(fmt::format("a{}", a), spec_.aggregate_calls[a]->type);
  }
  auto row = RecordBatch::Make(DataType::Struct(std::move(fields)), std::move(out_cols), emit.size());
  std::vector<VectorPtr> out;
  for (const auto& e : spec_.output_exprs) out.push_back(Evaluate(*e, *row, ctx.eval));
  RecordBatchPtr result = RecordBatch::Make(schema_, std::move(out), emit.size());

  if (streaming_) {
    size_t evicted = ns - keep.size();
    // Store key: [keys..., session start]; value: [session end, aggregate states...]. Persist
    // only the changes: sessions that got input or merged (upserts), and stored sessions that
    // were evicted or merged into a session with another start (removals).
    std::vector<uint32_t> members(ns, 0);
    std::vector<uint8_t> has_new(ns, 0), is_kept(ns, 0);
    for (size_t r = 0; r < n; ++r) {
      ++members[session_of[r]];
      if (r >= num_saved) has_new[session_of[r]] = 1;
    }
    for (uint32_t s : keep) is_kept[s] = 1;
    auto changed_session = [&](uint32_t s) { return has_new[s] || members[s] > 1; };
    SelectionVector upsert_sessions, upsert_rows, removed_rows;
    for (uint32_t s : keep) {
      if (!changed_session(s)) continue;
      upsert_sessions.push_back(s);
      upsert_rows.push_back(session_first_row[s]);
    }
    for (size_t r = 0; r < num_saved; ++r) {
      uint32_t s = session_of[r];
      if (!is_kept[s] || (changed_session(s) && st[r] != s_start[s]))
        removed_rows.push_back(static_cast<uint32_t>(r));
    }
    auto build_rows = [&](const SelectionVector& sessions, const SelectionVector& first_rows) {
      std::vector<VectorPtr> cols;
      for (size_t k = 0; k < nk; ++k) cols.push_back(rows->column(k)->Take(first_rows));
      auto s0 = std::make_shared<Vector>(DataType::Long());
      auto s1 = std::make_shared<Vector>(DataType::Long());
      for (uint32_t s : sessions) {
        s0->Append<int64_t>(s_start[s]);
        s1->Append<int64_t>(s_end[s]);
      }
      cols.push_back(s0);
      cols.push_back(s1);
      for (auto& acc : accs) {
        for (auto& v : acc->SaveState(ns, &sessions)) cols.push_back(v);
      }
      return RecordBatch::Make(state_schema_, std::move(cols), sessions.size());
    };
    std::map<std::string, int64_t> store_metrics;
    if (!upsert_sessions.empty() || !removed_rows.empty()) {
      std::vector<VectorPtr> removed_cols;
      for (size_t k = 0; k <= nk; ++k) removed_cols.push_back(rows->column(k)->Take(removed_rows));
      store_metrics = ctx.stream->state->Commit(
          operator_id_, static_cast<int>(part), version + 1, *build_rows(upsert_sessions, upsert_rows),
          *RecordBatch::Make(key_schema_, std::move(removed_cols), removed_rows.size()));
    }
    SessionCache& cache = cache_[part];
    if (has_input || evicted > 0) {
      SelectionVector keep_rows;
      for (uint32_t s : keep) keep_rows.push_back(session_first_row[s]);
      cache.rows = build_rows(keep, keep_rows);
    }
    cache.version = version + 1;
    int64_t bytes = 0;
    for (const auto& c : cache.rows->columns()) bytes += static_cast<int64_t>(VectorMemoryBytes(*c));
    std::lock_guard<std::mutex> l(mu_);
    progress_.num_rows_total += static_cast<int64_t>(keep.size());
    progress_.num_rows_removed += static_cast<int64_t>(evicted);
    if (has_input) progress_.num_rows_updated += static_cast<int64_t>(ns);
    progress_.memory_used_bytes += bytes;
    if (std::string_view(ctx.stream->state->Name()) == "hdfs")
      progress_.custom_metrics["stateOnCurrentVersionSizeBytes"] += bytes;
    for (const auto& [k, v] : store_metrics) progress_.custom_metrics[k] += v;
  }
  return result;
}

std::vector<Partition> SessionWindowAggregate::Execute(ExecContext& ctx) {
  auto input = children_[0]->Execute(ctx);
  // Late rows are dropped in append mode only (complete mode keeps every session).
  int64_t late_wm = streaming_ && ctx.stream->batch_id > 0 &&
                            ctx.stream->output_mode != static_cast<int>(OutputMode::kComplete)
                        ? ctx.stream->watermark_for_late_rows_ms
                        : INT64_MIN;
  // Per-row sessions, then shuffle by key.
  std::mutex m;
  int64_t dropped = 0;
  auto sessions = MapChunks(ctx, input, [&](const RecordBatchPtr& c) {
    int64_t d = 0;
    auto r = RowSessions(c, ctx.eval, late_wm, streaming_ ? ctx.stream->late_rows : nullptr, &d);
    std::lock_guard<std::mutex> l(m);
    dropped += d;
    return r;
  });
  size_t nparts = spec_.keys.empty() ? 1 : static_cast<size_t>(std::max(1, ctx.shuffle_partitions));
  auto by_part = HashPartition(sessions, nparts, [&](const RecordBatch& c) {
    return std::vector<VectorPtr>(c.columns().begin(), c.columns().begin() + spec_.keys.size());
  });
  if (streaming_) {
    std::lock_guard<std::mutex> l(mu_);
    if (cache_.size() != nparts) cache_.resize(nparts);
    progress_ = StateOperatorProgress{};
    progress_.operator_name = "sessionWindowStateStoreSaveExec";
    progress_.num_shuffle_partitions = static_cast<int64_t>(nparts);
    progress_.num_state_store_instances = static_cast<int64_t>(nparts);
    progress_.num_rows_dropped_by_watermark = dropped;
    last_output_mode_ = ctx.stream->output_mode;
    last_eviction_watermark_ms_ = ctx.stream->watermark_for_eviction_ms;
  }
  std::vector<Partition> out(nparts);
  ParallelFor(ctx.pool, nparts, [&](size_t q) {
    if (!streaming_ && by_part[q].empty()) return;
    auto r = MergePartition(q, by_part[q], ctx);
    if (r->num_rows()) out[q].push_back(r);
  });
  return out;
}

std::string SessionWindowAggregate::Describe() const {
  return fmt::format("{}SessionWindowAggregate(gap={})", streaming_ ? "Streaming" : "", spec_.gap->ToSql());
}

void SessionWindowAggregate::CollectStateProgress(std::vector<StateOperatorProgress>* out) const {
  if (streaming_) {
    std::lock_guard<std::mutex> l(mu_);
    out->push_back(progress_);
  }
  PhysicalOperator::CollectStateProgress(out);
}

bool SessionWindowAggregate::NeedsNoDataBatch(int64_t new_watermark_ms) const {
  if (streaming_) {
    std::lock_guard<std::mutex> l(mu_);
    if (last_output_mode_ == static_cast<int>(OutputMode::kAppend) &&
        new_watermark_ms > last_eviction_watermark_ms_)
      return true;
  }
  return PhysicalOperator::NeedsNoDataBatch(new_watermark_ms);
}

}  // namespace sluice
