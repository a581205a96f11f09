// WindowKeyHashes agrees with HashKeyRows over a window column for any sequence of starts (more
// distinct starts than it caches, out of order); KeyWindowCells gives equal keys one key group and
// starts every new group's cells empty.
#include "exec/window_key_groups.h"

#include <gtest/gtest.h>

#include <random>

namespace sluice {
namespace {

TypePtr WindowType() {
  return DataType::Struct({StructField("start", DataType::Timestamp()), StructField("end", DataType::Timestamp())});
}

TEST(WindowKeyHashesTest, EqualsTheHashOfTheWindowColumn) {
  WindowAssigner assigner(10, 2, 0);
  WindowKeyHashes cache(assigner, WindowType());
  std::mt19937 rng(5);
  std::vector<int64_t> starts;
  for (int i = 0; i < 200; ++i) starts.push_back(2 * static_cast<int64_t>(rng() % 40) - 20);
  for (int64_t s = 0; s < 40; s += 2) starts.push_back(s);  // ascending runs, as rows produce
  VectorPtr windows = assigner.MakeWindows(WindowType(), starts.data(), starts.size());
  std::vector<uint64_t> want(starts.size());
  HashKeyRows({windows}, 0, starts.size(), want.data());
  for (size_t i = 0; i < starts.size(); ++i) EXPECT_EQ(cache.Get(starts[i]), want[i]) << "start " << starts[i];
}

TEST(KeyWindowCellsTest, KeyGroupsAndCells) {
  KeyWindowCells cells({DataType::Long()}, /*first_number=*/-3, /*windows=*/4);
  auto keys = std::make_shared<Vector>(DataType::Long());
  for (int64_t k : {7, 8, 7, 9}) keys->Append<int64_t>(k);
  std::vector<uint32_t> groups;
  cells.FindKeys({keys}, 1, 3, &groups);  // rows 8, 7, 9
  EXPECT_EQ(groups, (std::vector<uint32_t>{0, 1, 2}));
  for (uint32_t g : groups) {
    for (int64_t w = -3; w <= 0; ++w) EXPECT_EQ(cells.Cell(g, w), KeyWindowCells::kNone);
  }
  cells.Cell(1, -3) = 42;
  cells.Cell(1, 0) = 43;
  cells.FindKeys({keys}, 0, 4, &groups);  // rows 7, 8, 7, 9: existing groups keep their cells
  EXPECT_EQ(groups, (std::vector<uint32_t>{1, 0, 1, 2}));
  EXPECT_EQ(cells.Cell(1, -3), 42u);
  EXPECT_EQ(cells.Cell(1, 0), 43u);
  EXPECT_EQ(cells.Cell(0, 0), KeyWindowCells::kNone);
}

}  // namespace
}  // namespace sluice
