// mail/digest: what one subscriber's digest holds for one period (trending papers, and per saved
// search, category and author the period's new papers), and its text and HTML renderings.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "core/result.hpp"
#include "store/subscriptions.hpp"

namespace paperfeed::store {
class Catalogue;
}
namespace paperfeed::search {
class SearchService;
}

namespace paperfeed::mail {

struct MailConfig;

// A paper as a digest shows it.
struct DigestPaper {
  std::string id;
  std::string title;
  std::vector<std::string> authors;
  std::string abstract;
  std::string primary_category;
  std::string published;  // YYYY-MM-DD
  int64_t upvotes = 0;
  std::optional<std::string> github_repo;
};

struct DigestSection {
  std::string heading;  // "Trending", "Saved search: diffusion models", "cs.LG", "Author: Ada Lovelace"
  std::vector<DigestPaper> papers;
};

// The period a digest covers: days are calendar days of the configured time zone.
struct DigestPeriodInfo {
  store::DigestPeriod period = store::DigestPeriod::kDaily;
  std::string key;        // "daily:2026-08-21" / "weekly:2026-W34": one digest per subscriber and key
  std::string first_day;  // YYYY-MM-DD
  std::string last_day;   // YYYY-MM-DD
  std::string label;      // "Fri, 21 Aug 2026" / "week 2026-W34 (17–23 Aug 2026)"
  int64_t end_unix = 0;   // the end of the last day, for "now" in the trending score
};

// The period that `date` falls in; without a date, the last complete one before `now` (yesterday
// for daily, last week for weekly — a digest describes days that are over).
core::Result<DigestPeriodInfo> PeriodFor(store::DigestPeriod period, const std::optional<std::string>& date,
                                         const core::TimeZone& zone, int64_t now);

// Where digest content comes from: the site's own ranking and search. Results for the same
// arguments are the same for every subscriber, so an implementation may cache them.
class DigestSource {
 public:
  virtual ~DigestSource() = default;
  // The period's daily-list papers by the site's trending score.
  virtual core::Result<std::vector<DigestPaper>> Trending(const DigestPeriodInfo& period, int limit) = 0;
  // Hybrid search over the papers first published in the period.
  virtual core::Result<std::vector<DigestPaper>> Topic(const std::string& query, const DigestPeriodInfo& period,
                                                       int limit) = 0;
  virtual core::Result<std::vector<DigestPaper>> Category(const std::string& category, const DigestPeriodInfo& period,
                                                          int limit) = 0;
  virtual core::Result<std::vector<DigestPaper>> Author(const std::string& name, const DigestPeriodInfo& period,
                                                        int limit) = 0;
};

// The catalogue's daily list (store::DailyList, the same trending ranking as /trending), the search
// service for topics (nullptr: topics are left out and a warning is logged once), and the catalogue
// for categories and authors. Memoises every answer, so 10,000 subscribers cost a few queries each.
std::unique_ptr<DigestSource> MakeCatalogueDigestSource(store::Catalogue& catalogue, search::SearchService* search);

struct Digest {
  DigestPeriodInfo period;
  std::vector<DigestSection> sections;  // only sections with papers
  bool empty() const { return sections.empty(); }
};

// Collects a subscriber's sections. A topic whose search fails is left out (and reported in
// `warnings`) rather than stopping every digest.
core::Result<Digest> BuildDigest(const store::Subscriber& subscriber, const DigestPeriodInfo& period,
                                 DigestSource& source, int per_topic, std::vector<std::string>* warnings = nullptr);

struct DigestLinks {
  std::string preferences;
  std::string unsubscribe;
};

struct RenderedDigest {
  std::string subject;
  std::string text;
  std::string html;
};

// The digest as text and HTML, linking each paper to its page under config.public_base_url.
RenderedDigest RenderDigest(const Digest& digest, const DigestLinks& links, const MailConfig& config);

// "<base>/papers/<id>", with the base's trailing slash dropped.
std::string PaperUrl(const std::string& base, const std::string& id);
// Escapes & < > " ' for HTML text and attributes.
std::string EscapeHtml(std::string_view text);

}  // namespace paperfeed::mail
