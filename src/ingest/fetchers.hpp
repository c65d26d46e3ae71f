// ingest/fetchers: one-shot live fetches — arXiv API by id, Hugging Face daily lists by date range.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "ingest/http_client.hpp"
#include "ingest/ingester.hpp"

namespace paperfeed::ingest {

inline constexpr const char* kDefaultArxivApiUrl = "https://export.arxiv.org/api/query";
inline constexpr const char* kDefaultHfDailyUrl = "https://huggingface.co/api/daily_papers";

struct ArxivFetchOptions {
  std::string base_url = kDefaultArxivApiUrl;
  size_t ids_per_request = 100;  // arXiv asks for modest slices (https://info.arxiv.org/help/api/user-manual.html)
  std::chrono::milliseconds delay{3'000};  // arXiv's terms: one request every 3 seconds
  HttpOptions http;                        // its `sleep` also serves the pause between requests
};

struct ArxivFetchReport {
  int requests = 0;
  std::vector<std::string> found;    // ids (without version) the API returned, in answer order
  std::vector<std::string> missing;  // asked for but not returned: unknown ids, or rejected entries
};

// Fetches papers by arXiv id (any form ParseArxivId accepts; versions are dropped so the newest
// comes back) with the API's id_list query and ingests the Atom entries. A malformed id is an
// error before any request is sent.
core::Result<ArxivFetchReport> FetchArxivIds(const std::vector<std::string>& ids, Ingester& ingester,
                                             const ArxivFetchOptions& options);

struct HfFetchOptions {
  std::string base_url = kDefaultHfDailyUrl;
  std::string from;                     // YYYY-MM-DD
  std::string to;                       // YYYY-MM-DD, inclusive; empty: same as `from`
  std::optional<std::string> save_dir;  // also write each raw answer to <dir>/<day>.json
  std::chrono::milliseconds delay{1'000};
  bool progress = true;
  HttpOptions http;
};

struct HfFetchReport {
  int days = 0;
  int empty_days = 0;                  // days whose list was an empty array
  std::vector<std::string> saved_files;
  std::vector<std::string> full_days;  // days that filled a whole answer: there may be more entries
};

// Entries asked for per day. The API answers 50 by default (several archived days hold exactly 50),
// up to 100 when asked; no day so far has come near 100.
inline constexpr int kHfEntriesPerRequest = 100;

// Fetches GET <base>?date=D for every day D from `from` to `to` (weekends too: the list has
// entries on some), ingests each answer and optionally keeps it on disk in the layout of
// shared/data/hf-daily-papers.
core::Result<HfFetchReport> FetchHfDaily(Ingester& ingester, const HfFetchOptions& options);

// The days from `from` to `to` inclusive, or an error naming the bad date.
core::Result<std::vector<std::string>> DayRange(const std::string& from, const std::string& to);

}  // namespace paperfeed::ingest
