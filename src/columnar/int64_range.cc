#include "columnar/int64_range.h"

#include <algorithm>

#include "columnar/vector.h"

namespace sluice {

// Baseline x86-64 (SSE2) has no 64-bit compare, so the loop vectorizes only in the AVX2 clone.
__attribute__((target_clones("avx2", "default"))) Int64Range RangeOf(const int64_t* values, size_t n) {
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (size_t i = 0; i < n; ++i) {
    lo = std::min(lo, values[i]);
    hi = std::max(hi, values[i]);
  }
  return {lo, hi};
}

Int64Range RangeOfValid(const Vector& v) {
  const int64_t* d = v.data<int64_t>();
  if (!v.MayHaveNulls()) return RangeOf(d, v.size());
  Int64Range r;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v.IsNull(i)) continue;
    r.min = std::min(r.min, d[i]);
    r.max = std::max(r.max, d[i]);
  }
  return r;
}

}  // namespace sluice
