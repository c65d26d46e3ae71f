// ingest/harvester: the OAI-PMH ListRecords loop — resumable, polite, and crash-safe page by page.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "ingest/http_client.hpp"
#include "ingest/ingester.hpp"
#include "store/catalogue.hpp"

namespace paperfeed::ingest {

inline constexpr const char* kDefaultOaiBaseUrl = "https://export.arxiv.org/oai2";

struct HarvestOptions {
  std::string base_url = kDefaultOaiBaseUrl;
  std::string set;                     // an arXiv set: "cs", "math", "physics:hep-th"
  std::optional<std::string> from;     // YYYY-MM-DD; absent: continue from the saved datestamp
  std::optional<std::string> until;    // YYYY-MM-DD, inclusive
  std::string metadata_prefix = "arXiv";  // or "arXivRaw"
  // Pause between requests. arXiv's terms ask for no more than one request every 3 seconds
  // (https://info.arxiv.org/help/api/tou.html).
  std::chrono::milliseconds delay{3'000};
  bool progress = true;                // a progress bar on a terminal
  HttpOptions http;                    // its `sleep` also serves the pause between requests
  // Checked after each committed page: when set, the harvest stops there (its state is saved, so
  // the next run resumes). For `serve` stopping mid-harvest.
  const std::atomic<bool>* stop = nullptr;
};

// What a harvest did beside the counts (those are in the Ingester's summary).
struct HarvestReport {
  int pages = 0;
  bool resumed = false;        // continued from a saved resumption token
  bool restarted = false;      // a saved token was refused (expired); started again from `from`
  bool no_records = false;     // the repository had nothing in the range (noRecordsMatch)
  std::optional<std::string> from;            // the `from` the list was asked with
  std::optional<std::string> last_datestamp;  // saved for the next run
  std::optional<int64_t> complete_list_size;
};

// The harvest_state key of a set: "oai:cs".
std::string HarvestStateKey(const std::string& set);

// Harvests `options.set` into the catalogue through `ingester`. Each page is committed before the
// resumption token that points past it is saved, so an interrupted harvest resumes where it
// stopped and never skips a page; when the list is complete the newest datestamp is saved and the
// next run asks from it (OAI-PMH `from` is inclusive, so the boundary day comes back "unchanged").
// On failure the saved state is left pointing at the page that failed: rerunning resumes there.
core::Result<HarvestReport> HarvestOai(store::Catalogue& catalogue, Ingester& ingester, const HarvestOptions& options);

}  // namespace paperfeed::ingest
