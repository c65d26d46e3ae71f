#include "mail/digest.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <tuple>

#include "core/calendar.hpp"
#include "core/text.hpp"
#include "core/url.hpp"
#include "mail/mail_config.hpp"
#include "search/search_service.hpp"
#include "store/accounts.hpp"
#include "store/catalogue.hpp"
#include "store/daily_list.hpp"
#include "store/subscriptions.hpp"

namespace paperfeed::mail {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::string HumanDay(const core::CivilDate& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s, %u %s %d", kDays[core::Weekday(core::DaysFromCivil(d))], d.day, kMonths[d.month - 1],
                d.year);
  return buf;
}

std::string ShortDay(const core::CivilDate& d) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%u %s %d", d.day, kMonths[d.month - 1], d.year);
  return buf;
}

// Records ingested before ingest cleaned text may still hold a NUL or a bidi override; the
// digest cleans again, so such a title can never break the subject line.
std::string OneLine(std::string_view text) {
  return core::NormaliseWhitespace(core::SanitisedText(text, core::TextKind::kLine));
}

std::vector<std::string> OneLineEach(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(OneLine(item));
  return out;
}

DigestPaper FromPaper(const core::Paper& p, int64_t upvotes) {
  DigestPaper d;
  d.id = p.id;
  d.title = OneLine(p.title);
  d.authors = OneLineEach(p.authors);
  d.abstract = OneLine(p.abstract);
  d.primary_category = p.primary_category;
  d.published = p.published.substr(0, 10);
  d.upvotes = upvotes;
  d.github_repo = p.github_repo;
  return d;
}

DigestPaper FromRow(const store::DigestPaperRow& p) {
  DigestPaper d;
  d.id = p.id;
  d.title = OneLine(p.title);
  d.authors = OneLineEach(p.authors);
  d.abstract = OneLine(p.abstract);
  d.primary_category = p.primary_category;
  d.published = p.published.substr(0, 10);
  d.upvotes = p.upvotes;
  d.github_repo = p.github_repo;
  return d;
}

// Memoises per (what, key, period); a digest run renders thousands of digests from a few dozen
// distinct questions. The largest list fetched for a question serves every smaller limit.
class CatalogueDigestSource final : public DigestSource {
 public:
  CatalogueDigestSource(store::Catalogue& catalogue, search::SearchService* search)
      : catalogue_(catalogue), search_(search), subscriptions_(catalogue.database()) {}

  Result<std::vector<DigestPaper>> Trending(const DigestPeriodInfo& period, int limit) override {
    return Cached('t', "", period, limit, [&](int n) -> Result<std::vector<DigestPaper>> {
      store::AccountStore accounts(catalogue_.database());
      store::DailyList list(catalogue_.database(), [&accounts](const std::vector<std::string>& ids) {
        return accounts.LocalUpvoteCounts(ids);
      });
      // The same ranking as /trending (store::TrendingScore), over the period's list days.
      auto page = list.Entries(store::DayRange{period.first_day, period.last_day}, store::DailySort::kTrending, n, 0,
                               period.end_unix);
      if (!page) return page.error();
      std::vector<DigestPaper> out;
      for (const auto& item : page->items) out.push_back(FromPaper(item.paper, item.upvotes()));
      return out;
    });
  }

  Result<std::vector<DigestPaper>> Topic(const std::string& query, const DigestPeriodInfo& period, int limit) override {
    return Cached('q', query, period, limit, [&](int n) -> Result<std::vector<DigestPaper>> {
      if (!search_) return MakeError(ErrorCode::kUnavailable, "the search index is not available; build it with 'paperfeed index'");
      search::SearchOptions options;
      options.mode = search::SearchMode::kHybrid;
      options.limit = n;
      options.date_from = period.first_day;
      options.date_to = period.last_day;
      auto results = search_->Search(query, options);
      if (!results) return results.error();
      std::vector<DigestPaper> out;
      for (const auto& hit : results->hits) {
        auto paper = catalogue_.FindPaper(hit.paper_id);
        if (!paper) return paper.error();
        if (paper->has_value()) out.push_back(FromPaper((*paper)->paper, 0));
      }
      return out;
    });
  }

  Result<std::vector<DigestPaper>> Category(const std::string& category, const DigestPeriodInfo& period,
                                            int limit) override {
    return Cached('c', category, period, limit, [&](int n) -> Result<std::vector<DigestPaper>> {
      auto rows = subscriptions_.NewPapersInCategory(category, period.first_day, period.last_day, n);
      if (!rows) return rows.error();
      std::vector<DigestPaper> out;
      for (const auto& r : *rows) out.push_back(FromRow(r));
      return out;
    });
  }

  Result<std::vector<DigestPaper>> Author(const std::string& name, const DigestPeriodInfo& period, int limit) override {
    return Cached('a', name, period, limit, [&](int n) -> Result<std::vector<DigestPaper>> {
      auto rows = subscriptions_.NewPapersByAuthor(name, period.first_day, period.last_day, n);
      if (!rows) return rows.error();
      std::vector<DigestPaper> out;
      for (const auto& r : *rows) out.push_back(FromRow(r));
      return out;
    });
  }

 private:
  struct Entry {
    int fetched_limit = 0;
    std::vector<DigestPaper> papers;
  };
  template <typename Fetch>
  Result<std::vector<DigestPaper>> Cached(char what, const std::string& key, const DigestPeriodInfo& period, int limit,
                                          Fetch fetch) {
    if (limit <= 0) return std::vector<DigestPaper>{};
    auto cache_key = std::make_tuple(what, key, period.key);
    auto it = cache_.find(cache_key);
    bool exhausted = it != cache_.end() && static_cast<int>(it->second.papers.size()) < it->second.fetched_limit;
    if (it == cache_.end() || (it->second.fetched_limit < limit && !exhausted)) {
      int n = std::max(limit, 20);  // one fetch serves the usual range of "top N" preferences
      auto fetched = fetch(n);
      if (!fetched) return fetched.error();
      it = cache_.insert_or_assign(cache_key, Entry{n, std::move(fetched.value())}).first;
    }
    const auto& papers = it->second.papers;
    return std::vector<DigestPaper>(papers.begin(), papers.begin() + std::min<size_t>(papers.size(), limit));
  }

  store::Catalogue& catalogue_;
  search::SearchService* search_;
  store::SubscriptionStore subscriptions_;
  std::map<std::tuple<char, std::string, std::string>, Entry> cache_;
};

// Word-wraps `text` to `width` columns; continuation lines start with `hanging` (default: `indent`).
void WrapInto(std::string& out, std::string_view text, std::string_view indent, size_t width = 76,
              std::optional<std::string_view> hanging = std::nullopt) {
  std::string_view next_indent = hanging.value_or(indent);
  size_t line = indent.size();
  out += indent;
  bool first = true;
  for (const auto& word : core::SplitWhitespace(text)) {
    if (!first && line + 1 + word.size() > width) {
      out += "\n";
      out += next_indent;
      line = next_indent.size();
    } else if (!first) {
      out += ' ';
      ++line;
    }
    out += word;
    line += word.size();
    first = false;
  }
  out += "\n";
}

std::string AuthorLine(const std::vector<std::string>& authors, size_t show) {
  std::string out;
  for (size_t i = 0; i < authors.size() && i < show; ++i) {
    if (i) out += ", ";
    out += authors[i];
  }
  if (authors.size() > show) out += " and " + std::to_string(authors.size() - show) + " more";
  return out;
}

// Cuts UTF-8 text at a character boundary near `max` bytes, adding "…".
std::string Shorten(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  size_t space = text.rfind(' ', cut);
  if (space != std::string_view::npos && space > max / 2) cut = space;
  return std::string(text.substr(0, cut)) + "…";
}

}  // namespace

std::string EscapeHtml(std::string_view text) { return core::HtmlEscape(text); }

std::string PaperUrl(const std::string& base, const std::string& id) {
  std::string b = base;
  while (!b.empty() && b.back() == '/') b.pop_back();
  // Old-style ids keep their slash: the site routes /papers/{archive}/{number}.
  return b + "/papers/" + id;
}

Result<DigestPeriodInfo> PeriodFor(store::DigestPeriod period, const std::optional<std::string>& date,
                                   const core::TimeZone& zone, int64_t now) {
  core::CivilDate day;
  if (date) {
    auto parsed = core::ParseDay(*date);
    if (!parsed) return MakeError(ErrorCode::kInvalidInput, "--date '" + *date + "' must be a real day, YYYY-MM-DD");
    day = *parsed;
  } else {
    int64_t today = core::DaysFromCivil(zone.LocalDate(now));
    day = core::CivilFromDays(period == store::DigestPeriod::kDaily ? today - 1 : today - 7);
  }
  DigestPeriodInfo info;
  info.period = period;
  if (period == store::DigestPeriod::kDaily) {
    info.key = "daily:" + core::FormatDay(day);
    info.first_day = info.last_day = core::FormatDay(day);
    info.label = HumanDay(day);
  } else {
    core::CivilDate monday = core::IsoWeekMonday(day);
    core::CivilDate sunday = core::CivilFromDays(core::DaysFromCivil(monday) + 6);
    std::string week = core::IsoWeekName(day);
    info.key = "weekly:" + week;
    info.first_day = core::FormatDay(monday);
    info.last_day = core::FormatDay(sunday);
    info.label = "week " + week + " (" + ShortDay(monday) + " to " + ShortDay(sunday) + ")";
  }
  auto last = *core::ParseDay(info.last_day);
  info.end_unix = zone.FromLocal(core::CivilFromDays(core::DaysFromCivil(last) + 1), 0, 0);
  return info;
}

std::unique_ptr<DigestSource> MakeCatalogueDigestSource(store::Catalogue& catalogue, search::SearchService* search) {
  return std::make_unique<CatalogueDigestSource>(catalogue, search);
}

Result<Digest> BuildDigest(const store::Subscriber& subscriber, const DigestPeriodInfo& period, DigestSource& source,
                           int per_topic, std::vector<std::string>* warnings) {
  Digest digest;
  digest.period = period;
  auto add = [&](std::string heading, Result<std::vector<DigestPaper>> papers) -> Result<void> {
    if (!papers) {
      // Search being down must not cost everyone their trending digest: the section is left out.
      if (papers.error().code == ErrorCode::kUnavailable || papers.error().code == ErrorCode::kInvalidInput) {
        if (warnings) warnings->push_back(heading + ": " + papers.error().message);
        return {};
      }
      return papers.error();
    }
    if (!papers->empty()) digest.sections.push_back({std::move(heading), std::move(papers.value())});
    return {};
  };
  if (subscriber.top_n > 0) {
    if (auto r = add("Trending", source.Trending(period, subscriber.top_n)); !r) return r.error();
  }
  for (const auto& topic : subscriber.topics) {
    if (auto r = add("Saved search: " + topic, source.Topic(topic, period, per_topic)); !r) return r.error();
  }
  for (const auto& category : subscriber.categories) {
    if (auto r = add("New in " + category, source.Category(category, period, per_topic)); !r) return r.error();
  }
  for (const auto& author : subscriber.authors) {
    if (auto r = add("New from " + author, source.Author(author, period, per_topic)); !r) return r.error();
  }
  return digest;
}

RenderedDigest RenderDigest(const Digest& digest, const DigestLinks& links, const MailConfig& config) {
  RenderedDigest out;
  bool daily = digest.period.period == store::DigestPeriod::kDaily;
  std::string what = daily ? "daily papers" : "weekly papers";
  std::string lead = digest.sections.empty() || digest.sections.front().papers.empty()
                         ? std::string()
                         : ": " + Shorten(digest.sections.front().papers.front().title, 90);
  out.subject = "Your " + what + ", " + digest.period.label + lead;

  std::string base = config.public_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();

  // Plain text: what a text-only reader or a screen reader gets; every link on its own line.
  std::string& t = out.text;
  t += config.site_name + " - your " + what + " for " + digest.period.label + "\n\n";
  std::string& h = out.html;
  h += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + EscapeHtml(out.subject) +
       "</title></head>\n<body style=\"font-family:Helvetica,Arial,sans-serif;max-width:640px;margin:0 auto;"
       "padding:16px;color:#222\">\n";
  h += "<p style=\"color:#666\">" + EscapeHtml(config.site_name) + " &middot; your " + what + " for " +
       EscapeHtml(digest.period.label) + "</p>\n";
  for (const auto& section : digest.sections) {
    t += section.heading + "\n" + std::string(std::min<size_t>(section.heading.size(), 76), '=') + "\n\n";
    h += "<h2 style=\"font-size:18px;border-bottom:1px solid #ddd\">" + EscapeHtml(section.heading) + "</h2>\n<ol>\n";
    int n = 0;
    for (const auto& p : section.papers) {
      std::string url = PaperUrl(base, p.id);
      std::string meta = p.id;
      for (const std::string& part : {p.primary_category, p.published,
                                      p.upvotes > 0 ? std::to_string(p.upvotes) + " upvotes" : std::string()}) {
        if (!part.empty()) meta += " · " + part;
      }
      WrapInto(t, std::to_string(++n) + ". " + p.title, "", 76, "   ");
      if (!p.authors.empty()) WrapInto(t, AuthorLine(p.authors, 3), "   ");
      WrapInto(t, meta, "   ");
      t += "   " + url + "\n\n";
      h += "<li style=\"margin-bottom:14px\"><a href=\"" + EscapeHtml(url) + "\" style=\"font-weight:bold;color:#1a0dab\">" +
           EscapeHtml(p.title) + "</a><br>\n";
      if (!p.authors.empty())
        h += "<span style=\"color:#555\">" + EscapeHtml(AuthorLine(p.authors, 3)) + "</span><br>\n";
      h += "<span style=\"color:#777;font-size:13px\">" + EscapeHtml(meta) + "</span>";
      if (!p.abstract.empty()) h += "<br>\n<span style=\"font-size:14px\">" + EscapeHtml(Shorten(p.abstract, 300)) + "</span>";
      // The same rule as the site's pages: only absolute http(s) links from records.
      if (auto repo = core::SafeHttpUrl(p.github_repo.value_or("")))
        h += "<br>\n<a href=\"" + EscapeHtml(*repo) + "\">code</a>";
      h += "</li>\n";
    }
    h += "</ol>\n";
  }
  t += "--\nYou get this because you subscribed at " + base + "/subscribe\n";
  t += "Change what you get: " + links.preferences + "\n";
  t += "Unsubscribe (one click): " + links.unsubscribe + "\n";
  h += "<hr><p style=\"color:#777;font-size:12px\">You get this because you subscribed at " + EscapeHtml(base) +
       ". <a href=\"" + EscapeHtml(links.preferences) + "\">Change what you get</a> &middot; <a href=\"" +
       EscapeHtml(links.unsubscribe) + "\">Unsubscribe</a></p>\n</body></html>\n";
  return out;
}

}  // namespace paperfeed::mail
