// Exact arithmetic on DECIMAL unscaled values (int128) with Spark's rounding (HALF_UP) and
// precision checks. Values are at most 38 digits; intermediate results that do not fit in 128 bits
// are reported as overflow. Header-only, stateless, thread-safe.
#pragma once

#include <cstdint>

#include "sluice/value.h"

namespace sluice::decimal {

constexpr int kMaxPrecision = 38;

/// 10^n for 0 <= n <= 38.
inline int128_t Pow10(int n) {
  static const auto kTable = [] {
    struct T {
      int128_t v[kMaxPrecision + 1];
    } t{};
    t.v[0] = 1;
    for (int i = 1; i <= kMaxPrecision; ++i) t.v[i] = t.v[i - 1] * 10;
    return t;
  }();
  return kTable.v[n];
}

inline int128_t Abs(int128_t v) { return v < 0 ? -v : v; }

/// True if |v| < 10^precision.
inline bool FitsPrecision(int128_t v, int precision) {
  return precision >= kMaxPrecision ? Abs(v) < Pow10(kMaxPrecision) : Abs(v) < Pow10(precision);
}

/// a / b rounded HALF_UP (away from zero on ties). REQUIRES: b != 0.
inline int128_t DivRoundHalfUp(int128_t a, int128_t b) {
  int128_t q = a / b;
  int128_t r = a % b;
  if (r != 0) {
    // Compare 2|r| with |b| without overflowing.
    int128_t ar = Abs(r), ab = Abs(b);
    if (ar >= ab - ar) q += ((a < 0) != (b < 0)) ? -1 : 1;
  }
  return q;
}

/// Changes the scale of `v` from `from_scale` to `to_scale` (HALF_UP when reducing). Returns false on
/// 128-bit overflow.
inline bool Rescale(int128_t v, int from_scale, int to_scale, int128_t* out) {
  if (to_scale == from_scale) {
    *out = v;
    return true;
  }
  if (to_scale > from_scale) {
    int d = to_scale - from_scale;
    if (d > kMaxPrecision) return v == 0 ? (*out = 0, true) : false;
    return !__builtin_mul_overflow(v, Pow10(d), out);
  }
  int d = from_scale - to_scale;
  if (d > kMaxPrecision) {
    *out = 0;
    return true;
  }
  *out = DivRoundHalfUp(v, Pow10(d));
  return true;
}

/// Rescales and checks the precision of the result. Returns false if it does not fit.
inline bool ToPrecision(int128_t v, int from_scale, int precision, int scale, int128_t* out) {
  return Rescale(v, from_scale, scale, out) && FitsPrecision(*out, precision);
}

}  // namespace sluice::decimal
