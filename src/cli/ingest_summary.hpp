// cli/ingest_summary: how every verb that loads papers reports its counts, as text or as JSON.
#pragma once

#include <nlohmann/json.hpp>

#include "ingest/ingester.hpp"

namespace paperfeed::cli {

// {"read":N,"inserted":N,"updated":N,"unchanged":N,"rejected":N,"errors":[{"source","location","reason"}],
//  "errors_not_listed":N,"seconds":S} — the `ingest --json` contract; other verbs add their own keys.
nlohmann::json SummaryToJson(const ingest::IngestSummary& summary);

// The rejected records on stderr, then one line of counts on stdout.
void PrintSummary(const ingest::IngestSummary& summary);

}  // namespace paperfeed::cli
