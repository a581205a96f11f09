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

// The direct mode: a single integer key's groups are its offsets in the chunk's range (NULL last),
// found without hashing; its cells behave as the hashed ones.
TEST(KeyWindowCellsTest, DirectIntegerKeys) {
  auto keys = std::make_shared<Vector>(DataType::Int());
  for (int32_t k : {-5, 3, -5, 0}) keys->Append<int32_t>(k);
  keys->AppendNull();
  int64_t lo = 0, hi = 0;
  ASSERT_TRUE(KeyWindowCells::IntegerRange(*keys, &lo, &hi));
  EXPECT_EQ(lo, -5);
  EXPECT_EQ(hi, 3);
  auto strings = std::make_shared<Vector>(DataType::String());
  strings->AppendString("x");
  EXPECT_FALSE(KeyWindowCells::IntegerRange(*strings, &lo, &hi));
  auto nulls = Vector::MakeNull(DataType::Long(), 3);
  EXPECT_FALSE(KeyWindowCells::IntegerRange(*nulls, &lo, &hi));

  KeyWindowCells cells(DataType::Int(), /*key_min=*/-5, /*key_range=*/9, /*first_number=*/10, /*windows=*/2);
  EXPECT_EQ(cells.num_cells(), 20u);  // 9 values and NULL, 2 windows
  std::vector<uint32_t> groups;
  cells.FindKeys({keys}, 0, 5, &groups);
  EXPECT_EQ(groups, (std::vector<uint32_t>{0, 8, 0, 5, 9}));
  EXPECT_EQ(cells.Cell(9, 11), KeyWindowCells::kNone);
  cells.Cell(8, 11) = 7;
  cells.FindKeys({keys}, 1, 2, &groups);  // rows 3, -5
  EXPECT_EQ(groups, (std::vector<uint32_t>{8, 0}));
  EXPECT_EQ(cells.Cell(groups[0], 11), 7u);
}

}  // namespace
}  // namespace sluice
