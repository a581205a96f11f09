#include "plan/logical_plan.h"

#include <gtest/gtest.h>

#include "sluice/exception.h"

namespace sluice {
namespace {

TEST(LogicalPlanTest, ParseJoinType) {
  EXPECT_EQ(ParseJoinType("inner"), JoinType::kInner);
  EXPECT_EQ(ParseJoinType("LEFT"), JoinType::kLeftOuter);
  EXPECT_EQ(ParseJoinType("left_outer"), JoinType::kLeftOuter);
  EXPECT_EQ(ParseJoinType("leftouter"), JoinType::kLeftOuter);
  EXPECT_EQ(ParseJoinType("right"), JoinType::kRightOuter);
  EXPECT_EQ(ParseJoinType("right_outer"), JoinType::kRightOuter);
  EXPECT_EQ(ParseJoinType("full"), JoinType::kFullOuter);
  EXPECT_EQ(ParseJoinType("outer"), JoinType::kFullOuter);
  EXPECT_EQ(ParseJoinType("full_outer"), JoinType::kFullOuter);
  EXPECT_EQ(ParseJoinType("semi"), JoinType::kLeftSemi);
  EXPECT_EQ(ParseJoinType("left_semi"), JoinType::kLeftSemi);
  EXPECT_EQ(ParseJoinType("anti"), JoinType::kLeftAnti);
  EXPECT_EQ(ParseJoinType("leftanti"), JoinType::kLeftAnti);
  EXPECT_EQ(ParseJoinType("Cross"), JoinType::kCross);
  EXPECT_THROW(ParseJoinType("sideways"), AnalysisError);
}

TEST(LogicalPlanTest, JoinTypeName) {
  EXPECT_EQ(JoinTypeName(JoinType::kInner), "Inner");
  EXPECT_EQ(JoinTypeName(JoinType::kLeftOuter), "LeftOuter");
  EXPECT_EQ(JoinTypeName(JoinType::kLeftAnti), "LeftAnti");
}

TEST(LogicalPlanTest, SchemaFromOutput) {
  PlanPtr p = MakePlan(PlanKind::kLocalRelation);
  Attribute a;
  a.name = "a";
  a.type = IntegerType();
  a.nullable = false;
  Attribute b;
  b.name = "b";
  b.type = StringType();
  p->output = {a, b};
  TypePtr s = p->Schema();
  ASSERT_EQ(s->id(), TypeId::kStruct);
  ASSERT_EQ(s->fields().size(), 2u);
  EXPECT_EQ(s->fields()[0].name, "a");
  EXPECT_FALSE(s->fields()[0].nullable);
  EXPECT_EQ(s->fields()[1].type->id(), TypeId::kString);
}

TEST(LogicalPlanTest, ToStringTree) {
  PlanPtr a = MakePlan(PlanKind::kUnresolvedRelation);
  a->name_parts = {"a"};
  PlanPtr b = MakePlan(PlanKind::kUnresolvedRelation);
  b->name_parts = {"b"};
  PlanPtr j = MakePlan(PlanKind::kJoin, {a, b});
  PlanPtr limit = MakePlan(PlanKind::kLimit, {j});
  limit->limit = 3;
  EXPECT_EQ(limit->ToString(),
            "Limit 3\n"
            "+- Join Inner\n"
            "   :- 'UnresolvedRelation [a]\n"
            "   +- 'UnresolvedRelation [b]\n");
  EXPECT_EQ(MakePlan(PlanKind::kDistinct)->ToString(2), "  Distinct\n");
}

}  // namespace
}  // namespace sluice
