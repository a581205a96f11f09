#include "exec/window_assigner.h"

namespace sluice {

namespace {

int64_t FloorMod(int64_t a, int64_t b) {
  int64_t m = a % b;
  return m < 0 ? m + b : m;
}

}  // namespace

WindowAssigner::WindowAssigner(int64_t window_micros, int64_t slide_micros, int64_t start_micros)
    : window_(window_micros),
      slide_(slide_micros),
      start_(start_micros),
      max_overlap_((window_micros + slide_micros - 1) / slide_micros) {}

std::pair<int64_t, int64_t> WindowAssigner::WindowNumbers(int64_t ts) const {
  int64_t last_start = ts - FloorMod(ts - start_, slide_);
  int64_t last = (last_start - start_) / slide_;  // exact
  int64_t first = last;
  for (int64_t k = 1; k < max_overlap_ && ts < last_start - k * slide_ + window_; ++k) first = last - k;
  return {first, last};
}

void WindowAssigner::Assign(const Vector& time, size_t begin, size_t n, SelectionVector* rows,
                            std::vector<int64_t>* starts, std::vector<int64_t>* numbers) const {
  const int64_t* t = time.data<int64_t>();
  const bool nulls = time.MayHaveNulls();
  if (window_ == slide_) {
    // Tumbling: exactly the window starting at the last start at or below ts.
    size_t out = rows->size();
    rows->resize(out + n);
    starts->resize(out + n);
    if (numbers != nullptr) numbers->resize(out + n);
    uint32_t* r = rows->data() + out;
    int64_t* s = starts->data() + out;
    int64_t* num = numbers != nullptr ? numbers->data() + out : nullptr;
    size_t k = 0;
    // Consecutive times mostly fall in the same window: reuse it, dividing only on a change.
    int64_t lo = 0, hi = 0, lo_number = 0;  // the last window, [lo, hi); empty at first
    for (size_t i = begin; i < begin + n; ++i) {
      if (nulls && time.IsNull(i)) continue;
      int64_t ts = t[i];
      if (ts < lo || ts >= hi) {
        lo = ts - FloorMod(ts - start_, slide_);
        hi = lo + slide_;
        lo_number = (lo - start_) / slide_;  // exact
      }
      r[k] = static_cast<uint32_t>(i);
      s[k] = lo;
      if (num != nullptr) num[k] = lo_number;
      ++k;
    }
    rows->resize(out + k);
    starts->resize(out + k);
    if (numbers != nullptr) numbers->resize(out + k);
    return;
  }
  // Sliding: per row, its windows in ascending order (their numbers are consecutive). The slide
  // interval [lo, hi) of the last time is reused while times stay in it; its last window start is
  // lo, with number lo_number.
  int64_t lo = 0, hi = 0, lo_number = 0;
  for (size_t i = begin; i < begin + n; ++i) {
    if (nulls && time.IsNull(i)) continue;
    int64_t ts = t[i];
    if (ts < lo || ts >= hi) {
      lo = ts - FloorMod(ts - start_, slide_);
      hi = lo + slide_;
      lo_number = (lo - start_) / slide_;  // exact
    }
    for (int64_t k = max_overlap_ - 1; k >= 0; --k) {
      int64_t ws = lo - k * slide_;
      if (ws <= ts && ts < ws + window_) {
        rows->push_back(static_cast<uint32_t>(i));
        starts->push_back(ws);
        if (numbers != nullptr) numbers->push_back(lo_number - k);
      }
    }
  }
}

VectorPtr WindowAssigner::MakeWindows(const TypePtr& window_type, const int64_t* starts, size_t n) const {
  auto w = std::make_shared<Vector>(window_type);
  auto s = std::make_shared<Vector>(window_type->fields()[0].type);
  auto e = std::make_shared<Vector>(window_type->fields()[1].type);
  s->Resize(n);
  e->Resize(n);
  int64_t* sd = s->data<int64_t>();
  int64_t* ed = e->data<int64_t>();
  for (size_t i = 0; i < n; ++i) {
    sd[i] = starts[i];
    ed[i] = starts[i] + window_;
  }
  w->mutable_child(0) = std::move(s);
  w->mutable_child(1) = std::move(e);
  w->Resize(n);
  return w;
}

}  // namespace sluice
