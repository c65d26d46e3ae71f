// core/dates: the date formats our sources use, turned into ISO 8601 UTC (calendar arithmetic is
// core/calendar).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace paperfeed::core {

// "Mon, 2 Apr 2007 19:18:42 GMT" (RFC 5322 date, as in arXiv's bulk dump) -> "2007-04-02T19:18:42Z".
Result<std::string> Rfc5322ToIso(std::string_view text);

// Any of "2007-04-02", "2007-04-02T19:18:42Z", "2007-04-02T19:18:42.000Z", "2007-04-02T19:18:42-04:00"
// -> "2007-04-02T19:18:42Z" (a bare date becomes midnight UTC).
Result<std::string> NormaliseIso(std::string_view text);

// Seconds since the epoch for an ISO 8601 UTC string produced above.
Result<int64_t> IsoToUnix(std::string_view iso);
std::string UnixToIso(int64_t seconds);

// True for a valid "YYYY-MM-DD".
bool IsIsoDay(std::string_view text);
// Days since 1970-01-01 of a valid "YYYY-MM-DD"; nullopt otherwise.
std::optional<int64_t> DaysFromIsoDay(std::string_view text);

}  // namespace paperfeed::core
