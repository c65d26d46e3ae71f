// Feeds for every view: Atom 1.0 (RFC 4287) and JSON Feed 1.1 (https://jsonfeed.org/version/1.1)
// for the daily list, trending, any search and any category.
#include <algorithm>

#include "core/text.hpp"
#include "core/url.hpp"
#include "store/daily_list.hpp"
#include "web/feeds.hpp"
#include "web/handlers.hpp"
#include "web/params.hpp"
#include "web/search_glue.hpp"

namespace paperfeed::web {
namespace {

// XML 1.0 allows only tab, CR, LF and Unicode characters past U+001F but U+FFFE/U+FFFF (§2.2), in
// well-formed UTF-8 (§4.3.3): core::SanitiseText leaves exactly those, so any text (a query echoed
// into a search feed, a record stored before ingest cleaned it) makes well-formed XML.
std::string XmlText(std::string_view text) { return Escape(core::SanitisedText(text, core::TextKind::kMultiline)); }

std::string Rfc3339(std::string_view iso_or_day) {
  if (iso_or_day.size() == 10) return std::string(iso_or_day) + "T00:00:00Z";
  if (iso_or_day.empty()) return "1970-01-01T00:00:00Z";
  return std::string(iso_or_day);
}

std::string PlainSummary(const core::Paper& p) { return TexToPlain(core::NormaliseWhitespace(p.abstract)); }

}  // namespace

std::string AtomFeed(const FeedSite& site, const FeedMeta& meta, const std::vector<FeedItem>& items) {
  const std::string& base = site.base;
  std::string updated = "1970-01-01T00:00:00Z";
  for (const auto& item : items) updated = std::max(updated, item.updated);
  std::string out;
  out.reserve(4096 + items.size() * 1500);
  out += "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  out += "<id>" + XmlText(base + meta.self_path) + "</id>\n";
  out += "<title>" + XmlText(meta.title) + "</title>\n";
  if (!meta.subtitle.empty()) out += "<subtitle>" + XmlText(meta.subtitle) + "</subtitle>\n";
  out += "<updated>" + XmlText(updated) + "</updated>\n";
  out += "<author><name>" + XmlText(site.name) + "</name></author>\n";
  out += "<link rel=\"self\" type=\"application/atom+xml\" href=\"" + XmlText(base + meta.self_path) + "\"/>\n";
  out += "<link rel=\"alternate\" type=\"text/html\" href=\"" + XmlText(base + meta.html_path) + "\"/>\n";
  out += "<generator>paperfeed</generator>\n";
  for (const auto& item : items) {
    const core::Paper& p = *item.paper;
    out += "<entry>\n<id>https://arxiv.org/abs/" + XmlText(p.id) + "</id>\n";
    out += "<title>" + XmlText(TexToPlain(core::NormaliseWhitespace(p.title))) + "</title>\n";
    out += "<updated>" + XmlText(item.updated) + "</updated>\n";
    if (!p.published.empty()) out += "<published>" + XmlText(Rfc3339(p.published)) + "</published>\n";
    for (const auto& a : p.authors) out += "<author><name>" + XmlText(a) + "</name></author>\n";
    out += "<link rel=\"alternate\" type=\"text/html\" href=\"" + XmlText(base + "/papers/" + p.id) + "\"/>\n";
    out += "<link rel=\"related\" type=\"text/html\" href=\"https://arxiv.org/abs/" + XmlText(p.id) + "\"/>\n";
    if (auto repo = core::SafeHttpUrl(p.github_repo.value_or("")))
      out += "<link rel=\"related\" title=\"Code\" href=\"" + XmlText(*repo) + "\"/>\n";
    for (const auto& c : p.categories) out += "<category term=\"" + XmlText(c) + "\"/>\n";
    std::string summary = PlainSummary(p);
    if (item.upvotes >= 0) summary = std::to_string(item.upvotes) + " upvotes. " + summary;
    out += "<summary type=\"text\">" + XmlText(summary) + "</summary>\n</entry>\n";
  }
  out += "</feed>\n";
  return out;
}

nlohmann::json JsonFeed(const FeedSite& site, const FeedMeta& meta, const std::vector<FeedItem>& items) {
  const std::string& base = site.base;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& item : items) {
    const core::Paper& p = *item.paper;
    nlohmann::json authors = nlohmann::json::array();
    for (const auto& a : p.authors) authors.push_back({{"name", a}});
    nlohmann::json entry = {{"id", "https://arxiv.org/abs/" + p.id},
                            {"url", base + "/papers/" + p.id},
                            {"external_url", "https://arxiv.org/abs/" + p.id},
                            {"title", TexToPlain(core::NormaliseWhitespace(p.title))},
                            {"content_text", PlainSummary(p)},
                            {"date_modified", item.updated},
                            {"authors", authors},
                            {"tags", p.categories}};
    if (!p.published.empty()) entry["date_published"] = Rfc3339(p.published);
    if (item.upvotes >= 0) entry["_paperfeed"] = {{"upvotes", item.upvotes}, {"day", item.day}};
    list.push_back(std::move(entry));
  }
  nlohmann::json feed = {{"version", "https://jsonfeed.org/version/1.1"},
                         {"title", meta.title},
                         {"home_page_url", base + meta.html_path},
                         {"feed_url", base + meta.self_path},
                         {"authors", {{{"name", site.name}}}},
                         {"items", std::move(list)}};
  if (!meta.subtitle.empty()) feed["description"] = meta.subtitle;
  return feed;
}

namespace {

void SendAtom(Response& res, Context& ctx, const FeedMeta& meta, const std::vector<FeedItem>& items) {
  res.SetText(AtomFeed({ctx.BaseUrl(), ctx.site().site_name}, meta, items), "application/atom+xml; charset=utf-8");
}

void SendJsonFeed(Response& res, Context& ctx, const FeedMeta& meta, const std::vector<FeedItem>& items) {
  res.SetJson(JsonFeed({ctx.BaseUrl(), ctx.site().site_name}, meta, items));
  res.content_type = "application/feed+json";
}

// Sends the feed in `format` ("atom" or "json"); anything else is a 404.
void SendFeed(Response& res, Context& ctx, std::string_view format, FeedMeta meta, const std::vector<FeedItem>& items) {
  if (format == "atom") return SendAtom(res, ctx, meta, items);
  if (format == "json") {
    // The self link names the JSON variant.
    if (core::EndsWith(meta.self_path, ".atom") || meta.self_path.find(".atom?") != std::string::npos) {
      auto pos = meta.self_path.find(".atom");
      meta.self_path.replace(pos, 5, ".json");
    }
    return SendJsonFeed(res, ctx, meta, items);
  }
  SetJsonError(res, 404, "not_found", "feeds come as .atom or .json");
}

std::vector<FeedItem> ItemsFromList(const std::vector<store::DailyListItem>& list) {
  std::vector<FeedItem> items;
  for (const auto& item : list) {
    FeedItem f;
    f.paper = &item.paper;
    f.day = item.entry.day;
    f.updated = Rfc3339(item.entry.day);
    f.upvotes = item.upvotes();
    items.push_back(std::move(f));
  }
  return items;
}

}  // namespace

void DailyFeed(const Request& req, Response& res, Context& ctx) {
  std::string format = req.PathParam("format");
  auto latest = ctx.daily_list().LatestDay(store::NewYorkDay(ctx.now()));
  if (!latest) return SetJsonError(res, latest.error());
  std::vector<store::DailyListItem> entries;
  if (latest.value()) {
    // The last seven days that end with the newest list, newest day first, most upvoted first.
    auto list = ctx.daily_list().Entries({store::AddDays(**latest, -6), **latest}, store::DailySort::kUpvotes, 1000, 0);
    if (!list) return SetJsonError(res, list.error());
    entries = std::move(list->items);
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.entry.day > b.entry.day; });
    if (entries.size() > 100) entries.resize(100);
  }
  SendFeed(res, ctx, format, {"Daily papers", "/feeds/daily.atom", "/", "The daily list, most upvoted first"},
           ItemsFromList(entries));
}

void TrendingFeed(const Request& req, Response& res, Context& ctx) {
  auto list = ctx.daily_list().Trending(ctx.now(), 50, 0);
  if (!list) return SetJsonError(res, list.error());
  SendFeed(res, ctx, req.PathParam("format"),
           {"Trending papers", "/feeds/trending.atom", "/trending", std::string(store::kTrendingFormula)},
           ItemsFromList(list->items));
}

// The most relevant papers a search feed picks its newest entries from.
constexpr int kSearchFeedCandidates = 100;

void SearchFeed(const Request& req, Response& res, Context& ctx) {
  auto query = ParseSearchQuery(req, 30, 100);
  if (!query) return SetJsonError(res, query.error());
  if (query->q.empty()) return SetJsonError(res, 400, "invalid_input", "parameter 'q' is required: the search to follow");
  // A reader shows entries newest first and only notices new ones: the feed is the newest of the
  // most relevant, not the top by relevance, or a new matching paper might never reach it.
  const int shown = query->limit;
  SearchQuery relevant = *query;
  relevant.offset = 0;
  relevant.limit = kSearchFeedCandidates;
  auto outcome = RunSearch(ctx, relevant, false);
  if (!outcome) return SetJsonError(res, outcome.error());
  std::vector<FeedItem> items;
  for (const auto& found : outcome->papers) {
    FeedItem f;
    f.paper = &found.paper;
    f.updated = Rfc3339(found.paper.updated.empty() ? found.paper.published : found.paper.updated);
    items.push_back(std::move(f));
  }
  std::stable_sort(items.begin(), items.end(), [](const FeedItem& a, const FeedItem& b) { return a.updated > b.updated; });
  if (items.size() > static_cast<size_t>(shown)) items.resize(static_cast<size_t>(shown));
  std::string qs = "?q=" + UrlEncode(query->q);
  if (query->mode != "hybrid") qs += "&mode=" + query->mode;
  if (!query->category.empty()) qs += "&cat=" + UrlEncode(query->category);
  SendFeed(res, ctx, req.PathParam("format"),
           {"Search: " + query->q, "/feeds/search.atom" + qs, "/search" + qs, "Papers matching " + query->q}, items);
}

void CategoryFeed(const Request& req, Response& res, Context& ctx) {
  std::string name = req.PathParam("category");  // "cs.LG.atom"
  auto dot = name.rfind('.');
  std::string format = dot == std::string::npos ? "" : name.substr(dot + 1);
  std::string category = CleanCategory(dot == std::string::npos ? "" : name.substr(0, dot));
  if (category.empty() || (format != "atom" && format != "json"))
    return SetJsonError(res, 404, "not_found", "category feeds are /feeds/cat/CATEGORY.atom or .json, e.g. /feeds/cat/cs.LG.atom");
  auto papers = ctx.daily_list().PapersInCategory(category, 50);
  if (!papers) return SetJsonError(res, papers.error());
  std::vector<FeedItem> items;
  for (const auto& p : *papers) {
    FeedItem f;
    f.paper = &p;
    f.updated = Rfc3339(p.updated.empty() ? p.published : p.updated);
    items.push_back(std::move(f));
  }
  SendFeed(res, ctx, format,
           {"New in " + category, "/feeds/cat/" + category + ".atom", "/search?cat=" + UrlEncode(category),
            "The newest papers in " + category},
           items);
}

}  // namespace paperfeed::web
