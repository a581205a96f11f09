// PartialGroups: grouped mode shares a group between equal keys; pass-through mode gives every row
// a group of its own, in row order, with its key.
#include "exec/partial_groups.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

VectorPtr Longs(const std::vector<int64_t>& values) {
  auto v = std::make_shared<Vector>(DataType::Long());
  for (int64_t x : values) v->Append<int64_t>(x);
  return v;
}

TEST(PartialGroupsTest, GroupedSharesGroupsOfEqualKeys) {
  PartialGroups g({DataType::Long()}, /*pass_through=*/false);
  EXPECT_FALSE(g.pass_through());
  std::vector<uint32_t> ids;
  g.Assign({Longs({5, 7, 5})}, 3, &ids);
  EXPECT_EQ(ids, (std::vector<uint32_t>{0, 1, 0}));
  g.Assign({Longs({7, 9})}, 2, &ids);
  EXPECT_EQ(ids, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(g.size(), 3u);
  EXPECT_EQ(g.keys()[0]->Get<int64_t>(2), 9);
}

TEST(PartialGroupsTest, PassThroughGivesEveryRowItsOwnGroup) {
  PartialGroups g({DataType::Long()}, /*pass_through=*/true);
  EXPECT_TRUE(g.pass_through());
  g.Reserve(8);
  std::vector<uint32_t> ids;
  g.Assign({Longs({5, 7, 5})}, 3, &ids);
  EXPECT_EQ(ids, (std::vector<uint32_t>{0, 1, 2}));
  g.Assign({Longs({7, 9})}, 2, &ids);
  EXPECT_EQ(ids, (std::vector<uint32_t>{3, 4}));
  ASSERT_EQ(g.size(), 5u);
  std::vector<int64_t> keys;
  for (size_t i = 0; i < g.size(); ++i) keys.push_back(g.keys()[0]->Get<int64_t>(i));
  EXPECT_EQ(keys, (std::vector<int64_t>{5, 7, 5, 7, 9}));
}

TEST(PartialGroupsTest, NoKeysAlwaysGroups) {
  // A global aggregation has one group whatever the mode.
  PartialGroups g({}, /*pass_through=*/true);
  EXPECT_FALSE(g.pass_through());
  std::vector<uint32_t> ids;
  g.Assign({}, 4, &ids);
  EXPECT_EQ(ids, (std::vector<uint32_t>{0, 0, 0, 0}));
  EXPECT_EQ(g.size(), 1u);
}

}  // namespace
}  // namespace sluice
