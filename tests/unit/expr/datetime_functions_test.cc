// Tests of the datetime functions (src/expr/functions/datetime_functions.cc): fields in the session
// zone, truncation across DST in America/Los_Angeles, parsing in ANSI and legacy mode.
#include <gtest/gtest.h>

#include "columnar/record_batch.h"
#include "expr/evaluator.h"
#include "expr/expression.h"
#include "sluice/exception.h"
#include "function_test_support.h"
#include "types/datetime.h"

namespace sluice {
namespace {
[[maybe_unused]] EvalContext LaCtx(bool ansi = true) {
  EvalContext c;
  c.ansi_enabled = ansi;
  c.time_zone = "America/Los_Angeles";
  return c;
}
[[maybe_unused]] ExprPtr Ts(const std::string& s, const EvalContext& ctx) {
  return MakeLiteral(Value::Timestamp(*ParseTimestamp(s, ctx.time_zone)));
}
[[maybe_unused]] ExprPtr D(const std::string& s) { return MakeLiteral(Value::Date(*ParseDate(s))); }

using namespace function_test;

TEST(DatetimeFunctionsTest, Fields) {
  EvalContext ctx = Ctx();
  EXPECT_EQ(Call("year", {D("2016-07-30")}).GetInt64(), 2016);
  EXPECT_EQ(Call("quarter", {D("2016-08-31")}).GetInt64(), 3);
  EXPECT_EQ(Call("month", {D("2016-07-30")}).GetInt64(), 7);
  EXPECT_EQ(Call("day", {D("2009-07-30")}).GetInt64(), 30);
  EXPECT_EQ(Call("dayofmonth", {D("2009-07-30")}).GetInt64(), 30);
  EXPECT_EQ(Call("dayofweek", {D("2009-07-30")}).GetInt64(), 5);
  EXPECT_EQ(Call("weekday", {D("2009-07-30")}).GetInt64(), 3);
  EXPECT_EQ(Call("dayofyear", {D("2016-04-09")}).GetInt64(), 100);
  EXPECT_EQ(Call("weekofyear", {D("2008-02-20")}).GetInt64(), 8);
  EXPECT_EQ(Call("weekofyear", {D("2021-01-01")}).GetInt64(), 53);
  EXPECT_EQ(Call("hour", {Ts("2009-07-30 12:58:59", ctx)}).GetInt64(), 12);
  EXPECT_EQ(Call("minute", {Ts("2009-07-30 12:58:59", ctx)}).GetInt64(), 58);
  EXPECT_EQ(Call("second", {Ts("2009-07-30 12:58:59", ctx)}).GetInt64(), 59);
  EXPECT_EQ(Call("hour", {S("2009-07-30 12:58:59")}).GetInt64(), 12);
  EXPECT_EQ(Call("year", {S("2016-07-30")}).GetInt64(), 2016);
  EXPECT_TRUE(Call("hour", {MakeLiteral(Value::Null(TimestampType()))}).is_null());
  // Pre-epoch timestamps.
  EXPECT_EQ(Call("hour", {Ts("1969-12-31 23:30:00", ctx)}).GetInt64(), 23);
  EXPECT_EQ(Call("dayofweek", {D("1969-12-28")}).GetInt64(), 1);
}

TEST(DatetimeFunctionsTest, FieldsInSessionZone) {
  EvalContext la = LaCtx();
  // 2024-03-10 10:30 UTC is 03:30 PDT (after the spring-forward gap).
  ExprPtr ts = MakeLiteral(Value::Timestamp(*ParseTimestamp("2024-03-10 10:30:00", "UTC")));
  EXPECT_EQ(Call("hour", {ts}, la).GetInt64(), 3);
  ExprPtr before = MakeLiteral(Value::Timestamp(*ParseTimestamp("2024-03-10 09:30:00", "UTC")));
  EXPECT_EQ(Call("hour", {before}, la).GetInt64(), 1);
  ExprPtr late = MakeLiteral(Value::Timestamp(*ParseTimestamp("2024-03-11 06:00:00", "UTC")));
  EXPECT_EQ(Call("dayofmonth", {late}, la).GetInt64(), 10);
}

TEST(DatetimeFunctionsTest, DateTrunc) {
  EvalContext ctx = Ctx();
  auto trunc = [&](const std::string& unit, const std::string& ts, const EvalContext& c) {
    Value v = Call("date_trunc", {S(unit), Ts(ts, c)}, c);
    return v.is_null() ? std::string("NULL") : FormatTimestamp(v.GetInt64(), c.time_zone);
  };
  EXPECT_EQ(trunc("YEAR", "2015-03-05 09:32:05.359", ctx), "2015-01-01 00:00:00");
  EXPECT_EQ(trunc("MM", "2015-03-05 09:32:05.359", ctx), "2015-03-01 00:00:00");
  EXPECT_EQ(trunc("DD", "2015-03-05 09:32:05.359", ctx), "2015-03-05 00:00:00");
  EXPECT_EQ(trunc("HOUR", "2015-03-05 09:32:05.359", ctx), "2015-03-05 09:00:00");
  EXPECT_EQ(trunc("MILLISECOND", "2015-03-05 09:32:05.123456", ctx), "2015-03-05 09:32:05.123");
  EXPECT_EQ(trunc("WEEK", "2015-03-05 09:32:05", ctx), "2015-03-02 00:00:00");
  EXPECT_EQ(trunc("QUARTER", "2015-05-05 09:32:05", ctx), "2015-04-01 00:00:00");
  EXPECT_EQ(trunc("bogus", "2015-05-05 09:32:05", ctx), "NULL");
  EvalContext la = LaCtx();
  // Day truncation on the DST change day keeps local midnight (PST, -08:00).
  Value v = Call("date_trunc", {S("DAY"), Ts("2024-03-10 15:00:00", la)}, la);
  EXPECT_EQ(v.GetInt64(), *ParseTimestamp("2024-03-10 08:00:00", "UTC"));
  // Fall back: 01:30 PST (the second 01:30) truncates to 01:00 PST, not 01:00 PDT.
  int64_t second_130 = *ParseTimestamp("2024-11-03 09:30:00", "UTC");
  v = Call("date_trunc", {S("HOUR"), MakeLiteral(Value::Timestamp(second_130))}, la);
  EXPECT_EQ(v.GetInt64(), *ParseTimestamp("2024-11-03 09:00:00", "UTC"));
  v = Call("date_trunc", {S("MONTH"), Ts("2024-11-20 10:00:00", la)}, la);
  EXPECT_EQ(v.GetInt64(), *ParseTimestamp("2024-11-01 07:00:00", "UTC"));
  Value d = Call("trunc", {D("2019-08-04"), S("week")});
  EXPECT_EQ(FormatDate(static_cast<int32_t>(d.GetInt64())), "2019-07-29");
  d = Call("trunc", {D("2009-02-12"), S("MM")});
  EXPECT_EQ(FormatDate(static_cast<int32_t>(d.GetInt64())), "2009-02-01");
  EXPECT_TRUE(Call("trunc", {D("2009-02-12"), S("DAY")}).is_null());
}

TEST(DatetimeFunctionsTest, ToTimestampAndToDate) {
  EvalContext ctx = Ctx();
  Value v = Call("to_timestamp", {S("2016-12-31 00:12:00")});
  EXPECT_EQ(FormatTimestamp(v.GetInt64(), "UTC"), "2016-12-31 00:12:00");
  v = Call("to_timestamp", {S("2016-12-31"), S("yyyy-MM-dd")});
  EXPECT_EQ(FormatTimestamp(v.GetInt64(), "UTC"), "2016-12-31 00:00:00");
  try {
    Call("to_timestamp", {S("2016-12-31 abc"), S("yyyy-MM-dd HH:mm:ss")});
    FAIL();
  } catch (const ExecutionError& e) {
    EXPECT_NE(std::string(e.what()).find("[CANNOT_PARSE_TIMESTAMP]"), std::string::npos);
  }
  EXPECT_THROW(Call("to_timestamp", {S("garbage")}), ExecutionError);
  EXPECT_TRUE(Call("to_timestamp", {S("garbage"), S("yyyy")}, Ctx(false)).is_null());
  EXPECT_TRUE(Call("to_timestamp", {S("garbage")}, Ctx(false)).is_null());
  EXPECT_TRUE(Call("try_to_timestamp", {S("garbage"), S("yyyy-MM-dd")}).is_null());
  EXPECT_TRUE(Call("to_timestamp", {NullStr()}).is_null());
  EvalContext la = LaCtx();
  v = Call("to_timestamp", {S("2024-03-10 03:30:00"), S("yyyy-MM-dd HH:mm:ss")}, la);
  EXPECT_EQ(v.GetInt64(), *ParseTimestamp("2024-03-10 10:30:00", "UTC"));
  Value d = Call("to_date", {S("2009-07-30 04:17:52")});
  EXPECT_EQ(FormatDate(static_cast<int32_t>(d.GetInt64())), "2009-07-30");
  d = Call("to_date", {S("2016-12-31"), S("yyyy-MM-dd")});
  EXPECT_EQ(FormatDate(static_cast<int32_t>(d.GetInt64())), "2016-12-31");
  EXPECT_THROW(Call("to_date", {S("x"), S("yyyy-MM-dd")}), ExecutionError);
  EXPECT_TRUE(Call("to_date", {S("x"), S("yyyy-MM-dd")}, Ctx(false)).is_null());
}

TEST(DatetimeFunctionsTest, FormatAndEpoch) {
  EvalContext ctx = Ctx();
  EXPECT_EQ(Str("date_format", {Ts("2016-04-08 10:11:12", ctx), S("y")}), "2016");
  EXPECT_EQ(Str("date_format", {Ts("2016-04-08 10:11:12", ctx), S("yyyy-MM-dd HH:mm")}), "2016-04-08 10:11");
  EXPECT_EQ(Call("unix_timestamp", {S("2016-04-08"), S("yyyy-MM-dd")}).GetInt64(), 1460073600);
  EXPECT_EQ(Call("unix_timestamp", {S("1970-01-01 00:00:10")}).GetInt64(), 10);
  EXPECT_EQ(Str("from_unixtime", {MakeLiteral(Value::Long(0)), S("yyyy-MM-dd HH:mm:ss")}), "1970-01-01 00:00:00");
  EXPECT_EQ(Str("from_unixtime", {MakeLiteral(Value::Long(0))}, LaCtx()), "1969-12-31 16:00:00");
  Value v = Call("timestamp_seconds", {I(1230219000)});
  EXPECT_EQ(FormatTimestamp(v.GetInt64(), "UTC"), "2008-12-25 15:30:00");
  v = Call("timestamp_seconds", {MakeLiteral(Value::Double(1230219000.123))});
  EXPECT_EQ(FormatTimestamp(v.GetInt64(), "UTC"), "2008-12-25 15:30:00.123");
  v = Call("timestamp_seconds", {MakeLiteral(Value::Decimal(1230219000123, 13, 3))});
  EXPECT_EQ(FormatTimestamp(v.GetInt64(), "UTC"), "2008-12-25 15:30:00.123");
  v = Call("timestamp_millis", {MakeLiteral(Value::Long(1230219000123))});
  EXPECT_EQ(FormatTimestamp(v.GetInt64(), "UTC"), "2008-12-25 15:30:00.123");
  EXPECT_EQ(Call("timestamp_micros", {MakeLiteral(Value::Long(5))}).GetInt64(), 5);
  EXPECT_EQ(Call("unix_seconds", {Ts("1970-01-01 00:00:01", ctx)}).GetInt64(), 1);
  EXPECT_EQ(Call("unix_millis", {Ts("1970-01-01 00:00:01", ctx)}).GetInt64(), 1000);
  EXPECT_EQ(Call("unix_seconds", {MakeLiteral(Value::Timestamp(-1))}).GetInt64(), -1);
  EXPECT_THROW(Call("timestamp_seconds", {MakeLiteral(Value::Long(INT64_MAX / 10))}), ExecutionError);
}

// timestamp_seconds / _millis over a BIGINT column (one pass over the column): NULL rows stay NULL
// whatever value their storage holds, and only a valid row that overflows raises.
TEST(DatetimeFunctionsTest, EpochOverColumnsWithNulls) {
  EvalContext ctx = Ctx();
  auto x = std::make_shared<Vector>(LongType());
  for (int64_t v : {int64_t{1}, INT64_MAX / 10, int64_t{-2}}) x->Append(v);
  x->SetNull(1);  // storage still holds a value that would overflow
  auto batch = RecordBatch::Make(StructType({StructField("x", LongType())}), {x}, 3);
  for (const char* fn : {"timestamp_seconds", "timestamp_millis", "timestamp_micros"}) {
    SCOPED_TRACE(fn);
    ExprPtr e = BindTree(MakeCall(fn, {MakeBoundColumn(0, LongType(), "x")}), ctx);
    VectorPtr out = Evaluate(*e, *batch, ctx);
    int64_t mul = std::string(fn) == "timestamp_seconds" ? 1000000 : std::string(fn) == "timestamp_millis" ? 1000 : 1;
    EXPECT_EQ(out->GetValue(0), Value::Timestamp(mul));
    EXPECT_TRUE(out->IsNull(1));
    EXPECT_EQ(out->GetValue(2), Value::Timestamp(-2 * mul));
  }
  x->SetNull(1, false);
  ExprPtr e = BindTree(MakeCall("timestamp_seconds", {MakeBoundColumn(0, LongType(), "x")}), ctx);
  EXPECT_THROW(Evaluate(*e, *batch, ctx), ExecutionError);
}

TEST(DatetimeFunctionsTest, CurrentTime) {
  EvalContext la = LaCtx();
  la.current_timestamp_micros = *ParseTimestamp("2024-01-02 03:00:00", "UTC");
  EXPECT_EQ(Call("current_timestamp", {}, la).GetInt64(), la.current_timestamp_micros);
  EXPECT_EQ(Call("now", {}, la).GetInt64(), la.current_timestamp_micros);
  EXPECT_EQ(FormatDate(static_cast<int32_t>(Call("current_date", {}, la).GetInt64())), "2024-01-01");
}

TEST(DatetimeFunctionsTest, Arithmetic) {
  auto date = [](const Value& v) { return FormatDate(static_cast<int32_t>(v.GetInt64())); };
  EXPECT_EQ(date(Call("date_add", {D("2016-07-30"), I(1)})), "2016-07-31");
  EXPECT_EQ(date(Call("date_sub", {D("2016-07-30"), I(1)})), "2016-07-29");
  EXPECT_EQ(Call("datediff", {D("2009-07-31"), D("2009-07-30")}).GetInt64(), 1);
  EXPECT_EQ(Call("datediff", {D("2009-07-30"), D("2009-07-31")}).GetInt64(), -1);
  EXPECT_EQ(date(Call("add_months", {D("2016-08-31"), I(1)})), "2016-09-30");
  EXPECT_EQ(date(Call("add_months", {D("2016-01-31"), I(-2)})), "2015-11-30");
  EXPECT_EQ(date(Call("last_day", {D("2009-01-12")})), "2009-01-31");
  EXPECT_EQ(date(Call("next_day", {D("2015-01-14"), S("TU")})), "2015-01-20");
  EXPECT_THROW(Call("next_day", {D("2015-01-14"), S("xx")}), ExecutionError);
  EXPECT_TRUE(Call("next_day", {D("2015-01-14"), S("xx")}, Ctx(false)).is_null());
  EXPECT_EQ(date(Call("make_date", {I(2013), I(7), I(15)})), "2013-07-15");
  EXPECT_THROW(Call("make_date", {I(2019), I(7), I(32)}), ExecutionError);
  EXPECT_TRUE(Call("make_date", {I(2019), I(13), I(1)}, Ctx(false)).is_null());
  EvalContext ctx = Ctx();
  EXPECT_DOUBLE_EQ(Call("months_between", {Ts("1997-02-28 10:30:00", ctx), Ts("1996-10-30", ctx)}).GetDouble(),
                   3.94959677);
  Value mt = Call("make_timestamp", {I(2014), I(12), I(28), I(6), I(30), MakeLiteral(Value::Double(45.887))});
  EXPECT_EQ(FormatTimestamp(mt.GetInt64(), "UTC"), "2014-12-28 06:30:45.887");
  Value f = Call("from_utc_timestamp", {Ts("2016-08-31", ctx), S("Asia/Seoul")});
  EXPECT_EQ(FormatTimestamp(f.GetInt64(), "UTC"), "2016-08-31 09:00:00");
  Value t = Call("to_utc_timestamp", {Ts("2016-08-31", ctx), S("Asia/Seoul")});
  EXPECT_EQ(FormatTimestamp(t.GetInt64(), "UTC"), "2016-08-30 15:00:00");
}

}  // namespace
}  // namespace sluice
