#include "columnar/vector.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>

#include "columnar/record_batch.h"
#include "types/mix64.h"

namespace sluice {
namespace {

TEST(VectorTest, AppendsFixedWidthAndNulls) {
  Vector v(IntegerType());
  for (int i = 0; i < 100; ++i) {
    if (i % 7 == 0) {
      v.AppendNull();
    } else {
      v.Append<int32_t>(i);
    }
  }
  EXPECT_EQ(v.size(), 100u);
  EXPECT_EQ(v.CountNulls(), 15u);
  EXPECT_TRUE(v.IsNull(0));
  EXPECT_EQ(v.Get<int32_t>(8), 8);
  EXPECT_EQ(v.GetValue(9), Value::Int(9));
}

TEST(VectorTest, StringsShareOneBuffer) {
  Vector v(StringType());
  v.AppendString("hello");
  v.AppendNull();
  v.AppendString("");
  v.AppendString("world");
  EXPECT_EQ(v.GetString(0), "hello");
  EXPECT_TRUE(v.IsNull(1));
  EXPECT_EQ(v.GetString(2), "");
  EXPECT_EQ(v.GetString(3), "world");
  EXPECT_EQ(v.chars().size(), 10u);
  auto t = v.Take({3, 0, 1});
  EXPECT_EQ(t->GetString(0), "world");
  EXPECT_EQ(t->GetString(1), "hello");
  EXPECT_TRUE(t->IsNull(2));
}

TEST(VectorTest, NestedValuesRoundTrip) {
  auto type = StructType({StructField("a", IntegerType()),
                          StructField("tags", ArrayType(StringType())),
                          StructField("m", MapType(StringType(), LongType()))});
  Vector v(type);
  Value row = Value::Struct(
      type, {Value::Int(1),
             Value::Array(ArrayType(StringType()), {Value::String("x"), Value::Null(StringType())}),
             Value::Map(MapType(StringType(), LongType()), {Value::String("k")}, {Value::Long(7)})});
  v.AppendValue(row);
  v.AppendNull();
  v.AppendValue(row);
  EXPECT_EQ(v.GetValue(0), row);
  EXPECT_TRUE(v.IsNull(1));
  EXPECT_EQ(v.GetValue(2), row);
  auto s = v.Slice(1, 2);
  EXPECT_TRUE(s->IsNull(0));
  EXPECT_EQ(s->GetValue(1), row);
  auto t = v.Take({2, 2});
  EXPECT_EQ(t->GetValue(1), row);
}

TEST(VectorTest, HashAndEqualityGroupNullsAndNegativeZero) {
  Vector v(DoubleType());
  v.Append<double>(0.0);
  v.Append<double>(-0.0);
  v.AppendNull();
  v.AppendNull();
  EXPECT_EQ(v.HashRow(0), v.HashRow(1));
  EXPECT_TRUE(v.RowEquals(0, v, 1));
  EXPECT_TRUE(v.RowEquals(2, v, 3));
  EXPECT_FALSE(v.RowEquals(0, v, 2));
  EXPECT_LT(v.CompareRows(2, v, 0, /*nulls_first=*/true), 0);
  EXPECT_GT(v.CompareRows(2, v, 0, /*nulls_first=*/false), 0);
}

TEST(VectorTest, ConstantAndNullVectors) {
  auto c = Vector::MakeConstant(Value::String("abc"), 3);
  EXPECT_EQ(c->size(), 3u);
  EXPECT_EQ(c->GetString(2), "abc");
  auto n = Vector::MakeNull(LongType(), 70);
  EXPECT_EQ(n->CountNulls(), 70u);
  auto d = Vector::MakeConstant(Value::Long(5), 70);
  EXPECT_EQ(d->Get<int64_t>(69), 5);
  EXPECT_FALSE(d->MayHaveNulls());
}

// Constant vectors of every fixed width (1, 2, 4, 8 and 16 bytes) hold the value in every row,
// for sizes 0, 1 and many.
TEST(VectorTest, ConstantVectorsOfEveryWidth) {
  const std::vector<Value> values = {Value::Boolean(true), Value::Short(-7), Value::Int(123456),
                                     Value::Double(2.5), Value::Timestamp(1700000000000000LL),
                                     Value::Decimal(12345, 20, 2)};
  for (const Value& value : values) {
    for (size_t size : {size_t{0}, size_t{1}, size_t{37}}) {
      auto v = Vector::MakeConstant(value, size);
      ASSERT_EQ(v->size(), size) << value.ToString();
      for (size_t i = 0; i < size; ++i) EXPECT_EQ(v->GetValue(i), value) << value.ToString() << " row " << i;
    }
  }
}

// Buffers grow without zero-filling, so Resize must clear the rows it adds itself, including
// bytes left from rows that a shrink dropped.
TEST(VectorTest, ResizeZeroesNewRowsAndOverwriteKeepsOldOnes) {
  Vector v(LongType());
  for (int64_t i = 1; i <= 100; ++i) v.Append(i * 7);
  v.Resize(10);
  v.Resize(1000);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(v.Get<int64_t>(i), static_cast<int64_t>(i + 1) * 7);
  for (size_t i = 10; i < 1000; ++i) ASSERT_EQ(v.Get<int64_t>(i), 0) << i;
  v.ResizeForOverwrite(2000);
  EXPECT_EQ(v.size(), 2000u);
  EXPECT_EQ(v.Get<int64_t>(9), 70);
  EXPECT_FALSE(v.MayHaveNulls());
  v.ResizeForOverwrite(5);
  EXPECT_EQ(v.size(), 5u);
  EXPECT_EQ(v.Get<int64_t>(4), 35);
}

// KeepRows (in place) and AppendSelected (a gather) agree with Take for every physical layout:
// fixed-width, strings, structs and arrays, with NULL rows.
TEST(VectorTest, KeepRowsAndAppendSelectedMatchTake) {
  TypePtr row_type = StructType({StructField("a", LongType()), StructField("b", StringType())});
  std::vector<TypePtr> types = {IntegerType(), StringType(), row_type, ArrayType(LongType())};
  for (const TypePtr& type : types) {
    SCOPED_TRACE(type->Sql());
    auto v = std::make_shared<Vector>(type);
    for (int64_t i = 0; i < 200; ++i) {
      Value x;
      if (i % 9 == 4) {
        x = Value::Null(type);
      } else if (type->id() == TypeId::kInt) {
        x = Value::Int(static_cast<int32_t>(i * 3));
      } else if (type->id() == TypeId::kString) {
        x = Value::String(std::string(static_cast<size_t>(i % 5), static_cast<char>('a' + i % 26)));
      } else if (type->id() == TypeId::kStruct) {
        x = Value::Struct(type, {i % 4 == 0 ? Value::Null(LongType()) : Value::Long(i), Value::String("r" + std::to_string(i))});
      } else {
        x = Value::Array(type, {Value::Long(i), Value::Long(-i)});
      }
      v->AppendValue(x);
    }
    SelectionVector keep;
    for (uint32_t i = 0; i < 200; ++i) {
      if (i % 3 != 0 || i % 9 == 4) keep.push_back(i);
    }
    VectorPtr expected = v->Take(keep);
    Vector gathered(type);
    gathered.AppendValue(v->GetValue(1));
    gathered.AppendSelected(*v, keep);
    v->KeepRows(keep);
    ASSERT_EQ(v->size(), keep.size());
    ASSERT_EQ(gathered.size(), keep.size() + 1);
    for (size_t i = 0; i < keep.size(); ++i) {
      ASSERT_EQ(v->GetValue(i), expected->GetValue(i)) << i;
      ASSERT_EQ(gathered.GetValue(i + 1), expected->GetValue(i)) << i;
      ASSERT_EQ(v->IsNull(i), expected->IsNull(i)) << i;
    }
  }
}

// String hashes decide shuffle and state partitions, so they must not change between versions:
// HashRow and HashRows of strings of every tail length equal the word-wise hash computed here the
// way checkpoints were written (the tail read with memcpy).
TEST(VectorTest, StringHashesKeepTheirValues) {
  auto reference = [](std::string_view s, uint64_t seed) {
    uint64_t h = seed ^ (s.size() * 0x9e3779b97f4a7c15ULL);
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0x100000001b3ULL;
      h = std::rotl(h, 29);
    }
    uint64_t tail = 0;
    if (s.size() > i) std::memcpy(&tail, s.data() + i, s.size() - i);
    h = (h ^ tail) * 0x100000001b3ULL;
    return Mix64(h);
  };
  Vector v(StringType());
  std::string text;
  for (int len = 0; len <= 40; ++len) {
    v.AppendString(text);
    text.push_back(static_cast<char>(len % 2 ? 0x80 + len : 'a' + len));
  }
  v.AppendNull();
  std::vector<uint64_t> hashes(v.size(), 17);
  v.HashRows(0, v.size(), hashes.data());
  for (size_t i = 0; i + 1 < v.size(); ++i) {
    EXPECT_EQ(v.HashRow(i, 17), reference(v.GetString(i), 17)) << "length " << i;
    EXPECT_EQ(hashes[i], reference(v.GetString(i), 17)) << "length " << i;
  }
  EXPECT_EQ(hashes.back(), v.HashRow(v.size() - 1, 17));
}

TEST(RecordBatchTest, FromRowsConcatAndTake) {
  auto schema = ParseSchema("a INT, b STRING");
  auto b1 = RecordBatch::FromRows(schema, {{Value::Int(1), Value::String("x")},
                                          {Value::Null(IntegerType()), Value::String("y")}});
  auto b2 = RecordBatch::FromRows(schema, {{Value::Int(3), Value::Null(StringType())}});
  auto all = RecordBatch::Concat(schema, {b1, b2});
  ASSERT_EQ(all->num_rows(), 3u);
  EXPECT_TRUE(all->column(0)->IsNull(1));
  EXPECT_TRUE(all->column(1)->IsNull(2));
  EXPECT_EQ(all->column(1)->GetString(1), "y");
  auto t = all->Take({2, 0});
  EXPECT_EQ(t->GetRow(0)[0], Value::Int(3));
  EXPECT_EQ(t->GetRow(1)[1], Value::String("x"));
}

}  // namespace
}  // namespace sluice
