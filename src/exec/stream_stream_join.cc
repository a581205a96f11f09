#include "exec/stream_stream_join.h"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>

#include "exec/filter.h"
#include "exec/group_hash_table.h"
#include "exec/late_rows.h"
#include "expr/evaluator.h"
#include "sluice/exception.h"
#include "state/row_codec.h"
#include "state/state_store.h"

namespace sluice {

namespace {

constexpr int64_t kNever = INT64_MAX;

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Event time in microseconds of row `row` of a timestamp column or a window struct (its end);
// kNever for NULL.
int64_t TimeMicros(const Vector& v, size_t row) {
  if (v.IsNull(row)) return kNever;
  if (v.type_id() == TypeId::kStruct) {
    const Vector& end = *v.child(1);
    return end.IsNull(row) ? kNever : end.Get<int64_t>(row);
  }
  return v.Get<int64_t>(row);
}

// Rows at or below a state watermark (ms) are evicted; the comparison is in microseconds.
bool AtOrBelow(int64_t micros, int64_t watermark_ms) {
  if (micros == kNever) return false;
  if (watermark_ms >= INT64_MAX / 1000) return true;
  if (watermark_ms <= INT64_MIN / 1000) return false;
  return micros <= watermark_ms * 1000;
}

ExprPtr AndAll(const std::vector<ExprPtr>& parts) {
  ExprPtr out;
  for (const auto& p : parts) out = out ? BindExpression(MakeCall("and", {out, p}), EvalContext{}) : p;
  return out;
}

}  // namespace

// ---------------------------------------------------------------- per-side constants

struct StreamStreamJoin::Side {
  JoinSide which = JoinSide::kLeft;
  TypePtr input_schema;
  size_t width = 0;
  std::vector<ExprPtr> keys;  // over the side's input
  std::vector<bool> null_safe;
  std::vector<TypePtr> key_types;
  ExprPtr own_filter;  // conjuncts over this side only (over its input); may be null
  int event_time = -1;
  JoinSideEviction eviction;
  bool outer = false;        // unmatched rows are emitted padded with NULLs
  bool track_matched = false;  // the matched flag is used (outer side, left side of a semi join)
  int operator_id = 0;
  TypePtr row_schema;  // store rows: [keys..., seq, columns..., matched]
  TypePtr key_schema;  // [keys..., seq]

  // Microseconds compared with this side's state watermark for a row (kNever if not evicted).
  int64_t EvictMicros(const std::vector<VectorPtr>& key_cols, const RecordBatch& rows, size_t row) const {
    switch (eviction.kind) {
      case JoinSideEviction::Kind::kByJoinKey: return TimeMicros(*key_cols[eviction.key_index], row);
      case JoinSideEviction::Kind::kByRange: return TimeMicros(*rows.column(eviction.column), row);
      default: return kNever;
    }
  }
  bool HasNullKey(const std::vector<VectorPtr>& key_cols, size_t row) const {
    for (size_t k = 0; k < key_cols.size(); ++k) {
      if (!null_safe[k] && key_cols[k]->IsNull(row)) return true;
    }
    return false;
  }
  std::vector<VectorPtr> EvalKeys(const RecordBatch& b, const EvalContext& ctx) const {
    std::vector<VectorPtr> out;
    for (const auto& k : keys) out.push_back(Evaluate(*k, b, ctx));
    return out;
  }
};

// ---------------------------------------------------------------- buffered rows

struct StreamStreamJoin::SideBuffer {
  enum Change : uint8_t { kUnchanged, kAdded, kDirty };
  struct Slot {
    uint32_t chunk = 0;
    uint32_t row = 0;
    uint32_t key = 0;  // group id in `keys`
    int64_t seq = 0;
    int64_t evict_micros = kNever;
    bool matched = false;
    bool live = true;
    Change change = kUnchanged;
  };

  std::unique_ptr<GroupHashTable> keys;
  std::vector<std::vector<uint32_t>> slots_of_key;  // per key: slots in insertion order (dead ones too)
  std::vector<RecordBatchPtr> chunks;               // rows in the side's input schema
  std::vector<Slot> slots;
  size_t num_live = 0;
  int64_t next_seq = 0;
  std::vector<uint32_t> changed;  // this batch: slots added or with a new matched flag
  std::vector<uint32_t> removed;  // this batch: evicted slots that were committed before

  void Reset(const std::vector<TypePtr>& key_types) {
    keys = std::make_unique<GroupHashTable>(key_types);
    slots_of_key.clear();
    chunks.clear();
    slots.clear();
    num_live = 0;
    next_seq = 0;
  }

  /// Buffers rows `sel` of `chunk` (keys `key_cols`, eviction times `evict`, matched flags).
  void Append(const RecordBatchPtr& chunk, const std::vector<VectorPtr>& key_cols,
              const SelectionVector& sel, const std::vector<int64_t>& evict,
              const std::vector<uint8_t>& matched) {
    if (sel.empty()) return;
    std::vector<VectorPtr> k;
    for (const auto& c : key_cols) k.push_back(c->Take(sel));
    std::vector<uint32_t> groups;
    keys->FindOrInsert(k, sel.size(), &groups);
    slots_of_key.resize(keys->size());
    uint32_t chunk_id = static_cast<uint32_t>(chunks.size());
    // Keep only the buffered rows, not the whole input chunk.
    bool whole = sel.size() == chunk->num_rows();
    chunks.push_back(whole ? chunk : chunk->Take(sel));
    for (size_t i = 0; i < sel.size(); ++i) {
      Slot s;
      s.chunk = chunk_id;
      s.row = whole ? sel[i] : static_cast<uint32_t>(i);
      s.key = groups[i];
      s.seq = next_seq++;
      s.evict_micros = evict[i];
      s.matched = matched[i] != 0;
      s.change = kAdded;
      uint32_t id = static_cast<uint32_t>(slots.size());
      slots.push_back(s);
      slots_of_key[groups[i]].push_back(id);
      changed.push_back(id);
      ++num_live;
    }
  }

  void SetMatched(uint32_t slot) {
    Slot& s = slots[slot];
    if (s.matched) return;
    s.matched = true;
    if (s.change == kUnchanged) {
      s.change = kDirty;
      changed.push_back(slot);
    }
  }

  /// Rows of `slot_ids` as a batch of `schema` (the side's input schema).
  RecordBatchPtr Gather(const TypePtr& schema, const std::vector<uint32_t>& slot_ids) const {
    std::vector<VectorPtr> cols;
    for (size_t c = 0; c < schema->fields().size(); ++c) {
      auto v = std::make_shared<Vector>(schema->fields()[c].type);
      v->Reserve(slot_ids.size());
      for (uint32_t id : slot_ids) v->AppendFrom(*chunks[slots[id].chunk]->column(c), slots[id].row);
      cols.push_back(std::move(v));
    }
    return RecordBatch::Make(schema, std::move(cols), slot_ids.size());
  }

  /// Writes this batch's changes as `version` of the side's store (nothing if unchanged) and
  /// clears the change lists. Returns the provider's metrics.
  std::map<std::string, int64_t> Commit(StateStoreProvider& store, const Side& side, int part,
                                        int64_t version) {
    std::map<std::string, int64_t> metrics;
    std::vector<uint32_t> up;
    for (uint32_t id : changed) {
      if (slots[id].live) up.push_back(id);
    }
    if (!up.empty() || !removed.empty()) {
      size_t nk = side.keys.size();
      auto key_columns = [&](const std::vector<uint32_t>& ids) {
        std::vector<VectorPtr> cols;
        for (size_t k = 0; k < nk; ++k) {
          auto v = std::make_shared<Vector>(side.key_types[k]);
          for (uint32_t id : ids) v->AppendFrom(*keys->keys()[k], slots[id].key);
          cols.push_back(std::move(v));
        }
        auto seq = std::make_shared<Vector>(DataType::Long());
        for (uint32_t id : ids) seq->Append<int64_t>(slots[id].seq);
        cols.push_back(std::move(seq));
        return cols;
      };
      std::vector<VectorPtr> rows = key_columns(up);
      RecordBatchPtr values = Gather(side.input_schema, up);
      for (const auto& c : values->columns()) rows.push_back(c);
      auto matched = std::make_shared<Vector>(DataType::Boolean());
      for (uint32_t id : up) matched->Append<uint8_t>(slots[id].matched ? 1 : 0);
      rows.push_back(std::move(matched));
      metrics = store.Commit(side.operator_id, part, version,
                             *RecordBatch::Make(side.row_schema, std::move(rows), up.size()),
                             *RecordBatch::Make(side.key_schema, key_columns(removed), removed.size()));
    }
    for (uint32_t id : changed) slots[id].change = kUnchanged;
    changed.clear();
    removed.clear();
    return metrics;
  }

  size_t MemoryBytes() const {
    size_t bytes = slots.size() * sizeof(Slot);
    for (const auto& c : chunks) {
      for (const auto& v : c->columns()) bytes += VectorMemoryBytes(*v);
    }
    for (const auto& k : keys->keys()) bytes += VectorMemoryBytes(*k);
    for (const auto& l : slots_of_key) bytes += l.size() * sizeof(uint32_t);
    return bytes;
  }

  /// Drops evicted rows from memory once they outnumber the live ones: live rows are copied into
  /// fresh chunks and the key table is rebuilt. REQUIRES: no per-batch change lists pending.
  void CompactIfSparse(const TypePtr& schema, const std::vector<TypePtr>& key_types) {
    size_t dead = slots.size() - num_live;
    if (dead < 1024 || dead < num_live) return;
    std::vector<uint32_t> live_ids;
    live_ids.reserve(num_live);
    for (uint32_t i = 0; i < slots.size(); ++i) {
      if (slots[i].live) live_ids.push_back(i);
    }
    RecordBatchPtr rows = Gather(schema, live_ids);
    SelectionVector key_rows;
    for (uint32_t id : live_ids) key_rows.push_back(slots[id].key);
    std::vector<VectorPtr> k;
    for (const auto& c : keys->keys()) k.push_back(c->Take(key_rows));
    std::vector<Slot> old;
    old.swap(slots);
    keys = std::make_unique<GroupHashTable>(key_types);
    std::vector<uint32_t> groups;
    keys->FindOrInsert(k, live_ids.size(), &groups);
    slots_of_key.assign(keys->size(), {});
    chunks = {rows};
    for (size_t i = 0; i < live_ids.size(); ++i) {
      Slot s = old[live_ids[i]];
      s.chunk = 0;
      s.row = static_cast<uint32_t>(i);
      s.key = groups[i];
      slots_of_key[groups[i]].push_back(static_cast<uint32_t>(i));
      slots.push_back(s);
    }
  }
};

struct StreamStreamJoin::PartitionState {
  int64_t loaded_version = -1;
  SideBuffer left;
  SideBuffer right;
};

struct StreamStreamJoin::PartitionResult {
  std::vector<RecordBatchPtr> output;
  int64_t dropped_late = 0;
  int64_t updated = 0;
  int64_t removed = 0;
  int64_t commit_ms = 0;
  int64_t updates_ms = 0;
  int64_t removals_ms = 0;
  int64_t total_rows = 0;
  int64_t memory_bytes = 0;
  std::map<std::string, int64_t> store_metrics;
};

// ---------------------------------------------------------------- construction

StreamStreamJoin::StreamStreamJoin(TypePtr schema, std::unique_ptr<PhysicalOperator> left,
                                   std::unique_ptr<PhysicalOperator> right,
                                   StreamStreamJoinSpec spec, int left_operator_id)
    : PhysicalOperator(std::move(schema), {}), spec_(std::move(spec)),
      left_operator_id_(left_operator_id) {
  JoinType t = spec_.join.type;
  if (t != JoinType::kInner && t != JoinType::kLeftOuter && t != JoinType::kRightOuter &&
      t != JoinType::kFullOuter && t != JoinType::kLeftSemi) {
    throw InternalError("stream-stream join of type " + JoinTypeName(t));
  }
  if (spec_.join.left_keys.empty()) throw InternalError("stream-stream join without equi-join keys");
  TypePtr left_schema = left->schema();
  TypePtr right_schema = right->schema();
  children_.push_back(std::move(left));
  children_.push_back(std::move(right));
  for (size_t k = 0; k < spec_.join.left_keys.size(); ++k) {
    if (!spec_.join.left_keys[k]->type->Equals(*spec_.join.right_keys[k]->type)) {
      throw InternalError("stream-stream join key types differ: " + spec_.join.left_keys[k]->ToSql() +
                          " and " + spec_.join.right_keys[k]->ToSql());
    }
  }
  std::vector<StructField> pair_fields(left_schema->fields().begin(), left_schema->fields().end());
  pair_fields.insert(pair_fields.end(), right_schema->fields().begin(), right_schema->fields().end());
  pair_schema_ = DataType::Struct(std::move(pair_fields));
  BuildSide(JoinSide::kLeft, left_schema);
  BuildSide(JoinSide::kRight, right_schema);
  progress_.operator_name = "symmetricHashJoin";
}

StreamStreamJoin::~StreamStreamJoin() = default;

void StreamStreamJoin::BuildSide(JoinSide which, const TypePtr& input_schema) {
  auto s = std::make_unique<Side>();
  bool is_left = which == JoinSide::kLeft;
  JoinType t = spec_.join.type;
  s->which = which;
  s->input_schema = input_schema;
  s->width = input_schema->fields().size();
  s->keys = is_left ? spec_.join.left_keys : spec_.join.right_keys;
  s->null_safe = spec_.join.null_safe;
  for (const auto& k : s->keys) s->key_types.push_back(k->type);
  s->event_time = is_left ? spec_.left_event_time : spec_.right_event_time;
  s->eviction = is_left ? spec_.eviction.left : spec_.eviction.right;
  s->outer = t == JoinType::kFullOuter || (is_left ? t == JoinType::kLeftOuter : t == JoinType::kRightOuter);
  s->track_matched = s->outer || (is_left && t == JoinType::kLeftSemi);
  s->operator_id = left_operator_id_ + (is_left ? 0 : 1);

  // Residual conjuncts: this side only (including column-free ones), or both sides.
  size_t lw = is_left ? s->width : children_[0]->schema()->fields().size();
  std::vector<ExprPtr> own, both;
  for (const auto& c : SplitConjuncts(spec_.join.residual)) {
    auto [lo, hi] = ColumnRange(c);
    bool only_left = lo < 0 || hi < static_cast<int>(lw);
    bool only_right = lo < 0 || lo >= static_cast<int>(lw);
    if (is_left && only_left) own.push_back(c);
    else if (!is_left && only_right) own.push_back(ShiftColumns(c, -static_cast<int>(lw)));
    if (!only_left && !only_right && is_left) both.push_back(c);
  }
  s->own_filter = AndAll(own);
  if (is_left) both_sides_condition_ = AndAll(both);

  std::vector<StructField> row_fields, key_fields;
  for (size_t k = 0; k < s->keys.size(); ++k) key_fields.emplace_back(fmt::format("k{}", k), s->key_types[k]);
  key_fields.emplace_back("seq", DataType::Long());
  row_fields = key_fields;
  for (const auto& f : input_schema->fields()) row_fields.emplace_back(f.name, f.type);
  row_fields.emplace_back("matched", DataType::Boolean());
  s->row_schema = DataType::Struct(std::move(row_fields));
  s->key_schema = DataType::Struct(std::move(key_fields));
  (is_left ? left_ : right_) = std::move(s);
}

std::vector<StateSchemaInfo> StreamStreamJoin::StateSchemas() const {
  std::vector<StateSchemaInfo> out;
  for (const Side* s : {left_.get(), right_.get()}) {
    const auto& names = s->which == JoinSide::kLeft ? spec_.left_names : spec_.right_names;
    StateSchemaInfo info;
    info.op = s->operator_id;
    info.operator_name = "symmetricHashJoin";
    std::vector<StructField> keys, values;
    for (size_t k = 0; k < s->keys.size(); ++k) keys.emplace_back(s->keys[k]->ToSql(), s->key_types[k]);
    keys.emplace_back("index", DataType::Long());
    for (size_t c = 0; c < s->width; ++c)
      values.emplace_back(c < names.size() ? names[c] : s->input_schema->fields()[c].name,
                          s->input_schema->fields()[c].type);
    values.emplace_back("matched", DataType::Boolean());
    info.key_schema = DataType::Struct(std::move(keys));
    info.value_schema = DataType::Struct(std::move(values));
    out.push_back(std::move(info));
  }
  return out;
}

// ---------------------------------------------------------------- state load

StreamStreamJoin::PartitionState& StreamStreamJoin::LoadPartition(size_t part, ExecContext& ctx) {
  int64_t version = ctx.stream->batch_id;
  auto& p = partitions_[part];
  if (p && p->loaded_version == version) return *p;
  p = std::make_unique<PartitionState>();
  for (const Side* s : {left_.get(), right_.get()}) {
    SideBuffer& buf = s->which == JoinSide::kLeft ? p->left : p->right;
    buf.Reset(s->key_types);
    size_t nk = s->keys.size();
    RecordBatchPtr saved = ctx.stream->state->LoadAll(s->operator_id, static_cast<int>(part), version,
                                                      s->row_schema, nk + 1);
    size_t n = saved->num_rows();
    if (n == 0) continue;
    const auto& cols = saved->columns();
    std::vector<VectorPtr> key_cols(cols.begin(), cols.begin() + nk);
    std::vector<VectorPtr> side_cols(cols.begin() + nk + 1, cols.begin() + nk + 1 + s->width);
    auto rows = RecordBatch::Make(s->input_schema, side_cols, n);
    std::vector<uint32_t> groups;
    buf.keys->FindOrInsert(key_cols, n, &groups);
    buf.slots_of_key.assign(buf.keys->size(), {});
    buf.chunks.push_back(rows);
    const Vector& seq = *cols[nk];
    const Vector& matched = *cols.back();
    for (size_t i = 0; i < n; ++i) {
      SideBuffer::Slot slot;
      slot.row = static_cast<uint32_t>(i);
      slot.key = groups[i];
      slot.seq = seq.Get<int64_t>(i);
      slot.matched = matched.IsValid(i) && matched.Get<uint8_t>(i) != 0;
      slot.evict_micros = s->EvictMicros(key_cols, *rows, i);
      buf.slots_of_key[groups[i]].push_back(static_cast<uint32_t>(i));
      buf.slots.push_back(slot);
      buf.next_seq = std::max(buf.next_seq, slot.seq + 1);
    }
    buf.num_live = n;
  }
  p->loaded_version = version;
  return *p;
}

// ---------------------------------------------------------------- one partition, one batch

void StreamStreamJoin::ProcessPartition(size_t part, const std::vector<RecordBatchPtr>& left_in,
                                        const std::vector<RecordBatchPtr>& right_in,
                                        ExecContext& ctx, PartitionResult* r) {
  int64_t t_start = SteadyMs();
  PartitionState& st = LoadPartition(part, ctx);
  const StreamBatchContext& sb = *ctx.stream;
  int64_t version = sb.batch_id;
  int64_t late_wm = sb.batch_id > 0 ? sb.watermark_for_late_rows_ms : INT64_MIN;
  int64_t wm = sb.watermark_for_eviction_ms;
  bool semi = spec_.join.type == JoinType::kLeftSemi;
  const auto& left_fields = left_->input_schema->fields();
  const auto& right_fields = right_->input_schema->fields();

  auto emit = [&](const RecordBatchPtr& b) {
    if (b && b->num_rows()) r->output.push_back(RecordBatch::Make(schema_, b->columns(), b->num_rows()));
  };
  // Rows of one side padded with NULLs for the other side's columns.
  auto padded = [&](const RecordBatchPtr& rows, bool rows_are_left) {
    size_t n = rows->num_rows();
    std::vector<VectorPtr> cols;
    if (!rows_are_left) {
      for (const auto& f : left_fields) cols.push_back(Vector::MakeNull(f.type, n));
    }
    for (const auto& c : rows->columns()) cols.push_back(c);
    if (rows_are_left) {
      for (const auto& f : right_fields) cols.push_back(Vector::MakeNull(f.type, n));
    }
    return RecordBatch::Make(schema_, std::move(cols), n);
  };
  // [left columns..., right columns...] of pairs.
  auto pairs_of = [&](const RecordBatchPtr& l, const RecordBatchPtr& rr) {
    std::vector<VectorPtr> cols(l->columns().begin(), l->columns().end());
    cols.insert(cols.end(), rr->columns().begin(), rr->columns().end());
    return RecordBatch::Make(pair_schema_, std::move(cols), l->num_rows());
  };
  auto state_watermark = [&](const Side& s) {
    return s.eviction.kind == JoinSideEviction::Kind::kNone ? INT64_MIN : s.eviction.StateWatermarkMs(wm);
  };

  // New left rows against the buffered right rows, then new right rows against the buffered left
  // rows (which by then include the new ones): each matching pair is seen exactly once.
  for (bool is_left : {true, false}) {
    const Side& me = is_left ? *left_ : *right_;
    const Side& them = is_left ? *right_ : *left_;
    SideBuffer& mine = is_left ? st.left : st.right;
    SideBuffer& other = is_left ? st.right : st.left;
    int64_t my_state_wm = state_watermark(me);
    for (RecordBatchPtr chunk : is_left ? left_in : right_in) {
      if (me.event_time >= 0 && late_wm != INT64_MIN) {
        const Vector& et = *chunk->column(me.event_time);
        SelectionVector keep, late;
        std::vector<int64_t> late_times;
        for (size_t i = 0; i < chunk->num_rows(); ++i) {
          int64_t t = TimeMicros(et, i);
          if (AtOrBelow(t, late_wm)) {
            late.push_back(static_cast<uint32_t>(i));
            late_times.push_back(t);
          } else {
            keep.push_back(static_cast<uint32_t>(i));
          }
        }
        r->dropped_late += static_cast<int64_t>(late.size());
        if (!late.empty() && sb.late_rows) {
          sb.late_rows->Add(me.operator_id, "symmetricHashJoin",
                            is_left ? "left event time at or below the watermark"
                                    : "right event time at or below the watermark",
                            late_wm, *chunk, late, late_times);
        }
        if (keep.size() != chunk->num_rows()) chunk = chunk->Take(keep);
      }
      size_t n = chunk->num_rows();
      if (n == 0) continue;
      std::vector<VectorPtr> key_cols = me.EvalKeys(*chunk, ctx.eval);
      std::vector<uint8_t> passes(n, 1);
      if (me.own_filter) {
        SelectionVector sel = SelectTrue(*Evaluate(*me.own_filter, *chunk, ctx.eval));
        passes.assign(n, 0);
        for (uint32_t i : sel) passes[i] = 1;
      }
      // Candidate pairs: rows with the same key in the other side's buffer.
      SelectionVector in_rows;
      std::vector<uint32_t> state_slots;
      std::vector<int64_t> other_groups;
      other.keys->FindAll(key_cols, n, &other_groups);
      SelectionVector pad_now;
      for (size_t i = 0; i < n; ++i) {
        if (!passes[i]) {
          if (me.outer) pad_now.push_back(static_cast<uint32_t>(i));
          continue;
        }
        if (me.HasNullKey(key_cols, i)) continue;
        int64_t g = other_groups[i];
        if (g < 0) continue;
        for (uint32_t s : other.slots_of_key[g]) {
          const auto& slot = other.slots[s];
          if (!slot.live || (semi && !is_left && slot.matched)) continue;
          in_rows.push_back(static_cast<uint32_t>(i));
          state_slots.push_back(s);
        }
      }
      // Pairs that satisfy the conjuncts over both sides.
      RecordBatchPtr pairs;
      SelectionVector keep;
      if (!in_rows.empty() && (both_sides_condition_ || !semi)) {
        RecordBatchPtr mine_rows = chunk->Take(in_rows);
        RecordBatchPtr their_rows = other.Gather(them.input_schema, state_slots);
        pairs = is_left ? pairs_of(mine_rows, their_rows) : pairs_of(their_rows, mine_rows);
      }
      if (both_sides_condition_ && pairs) {
        keep = SelectTrue(*Evaluate(*both_sides_condition_, *pairs, ctx.eval));
      } else {
        keep.resize(in_rows.size());
        for (size_t k = 0; k < keep.size(); ++k) keep[k] = static_cast<uint32_t>(k);
      }
      std::vector<uint8_t> has_match(n, 0);
      std::vector<uint32_t> semi_out;  // left state rows emitted on their first match
      for (uint32_t k : keep) {
        uint32_t i = in_rows[k], s = state_slots[k];
        has_match[i] = 1;
        if (semi && !is_left) {
          if (!other.slots[s].matched) semi_out.push_back(s);
          other.SetMatched(s);
        } else if (them.track_matched) {
          other.SetMatched(s);
        }
      }
      if (!semi) {
        if (pairs) emit(keep.size() == pairs->num_rows() ? pairs : pairs->Take(keep));
      } else if (is_left) {
        SelectionVector matched_rows;
        for (size_t i = 0; i < n; ++i) {
          if (has_match[i]) matched_rows.push_back(static_cast<uint32_t>(i));
        }
        if (!matched_rows.empty()) emit(chunk->Take(matched_rows));
      } else if (!semi_out.empty()) {
        emit(other.Gather(them.input_schema, semi_out));
      }
      if (!pad_now.empty()) emit(padded(chunk->Take(pad_now), is_left));

      // Buffer the rows that can still match (or must be emitted unmatched later).
      SelectionVector add;
      std::vector<int64_t> evict;
      std::vector<uint8_t> matched;
      for (size_t i = 0; i < n; ++i) {
        if (!passes[i]) continue;
        if (!me.outer && me.HasNullKey(key_cols, i)) continue;  // can never match
        if (semi && is_left && has_match[i]) continue;           // emitted once, done
        int64_t ev = me.EvictMicros(key_cols, *chunk, i);
        // A right row evicted at the end of this batch is needed only to emit it unmatched; left
        // rows are always buffered since this batch's right rows still join with them.
        if (!is_left && AtOrBelow(ev, my_state_wm) && !(me.outer && !has_match[i])) continue;
        add.push_back(static_cast<uint32_t>(i));
        evict.push_back(ev);
        matched.push_back(has_match[i]);
      }
      mine.Append(chunk, key_cols, add, evict, matched);
      r->updated += static_cast<int64_t>(add.size());
    }
  }
  int64_t t_removals = SteadyMs();
  r->updates_ms = t_removals - t_start;

  // Evict by the state watermarks; outer sides emit their rows that never matched.
  for (bool is_left : {true, false}) {
    const Side& me = is_left ? *left_ : *right_;
    SideBuffer& buf = is_left ? st.left : st.right;
    if (me.eviction.kind == JoinSideEviction::Kind::kNone) continue;
    int64_t w = state_watermark(me);
    std::vector<uint32_t> unmatched;
    for (uint32_t id = 0; id < buf.slots.size(); ++id) {
      auto& s = buf.slots[id];
      if (!s.live || !AtOrBelow(s.evict_micros, w)) continue;
      s.live = false;
      --buf.num_live;
      ++r->removed;
      if (s.change != SideBuffer::kAdded) buf.removed.push_back(id);
      if (me.outer && !s.matched) unmatched.push_back(id);
    }
    if (!unmatched.empty()) emit(padded(buf.Gather(me.input_schema, unmatched), is_left));
  }
  int64_t t_commit = SteadyMs();
  r->removals_ms = t_commit - t_removals;

  for (bool is_left : {true, false}) {
    const Side& me = is_left ? *left_ : *right_;
    SideBuffer& buf = is_left ? st.left : st.right;
    for (const auto& [k, v] : buf.Commit(*sb.state, me, static_cast<int>(part), version + 1))
      r->store_metrics[k] += v;
    buf.CompactIfSparse(me.input_schema, me.key_types);
    r->total_rows += static_cast<int64_t>(buf.num_live);
    r->memory_bytes += static_cast<int64_t>(buf.MemoryBytes());
  }
  st.loaded_version = version + 1;
  r->commit_ms = SteadyMs() - t_commit;
}

// ---------------------------------------------------------------- the batch

std::vector<Partition> StreamStreamJoin::Execute(ExecContext& ctx) {
  if (!ctx.stream || !ctx.stream->state) {
    throw InternalError("a stream-stream join runs only inside a streaming query");
  }
  auto left_in = children_[0]->Execute(ctx);
  auto right_in = children_[1]->Execute(ctx);
  size_t nparts = static_cast<size_t>(std::max(1, ctx.shuffle_partitions));
  if (partitions_.size() != nparts) partitions_.resize(nparts);
  auto by_left = HashPartition(left_in, nparts, [&](const RecordBatch& c) { return left_->EvalKeys(c, ctx.eval); });
  auto by_right = HashPartition(right_in, nparts, [&](const RecordBatch& c) { return right_->EvalKeys(c, ctx.eval); });
  std::vector<PartitionResult> results(nparts);
  ParallelFor(ctx.pool, nparts, [&](size_t q) { ProcessPartition(q, by_left[q], by_right[q], ctx, &results[q]); });

  StateOperatorProgress p;
  p.operator_name = "symmetricHashJoin";
  p.num_shuffle_partitions = static_cast<int64_t>(nparts);
  p.num_state_store_instances = static_cast<int64_t>(4 * nparts);  // as Spark: 2 stores per side
  bool hdfs = std::string_view(ctx.stream->state->Name()) == "hdfs";
  std::vector<Partition> out(nparts);
  for (size_t q = 0; q < nparts; ++q) {
    const PartitionResult& r = results[q];
    p.num_rows_total += r.total_rows;
    p.num_rows_updated += r.updated;
    p.num_rows_removed += r.removed;
    p.num_rows_dropped_by_watermark += r.dropped_late;
    p.memory_used_bytes += r.memory_bytes;
    p.commit_time_ms += r.commit_ms;
    p.all_updates_time_ms += r.updates_ms;
    p.all_removals_time_ms += r.removals_ms;
    if (hdfs) p.custom_metrics["stateOnCurrentVersionSizeBytes"] += r.memory_bytes;
    for (const auto& [k, v] : r.store_metrics) p.custom_metrics[k] += v;
    out[q] = std::move(results[q].output);
  }
  std::lock_guard<std::mutex> l(mu_);
  progress_ = std::move(p);
  last_eviction_watermark_ms_ = ctx.stream->watermark_for_eviction_ms;
  return out;
}

std::string StreamStreamJoin::Describe() const {
  std::string s = fmt::format("StreamingSymmetricHashJoin {} keys=[", JoinTypeName(spec_.join.type));
  for (size_t i = 0; i < spec_.join.left_keys.size(); ++i)
    s += (i ? ", " : "") + spec_.join.left_keys[i]->ToSql() + " = " + spec_.join.right_keys[i]->ToSql();
  s += "]";
  if (spec_.join.residual) s += " condition=" + spec_.join.residual->ToSql();
  auto cleanup = [&](const JoinSideEviction& e, const std::vector<std::string>& names) -> std::string {
    switch (e.kind) {
      case JoinSideEviction::Kind::kByJoinKey:
        return fmt::format("{} <= watermark", spec_.join.left_keys[e.key_index]->ToSql());
      case JoinSideEviction::Kind::kByRange: {
        std::string col = e.column < static_cast<int>(names.size()) ? names[e.column] : "?";
        bool linear = std::all_of(e.bounds.begin(), e.bounds.end(),
                                  [](const JoinRangeBound& b) { return b.watermark_coefficient == 1; });
        if (!linear) return col + " <= state watermark";
        return fmt::format("{} <= watermark {:+} ms", col, e.StateWatermarkMs(0));
      }
      default: return "none";
    }
  };
  return s + fmt::format(" state cleanup [left: {}, right: {}]", cleanup(spec_.eviction.left, spec_.left_names),
                         cleanup(spec_.eviction.right, spec_.right_names));
}

void StreamStreamJoin::CollectStateProgress(std::vector<StateOperatorProgress>* out) const {
  {
    std::lock_guard<std::mutex> l(mu_);
    out->push_back(progress_);
  }
  PhysicalOperator::CollectStateProgress(out);
}

bool StreamStreamJoin::NeedsNoDataBatch(int64_t new_watermark_ms) const {
  bool evicts = spec_.eviction.left.kind != JoinSideEviction::Kind::kNone ||
                spec_.eviction.right.kind != JoinSideEviction::Kind::kNone;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (evicts && new_watermark_ms > last_eviction_watermark_ms_) return true;
  }
  return PhysicalOperator::NeedsNoDataBatch(new_watermark_ms);
}

}  // namespace sluice
