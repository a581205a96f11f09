#include "exec/hash_aggregate.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdint>

#include "columnar/int64_range.h"
#include "exec/aggregate_function.h"
#include "exec/filter.h"
#include "exec/group_hash_table.h"
#include "exec/late_rows.h"
#include "exec/partial_groups.h"
#include "exec/window_key_groups.h"
#include "exec/windowed_group_state.h"
#include "expr/evaluator.h"
#include "plan/output_mode.h"
#include "state/row_codec.h"
#include "state/state_schema.h"
#include "state/state_store.h"
#include "types/datetime.h"

namespace sluice {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Event time of a key value in ms: a timestamp, or the end of a window struct.
int64_t EventTimeMs(const Vector& key, size_t row, bool is_window) {
  if (is_window) return key.child(1)->Get<int64_t>(row) / 1000;
  return key.Get<int64_t>(row) / 1000;
}

}  // namespace

/// Groups of one shuffle partition kept between micro-batches.
struct HashAggregate::PartitionState {
  int64_t loaded_version = -1;
  /// With WindowedState(): the groups, one table per window (the members below are unused).
  std::unique_ptr<WindowedGroupState> windows;
  std::unique_ptr<GroupHashTable> table;
  std::vector<std::unique_ptr<Accumulator>> accs;
  std::vector<uint8_t> live;  // group still in state (not evicted)
  size_t num_live = 0;
};

HashAggregate::HashAggregate(TypePtr schema, std::unique_ptr<PhysicalOperator> child,
                             AggregateSpec spec, bool streaming, int operator_id)
    : PhysicalOperator(std::move(schema), {}),
      spec_(std::move(spec)),
      streaming_(streaming),
      operator_id_(operator_id) {
  children_.push_back(std::move(child));
  std::vector<StructField> fields;
  for (size_t k = 0; k < spec_.keys.size(); ++k) {
    key_types_.push_back(spec_.keys[k]->type);
    fields.emplace_back(fmt::format("k{}", k), spec_.keys[k]->type);
  }
  EvalContext ctx;
  for (size_t a = 0; a < spec_.aggregate_calls.size(); ++a) {
    auto acc = MakeAccumulator(*spec_.aggregate_calls[a], ctx);
    auto types = acc->StateTypes();
    for (size_t s = 0; s < types.size(); ++s)
      fields.emplace_back(fmt::format("a{}_{}", a, s), types[s]);
  }
  state_schema_ = DataType::Struct(std::move(fields));
  key_schema_ = DataType::Struct(std::vector<StructField>(state_schema_->fields().begin(),
                                                          state_schema_->fields().begin() + key_types_.size()));
  for (size_t f = key_types_.size(); f < state_schema_->fields().size(); ++f) {
    int w = state_schema_->fields()[f].type->FixedWidth();
    value_row_bytes_ += w > 0 ? static_cast<size_t>(w) : 16;
  }
  if (spec_.window) {
    assigner_.emplace(spec_.window->window_micros, spec_.window->slide_micros, spec_.window->start_micros);
  }
  progress_.operator_name = "stateStoreSave";
}

std::vector<StateSchemaInfo> HashAggregate::StateSchemas() const {
  if (!streaming_) return {};
  StateSchemaInfo info;
  info.op = operator_id_;
  info.operator_name = "stateStoreSave";
  std::vector<StructField> keys, values;
  for (size_t k = 0; k < spec_.keys.size(); ++k) keys.emplace_back(spec_.keys[k]->ToSql(), key_types_[k]);
  AppendAccumulatorStateFields(spec_.aggregate_calls, &values);
  info.key_schema = DataType::Struct(std::move(keys));
  info.value_schema = DataType::Struct(std::move(values));
  return {info};
}

HashAggregate::~HashAggregate() = default;

RecordBatchPtr HashAggregate::DropLateRows(const RecordBatchPtr& chunk, const EvalContext& ctx,
                                           int64_t wm_ms, LateRowCollector* late_rows,
                                           int64_t* dropped) const {
  VectorPtr key = Evaluate(*spec_.keys[spec_.event_time_key], *chunk, ctx);
  SelectionVector keep;
  SelectionVector late;
  std::vector<int64_t> late_times;
  keep.reserve(chunk->num_rows());
  for (size_t i = 0; i < chunk->num_rows(); ++i) {
    if (key->IsValid(i)) {
      int64_t t_ms = EventTimeMs(*key, i, spec_.event_time_is_window);
      if (t_ms <= wm_ms) {
        ++*dropped;
        if (late_rows != nullptr) {
          late.push_back(static_cast<uint32_t>(i));
          late_times.push_back(t_ms * 1000);
        }
        continue;
      }
    }
    keep.push_back(static_cast<uint32_t>(i));
  }
  if (late_rows != nullptr) {
    late_rows->Add(operator_id_, "stateStoreSave",
                   spec_.event_time_is_window ? "window end at or below the watermark"
                                              : "event time at or below the watermark",
                   wm_ms, *chunk, late, late_times);
  }
  if (keep.size() == chunk->num_rows()) return chunk;
  return chunk->Take(keep);
}

std::vector<VectorPtr> HashAggregate::AggregateArgs(size_t a, const RecordBatch& chunk,
                                                    const EvalContext& ctx) const {
  std::vector<VectorPtr> args;
  const Expr& call = *spec_.aggregate_calls[a];
  for (const auto& c : call.children) {
    // count(1) / count(*): a non-null literal argument counts every row; skip materializing it.
    bool constant = c->kind == ExprKind::kLiteral && !c->literal.is_null();
    if (call.name == "count" && !call.distinct && constant) continue;
    args.push_back(Evaluate(*c, chunk, ctx));
  }
  return args;
}

namespace {

// Points `*cells` at KeyWindowCells for the windows of times in [lo, hi] under `assigner` and the keys
// `other_keys` (of types `key_types` other than the window, key `window_key`): the cells of earlier
// chunks when they cover this chunk's windows (and, in the direct mode, its key values), else new
// ones; none when the times span more than 64 windows. A single integer key whose
// values span a small range gets the direct mode (no hashing); otherwise, unless `direct_only`, the
// keys are hashed.
void PrepareKeyWindowCells(const WindowAssigner& assigner, const std::vector<TypePtr>& key_types,
                           size_t window_key, int64_t lo, int64_t hi, const std::vector<VectorPtr>& other_keys,
                           bool direct_only, std::optional<KeyWindowCells>* cells) {
  constexpr int64_t kMaxCellWindows = 64;
  int64_t first = assigner.WindowNumbers(lo).first;
  int64_t last = assigner.WindowNumbers(hi).second;
  if (last - first >= kMaxCellWindows) {
    cells->reset();
    return;
  }
  const size_t windows = static_cast<size_t>(last - first + 1);
  int64_t kmin = 0, kmax = 0;
  if (other_keys.size() == 1 && KeyWindowCells::IntegerRange(*other_keys[0], &kmin, &kmax)) {
    if (*cells && (*cells)->Covers(first, last, kmin, kmax)) return;
    // At most 4 Mi cells (16 MB).
    constexpr uint64_t kMaxDirectCells = uint64_t{1} << 22;
    uint64_t span = static_cast<uint64_t>(kmax) - static_cast<uint64_t>(kmin);
    if (span < kMaxDirectCells && (span + 2) * windows <= kMaxDirectCells) {
      cells->emplace(other_keys[0]->type(), kmin, static_cast<size_t>(span + 1), first, windows);
      return;
    }
  }
  if (direct_only) {
    cells->reset();
    return;
  }
  if (*cells && !(*cells)->direct() && (*cells)->Covers(first, last, 0, 0)) return;
  std::vector<TypePtr> other_types;
  for (size_t k = 0; k < key_types.size(); ++k) {
    if (k != window_key) other_types.push_back(key_types[k]);
  }
  cells->emplace(std::move(other_types), first, windows);
}

}  // namespace

size_t HashAggregate::AggregateIntoWindows(const RecordBatchPtr& chunk, const EvalContext& ctx,
                                           const LateRowCut* cut, PartialGroups* table,
                                           std::vector<std::unique_ptr<Accumulator>>* accs,
                                           std::optional<KeyWindowCells>* cells_of_partition) const {
  const AggregateSpec::FusedWindow& fw = *spec_.window;
  const size_t n = chunk->num_rows();
  VectorPtr time = Evaluate(*fw.time, *chunk, ctx);
  std::vector<VectorPtr> keys(spec_.keys.size());
  for (size_t k = 0; k < keys.size(); ++k) {
    if (k != fw.key_index) keys[k] = Evaluate(*spec_.keys[k], *chunk, ctx);
  }
  std::vector<std::vector<VectorPtr>> args(accs->size());
  for (size_t a = 0; a < accs->size(); ++a) args[a] = AggregateArgs(a, *chunk, ctx);
  const TypePtr& window_type = key_types_[fw.key_index];

  // Input rows are assigned a block at a time, so that a block's (row, window) pairs and the key
  // and argument columns gathered for them stay in cache.
  constexpr size_t kBlockRows = 2048;
  // With the window as the first key, key hashes start from the cached hash of the window.
  std::optional<WindowKeyHashes> window_hashes;
  if (fw.key_index == 0 && !table->pass_through()) window_hashes.emplace(*assigner_, window_type);
  std::vector<VectorPtr> other_keys;
  for (size_t k = 0; k < keys.size(); ++k) {
    if (k != fw.key_index) other_keys.push_back(keys[k]);
  }
  // Other keys, over a chunk spanning few windows: KeyWindowCells for sliding windows, and for
  // tumbling ones when the other key is one small-range integer column (cells without hashing;
  // hashed cells do not pay off with one window per row).
  const Int64Range time_range = RangeOfValid(*time);
  const int64_t time_lo = time_range.min, time_hi = time_range.max;
  const bool any_time = time_lo <= time_hi;
  std::optional<KeyWindowCells>& cells = *cells_of_partition;
  if (any_time && !table->pass_through() && keys.size() > 1) {
    PrepareKeyWindowCells(*assigner_, key_types_, fw.key_index, time_lo, time_hi, other_keys,
                          /*direct_only=*/assigner_->max_windows() == 1, &cells);
  } else {
    cells.reset();
  }
  // Late pairs are looked for only when the chunk's earliest window could be late.
  if (cut != nullptr && any_time) {
    int64_t earliest_start = assigner_->WindowStart(assigner_->WindowNumbers(time_lo).first);
    if ((earliest_start + fw.window_micros) / 1000 > cut->watermark_ms) cut = nullptr;
  }

  std::vector<VectorPtr> block_keys(keys.size()), block_args;
  std::vector<uint64_t> hashes;
  // (*ids)[k] = the partial group of pair (r[k], st[k]): the window built from the start, the
  // other keys gathered.
  auto find_groups = [&](const SelectionVector& r, const std::vector<int64_t>& st, std::vector<uint32_t>* ids) {
    size_t np = r.size();
    for (size_t k = 0; k < keys.size(); ++k) {
      block_keys[k] = k == fw.key_index ? assigner_->MakeWindows(window_type, st.data(), np) : keys[k]->Take(r);
    }
    if (window_hashes) {
      hashes.resize(np);
      for (size_t k = 0; k < np; ++k) hashes[k] = window_hashes->Get(st[k]);
      for (size_t k = 1; k < block_keys.size(); ++k) block_keys[k]->HashRows(0, np, hashes.data());
    }
    table->Assign(block_keys, np, ids, window_hashes ? hashes.data() : nullptr);
  };
  // Adds the arguments of rows `r` to groups `ids`.
  auto update = [&](const SelectionVector& r, const std::vector<uint32_t>& ids) {
    for (size_t a = 0; a < accs->size(); ++a) {
      block_args.clear();
      for (const auto& v : args[a]) block_args.push_back(v->Take(r));
      (*accs)[a]->Resize(table->size());
      (*accs)[a]->Update(block_args, ids.data(), r.size());
    }
  };

  size_t pairs = 0;
  SelectionVector rows, late_rows, new_pairs, new_rows;
  std::vector<int64_t> starts, numbers, late_starts, new_starts;
  std::vector<uint32_t> groups, key_groups, new_ids;
  // Cells take 4 bytes per (key, window): past this many (32 MB), the chunk's remaining rows
  // probe the partial table directly.
  constexpr size_t kMaxCells = size_t{1} << 23;
  for (size_t begin = 0; begin < n; begin += kBlockRows) {
    size_t m = std::min(kBlockRows, n - begin);
    if (cells && cells->num_cells() > kMaxCells) cells.reset();
    rows.clear();
    starts.clear();
    numbers.clear();
    assigner_->Assign(*time, begin, m, &rows, &starts, cells ? &numbers : nullptr);
    if (cut != nullptr) {
      // As DropLateRows: a pair is late when its window end, in ms, is at or below the watermark.
      size_t kept = 0;
      for (size_t k = 0; k < rows.size(); ++k) {
        if ((starts[k] + fw.window_micros) / 1000 <= cut->watermark_ms) {
          late_rows.push_back(rows[k]);
          late_starts.push_back(starts[k]);
          continue;
        }
        rows[kept] = rows[k];
        starts[kept] = starts[k];
        if (cells) numbers[kept] = numbers[k];
        ++kept;
      }
      rows.resize(kept);
      starts.resize(kept);
      if (cells) numbers.resize(kept);
    }
    size_t np = rows.size();
    if (np == 0) continue;
    pairs += np;
    if (!cells) {
      find_groups(rows, starts, &groups);
      update(rows, groups);
      continue;
    }
    // Pairs whose (key, window) cell is set have their group; the others are looked up (or added)
    // in the partial table together, in pair order, and their cells set.
    KeyWindowCells& kwc = *cells;
    kwc.FindKeys(other_keys, begin, m, &key_groups);
    groups.resize(np);
    new_pairs.resize(np);
    {
      const uint32_t* row = rows.data();
      const uint32_t* key_group = key_groups.data();
      const int64_t* number = numbers.data();
      uint32_t* group = groups.data();
      uint32_t* new_pair = new_pairs.data();
      size_t num_new = 0;
      for (size_t k = 0; k < np; ++k) {
        uint32_t c = kwc.Cell(key_group[row[k] - begin], number[k]);
        group[k] = c;
        new_pair[num_new] = static_cast<uint32_t>(k);
        num_new += c == KeyWindowCells::kNone;
      }
      new_pairs.resize(num_new);
    }
    if (!new_pairs.empty()) {
      new_rows.clear();
      new_starts.clear();
      for (uint32_t k : new_pairs) {
        new_rows.push_back(rows[k]);
        new_starts.push_back(starts[k]);
      }
      find_groups(new_rows, new_starts, &new_ids);
      for (size_t j = 0; j < new_pairs.size(); ++j) {
        uint32_t k = new_pairs[j];
        cells->Cell(key_groups[rows[k] - begin], numbers[k]) = new_ids[j];
        groups[k] = new_ids[j];
      }
    }
    update(rows, groups);
  }
  if (cut != nullptr && !late_rows.empty()) RecordLateWindowRows(*chunk, late_rows, late_starts, *cut);
  return pairs;
}


void HashAggregate::RecordLateWindowRows(const RecordBatch& chunk, const SelectionVector& late_rows,
                                         const std::vector<int64_t>& late_starts,
                                         const LateRowCut& cut) const {
  *cut.dropped += static_cast<int64_t>(late_rows.size());
  if (cut.collector == nullptr) return;
  // The late rows as WindowExpand would have passed them: the input columns plus the window.
  const AggregateSpec::FusedWindow& fw = *spec_.window;
  std::vector<VectorPtr> cols;
  for (const auto& c : chunk.columns()) cols.push_back(c->Take(late_rows));
  cols.push_back(assigner_->MakeWindows(key_types_[fw.key_index], late_starts.data(), late_starts.size()));
  auto expanded = RecordBatch::Make(fw.expanded_schema, std::move(cols), late_rows.size());
  SelectionVector all(late_rows.size());
  std::vector<int64_t> times(late_rows.size());
  for (size_t k = 0; k < all.size(); ++k) {
    all[k] = static_cast<uint32_t>(k);
    times[k] = (late_starts[k] + fw.window_micros) / 1000 * 1000;
  }
  cut.collector->Add(operator_id_, "stateStoreSave", "window end at or below the watermark",
                     cut.watermark_ms, *expanded, all, times);
}

bool HashAggregate::PassThroughPartial() const {
  constexpr int64_t kPassThroughMinRows = int64_t{1} << 16;
  int64_t rows = last_batch_rows_.load(std::memory_order_relaxed);
  int64_t groups = last_batch_groups_.load(std::memory_order_relaxed);
  return streaming_ && rows >= kPassThroughMinRows && groups * 4 > rows * 3;
}

RecordBatchPtr HashAggregate::Partial(const ChunkStream& input, size_t max_rows, const EvalContext& ctx,
                                      const LateRowCut* cut, int64_t* rows) const {
  PartialGroups table(key_types_, PassThroughPartial());
  size_t max_groups = max_rows;  // at most one group per input row (and window)
  if (spec_.window && max_groups != SIZE_MAX) max_groups *= assigner_->max_windows();
  table.Reserve(std::min(max_groups, partial_groups_hint_.load(std::memory_order_relaxed)));
  std::vector<std::unique_ptr<Accumulator>> accs;
  for (const auto& call : spec_.aggregate_calls) accs.push_back(MakeAccumulator(*call, ctx));
  std::vector<uint32_t> groups;
  std::optional<KeyWindowCells> cells;  // with a fused window: kept from chunk to chunk
  while (RecordBatchPtr chunk = input()) {
    if (chunk->num_rows() == 0) continue;
    if (spec_.window) {
      *rows += static_cast<int64_t>(AggregateIntoWindows(chunk, ctx, cut, &table, &accs, &cells));
      continue;
    }
    *rows += static_cast<int64_t>(chunk->num_rows());
    std::vector<VectorPtr> keys;
    for (const auto& k : spec_.keys) keys.push_back(Evaluate(*k, *chunk, ctx));
    table.Assign(keys, chunk->num_rows(), &groups);
    for (size_t a = 0; a < accs.size(); ++a) {
      accs[a]->Resize(table.size());
      std::vector<VectorPtr> args = AggregateArgs(a, *chunk, ctx);
      if (spec_.keys.empty() && !table.pass_through()) {
        accs[a]->UpdateOneGroup(args, 0, chunk->num_rows());  // a global aggregate's one group
      } else {
        accs[a]->Update(args, groups.data(), chunk->num_rows());
      }
    }
  }
  partial_groups_hint_.store(table.size(), std::memory_order_relaxed);
  std::vector<VectorPtr> cols = table.keys();
  for (auto& acc : accs) {
    acc->Resize(table.size());
    for (auto& s : acc->SaveState(table.size(), nullptr)) cols.push_back(s);
  }
  return RecordBatch::Make(state_schema_, std::move(cols), table.size());
}

std::vector<RecordBatchPtr> HashAggregate::ShuffleSplit(const RecordBatchPtr& batch, size_t n) const {
  std::vector<SelectionVector> sels(n);
  size_t nk = spec_.keys.size();
  std::vector<VectorPtr> keys(batch->columns().begin(), batch->columns().begin() + nk);
  std::vector<uint64_t> hashes(batch->num_rows());
  HashKeyRows(keys, 0, batch->num_rows(), hashes.data());
  for (size_t i = 0; i < batch->num_rows(); ++i)
    sels[nk == 0 ? 0 : ShufflePartition(hashes[i], n)].push_back(static_cast<uint32_t>(i));
  std::vector<RecordBatchPtr> out(n);
  for (size_t p = 0; p < n; ++p) {
    if (!sels[p].empty()) out[p] = sels[p].size() == batch->num_rows() ? batch : batch->Take(sels[p]);
  }
  return out;
}

RecordBatchPtr HashAggregate::Final(size_t part, const std::vector<RecordBatchPtr>& partials,
                                    ExecContext& ctx) {
  size_t nk = spec_.keys.size();
  auto new_accs = [&] {
    std::vector<std::unique_ptr<Accumulator>> accs;
    for (const auto& call : spec_.aggregate_calls) accs.push_back(MakeAccumulator(*call, ctx.eval));
    return accs;
  };
  auto merge_rows = [&](GroupHashTable& table, std::vector<std::unique_ptr<Accumulator>>& accs,
                        const RecordBatch& rows, std::vector<uint32_t>* groups) {
    std::vector<VectorPtr> keys(rows.columns().begin(), rows.columns().begin() + nk);
    table.FindOrInsert(keys, rows.num_rows(), groups);
    size_t col = nk;
    for (auto& acc : accs) {
      acc->Resize(table.size());
      size_t ns = acc->StateTypes().size();
      std::vector<VectorPtr> st(rows.columns().begin() + col, rows.columns().begin() + col + ns);
      acc->Merge(st, groups->data(), rows.num_rows());
      col += ns;
    }
  };
  // Output rows of groups `sel` (all when null) of `num_groups`, whose key columns (of those
  // groups) are `keys`.
  auto finish_keys = [&](std::vector<VectorPtr> keys, size_t num_groups,
                         const std::vector<std::unique_ptr<Accumulator>>& accs,
                         const SelectionVector* sel) -> RecordBatchPtr {
    size_t n = sel ? sel->size() : num_groups;
    std::vector<VectorPtr> cols = std::move(keys);
    std::vector<StructField> fields;
    for (size_t k = 0; k < nk; ++k) fields.emplace_back(fmt::format("k{}", k), key_types_[k]);
    for (size_t a = 0; a < accs.size(); ++a) {
      cols.push_back(accs[a]->Finalize(num_groups, sel));
      fields.emplace_back(fmt::format("a{}", a), spec_.aggregate_calls[a]->type);
    }
    auto row = RecordBatch::Make(DataType::Struct(std::move(fields)), std::move(cols), n);
    std::vector<VectorPtr> out;
    for (const auto& e : spec_.output_exprs) out.push_back(Evaluate(*e, *row, ctx.eval));
    return RecordBatch::Make(schema_, std::move(out), n);
  };
  auto finish = [&](const GroupHashTable& table, const std::vector<std::unique_ptr<Accumulator>>& accs,
                    const SelectionVector* sel) -> RecordBatchPtr {
    std::vector<VectorPtr> keys;
    for (size_t k = 0; k < nk; ++k) keys.push_back(sel ? table.keys()[k]->Take(*sel) : table.keys()[k]);
    return finish_keys(std::move(keys), table.size(), accs, sel);
  };

  if (!streaming_) {
    GroupHashTable table(key_types_);
    auto accs = new_accs();
    std::vector<uint32_t> groups;
    for (const auto& p : partials) {
      if (p && p->num_rows()) merge_rows(table, accs, *p, &groups);
    }
    // A global aggregation over no rows still yields one row (count = 0, sum = NULL).
    if (nk == 0 && table.size() == 0) {
      for (auto& acc : accs) acc->Resize(1);
      std::vector<VectorPtr> no_keys;
      table.FindOrInsert(no_keys, 1, &groups);
    }
    return finish(table, accs, nullptr);
  }

  // ---- streaming ----
  StreamBatchContext& sb = *ctx.stream;
  if (WindowedState(static_cast<OutputMode>(sb.output_mode))) {
    return FinalWindowed(part, partials, ctx, finish_keys);
  }
  auto& st = states_[part];
  int64_t version = sb.batch_id;
  if (!st || st->loaded_version != version) {
    st = std::make_unique<PartitionState>();
    st->table = std::make_unique<GroupHashTable>(key_types_);
    st->accs = new_accs();
    RecordBatchPtr saved =
        sb.state->LoadAll(operator_id_, static_cast<int>(part), version, state_schema_, nk);
    std::vector<uint32_t> groups;
    st->table->Reserve(saved->num_rows());
    if (saved->num_rows()) merge_rows(*st->table, st->accs, *saved, &groups);
    st->live.assign(st->table->size(), 1);
    st->num_live = st->table->size();
  }
  int64_t t0 = NowMs();
  size_t before = st->table->size();
  std::vector<uint8_t> touched(before, 0);
  std::vector<uint32_t> groups;
  for (const auto& p : partials) {
    if (!p || !p->num_rows()) continue;
    merge_rows(*st->table, st->accs, *p, &groups);
    touched.resize(st->table->size(), 0);
    st->live.resize(st->table->size(), 0);
    for (uint32_t g : groups) {
      touched[g] = 1;
      if (!st->live[g]) {
        st->live[g] = 1;
        ++st->num_live;
      }
    }
  }
  size_t ng = st->table->size();
  touched.resize(ng, 0);
  int64_t num_updated = 0;
  for (uint8_t t : touched) num_updated += t;

  // Eviction by watermark (append/update with an event-time key).
  SelectionVector evicted;
  OutputMode mode = static_cast<OutputMode>(sb.output_mode);
  if (spec_.event_time_key >= 0 && mode != OutputMode::kComplete) {
    const Vector& key = *st->table->keys()[spec_.event_time_key];
    for (size_t g = 0; g < ng; ++g) {
      if (st->live[g] && key.IsValid(g) &&
          EventTimeMs(key, g, spec_.event_time_is_window) <= sb.watermark_for_eviction_ms) {
        evicted.push_back(static_cast<uint32_t>(g));
      }
    }
  }
  SelectionVector emit;
  switch (mode) {
    case OutputMode::kComplete:
      for (size_t g = 0; g < ng; ++g) {
        if (st->live[g]) emit.push_back(static_cast<uint32_t>(g));
      }
      break;
    case OutputMode::kUpdate:
      for (size_t g = 0; g < ng; ++g) {
        if (touched[g] && st->live[g]) emit.push_back(static_cast<uint32_t>(g));
      }
      break;
    case OutputMode::kAppend: emit = evicted; break;
  }
  RecordBatchPtr out = finish(*st->table, st->accs, &emit);
  int64_t t1 = NowMs();
  for (uint32_t g : evicted) {
    st->live[g] = 0;
    --st->num_live;
  }
  bool changed = num_updated > 0 || !evicted.empty();
  // Persist only this batch's changes: groups updated and still live (upserts), groups evicted
  // (removals). The store is touched once per changed group, not per input row.
  std::map<std::string, int64_t> store_metrics;
  if (changed) {
    SelectionVector upsert_sel;
    for (size_t g = 0; g < ng; ++g) {
      if (touched[g] && st->live[g]) upsert_sel.push_back(static_cast<uint32_t>(g));
    }
    std::vector<VectorPtr> cols;
    for (size_t k = 0; k < nk; ++k) cols.push_back(st->table->keys()[k]->Take(upsert_sel));
    for (auto& acc : st->accs) {
      for (auto& s : acc->SaveState(ng, &upsert_sel)) cols.push_back(s);
    }
    auto upserts = RecordBatch::Make(state_schema_, std::move(cols), upsert_sel.size());
    std::vector<VectorPtr> removed_cols;
    for (size_t k = 0; k < nk; ++k) removed_cols.push_back(st->table->keys()[k]->Take(evicted));
    auto removed = RecordBatch::Make(key_schema_, std::move(removed_cols), evicted.size());
    store_metrics = sb.state->Commit(operator_id_, static_cast<int>(part), version + 1, *upserts, *removed);
    if (st->num_live * 4 < ng * 3) {
      // Compact once a quarter of the groups are evicted ones: drop them from the in-memory table,
      // in place (buffers keep their capacity for the next batch's groups); live groups keep
      // their order.
      SelectionVector live_sel;
      live_sel.reserve(st->num_live);
      for (size_t g = 0; g < ng; ++g) {
        if (st->live[g]) live_sel.push_back(static_cast<uint32_t>(g));
      }
      st->table->Compact(live_sel);
      for (auto& acc : st->accs) acc->KeepGroups(live_sel);
      st->live.assign(st->table->size(), 1);
      st->num_live = st->table->size();
    }
  }
  st->loaded_version = version + 1;
  int64_t t2 = NowMs();
  int64_t bytes = 0;
  for (const auto& k : st->table->keys()) bytes += static_cast<int64_t>(VectorMemoryBytes(*k));
  bytes += static_cast<int64_t>(st->table->size() * value_row_bytes_);
  RecordPartitionProgress(static_cast<int64_t>(st->num_live), num_updated, static_cast<int64_t>(evicted.size()),
                          t1 - t0, t2 - t1, bytes, *sb.state, store_metrics);
  return out;
}

void HashAggregate::RecordPartitionProgress(int64_t total, int64_t updated, int64_t removed,
                                            int64_t update_ms, int64_t commit_ms, int64_t memory_bytes,
                                            const StateStoreProvider& store,
                                            const std::map<std::string, int64_t>& store_metrics) {
  std::lock_guard<std::mutex> l(mu_);
  progress_.num_rows_total += total;
  progress_.num_rows_updated += updated;
  progress_.num_rows_removed += removed;
  progress_.all_updates_time_ms += update_ms;
  progress_.commit_time_ms += commit_ms;
  progress_.memory_used_bytes += memory_bytes;
  if (std::string_view(store.Name()) == "hdfs")
    progress_.custom_metrics["stateOnCurrentVersionSizeBytes"] += memory_bytes;
  for (const auto& [k, v] : store_metrics) progress_.custom_metrics[k] += v;
}

bool HashAggregate::WindowedState(OutputMode mode) const {
  return spec_.window && spec_.event_time_key == static_cast<int>(spec_.window->key_index) &&
         mode != OutputMode::kComplete;
}

RecordBatchPtr HashAggregate::FinalWindowed(size_t part, const std::vector<RecordBatchPtr>& partials,
                                            ExecContext& ctx, const FinishFn& finish_keys) {
  StreamBatchContext& sb = *ctx.stream;
  const size_t nk = spec_.keys.size();
  auto& st = states_[part];
  int64_t version = sb.batch_id;
  if (!st || st->loaded_version != version) {
    st = std::make_unique<PartitionState>();
    // The factory outlives this micro-batch's context: it keeps its own copy of the settings.
    st->windows = std::make_unique<WindowedGroupState>(
        key_types_, spec_.window->key_index, [this, eval = ctx.eval] {
          std::vector<std::unique_ptr<Accumulator>> accs;
          for (const auto& call : spec_.aggregate_calls) accs.push_back(MakeAccumulator(*call, eval));
          return accs;
        });
    RecordBatchPtr saved =
        sb.state->LoadAll(operator_id_, static_cast<int>(part), version, state_schema_, nk);
    st->windows->Merge(*saved);
  }
  WindowedGroupState& state = *st->windows;
  int64_t t0 = NowMs();
  state.BeginBatch();
  for (const auto& p : partials) {
    if (p && p->num_rows()) state.Merge(*p);
  }
  const auto num_updated = static_cast<int64_t>(state.num_touched());
  // Windows the watermark closes leave whole: append mode emits their groups, update mode the
  // groups changed in this batch (in closed windows too).
  std::vector<std::unique_ptr<WindowedGroupState::Window>> evicted =
      state.Evict(sb.watermark_for_eviction_ms);
  OutputMode mode = static_cast<OutputMode>(sb.output_mode);
  std::vector<RecordBatchPtr> emitted;
  auto emit = [&](const WindowedGroupState::Window& w, const SelectionVector* sel) {
    size_t n = sel ? sel->size() : w.table.size();
    if (n > 0) emitted.push_back(finish_keys(state.Keys(w, sel), w.table.size(), w.accs, sel));
  };
  // The changed groups of each live window (updated in state; emitted too in update mode).
  std::vector<SelectionVector> touched;
  for (const auto& [start, w] : state.windows()) touched.push_back(w->Touched());
  if (mode == OutputMode::kAppend) {
    for (const auto& w : evicted) emit(*w, nullptr);
  } else {
    size_t i = 0;
    for (const auto& [start, w] : state.windows()) emit(*w, &touched[i++]);
    for (const auto& w : evicted) {
      SelectionVector sel = w->Touched();
      emit(*w, &sel);
    }
  }
  RecordBatchPtr out = emitted.size() == 1 ? emitted[0] : RecordBatch::Concat(schema_, emitted);
  int64_t t1 = NowMs();
  // Persist only this batch's changes: groups updated in live windows (upserts), and every group
  // of the closed windows (removals).
  size_t num_removed = 0;
  for (const auto& w : evicted) num_removed += w->table.size();
  std::map<std::string, int64_t> store_metrics;
  if (num_updated > 0 || num_removed > 0) {
    std::vector<RecordBatchPtr> upserts, removed;
    size_t i = 0;
    for (const auto& [start, w] : state.windows()) {
      const SelectionVector& sel = touched[i++];
      if (sel.empty()) continue;
      std::vector<VectorPtr> cols = state.Keys(*w, &sel);
      for (auto& acc : w->accs) {
        for (auto& c : acc->SaveState(w->table.size(), &sel)) cols.push_back(std::move(c));
      }
      upserts.push_back(RecordBatch::Make(state_schema_, std::move(cols), sel.size()));
    }
    for (const auto& w : evicted) {
      if (w->table.size() > 0) {
        removed.push_back(RecordBatch::Make(key_schema_, state.Keys(*w, nullptr), w->table.size()));
      }
    }
    store_metrics = sb.state->Commit(operator_id_, static_cast<int>(part), version + 1,
                                     *RecordBatch::Concat(state_schema_, upserts),
                                     *RecordBatch::Concat(key_schema_, removed));
  }
  st->loaded_version = version + 1;
  int64_t t2 = NowMs();
  int64_t bytes = 0;
  for (const auto& [start, w] : state.windows()) {
    for (const auto& k : w->table.keys()) bytes += static_cast<int64_t>(VectorMemoryBytes(*k));
    bytes += static_cast<int64_t>(w->table.size() * value_row_bytes_);
  }
  RecordPartitionProgress(static_cast<int64_t>(state.num_groups()), num_updated, static_cast<int64_t>(num_removed),
                          t1 - t0, t2 - t1, bytes, *sb.state, store_metrics);
  return out;
}

std::vector<Partition> HashAggregate::Execute(ExecContext& ctx) {
  // The input is pulled chunk by chunk into the partial aggregation, so a chunk goes from the scan
  // through filters and projections into the table while it is in cache, and a batch query's scan
  // is never all in memory at once. A micro-batch's input rows (all streaming scans together)
  // bound the tables reserved from the previous batch's group count.
  std::vector<ChunkStream> input = children_[0]->ExecuteStreams(ctx);
  size_t input_rows_bound = SIZE_MAX;
  if (streaming_) {
    input_rows_bound = 0;
    for (const auto& [scan, parts] : ctx.stream->inputs) input_rows_bound += CountRows(parts);
  }
  std::vector<size_t> input_rows(input.size(), input_rows_bound);
  std::atomic<int64_t> dropped{0};
  // Late rows are dropped in append and update modes only: complete mode keeps every group.
  bool drop_late = streaming_ && spec_.event_time_key >= 0 && ctx.stream->batch_id > 0 &&
                   ctx.stream->output_mode != static_cast<int>(OutputMode::kComplete);
  if (drop_late && !spec_.window) {
    input = MapChunkStreams(std::move(input), [&](const RecordBatchPtr& c) {
      int64_t d = 0;
      auto r = DropLateRows(c, ctx.eval, ctx.stream->watermark_for_late_rows_ms, ctx.stream->late_rows, &d);
      dropped += d;
      return r;
    });
  }
  // 1. partial aggregation per input partition
  // (With a fused window, late (row, window) pairs are dropped while windows are assigned.)
  std::vector<RecordBatchPtr> partials(input.size());
  std::vector<int64_t> dropped_in(input.size(), 0);
  std::vector<int64_t> rows_in(input.size(), 0);
  ParallelFor(ctx.pool, input.size(), [&](size_t p) {
    LateRowCut cut;
    if (drop_late && spec_.window) {
      cut.watermark_ms = ctx.stream->watermark_for_late_rows_ms;
      cut.collector = ctx.stream->late_rows;
      cut.dropped = &dropped_in[p];
    }
    partials[p] = Partial(input[p], input_rows[p], ctx.eval, cut.dropped != nullptr ? &cut : nullptr,
                          &rows_in[p]);
  });
  int64_t partial_rows = 0;
  for (size_t p = 0; p < input.size(); ++p) {
    dropped += dropped_in[p];
    partial_rows += rows_in[p];
  }
  // 2. shuffle by key
  size_t nparts = spec_.keys.empty() ? 1 : static_cast<size_t>(std::max(1, ctx.shuffle_partitions));
  std::vector<std::vector<RecordBatchPtr>> split(partials.size());
  ParallelFor(ctx.pool, partials.size(), [&](size_t p) { split[p] = ShuffleSplit(partials[p], nparts); });
  // 3. final aggregation per shuffle partition
  if (streaming_) {
    std::lock_guard<std::mutex> l(mu_);
    if (states_.size() != nparts) states_.resize(nparts);
    progress_ = StateOperatorProgress{};
    progress_.operator_name = "stateStoreSave";
    progress_.num_shuffle_partitions = static_cast<int64_t>(nparts);
    progress_.num_state_store_instances = static_cast<int64_t>(nparts);
    progress_.num_rows_dropped_by_watermark = dropped.load();
    last_output_mode_ = ctx.stream->output_mode;
    last_eviction_watermark_ms_ = ctx.stream->watermark_for_eviction_ms;
  }
  std::vector<Partition> out(nparts);
  ParallelFor(ctx.pool, nparts, [&](size_t part) {
    std::vector<RecordBatchPtr> mine;
    for (const auto& s : split) {
      if (s[part]) mine.push_back(s[part]);
    }
    if (!streaming_ && mine.empty() && !spec_.keys.empty()) return;
    RecordBatchPtr r = Final(part, mine, ctx);
    if (r->num_rows()) out[part].push_back(std::move(r));
  });
  if (streaming_) {
    std::lock_guard<std::mutex> l(mu_);
    last_batch_rows_.store(partial_rows, std::memory_order_relaxed);
    last_batch_groups_.store(progress_.num_rows_updated, std::memory_order_relaxed);
  }
  return out;
}

std::string HashAggregate::Describe() const {
  std::string s = streaming_ ? "StreamingHashAggregate(keys=[" : "HashAggregate(keys=[";
  for (size_t i = 0; i < spec_.keys.size(); ++i) s += (i ? ", " : "") + spec_.keys[i]->ToSql();
  s += "], functions=[";
  for (size_t i = 0; i < spec_.aggregate_calls.size(); ++i)
    s += (i ? ", " : "") + spec_.aggregate_calls[i]->ToSql();
  s += "]";
  if (spec_.window) {
    s += fmt::format(", window={} [{}, slide {}]", spec_.window->time->ToSql(),
                     FormatInterval(spec_.window->window_micros), FormatInterval(spec_.window->slide_micros));
  }
  return s + ")";
}

void HashAggregate::CollectStateProgress(std::vector<StateOperatorProgress>* out) const {
  if (streaming_) {
    std::lock_guard<std::mutex> l(mu_);
    out->push_back(progress_);
  }
  PhysicalOperator::CollectStateProgress(out);
}

bool HashAggregate::NeedsNoDataBatch(int64_t new_watermark_ms) const {
  // Spark's StateStoreSaveExec.shouldRunAnotherBatch: append/update with an event-time key, and
  // the watermark moved past the one the last batch evicted with.
  if (streaming_ && spec_.event_time_key >= 0) {
    std::lock_guard<std::mutex> l(mu_);
    if (last_output_mode_ != static_cast<int>(OutputMode::kComplete) &&
        new_watermark_ms > last_eviction_watermark_ms_)
      return true;
  }
  return PhysicalOperator::NeedsNoDataBatch(new_watermark_ms);
}

}  // namespace sluice
