// The range (least and greatest value) of a run of 64-bit integers, such as a timestamp or key
// column: the scan behind watermark statistics and window / key cell sizing.
// Compiled for AVX2 as well as the baseline, and picked at load time by the CPU.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice {

class Vector;

struct Int64Range {
  int64_t min = INT64_MAX;
  int64_t max = INT64_MIN;  // an empty run: min > max
};

/// The range of values[0, n).
Int64Range RangeOf(const int64_t* values, size_t n);
/// The range of the non-null values of `v`, whose values are stored as 64-bit integers (BIGINT,
/// TIMESTAMP, ...); empty when every value is NULL.
Int64Range RangeOfValid(const Vector& v);

}  // namespace sluice
