// WindowAssigner: the windows of window(ts, duration, slide, start) a time falls in, against a
// brute-force enumeration (tumbling and sliding, slides that do not divide the duration, start
// offsets, negative times, NULL times, times in and out of order, a row range not starting at 0).
#include "exec/window_assigner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>

namespace sluice {
namespace {

VectorPtr Times(const std::vector<std::optional<int64_t>>& values) {
  auto v = std::make_shared<Vector>(DataType::Timestamp());
  for (const auto& x : values) {
    if (x) {
      v->Append<int64_t>(*x);
    } else {
      v->AppendNull();
    }
  }
  return v;
}

// Every s with s = start (mod slide) and s <= ts < s + window, ascending.
std::vector<int64_t> BruteForceStarts(int64_t ts, int64_t window, int64_t slide, int64_t start) {
  std::vector<int64_t> out;
  for (int64_t s = ts - window - 2 * slide; s <= ts + slide; ++s) {
    int64_t m = ((s - start) % slide + slide) % slide;
    if (m == 0 && s <= ts && ts < s + window) out.push_back(s);
  }
  return out;
}

TEST(WindowAssignerTest, MatchesBruteForce) {
  struct Case {
    int64_t window, slide, start;
  };
  const std::vector<Case> cases = {{10, 10, 0}, {10, 10, 3}, {7, 7, -5}, {10, 2, 0},
                                   {10, 3, 0},  {10, 3, -2}, {10, 4, 1}, {5, 1, 0}};
  std::vector<std::optional<int64_t>> values;
  for (int64_t t = -37; t <= 41; ++t) values.push_back(t);
  values.insert(values.begin() + 5, std::nullopt);
  values.push_back(std::nullopt);
  // Then the same times out of order (consecutive rows in different windows, back and forth).
  std::vector<std::optional<int64_t>> shuffled = values;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(3));
  values.insert(values.end(), shuffled.begin(), shuffled.end());
  VectorPtr time = Times(values);
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "window " << c.window << " slide " << c.slide << " start " << c.start);
    WindowAssigner assigner(c.window, c.slide, c.start);
    for (size_t begin : {size_t{0}, size_t{3}}) {
      SelectionVector rows = {99};  // Assign appends
      std::vector<int64_t> starts = {-1};
      assigner.Assign(*time, begin, time->size() - begin, &rows, &starts);
      SelectionVector want_rows = {99};
      std::vector<int64_t> want_starts = {-1};
      for (size_t i = begin; i < values.size(); ++i) {
        if (!values[i]) continue;
        for (int64_t s : BruteForceStarts(*values[i], c.window, c.slide, c.start)) {
          want_rows.push_back(static_cast<uint32_t>(i));
          want_starts.push_back(s);
        }
      }
      EXPECT_EQ(rows, want_rows);
      EXPECT_EQ(starts, want_starts);
      // With window numbers: the same pairs, and start = start offset + number * slide.
      SelectionVector rows2;
      std::vector<int64_t> starts2, numbers;
      assigner.Assign(*time, begin, time->size() - begin, &rows2, &starts2, &numbers);
      EXPECT_EQ(rows2, SelectionVector(want_rows.begin() + 1, want_rows.end()));
      EXPECT_EQ(starts2, std::vector<int64_t>(want_starts.begin() + 1, want_starts.end()));
      ASSERT_EQ(numbers.size(), starts2.size());
      for (size_t k = 0; k < numbers.size(); ++k) EXPECT_EQ(c.start + numbers[k] * c.slide, starts2[k]);
    }
    for (const auto& v : values) {
      if (!v) continue;
      auto want = BruteForceStarts(*v, c.window, c.slide, c.start);
      auto [first, last] = assigner.WindowNumbers(*v);
      EXPECT_EQ(c.start + first * c.slide, want.front()) << *v;
      EXPECT_EQ(c.start + last * c.slide, want.back()) << *v;
    }
  }
}

TEST(WindowAssignerTest, MakeWindowsBuildsStartAndEnd) {
  WindowAssigner assigner(10, 5, 0);
  TypePtr type = DataType::Struct({StructField("start", DataType::Timestamp()),
                                   StructField("end", DataType::Timestamp())});
  std::vector<int64_t> starts = {-5, 0, 5};
  VectorPtr w = assigner.MakeWindows(type, starts.data(), starts.size());
  ASSERT_EQ(w->size(), 3u);
  EXPECT_FALSE(w->MayHaveNulls());
  for (size_t i = 0; i < starts.size(); ++i) {
    EXPECT_EQ(w->child(0)->Get<int64_t>(i), starts[i]);
    EXPECT_EQ(w->child(1)->Get<int64_t>(i), starts[i] + 10);
  }
}

}  // namespace
}  // namespace sluice
