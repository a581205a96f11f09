// GroupHashTable: grouping semantics on both equality paths (packed fixed-width keys and
// column-wise keys), and the column-at-a-time hash agreeing with the row hash the shuffle uses.
#include "exec/group_hash_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "sluice/value.h"

namespace sluice {
namespace {

VectorPtr Longs(const std::vector<std::optional<int64_t>>& values) {
  auto v = std::make_shared<Vector>(DataType::Long());
  for (const auto& x : values) {
    if (x) {
      v->Append<int64_t>(*x);
    } else {
      v->AppendNull();
    }
  }
  return v;
}

VectorPtr Doubles(const std::vector<double>& values) {
  auto v = std::make_shared<Vector>(DataType::Double());
  for (double x : values) v->Append<double>(x);
  return v;
}

VectorPtr Strings(const std::vector<std::string>& values) {
  auto v = std::make_shared<Vector>(DataType::String());
  for (const auto& x : values) v->AppendString(x);
  return v;
}

TypePtr WindowType() {
  return DataType::Struct({StructField("start", DataType::Timestamp()), StructField("end", DataType::Timestamp())});
}

// A window struct column; a negative start makes the row NULL (its children hold garbage).
VectorPtr Windows(const std::vector<int64_t>& starts) {
  auto w = std::make_shared<Vector>(WindowType());
  for (int64_t s : starts) {
    w->mutable_child(0)->Append<int64_t>(s < 0 ? 12345 : s);
    w->mutable_child(1)->Append<int64_t>(s < 0 ? -777 : s + 10);
    w->AppendStructRow();
    if (s < 0) w->SetNull(w->size() - 1);
  }
  return w;
}

std::vector<uint32_t> Groups(GroupHashTable& t, const std::vector<VectorPtr>& keys) {
  std::vector<uint32_t> ids;
  t.FindOrInsert(keys, keys.empty() ? 0 : keys[0]->size(), &ids);
  return ids;
}

TEST(GroupHashTableTest, NullsZeroSignsAndNaNsGroupTogetherOnThePackedPath) {
  double nan1 = std::numeric_limits<double>::quiet_NaN();
  double nan2 = -std::numeric_limits<double>::quiet_NaN();
  GroupHashTable t({DataType::Long(), DataType::Double()});
  auto ids = Groups(t, {Longs({1, 1, std::nullopt, std::nullopt, 1, 1}), Doubles({0.0, -0.0, 5, 6, nan1, nan2})});
  EXPECT_EQ(ids[0], ids[1]);  // -0.0 groups with 0.0
  EXPECT_NE(ids[2], ids[3]);  // NULL key with different doubles
  EXPECT_EQ(ids[4], ids[5]);  // NaN equals NaN
  EXPECT_NE(ids[0], ids[4]);
  EXPECT_EQ(t.size(), 4u);
}

TEST(GroupHashTableTest, NullStructsGroupTogetherWhateverTheirChildrenHold) {
  GroupHashTable t({WindowType(), DataType::Long()});
  auto ids = Groups(t, {Windows({0, -1, 0, -1, 10}), Longs({7, 7, 7, 7, 7})});
  EXPECT_EQ(ids[0], ids[2]);
  EXPECT_EQ(ids[1], ids[3]);
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_NE(ids[0], ids[4]);
  EXPECT_EQ(t.size(), 3u);
  // Find agrees with FindOrInsert.
  auto probe = std::vector<VectorPtr>{Windows({-1, 10, 20}), Longs({7, 7, 7})};
  EXPECT_EQ(t.Find(probe, 0), ids[1]);
  EXPECT_EQ(t.Find(probe, 1), ids[4]);
  EXPECT_EQ(t.Find(probe, 2), -1);
  std::vector<int64_t> all;
  t.FindAll(probe, 3, &all);
  EXPECT_EQ(all, (std::vector<int64_t>{ids[1], ids[4], -1}));
}

TEST(GroupHashTableTest, ManyChunksAndGrowthMatchAReferenceOnBothPaths) {
  std::mt19937_64 rng(7);
  const size_t n = 50'000;  // many FindOrInsert chunks, several table growths
  std::vector<std::optional<int64_t>> a;
  std::vector<std::string> s;
  for (size_t i = 0; i < n; ++i) {
    uint64_t r = rng() % 3000;
    a.push_back(r == 0 ? std::nullopt : std::optional<int64_t>(static_cast<int64_t>(r % 1500)));
    s.push_back("k" + std::to_string(r % 2));
  }
  for (bool with_string : {false, true}) {
    std::vector<VectorPtr> keys;
    std::vector<TypePtr> types;
    if (with_string) {  // a column that cannot be packed first, so both paths see every column
      keys.push_back(Strings(s));
      types.push_back(DataType::String());
    }
    keys.push_back(Longs(a));
    types.push_back(DataType::Long());
    GroupHashTable t(types);
    // Two calls: the second finds every group of the first.
    auto first = Groups(t, keys);
    auto second = Groups(t, keys);
    EXPECT_EQ(first, second);
    std::vector<int64_t> found;
    t.FindAll(keys, n, &found);
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(found[i], static_cast<int64_t>(first[i])) << "row " << i;
    std::map<std::pair<std::optional<int64_t>, std::string>, uint32_t> ref;
    for (size_t i = 0; i < n; ++i) {
      auto key = std::make_pair(a[i], with_string ? s[i] : std::string());
      auto [it, inserted] = ref.emplace(key, first[i]);
      ASSERT_EQ(it->second, first[i]) << "row " << i;
    }
    EXPECT_EQ(t.size(), ref.size());
    // Stored keys read back as the inserted ones.
    for (size_t i = 0; i < n; i += 997) {
      for (size_t c = 0; c < keys.size(); ++c) EXPECT_EQ(t.keys()[c]->GetValue(first[i]), keys[c]->GetValue(i));
    }
  }
}

// Reserve before and between inserts (re-slotting existing groups) keeps every group's id and key;
// keys of new groups are stored in id order (a chunk's new groups are appended together).
TEST(GroupHashTableTest, ReserveKeepsGroupsAndKeys) {
  std::vector<int64_t> starts;
  std::vector<std::optional<int64_t>> ids;
  for (int64_t i = 0; i < 5000; ++i) {
    starts.push_back(i % 7 == 0 ? -1 : (i % 13) * 10);
    ids.push_back(i % 11 == 0 ? std::nullopt : std::optional<int64_t>(i % 300));
  }
  std::vector<VectorPtr> keys = {Windows(starts), Longs(ids)};
  GroupHashTable t({WindowType(), DataType::Long()});
  t.Reserve(10);
  auto first = Groups(t, keys);
  size_t groups = t.size();
  t.Reserve(100000);
  EXPECT_EQ(Groups(t, keys), first);
  EXPECT_EQ(t.size(), groups);
  for (size_t i = 0; i < starts.size(); ++i) {
    ASSERT_LT(first[i], groups);
    EXPECT_EQ(t.keys()[0]->GetValue(first[i]), keys[0]->GetValue(i)) << "row " << i;
    EXPECT_EQ(t.keys()[1]->GetValue(first[i]), keys[1]->GetValue(i)) << "row " << i;
  }
  for (uint32_t g = 0; g < groups; ++g) EXPECT_EQ(t.Find(t.keys(), g), static_cast<int64_t>(g));
}

// Compact keeps the chosen groups, renumbered in order with their keys; dropped keys are absent
// and insert as new groups after the kept ones. Both equality paths.
TEST(GroupHashTableTest, CompactKeepsChosenGroupsInOrder) {
  for (bool with_string : {false, true}) {
    std::vector<std::optional<int64_t>> a;
    std::vector<std::string> s;
    for (int64_t i = 0; i < 3000; ++i) {
      a.push_back(i % 500 == 0 ? std::nullopt : std::optional<int64_t>(i));
      s.push_back("s" + std::to_string(i % 3));
    }
    std::vector<VectorPtr> keys = with_string ? std::vector<VectorPtr>{Longs(a), Strings(s)}
                                              : std::vector<VectorPtr>{Longs(a)};
    std::vector<TypePtr> types = with_string ? std::vector<TypePtr>{DataType::Long(), DataType::String()}
                                             : std::vector<TypePtr>{DataType::Long()};
    GroupHashTable t(types);
    auto ids = Groups(t, keys);
    SelectionVector keep;
    for (uint32_t g = 0; g < t.size(); ++g) {
      if (g % 3 != 1) keep.push_back(g);
    }
    size_t before = t.size();
    t.Compact(keep);
    ASSERT_EQ(t.size(), keep.size());
    std::vector<int64_t> found;
    t.FindAll(keys, keys[0]->size(), &found);
    for (size_t i = 0; i < a.size(); ++i) {
      auto pos = std::lower_bound(keep.begin(), keep.end(), ids[i]);
      bool kept = pos != keep.end() && *pos == ids[i];
      ASSERT_EQ(found[i], kept ? pos - keep.begin() : -1) << "row " << i;
      if (kept) {
        for (size_t c = 0; c < keys.size(); ++c) EXPECT_EQ(t.keys()[c]->GetValue(found[i]), keys[c]->GetValue(i));
      }
    }
    auto again = Groups(t, keys);
    EXPECT_EQ(t.size(), before);
    for (size_t i = 0; i < a.size(); ++i) {
      if (found[i] >= 0) ASSERT_EQ(again[i], static_cast<uint32_t>(found[i])) << "row " << i;
      else ASSERT_GE(again[i], keep.size()) << "row " << i;
    }
  }
}

TEST(GroupHashTableTest, ColumnHashesEqualRowHashes) {
  std::vector<VectorPtr> keys = {Windows({0, -1, 20, 30}), Longs({1, std::nullopt, 3, 4}),
                                 Doubles({-0.0, 1.5, std::nan(""), 2}), Strings({"a", "", "c", "d"})};
  std::vector<uint64_t> hashes(3);
  HashKeyRows(keys, 1, 3, hashes.data());
  for (size_t i = 1; i < 4; ++i) EXPECT_EQ(hashes[i - 1], HashKeyRow(keys, i)) << "row " << i;
}

}  // namespace
}  // namespace sluice
