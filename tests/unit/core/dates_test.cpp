#include "core/dates.hpp"

#include <gtest/gtest.h>

namespace paperfeed::core {
namespace {

TEST(DatesTest, ConvertsRfc5322DatesOfTheBulkDump) {
  EXPECT_EQ(Rfc5322ToIso("Mon, 2 Apr 2007 19:18:42 GMT").value(), "2007-04-02T19:18:42Z");
  EXPECT_EQ(Rfc5322ToIso("Sat, 01 Dec 2018 00:00:00 GMT").value(), "2018-12-01T00:00:00Z");
}

TEST(DatesTest, RejectsImpossibleDates) {
  EXPECT_FALSE(Rfc5322ToIso("Mon, 31 Feb 2007 19:18:42 GMT").ok());
  EXPECT_FALSE(Rfc5322ToIso("yesterday").ok());
  EXPECT_FALSE(NormaliseIso("2024-13-01").ok());
  EXPECT_FALSE(NormaliseIso("2024-02-30").ok());
}

TEST(DatesTest, NormalisesIsoVariantsToUtc) {
  EXPECT_EQ(NormaliseIso("2024-02-29").value(), "2024-02-29T00:00:00Z");
  EXPECT_EQ(NormaliseIso("2026-08-21T00:00:00.000Z").value(), "2026-08-21T00:00:00Z");
  EXPECT_EQ(NormaliseIso("2025-10-17T00:00:00-04:00").value(), "2025-10-17T04:00:00Z");
  EXPECT_EQ(NormaliseIso("2025-01-01T01:00:00+02:00").value(), "2024-12-31T23:00:00Z");
}

TEST(DatesTest, RoundTripsUnixTime) {
  EXPECT_EQ(IsoToUnix("1970-01-01T00:00:00Z").value(), 0);
  EXPECT_EQ(UnixToIso(IsoToUnix("2026-11-29T16:46:09Z").value()), "2026-11-29T16:46:09Z");
  EXPECT_EQ(UnixToIso(-86400), "1969-12-31T00:00:00Z");
}

}  // namespace
}  // namespace paperfeed::core
