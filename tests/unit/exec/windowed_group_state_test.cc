// WindowedGroupState: state rows go to their window's table (keys other than the window), merged
// per group; touched marks last one micro-batch; closing windows by the watermark hands out whole
// windows (end at or below it, in ms); Keys rebuilds every key column in key order.
#include "exec/windowed_group_state.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace sluice {
namespace {

// A sum of BIGINT states: the smallest accumulator the state needs.
class SumOfLongs : public Accumulator {
 public:
  std::vector<TypePtr> StateTypes() const override { return {DataType::Long()}; }
  void Resize(size_t n) override { sums_.resize(n, 0); }
  void Update(const std::vector<VectorPtr>&, const uint32_t*, size_t) override {}
  void Merge(const std::vector<VectorPtr>& state, const uint32_t* groups, size_t n) override {
    for (size_t i = 0; i < n; ++i) sums_[groups[i]] += state[0]->Get<int64_t>(i);
  }
  std::vector<VectorPtr> SaveState(size_t ng, const SelectionVector* sel) const override {
    return {Finalize(ng, sel)};
  }
  VectorPtr Finalize(size_t ng, const SelectionVector* sel) const override {
    auto v = std::make_shared<Vector>(DataType::Long());
    size_t n = sel ? sel->size() : ng;
    for (size_t i = 0; i < n; ++i) v->Append<int64_t>(sums_[sel ? (*sel)[i] : i]);
    return v;
  }
  void KeepGroups(const SelectionVector& keep) override {
    for (size_t i = 0; i < keep.size(); ++i) sums_[i] = sums_[keep[i]];
    sums_.resize(keep.size());
  }

 private:
  std::vector<int64_t> sums_;
};

TypePtr WindowType() {
  return DataType::Struct({StructField("start", DataType::Timestamp()), StructField("end", DataType::Timestamp())});
}

// State rows [key, window, sum] with windows [start, start + 10 s) given in seconds.
RecordBatchPtr Rows(const std::vector<std::tuple<std::string, int64_t, int64_t>>& rows) {
  TypePtr schema = DataType::Struct({StructField("k", DataType::String()), StructField("w", WindowType()),
                                     StructField("s", DataType::Long())});
  std::vector<std::vector<Value>> values;
  for (const auto& [key, start, sum] : rows) {
    values.push_back({Value::String(key),
                      Value::Struct(WindowType(), {Value::Timestamp(start * 1000000), Value::Timestamp((start + 10) * 1000000)}),
                      Value::Long(sum)});
  }
  return RecordBatch::FromRows(schema, values);
}

// (key, window start s) -> sum, of window `w`'s groups (all, or the touched ones).
std::map<std::pair<std::string, int64_t>, int64_t> Groups(const WindowedGroupState& state,
                                                          const WindowedGroupState::Window& w, bool touched) {
  SelectionVector sel = touched ? w.Touched() : SelectionVector{};
  if (!touched) {
    for (uint32_t g = 0; g < w.table.size(); ++g) sel.push_back(g);
  }
  std::vector<VectorPtr> keys = state.Keys(w, &sel);
  VectorPtr sums = w.accs[0]->Finalize(w.table.size(), &sel);
  std::map<std::pair<std::string, int64_t>, int64_t> out;
  for (size_t i = 0; i < sel.size(); ++i) {
    EXPECT_EQ(keys[1]->child(1)->Get<int64_t>(i) - keys[1]->child(0)->Get<int64_t>(i), 10000000);
    out[{std::string(keys[0]->GetString(i)), keys[1]->child(0)->Get<int64_t>(i) / 1000000}] = sums->Get<int64_t>(i);
  }
  return out;
}

TEST(WindowedGroupStateTest, MergesTouchesAndClosesWholeWindows) {
  WindowedGroupState state({DataType::String(), WindowType()}, /*window_key=*/1, [] {
    std::vector<std::unique_ptr<Accumulator>> accs;
    accs.push_back(std::make_unique<SumOfLongs>());
    return accs;
  });
  state.BeginBatch();
  state.Merge(*Rows({{"a", 0, 1}, {"b", 10, 2}, {"a", 0, 3}, {"a", 10, 4}, {"c", 20, 5}}));
  ASSERT_EQ(state.windows().size(), 3u);
  EXPECT_EQ(state.num_groups(), 4u);
  EXPECT_EQ(state.num_touched(), 4u);
  const auto& w0 = *state.windows().at(0);
  using G = std::map<std::pair<std::string, int64_t>, int64_t>;
  EXPECT_EQ(Groups(state, w0, false), (G{{{"a", 0}, 4}}));
  EXPECT_EQ(Groups(state, *state.windows().at(10000000), false), (G{{{"b", 10}, 2}, {{"a", 10}, 4}}));

  // Next micro-batch: only the groups merged into are touched.
  state.BeginBatch();
  state.Merge(*Rows({{"b", 10, 10}, {"d", 20, 1}}));
  EXPECT_EQ(state.num_touched(), 2u);
  EXPECT_EQ(Groups(state, *state.windows().at(10000000), true), (G{{{"b", 10}, 12}}));
  EXPECT_TRUE(Groups(state, w0, true).empty());

  // A watermark of 19.999 s closes the windows ending at 10 s only; 20 s closes [10, 20) too.
  EXPECT_EQ(state.Evict(9999).size(), 0u);
  auto closed = state.Evict(19999);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0]->start, 0);
  EXPECT_EQ(Groups(state, *closed[0], false), (G{{{"a", 0}, 4}}));
  closed = state.Evict(20000);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0]->start, 10000000);
  EXPECT_EQ(closed[0]->num_touched, 1u);  // still known for update mode's output
  ASSERT_EQ(state.windows().size(), 1u);
  EXPECT_EQ(state.num_groups(), 2u);
  EXPECT_EQ(Groups(state, *state.windows().at(20000000), false), (G{{{"c", 20}, 5}, {{"d", 20}, 1}}));
}

}  // namespace
}  // namespace sluice
