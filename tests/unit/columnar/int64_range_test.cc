// RangeOf (whichever clone the CPU runs) finds the least and greatest value at any position, the
// extremes included; an empty run has min > max.
#include "columnar/int64_range.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace sluice {
namespace {

TEST(Int64RangeTest, LeastAndGreatestAnywhere) {
  Int64Range empty = RangeOf(nullptr, 0);
  EXPECT_GT(empty.min, empty.max);
  std::mt19937_64 rng(3);
  for (size_t n : {1, 2, 3, 7, 16, 33, 1000}) {
    std::vector<int64_t> v(n);
    for (auto& x : v) x = static_cast<int64_t>(rng() >> 8) - (int64_t{1} << 54);
    for (size_t at : {size_t{0}, n / 2, n - 1}) {
      auto w = v;
      w[at] = INT64_MIN;
      w[n - 1 - at] = INT64_MAX;
      Int64Range r = RangeOf(w.data(), n);
      bool same = at == n - 1 - at;  // INT64_MAX overwrote INT64_MIN
      EXPECT_EQ(r.min, same ? *std::min_element(w.begin(), w.end()) : INT64_MIN) << n << " " << at;
      EXPECT_EQ(r.max, INT64_MAX) << n << " " << at;
    }
    Int64Range r = RangeOf(v.data(), n);
    EXPECT_EQ(r.min, *std::min_element(v.begin(), v.end()));
    EXPECT_EQ(r.max, *std::max_element(v.begin(), v.end()));
  }
}

}  // namespace
}  // namespace sluice
