// Tests for src/types/datetime.h: calendar math, time zones (UTC, fixed offsets, America/Los_Angeles
// with DST), CAST-style parsing, patterns, renderings and durations.
#include "types/datetime.h"

#include <gtest/gtest.h>

#include "sluice/exception.h"

namespace sluice {
namespace {

int64_t Utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int64_t us = 0) {
  return static_cast<int64_t>(DaysFromCivil(y, mo, d)) * kMicrosPerDay + h * kMicrosPerHour +
         mi * kMicrosPerMinute + s * kMicrosPerSecond + us;
}

TEST(DatetimeTest, CivilRoundTrip) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2024, 3, 1), 19783);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  for (int64_t d : {-800000, -1, 0, 59, 19783, 2932896}) {
    int64_t y;
    unsigned m, day;
    CivilFromDays(d, &y, &m, &day);
    EXPECT_EQ(DaysFromCivil(y, m, day), d);
  }
}

TEST(DatetimeTest, ZoneOffsets) {
  EXPECT_EQ(ZoneOffsetMicros("UTC", 0), 0);
  EXPECT_EQ(ZoneOffsetMicros("Z", 0), 0);
  EXPECT_EQ(ZoneOffsetMicros("+02:00", 0), 2 * kMicrosPerHour);
  EXPECT_EQ(ZoneOffsetMicros("-08:30", 0), -(8 * kMicrosPerHour + 30 * kMicrosPerMinute));
  EXPECT_EQ(ZoneOffsetMicros("GMT+1", 0), kMicrosPerHour);
  // Los Angeles: PST in January, PDT in July; also far in the future (POSIX rule).
  EXPECT_EQ(ZoneOffsetMicros("America/Los_Angeles", Utc(2024, 1, 15)), -8 * kMicrosPerHour);
  EXPECT_EQ(ZoneOffsetMicros("America/Los_Angeles", Utc(2024, 7, 15)), -7 * kMicrosPerHour);
  EXPECT_EQ(ZoneOffsetMicros("America/Los_Angeles", Utc(2090, 7, 15)), -7 * kMicrosPerHour);
  EXPECT_EQ(ZoneOffsetMicros("America/Los_Angeles", Utc(2090, 12, 15)), -8 * kMicrosPerHour);
  // DST starts 2024-03-10 02:00 PST = 10:00 UTC.
  EXPECT_EQ(ZoneOffsetMicros("America/Los_Angeles", Utc(2024, 3, 10, 9, 59, 59)), -8 * kMicrosPerHour);
  EXPECT_EQ(ZoneOffsetMicros("America/Los_Angeles", Utc(2024, 3, 10, 10)), -7 * kMicrosPerHour);
  EXPECT_EQ(ZoneOffsetMicros("PST", Utc(2024, 7, 15)), -7 * kMicrosPerHour);
  EXPECT_THROW(ZoneOffsetMicros("Mars/Olympus", 0), ExecutionError);
}

TEST(DatetimeTest, LocalToUtcGapsAndOverlaps) {
  const char* la = "America/Los_Angeles";
  EXPECT_EQ(LocalToUtc(la, Utc(2024, 1, 1)), Utc(2024, 1, 1, 8));
  // Gap: 02:30 does not exist on 2024-03-10; Java shifts forward to 03:30 PDT = 10:30 UTC.
  EXPECT_EQ(LocalToUtc(la, Utc(2024, 3, 10, 2, 30)), Utc(2024, 3, 10, 10, 30));
  // Overlap: 01:30 on 2024-11-03 happens twice; Java keeps the earlier offset (PDT).
  EXPECT_EQ(LocalToUtc(la, Utc(2024, 11, 3, 1, 30)), Utc(2024, 11, 3, 8, 30));
  EXPECT_EQ(LocalToUtc("+02:00", Utc(2024, 1, 1, 2)), Utc(2024, 1, 1));
}

TEST(DatetimeTest, ParseDate) {
  EXPECT_EQ(ParseDate("2024-01-05"), DaysFromCivil(2024, 1, 5));
  EXPECT_EQ(ParseDate(" 2024-1-5 "), DaysFromCivil(2024, 1, 5));
  EXPECT_EQ(ParseDate("2024"), DaysFromCivil(2024, 1, 1));
  EXPECT_EQ(ParseDate("2024-02"), DaysFromCivil(2024, 2, 1));
  EXPECT_EQ(ParseDate("2024-01-05T10:00:00"), DaysFromCivil(2024, 1, 5));
  EXPECT_EQ(ParseDate("2024-01-05 anything"), DaysFromCivil(2024, 1, 5));
  EXPECT_FALSE(ParseDate("2024-02-30"));
  EXPECT_FALSE(ParseDate("abc"));
  EXPECT_FALSE(ParseDate("24-01-01"));
  EXPECT_FALSE(ParseDate(""));
  EXPECT_FALSE(ParseDate("2024-13-01"));
}

TEST(DatetimeTest, ParseTimestamp) {
  EXPECT_EQ(ParseTimestamp("2024-01-01 10:00:00", "UTC"), Utc(2024, 1, 1, 10));
  EXPECT_EQ(ParseTimestamp("2024-01-01T10:00:00.5", "UTC"), Utc(2024, 1, 1, 10, 0, 0, 500000));
  EXPECT_EQ(ParseTimestamp("2024-01-01 10:00:00.123456789", "UTC"), Utc(2024, 1, 1, 10, 0, 0, 123456));
  EXPECT_EQ(ParseTimestamp("2024-01-01 10:00", "UTC"), Utc(2024, 1, 1, 10));
  EXPECT_EQ(ParseTimestamp("2024-01-01", "UTC"), Utc(2024, 1, 1));
  EXPECT_EQ(ParseTimestamp("2024-01-01 10:00:00Z", "America/Los_Angeles"), Utc(2024, 1, 1, 10));
  EXPECT_EQ(ParseTimestamp("2024-01-01T10:00:00+02:00", "UTC"), Utc(2024, 1, 1, 8));
  EXPECT_EQ(ParseTimestamp("2024-01-01 10:00:00 UTC", "America/Los_Angeles"), Utc(2024, 1, 1, 10));
  EXPECT_EQ(ParseTimestamp("2024-01-01 10:00:00 America/Los_Angeles", "UTC"), Utc(2024, 1, 1, 18));
  EXPECT_EQ(ParseTimestamp("2024-07-01 10:00:00", "America/Los_Angeles"), Utc(2024, 7, 1, 17));
  EXPECT_FALSE(ParseTimestamp("2024-01-01 25:00:00", "UTC"));
  EXPECT_FALSE(ParseTimestamp("not a time", "UTC"));
  EXPECT_FALSE(ParseTimestamp("2024-01-01 10:00:00 Nowhere/Zone", "UTC"));
  EXPECT_EQ(ParseTimestampNtz("2024-01-01 10:00:00"), Utc(2024, 1, 1, 10));
  EXPECT_FALSE(ParseTimestampNtz("2024-01-01 10:00:00Z"));
}

TEST(DatetimeTest, FormatTimestamp) {
  EXPECT_EQ(FormatDate(DaysFromCivil(2024, 1, 5)), "2024-01-05");
  EXPECT_EQ(FormatTimestamp(Utc(2024, 1, 1, 10), "UTC"), "2024-01-01 10:00:00");
  EXPECT_EQ(FormatTimestamp(Utc(2024, 1, 1, 10, 0, 0, 500000), "UTC"), "2024-01-01 10:00:00.5");
  EXPECT_EQ(FormatTimestamp(Utc(2024, 1, 1, 10, 0, 0, 123), "UTC"), "2024-01-01 10:00:00.000123");
  EXPECT_EQ(FormatTimestamp(Utc(2024, 1, 1, 10), "America/Los_Angeles"), "2024-01-01 02:00:00");
  EXPECT_EQ(FormatTimestamp(Utc(2024, 7, 1, 10), "America/Los_Angeles"), "2024-07-01 03:00:00");
  EXPECT_EQ(FormatTimestamp(-1, "UTC"), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(FormatTimestampNtz(Utc(2024, 1, 1)), "2024-01-01 00:00:00");
}

TEST(DatetimeTest, Patterns) {
  int64_t t = Utc(2024, 3, 5, 14, 7, 9, 120000);
  EXPECT_EQ(FormatTimestampWithPattern(t, "yyyy-MM-dd HH:mm:ss", "UTC"), "2024-03-05 14:07:09");
  EXPECT_EQ(FormatTimestampWithPattern(t, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "UTC"), "2024-03-05T14:07:09.120Z");
  EXPECT_EQ(FormatTimestampWithPattern(t, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "America/Los_Angeles"),
            "2024-03-05T06:07:09.120-08:00");
  EXPECT_EQ(FormatTimestampWithPattern(t, "d/M/yy h:mm a", "UTC"), "5/3/24 2:07 PM");
  EXPECT_EQ(FormatTimestampWithPattern(t, "EEE, dd MMM yyyy", "UTC"), "Tue, 05 Mar 2024");
  EXPECT_EQ(FormatTimestampWithPattern(t, "EEEE MMMM", "UTC"), "Tuesday March");
  EXPECT_EQ(FormatTimestampWithPattern(t, "z Z x", "America/Los_Angeles"), "PST -0800 -08");
  EXPECT_EQ(FormatTimestampWithPattern(Utc(2024, 7, 1), "z", "America/Los_Angeles"), "PDT");
  EXPECT_EQ(FormatTimestampWithPattern(t, "''yyyy'' 'at' HH", "UTC"), "'2024' at 14");

  EXPECT_EQ(ParseTimestampWithPattern("2024-03-05 14:07:09", "yyyy-MM-dd HH:mm:ss", "UTC"), Utc(2024, 3, 5, 14, 7, 9));
  EXPECT_EQ(ParseTimestampWithPattern("05/03/2024", "dd/MM/yyyy", "UTC"), Utc(2024, 3, 5));
  EXPECT_EQ(ParseTimestampWithPattern("20240305", "yyyyMMdd", "UTC"), Utc(2024, 3, 5));
  EXPECT_EQ(ParseTimestampWithPattern("2024-03-05T14:07:09.120+02:00", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "UTC"),
            Utc(2024, 3, 5, 12, 7, 9, 120000));
  EXPECT_EQ(ParseTimestampWithPattern("2024-03-05T14:07:09.120Z", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "America/Los_Angeles"),
            Utc(2024, 3, 5, 14, 7, 9, 120000));
  EXPECT_EQ(ParseTimestampWithPattern("2024-07-01 00:00", "yyyy-MM-dd HH:mm", "America/Los_Angeles"),
            Utc(2024, 7, 1, 7));
  EXPECT_EQ(ParseTimestampWithPattern("5 Mar 2024 2:07 PM", "d MMM yyyy h:mm a", "UTC"), Utc(2024, 3, 5, 14, 7));
  EXPECT_FALSE(ParseTimestampWithPattern("2024-03-05", "yyyy-MM-dd HH:mm", "UTC"));
  EXPECT_FALSE(ParseTimestampWithPattern("2024-02-30", "yyyy-MM-dd", "UTC"));
  EXPECT_FALSE(ParseTimestampWithPattern("2024-03-05x", "yyyy-MM-dd", "UTC"));
}

TEST(DatetimeTest, FormatInterval) {
  EXPECT_EQ(FormatInterval(5 * kMicrosPerMinute), "INTERVAL '0 00:05:00' DAY TO SECOND");
  EXPECT_EQ(FormatInterval(kMicrosPerDay + 2 * kMicrosPerHour + 1500000),
            "INTERVAL '1 02:00:01.5' DAY TO SECOND");
  EXPECT_EQ(FormatInterval(-10 * kMicrosPerSecond), "INTERVAL '-0 00:00:10' DAY TO SECOND");
}

TEST(DatetimeTest, Durations) {
  EXPECT_EQ(ParseDurationMicros("10 minutes"), 10 * kMicrosPerMinute);
  EXPECT_EQ(ParseDurationMicros("10 minute"), 10 * kMicrosPerMinute);
  EXPECT_EQ(ParseDurationMicros("1 hour"), kMicrosPerHour);
  EXPECT_EQ(ParseDurationMicros("5 seconds"), 5 * kMicrosPerSecond);
  EXPECT_EQ(ParseDurationMicros("500 milliseconds"), 500000);
  EXPECT_EQ(ParseDurationMicros("3 days"), 3 * kMicrosPerDay);
  EXPECT_EQ(ParseDurationMicros("1 week"), 7 * kMicrosPerDay);
  EXPECT_EQ(ParseDurationMicros("2 hours 30 minutes"), 150 * kMicrosPerMinute);
  EXPECT_EQ(ParseDurationMicros("interval 10 minutes"), 10 * kMicrosPerMinute);
  EXPECT_EQ(ParseDurationMicros("INTERVAL 1 DAY"), kMicrosPerDay);
  EXPECT_EQ(ParseDurationMicros("1.5 seconds"), 1500000);
  EXPECT_EQ(ParseDurationMicros("-5 seconds"), -5 * kMicrosPerSecond);
  EXPECT_EQ(ParseDurationMicros("100 microseconds"), 100);
  EXPECT_THROW(ParseDurationMicros("1 month"), ParseError);
  EXPECT_THROW(ParseDurationMicros("10 parsecs"), ParseError);
  EXPECT_THROW(ParseDurationMicros(""), ParseError);
  EXPECT_THROW(ParseDurationMicros("minutes"), ParseError);
}

}  // namespace
}  // namespace sluice
