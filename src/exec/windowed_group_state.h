// WindowedGroupState: the groups a streaming aggregation keeps between micro-batches when the
// event-time key is a window it assigns itself (a fused window(...)), held one table per window.
//
// A group's window picks its table and its other keys find it there, so a micro-batch's rows for
// one window probe a table of one window's groups instead of every live window's. A window the
// watermark closes leaves whole: its table is handed out and dropped, with no per-group eviction
// and no compaction of a shared table.
//
// Rows come in and go out as the aggregation's state rows: [keys..., accumulator states...], the
// window key at `window_key`. Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "columnar/record_batch.h"
#include "exec/aggregate_function.h"
#include "exec/group_hash_table.h"

namespace sluice {

class WindowedGroupState {
 public:
  using AccumulatorFactory = std::function<std::vector<std::unique_ptr<Accumulator>>()>;

  /// The groups of one window.
  struct Window {
    int64_t start = 0, end = 0;  // micros
    GroupHashTable table;        // by the keys other than the window
    std::vector<std::unique_ptr<Accumulator>> accs;
    std::vector<uint8_t> touched;  // group merged into in the current micro-batch
    size_t num_touched = 0;

    Window(int64_t s, int64_t e, std::vector<TypePtr> other_key_types,
           std::vector<std::unique_ptr<Accumulator>> a)
        : start(s), end(e), table(std::move(other_key_types)), accs(std::move(a)) {}
    /// The touched groups, ascending.
    SelectionVector Touched() const;
  };

  /// `key_types`: every grouping key, the window (a STRUCT<start, end> of timestamps) at
  /// `window_key`.
  WindowedGroupState(std::vector<TypePtr> key_types, size_t window_key, AccumulatorFactory make_accs);

  /// Starts a micro-batch: no group is touched.
  void BeginBatch();
  /// Merges state rows into their windows' groups (created as needed), marking them touched.
  /// REQUIRES: no NULL window.
  void Merge(const RecordBatch& rows);
  /// Removes and returns the windows whose end, in ms, is at or below `watermark_ms`.
  std::vector<std::unique_ptr<Window>> Evict(int64_t watermark_ms);

  /// Every grouping key column of window `w`'s groups `sel` (all when null), in key order.
  std::vector<VectorPtr> Keys(const Window& w, const SelectionVector* sel) const;

  /// The live windows, by start.
  const std::map<int64_t, std::unique_ptr<Window>>& windows() const { return windows_; }
  size_t num_groups() const;
  size_t num_touched() const;

 private:
  Window& WindowOf(int64_t start, int64_t end);

  std::vector<TypePtr> key_types_;
  size_t window_key_;
  std::vector<TypePtr> other_key_types_;
  AccumulatorFactory make_accs_;
  std::map<int64_t, std::unique_ptr<Window>> windows_;
  size_t largest_window_ = 0;  // most groups a window has had
};

}  // namespace sluice
