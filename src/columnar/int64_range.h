// The range (least and greatest value) of a run of 64-bit integers, such as a timestamp or key
// column without NULLs: the scan behind watermark statistics and window / key cell sizing.
// Compiled for AVX2 as well as the baseline, and picked at load time by the CPU.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice {

struct Int64Range {
  int64_t min = INT64_MAX;
  int64_t max = INT64_MIN;  // an empty run: min > max
};

/// The range of values[0, n).
Int64Range RangeOf(const int64_t* values, size_t n);

}  // namespace sluice
