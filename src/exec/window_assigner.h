// WindowAssigner: which event-time windows of window(ts, duration, slide, start) a timestamp falls
// in. The windows are [s, s + duration) for every s with s = start (mod slide); a time belongs to
// each such window that contains it (one for a tumbling window, up to ceil(duration / slide) for a
// sliding one), listed in ascending order of s. A NULL time belongs to no window (Spark's
// TimeWindowing drops such rows).
//
// WindowExpand uses it to emit one row per (row, window); HashAggregate uses it to aggregate rows
// into their windows without materializing the expanded rows.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "columnar/vector.h"

namespace sluice {

class WindowAssigner {
 public:
  /// REQUIRES: 0 < slide_micros <= window_micros (the analyzer checks the window() arguments).
  WindowAssigner(int64_t window_micros, int64_t slide_micros, int64_t start_micros);

  int64_t window_micros() const { return window_; }
  /// The most windows one time falls in.
  size_t max_windows() const { return static_cast<size_t>(max_overlap_); }

  /// Appends one (row, window start) pair to `rows` / `starts` per window containing row i of
  /// `time` (a TIMESTAMP or TIMESTAMP_NTZ vector, microseconds), for i in [begin, begin + n): in
  /// row order, and for each row in ascending window order. With `numbers`, also appends each
  /// window's number (WindowNumber of its start).
  void Assign(const Vector& time, size_t begin, size_t n, SelectionVector* rows,
              std::vector<int64_t>* starts, std::vector<int64_t>* numbers = nullptr) const;

  /// The window numbers of the windows containing `ts`: [first, last], consecutive (window number
  /// k starts at start + k * slide).
  std::pair<int64_t, int64_t> WindowNumbers(int64_t ts) const;
  /// The start of window number `number`.
  int64_t WindowStart(int64_t number) const { return start_ + number * slide_; }

  /// A window STRUCT<start, end> vector of `window_type` with row k = [starts[k], starts[k] +
  /// duration), k in [0, n).
  VectorPtr MakeWindows(const TypePtr& window_type, const int64_t* starts, size_t n) const;

 private:
  int64_t window_, slide_, start_;
  int64_t max_overlap_;  // most windows one time can fall in
};

}  // namespace sluice
