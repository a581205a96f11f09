// Tests of the stream-stream join's eviction rules (src/plan/join_time_constraint.h): which
// conjuncts bound each side's state, and the state watermark arithmetic (ms; strict comparisons
// give watermark + constant, non-strict ones 1 ms less; several bounds give the minimum).
#include "plan/join_time_constraint.h"

#include <gtest/gtest.h>

#include "sluice/exception.h"

namespace sluice {
namespace {

constexpr int64_t kMinute = 60'000'000;  // microseconds

Attribute Attr(const std::string& name, TypePtr type, bool event_time = false) {
  Attribute a;
  a.name = name;
  a.type = std::move(type);
  a.is_event_time = event_time;
  return a;
}

// left: [k INT, lts TIMESTAMP (event time), lother TIMESTAMP]; right: [k INT, rts TIMESTAMP
// (event time)]. Bound column indexes: left 0..2, right 3..4.
class JoinTimeConstraintTest : public ::testing::Test {
 protected:
  std::vector<Attribute> left_ = {Attr("k", DataType::Int()), Attr("lts", DataType::Timestamp(), true),
                                  Attr("lother", DataType::Timestamp())};
  std::vector<Attribute> right_ = {Attr("k", DataType::Int()), Attr("rts", DataType::Timestamp(), true)};

  ExprPtr lk() { return MakeBoundColumn(0, DataType::Int(), "k"); }
  ExprPtr lts() { return MakeBoundColumn(1, DataType::Timestamp(), "lts"); }
  ExprPtr lother() { return MakeBoundColumn(2, DataType::Timestamp(), "lother"); }
  ExprPtr rk() { return MakeBoundColumn(3, DataType::Int(), "k"); }
  ExprPtr rts() { return MakeBoundColumn(4, DataType::Timestamp(), "rts"); }
  static ExprPtr Minutes(int64_t n) { return MakeLiteral(Value::Interval(n * kMinute)); }
  static ExprPtr Call(const std::string& op, ExprPtr a, ExprPtr b) { return MakeCall(op, {a, b}); }
  ExprPtr WithKey(ExprPtr range) { return Call("and", Call("=", lk(), rk()), range); }
};

TEST_F(JoinTimeConstraintTest, BetweenBoundsBothSides) {
  // l.ts BETWEEN r.ts - 5 minutes AND r.ts + 10 minutes (parsed into >= and <=).
  ExprPtr cond = WithKey(Call("and", Call(">=", lts(), Call("-", rts(), Minutes(5))),
                              Call("<=", lts(), Call("+", rts(), Minutes(10)))));
  auto plan = PlanJoinEviction(cond, left_, right_);
  ASSERT_EQ(plan.left.kind, JoinSideEviction::Kind::kByRange);
  ASSERT_EQ(plan.right.kind, JoinSideEviction::Kind::kByRange);
  EXPECT_EQ(plan.left.column, 1);
  EXPECT_EQ(plan.right.column, 1);
  const int64_t wm = 1'700'000'000'000;
  // Left rows with lts < wm - 5 min can no longer match (non-strict: 1 ms lower).
  EXPECT_EQ(plan.left.StateWatermarkMs(wm), wm - 5 * 60'000 - 1);
  // Right rows with rts < wm - 10 min.
  EXPECT_EQ(plan.right.StateWatermarkMs(wm), wm - 10 * 60'000 - 1);
}

TEST_F(JoinTimeConstraintTest, StrictGreaterThanBoundsOnlyTheGreaterSide) {
  ExprPtr cond = WithKey(Call(">", lts(), Call("-", rts(), Minutes(10))));
  auto left = ExtractRangeBounds(cond, left_, right_, JoinSide::kLeft);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].StateWatermarkMs(1'000'000), 1'000'000 - 10 * 60'000);
  EXPECT_TRUE(ExtractRangeBounds(cond, left_, right_, JoinSide::kRight).empty());
}

TEST_F(JoinTimeConstraintTest, OtherSideTimePlusIntervalOnTheLeftOfTheComparison) {
  // r.ts + INTERVAL 10 MINUTES > l.ts  bounds the right side: r.ts > l.ts - 10 minutes.
  ExprPtr cond = WithKey(Call(">", Call("+", rts(), Minutes(10)), lts()));
  EXPECT_TRUE(ExtractRangeBounds(cond, left_, right_, JoinSide::kLeft).empty());
  auto right = ExtractRangeBounds(cond, left_, right_, JoinSide::kRight);
  ASSERT_EQ(right.size(), 1u);
  EXPECT_EQ(right[0].StateWatermarkMs(2'000'000), 2'000'000 - 10 * 60'000);
  // The same with < written the other way round.
  ExprPtr flipped = WithKey(Call("<", lts(), Call("+", rts(), Minutes(10))));
  auto right2 = ExtractRangeBounds(flipped, left_, right_, JoinSide::kRight);
  ASSERT_EQ(right2.size(), 1u);
  EXPECT_EQ(right2[0].StateWatermarkMs(2'000'000), 2'000'000 - 10 * 60'000);
}

TEST_F(JoinTimeConstraintTest, NumericSecondsThroughCasts) {
  // CAST(l.ts AS BIGINT) > CAST(r.ts AS BIGINT) - 600: numbers are seconds.
  ExprPtr cond = WithKey(Call(">", MakeCast(lts(), DataType::Long()),
                              Call("-", MakeCast(rts(), DataType::Long()), MakeLiteral(Value::Long(600)))));
  auto left = ExtractRangeBounds(cond, left_, right_, JoinSide::kLeft);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].StateWatermarkMs(10'000'000), 10'000'000 - 600'000);
  // A cast to a non-numeric type cannot be solved.
  ExprPtr to_string = WithKey(Call(">", MakeCast(lts(), DataType::String()), rts()));
  EXPECT_TRUE(ExtractRangeBounds(to_string, left_, right_, JoinSide::kLeft).empty());
}

TEST_F(JoinTimeConstraintTest, NeedsTheOtherSidesEventTimeColumn) {
  // l.ts > r.ts - 10 min bounds the left side only through the right side's watermark.
  std::vector<Attribute> right_without = {Attr("k", DataType::Int()), Attr("rts", DataType::Timestamp())};
  ExprPtr cond = WithKey(Call(">", lts(), Call("-", rts(), Minutes(10))));
  EXPECT_TRUE(ExtractRangeBounds(cond, left_, right_without, JoinSide::kLeft).empty());
  // A non-event-time column of the other side cannot be replaced by the watermark.
  ExprPtr other = WithKey(Call(">", rts(), Call("-", lother(), Minutes(1))));
  EXPECT_TRUE(ExtractRangeBounds(other, left_, right_, JoinSide::kRight).empty());
}

TEST_F(JoinTimeConstraintTest, TwoColumnsOfOneSideCannotBeSolved) {
  ExprPtr cond = WithKey(Call(">", Call("-", lts(), lother()), rts()));
  EXPECT_TRUE(ExtractRangeBounds(cond, left_, right_, JoinSide::kLeft).empty());
  // A bound on another timestamp column of the side is applied to that column.
  ExprPtr on_other = WithKey(Call(">", lother(), rts()));
  auto plan = PlanJoinEviction(on_other, left_, right_);
  ASSERT_EQ(plan.left.kind, JoinSideEviction::Kind::kByRange);
  EXPECT_EQ(plan.left.column, 2);
}

TEST_F(JoinTimeConstraintTest, SeveralBoundsTakeTheMinimum) {
  ExprPtr cond = WithKey(Call("and", Call(">", lts(), Call("-", rts(), Minutes(10))),
                              Call(">=", lts(), Call("-", rts(), Minutes(5)))));
  auto plan = PlanJoinEviction(cond, left_, right_);
  ASSERT_EQ(plan.left.bounds.size(), 2u);
  EXPECT_EQ(plan.left.StateWatermarkMs(100'000'000), 100'000'000 - 10 * 60'000);
}

TEST_F(JoinTimeConstraintTest, MillisecondsTruncateTowardZero) {
  JoinRangeBound b;
  b.constant_micros = -300'000.5;
  EXPECT_EQ(b.StateWatermarkMs(0), -300);
  b.constant_micros = 1'999;
  b.inclusive = true;
  EXPECT_EQ(b.StateWatermarkMs(10), 10 + 1 - 1);
}

TEST_F(JoinTimeConstraintTest, EventTimeJoinKeyEvictsBothSides) {
  auto window = DataType::Struct({StructField("start", DataType::Timestamp()),
                                  StructField("end", DataType::Timestamp())});
  std::vector<Attribute> left = {Attr("k", DataType::Int()), Attr("w", window, true)};
  std::vector<Attribute> right = {Attr("k", DataType::Int()), Attr("w", window, true)};
  ExprPtr cond = Call("and", Call("=", MakeBoundColumn(0, DataType::Int(), "k"), MakeBoundColumn(2, DataType::Int(), "k")),
                      Call("=", MakeBoundColumn(3, window, "w"), MakeBoundColumn(1, window, "w")));
  auto key = EventTimeJoinKey(cond, left, right);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(*key, 1);  // the second equi-join conjunct
  auto plan = PlanJoinEviction(cond, left, right);
  EXPECT_EQ(plan.left.kind, JoinSideEviction::Kind::kByJoinKey);
  EXPECT_EQ(plan.right.kind, JoinSideEviction::Kind::kByJoinKey);
  EXPECT_EQ(plan.right.StateWatermarkMs(1234), 1234);
  // Only the right column carries the watermark: still an event-time key.
  left[1].is_event_time = false;
  EXPECT_EQ(EventTimeJoinKey(cond, left, right), std::optional<int>(1));
  right[1].is_event_time = false;
  EXPECT_FALSE(EventTimeJoinKey(cond, left, right).has_value());
}

TEST_F(JoinTimeConstraintTest, EquiJoinConjunctsAndEventTimeColumns) {
  EXPECT_TRUE(IsEquiJoinConjunct(Call("=", lk(), rk()), left_.size()));
  EXPECT_TRUE(IsEquiJoinConjunct(Call("<=>", rk(), lk()), left_.size()));
  EXPECT_FALSE(IsEquiJoinConjunct(Call("=", lk(), lk()), left_.size()));
  EXPECT_FALSE(IsEquiJoinConjunct(Call("<", lk(), rk()), left_.size()));
  EXPECT_FALSE(IsEquiJoinConjunct(Call("=", lk(), MakeLiteral(Value::Int(1))), left_.size()));
  EXPECT_EQ(SideEventTimeColumn(left_, "left"), 1);
  std::vector<Attribute> two = left_;
  two[2].is_event_time = true;
  EXPECT_THROW(SideEventTimeColumn(two, "left"), AnalysisError);
  EXPECT_EQ(SplitConjuncts(nullptr).size(), 0u);
  EXPECT_EQ(SplitConjuncts(Call("and", Call("and", lk(), rk()), lts())).size(), 3u);
}

TEST_F(JoinTimeConstraintTest, RangeConditionsOnEventTime) {
  EXPECT_TRUE(HasRangeConditionOnEventTime(WithKey(Call("<", lts(), rts())), left_, right_));
  EXPECT_FALSE(HasRangeConditionOnEventTime(Call("=", lk(), rk()), left_, right_));
  // A range over columns without watermarks is not a time-interval join.
  EXPECT_FALSE(HasRangeConditionOnEventTime(WithKey(Call("<", lk(), rk())), left_, right_));
}

}  // namespace
}  // namespace sluice
