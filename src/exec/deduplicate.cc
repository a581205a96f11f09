#include "exec/deduplicate.h"

#include <fmt/format.h>

#include "exec/group_hash_table.h"
#include "exec/late_rows.h"
#include "state/row_codec.h"
#include "state/state_schema.h"
#include "state/state_store.h"

namespace sluice {

struct Deduplicate::PartitionState {
  int64_t loaded_version = -1;
  std::unique_ptr<GroupHashTable> table;
  std::vector<int64_t> time_ms;  // per group: event time (or expiry) in ms, INT64_MIN if none
  std::vector<uint8_t> live;
  size_t num_live = 0;
};

Deduplicate::Deduplicate(std::unique_ptr<PhysicalOperator> child, DeduplicateSpec spec,
                         bool streaming, int operator_id)
    : PhysicalOperator(child->schema(), {}), spec_(std::move(spec)), streaming_(streaming),
      operator_id_(operator_id) {
  std::vector<StructField> fields;
  for (size_t k = 0; k < spec_.key_columns.size(); ++k)
    fields.emplace_back(fmt::format("k{}", k), child->schema()->fields()[spec_.key_columns[k]].type);
  fields.emplace_back("time_ms", DataType::Long());
  state_schema_ = DataType::Struct(std::move(fields));
  key_schema_ = DataType::Struct(std::vector<StructField>(state_schema_->fields().begin(),
                                                          state_schema_->fields().end() - 1));
  children_.push_back(std::move(child));
  progress_.operator_name = "dedupe";
}

std::vector<StateSchemaInfo> Deduplicate::StateSchemas() const {
  if (!streaming_) return {};
  StateSchemaInfo info;
  info.op = operator_id_;
  info.operator_name = "dedupe";
  std::vector<StructField> keys;
  for (int c : spec_.key_columns) keys.emplace_back(schema_->fields()[c].name, schema_->fields()[c].type);
  info.key_schema = DataType::Struct(std::move(keys));
  info.value_schema = DataType::Struct({StructField(spec_.within_watermark ? "expiresAtMs" : "eventTimeMs",
                                                    DataType::Long())});
  return {info};
}

Deduplicate::~Deduplicate() = default;

RecordBatchPtr Deduplicate::DedupPartition(size_t part, const std::vector<RecordBatchPtr>& rows,
                                           ExecContext& ctx, int64_t* dropped_dups,
                                           int64_t* dropped_late, int64_t* updated, int64_t* removed) {
  std::vector<TypePtr> key_types;
  for (int c : spec_.key_columns) key_types.push_back(schema_->fields()[c].type);
  std::unique_ptr<PartitionState> local;
  PartitionState* st;
  int64_t version = streaming_ ? ctx.stream->batch_id : 0;
  if (streaming_) {
    auto& s = states_[part];
    if (!s || s->loaded_version != version) {
      s = std::make_unique<PartitionState>();
      s->table = std::make_unique<GroupHashTable>(key_types);
      RecordBatchPtr saved = ctx.stream->state->LoadAll(operator_id_, static_cast<int>(part), version,
                                                        state_schema_, spec_.key_columns.size());
      std::vector<VectorPtr> keys(saved->columns().begin(), saved->columns().end() - 1);
      std::vector<uint32_t> g;
      s->table->FindOrInsert(keys, saved->num_rows(), &g);
      s->time_ms.assign(s->table->size(), INT64_MIN);
      const Vector& t = *saved->columns().back();
      for (size_t i = 0; i < saved->num_rows(); ++i) s->time_ms[g[i]] = t.Get<int64_t>(i);
      s->live.assign(s->table->size(), 1);
      s->num_live = s->table->size();
    }
    st = s.get();
  } else {
    local = std::make_unique<PartitionState>();
    local->table = std::make_unique<GroupHashTable>(key_types);
    st = local.get();
  }
  int64_t late_wm = streaming_ && ctx.stream->batch_id > 0 ? ctx.stream->watermark_for_late_rows_ms : INT64_MIN;
  std::vector<RecordBatchPtr> out;
  bool changed = false;
  SelectionVector upserted;  // groups inserted (or re-inserted) in this batch
  SelectionVector evicted;   // groups evicted in this batch
  for (const auto& chunk : rows) {
    size_t n = chunk->num_rows();
    std::vector<VectorPtr> keys;
    for (int c : spec_.key_columns) keys.push_back(chunk->column(c));
    const Vector* et = spec_.event_time_column >= 0 ? chunk->column(spec_.event_time_column).get() : nullptr;
    SelectionVector keep;
    SelectionVector late;
    std::vector<int64_t> late_times;
    std::vector<uint32_t> g;
    for (size_t i = 0; i < n; ++i) {
      int64_t t_ms = et && et->IsValid(i) ? et->Get<int64_t>(i) / 1000 : INT64_MIN;
      if (et && late_wm != INT64_MIN && et->IsValid(i) && t_ms <= late_wm) {
        ++*dropped_late;
        if (ctx.stream->late_rows != nullptr) {
          late.push_back(static_cast<uint32_t>(i));
          late_times.push_back(et->Get<int64_t>(i));
        }
        continue;
      }
      // One row at a time so that duplicates within the batch are seen.
      int64_t found = st->table->Find(keys, i);
      if (found >= 0 && (found >= static_cast<int64_t>(st->live.size()) || st->live[found])) {
        ++*dropped_dups;
        continue;
      }
      if (found >= 0) {
        // A key evicted earlier (compaction pending) comes back.
        st->live[found] = 1;
        ++st->num_live;
        st->time_ms[found] = spec_.within_watermark ? t_ms + spec_.delay_micros / 1000 : t_ms;
        upserted.push_back(static_cast<uint32_t>(found));
      } else {
        SelectionVector sel = {static_cast<uint32_t>(i)};
        std::vector<VectorPtr> k1;
        for (const auto& k : keys) k1.push_back(k->Take(sel));
        st->table->FindOrInsert(k1, 1, &g);
        st->time_ms.push_back(spec_.within_watermark ? t_ms + spec_.delay_micros / 1000 : t_ms);
        st->live.push_back(1);
        ++st->num_live;
        upserted.push_back(g[0]);
      }
      ++*updated;
      changed = true;
      keep.push_back(static_cast<uint32_t>(i));
    }
    if (!keep.empty()) out.push_back(keep.size() == n ? chunk : chunk->Take(keep));
    if (!late.empty()) {
      ctx.stream->late_rows->Add(operator_id_, "dedupe", "event time at or below the watermark", late_wm,
                                 *chunk, late, late_times);
    }
  }
  if (streaming_) {
    // Evict by watermark.
    int64_t wm = ctx.stream->watermark_for_eviction_ms;
    bool can_evict = spec_.event_time_column >= 0 && (spec_.event_time_in_keys || spec_.within_watermark);
    if (can_evict) {
      for (size_t gi = 0; gi < st->live.size(); ++gi) {
        if (st->live[gi] && st->time_ms[gi] != INT64_MIN && st->time_ms[gi] <= wm) {
          st->live[gi] = 0;
          --st->num_live;
          ++*removed;
          changed = true;
          evicted.push_back(static_cast<uint32_t>(gi));
        }
      }
    }
    std::map<std::string, int64_t> store_metrics;
    if (changed) {
      // Persist only this batch's changes: keys first seen (and not evicted at once), keys evicted.
      SelectionVector up;
      for (uint32_t gi : upserted) {
        if (st->live[gi]) up.push_back(gi);
      }
      std::vector<VectorPtr> cols;
      for (const auto& k : st->table->keys()) cols.push_back(k->Take(up));
      auto t = std::make_shared<Vector>(DataType::Long());
      for (uint32_t gi : up) t->Append<int64_t>(st->time_ms[gi]);
      cols.push_back(t);
      std::vector<VectorPtr> removed_cols;
      for (const auto& k : st->table->keys()) removed_cols.push_back(k->Take(evicted));
      store_metrics = ctx.stream->state->Commit(
          operator_id_, static_cast<int>(part), version + 1,
          *RecordBatch::Make(state_schema_, std::move(cols), up.size()),
          *RecordBatch::Make(key_schema_, std::move(removed_cols), evicted.size()));
    }
    st->loaded_version = version + 1;
    int64_t bytes = static_cast<int64_t>(st->time_ms.size() * (sizeof(int64_t) + 1));
    for (const auto& k : st->table->keys()) bytes += static_cast<int64_t>(VectorMemoryBytes(*k));
    std::lock_guard<std::mutex> l(mu_);
    progress_.num_rows_total += static_cast<int64_t>(st->num_live);
    progress_.memory_used_bytes += bytes;
    if (std::string_view(ctx.stream->state->Name()) == "hdfs")
      progress_.custom_metrics["stateOnCurrentVersionSizeBytes"] += bytes;
    for (const auto& [k, v] : store_metrics) progress_.custom_metrics[k] += v;
  }
  if (out.empty()) return RecordBatch::Empty(schema_);
  return RecordBatch::Concat(schema_, out);
}

std::vector<Partition> Deduplicate::Execute(ExecContext& ctx) {
  auto input = children_[0]->Execute(ctx);
  size_t nparts = static_cast<size_t>(std::max(1, ctx.shuffle_partitions));
  // Shuffle rows by key hash, keeping input order within each target partition.
  auto by_part = HashPartition(input, nparts, [&](const RecordBatch& c) {
    std::vector<VectorPtr> keys;
    for (int k : spec_.key_columns) keys.push_back(c.column(k));
    return keys;
  });
  if (streaming_) {
    if (states_.size() != nparts) states_.resize(nparts);
    std::lock_guard<std::mutex> l(mu_);
    progress_ = StateOperatorProgress{};
    progress_.operator_name = "dedupe";
    progress_.num_shuffle_partitions = static_cast<int64_t>(nparts);
    progress_.num_state_store_instances = static_cast<int64_t>(nparts);
    has_event_time_state_ = spec_.event_time_column >= 0 &&
                            (spec_.event_time_in_keys || spec_.within_watermark);
    last_eviction_watermark_ms_ = ctx.stream->watermark_for_eviction_ms;
  }
  std::vector<Partition> out(nparts);
  std::vector<int64_t> dups(nparts, 0), late(nparts, 0), upd(nparts, 0), rem(nparts, 0);
  ParallelFor(ctx.pool, nparts, [&](size_t q) {
    if (!streaming_ && by_part[q].empty()) return;
    auto r = DedupPartition(q, by_part[q], ctx, &dups[q], &late[q], &upd[q], &rem[q]);
    if (r->num_rows()) out[q].push_back(r);
  });
  if (streaming_) {
    std::lock_guard<std::mutex> l(mu_);
    for (size_t q = 0; q < nparts; ++q) {
      progress_.custom_metrics["numDroppedDuplicateRows"] += dups[q];
      progress_.num_rows_dropped_by_watermark += late[q];
      progress_.num_rows_updated += upd[q];
      progress_.num_rows_removed += rem[q];
    }
  }
  return out;
}

std::string Deduplicate::Describe() const {
  return streaming_ ? (spec_.within_watermark ? "StreamingDeduplicateWithinWatermark"
                                              : "StreamingDeduplicate")
                    : "Deduplicate";
}

void Deduplicate::CollectStateProgress(std::vector<StateOperatorProgress>* out) const {
  if (streaming_) {
    std::lock_guard<std::mutex> l(mu_);
    out->push_back(progress_);
  }
  PhysicalOperator::CollectStateProgress(out);
}

bool Deduplicate::NeedsNoDataBatch(int64_t new_watermark_ms) const {
  if (streaming_) {
    std::lock_guard<std::mutex> l(mu_);
    if (has_event_time_state_ && new_watermark_ms > last_eviction_watermark_ms_) return true;
  }
  return PhysicalOperator::NeedsNoDataBatch(new_watermark_ms);
}

}  // namespace sluice
