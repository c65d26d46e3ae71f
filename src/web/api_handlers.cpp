// The read-only JSON API, in Hugging Face's shapes so its clients work unchanged:
// GET /api/daily_papers, /api/papers/{id}, /api/papers/search, /api/papers/{id}/similar,
// /api/arxiv/{id}/repos, /healthz. What each client reads is pinned by tests/unit/web/hf_contract_test.cpp.
#include <climits>

#include "api/paper_json.hpp"
#include "core/dates.hpp"
#include "core/text.hpp"
#include "core/url.hpp"
#include "store/daily_list.hpp"
#include "store/hf_details.hpp"
#include "store/refresh_log.hpp"
#include "web/handlers.hpp"
#include "web/paper_data.hpp"
#include "web/params.hpp"
#include "web/search_glue.hpp"

namespace paperfeed::web {
namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 100;
// Hugging Face's search takes at most 250 characters and answers at most 120 papers
// (hf-mcp-server hf-fs-papers.ts: PAPER_SEARCH_LIMIT = 120).
constexpr size_t kMaxSearchChars = 250;
constexpr int kMaxSearchLimit = 120;

nlohmann::json FoundToJson(const FoundPaper& found) {
  nlohmann::json paper = api::PaperToJson(found.paper, {}, 0);
  paper["upvotes"] = found.upvotes;
  if (!found.day.empty()) paper["submittedOnDailyAt"] = found.day + "T00:00:00.000Z";
  nlohmann::json out = {{"paper", std::move(paper)},
                        {"title", core::NormaliseWhitespace(found.paper.title)},
                        {"summary", core::NormaliseWhitespace(found.paper.abstract)},
                        {"publishedAt", found.paper.published},
                        {"score", found.score}};
  api::AddHfFields(out, found.paper);
  if (!found.snippet_html.empty()) out["highlight"] = found.snippet_html;
  return out;
}

// Search hits carry the catalogue's rows; Hugging Face's details live beside them.
void AttachFoundDetails(Context& ctx, std::vector<FoundPaper>& found) {
  std::vector<std::string> ids;
  for (const auto& f : found) ids.push_back(f.paper.id);
  auto details = store::LoadHfDetails(ctx.database(), ids);
  if (!details) return;
  for (auto& f : found)
    if (auto it = details->find(f.paper.id); it != details->end()) f.paper.hf = it->second;
}

// Characters (not bytes) of UTF-8 text: Hugging Face's 250 is a length in characters.
size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// The same request for page `page`, as an absolute URL for a Link header (RFC 8288 §3).
std::string PageUrl(const Request& req, Context& ctx, int page) {
  std::string query;
  for (const auto& [name, value] : req.params) {
    if (name == "p") continue;
    query += (query.empty() ? "" : "&") + core::PercentEncode(name) + "=" + core::PercentEncode(value);
  }
  query += (query.empty() ? "" : "&") + std::string("p=") + std::to_string(page);
  return ctx.site().public_base_url + req.path + "?" + query;
}

}  // namespace

void ApiDailyPapers(const Request& req, Response& res, Context& ctx) {
  int given = req.HasParam("date") + req.HasParam("week") + req.HasParam("month");
  if (given > 1) return SetJsonError(res, 400, "invalid_input", "give one of date=YYYY-MM-DD, week=YYYY-Www, month=YYYY-MM");
  std::string sort_name = req.Param("sort", "upvotes");
  store::DailySort sort;
  if (sort_name == "publishedAt") sort = store::DailySort::kPublished;
  else if (sort_name == "trending") sort = store::DailySort::kTrending;
  else if (sort_name == "upvotes" || sort_name.empty()) sort = store::DailySort::kUpvotes;
  else return SetJsonError(res, 400, "invalid_input", "parameter 'sort' must be publishedAt, trending or upvotes");
  auto limit = IntParam(req, "limit", kDefaultLimit, 1, kMaxLimit);
  if (!limit) return SetJsonError(res, limit.error());
  auto page = IntParam(req, "p", 0, 0, 10000);
  if (!page) return SetJsonError(res, page.error());
  const std::string submitter = req.Param("submitter");

  // Everything in the period first: the submitter filter applies before paging, as on Hugging Face.
  core::Result<store::DailyPage> list = store::DailyPage{};
  if (given == 0 && sort == store::DailySort::kTrending) {
    // No period and sort=trending: the trending page's own list (store::DailyList::Trending), so
    // the API and /trending agree.
    list = ctx.daily_list().Trending(ctx.now(), INT_MAX, 0);
  } else {
    core::Result<store::DayRange> range = store::DayRange{};
    if (req.HasParam("date")) range = store::DayRangeForDay(req.Param("date"));
    else if (req.HasParam("week")) range = store::DayRangeForIsoWeek(req.Param("week"));
    else if (req.HasParam("month")) range = store::DayRangeForMonth(req.Param("month"));
    else {
      // No period: the latest day with entries, as Hugging Face answers without a date.
      auto latest = ctx.daily_list().LatestDay(store::NewYorkDay(ctx.now()));
      if (!latest) return SetJsonError(res, latest.error());
      if (!latest.value()) latest = ctx.daily_list().LatestDay();
      if (!latest) return SetJsonError(res, latest.error());
      if (!latest.value()) return res.SetJson(nlohmann::json::array());
      range = store::DayRange{**latest, **latest};
    }
    if (!range) return SetJsonError(res, range.error());
    list = ctx.daily_list().Entries(*range, sort, INT_MAX, 0, ctx.now());
  }
  if (!list) return SetJsonError(res, list.error());
  std::vector<store::DailyListItem> items = std::move(list->items);
  if (!submitter.empty()) {
    std::erase_if(items, [&](const store::DailyListItem& item) { return item.entry.submitted_by != submitter; });
  }
  const size_t total = items.size();
  const size_t begin = std::min(total, static_cast<size_t>(*page) * static_cast<size_t>(*limit));
  const size_t end = std::min(total, begin + static_cast<size_t>(*limit));
  std::vector<store::DailyListItem> shown(std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(begin)),
                                          std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(end)));
  AttachHfDetails(ctx, shown);
  std::vector<std::string> ids;
  for (const auto& item : shown) ids.push_back(item.paper.id);
  auto comments = LocalCommentCounts(ctx, ids);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : shown) {
    auto it = comments.find(item.paper.id);
    out.push_back(DailyItemToJson(item, it == comments.end() ? 0 : it->second));
  }
  res.SetHeader("X-Total-Count", std::to_string(total));
  // hf-mcp-server pages by this header (hf-fs-papers.ts hasNextLink: rel="next").
  if (end < total) res.SetHeader("Link", "<" + PageUrl(req, ctx, *page + 1) + ">; rel=\"next\"");
  res.SetJson(out);
}

void ApiPaper(const Request& req, Response& res, Context& ctx) {
  auto bundle = LoadPaper(ctx, PaperIdFromPath(req));
  if (!bundle) return SetJsonError(res, bundle.error());
  res.SetJson(PaperBundleToJson(*bundle));
}

void ApiSearch(const Request& req, Response& res, Context& ctx) {
  if (Utf8Length(req.Param("q")) > kMaxSearchChars)
    return SetJsonError(res, 400, "invalid_input", "parameter 'q' is longer than 250 characters; shorten the query");
  auto query = ParseSearchQuery(req, 20, kMaxSearchLimit);
  if (!query) return SetJsonError(res, query.error());
  if (query->q.empty()) return SetJsonError(res, 400, "invalid_input", "parameter 'q' is required: what to search for");
  auto outcome = RunSearch(ctx, *query, /*snippets=*/false);
  if (!outcome) return SetJsonError(res, outcome.error());
  AttachFoundDetails(ctx, outcome->papers);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& found : outcome->papers) out.push_back(FoundToJson(found));
  res.SetHeader("X-Total-Count", std::to_string(outcome->total));
  res.SetJson(out);
}

void ApiSimilar(const Request& req, Response& res, Context& ctx) {
  std::string id = PaperIdFromPath(req);
  auto bundle = LoadPaper(ctx, id);  // 400/404 for a bad or unknown id before asking the index
  if (!bundle) return SetJsonError(res, bundle.error());
  auto limit = IntParam(req, "limit", 10, 1, 50);
  if (!limit) return SetJsonError(res, limit.error());
  auto similar = RunSimilar(ctx, id, *limit);
  if (!similar) return SetJsonError(res, similar.error());
  AttachFoundDetails(ctx, *similar);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& found : *similar) out.push_back(FoundToJson(found));
  res.SetJson(out);
}

void ApiArxivRepos(const Request& req, Response& res, Context& ctx) {
  // hf-mcp-server reads {models, datasets, spaces} (hf-fs-papers.ts fetchLinkedRepos). paperfeed
  // hosts no models, datasets or Spaces, so those stay empty; the code repository is what it knows.
  auto bundle = LoadPaper(ctx, PaperIdFromPath(req));
  if (!bundle) return SetJsonError(res, bundle.error());
  const core::Paper& p = bundle->paper;
  nlohmann::json out = {{"models", nlohmann::json::array()},
                        {"datasets", nlohmann::json::array()},
                        {"spaces", nlohmann::json::array()}};
  nlohmann::json code = nlohmann::json::array();
  if (p.github_repo) {
    code.push_back({{"url", *p.github_repo},
                    {"stars", p.github_stars ? nlohmann::json(*p.github_stars) : nlohmann::json(nullptr)}});
  }
  out["codeRepositories"] = std::move(code);
  out["githubRepo"] = p.github_repo ? nlohmann::json(*p.github_repo) : nlohmann::json(nullptr);
  out["githubStars"] = p.github_stars ? nlohmann::json(*p.github_stars) : nlohmann::json(nullptr);
  if (p.project_page) out["projectPage"] = *p.project_page;
  res.SetJson(out);
}

void Health(const Request&, Response& res, Context& ctx) {
  res.cache = CachePolicy::kNoStore;
  auto latest = ctx.daily_list().LatestDay();
  if (!latest) return SetJsonError(res, 503, "unavailable", "database: " + latest.error().message);
  // When each live source was last refreshed and what went wrong, for monitoring a stale list.
  nlohmann::json sources = nlohmann::json::array();
  if (auto refreshes = store::ListRefreshes(ctx.database()); refreshes) {
    for (const auto& r : *refreshes) {
      sources.push_back({{"source", r.source},
                         {"lastAttemptAt", core::UnixToIso(r.last_attempt_at)},
                         {"lastSuccessAt", r.last_success_at ? nlohmann::json(core::UnixToIso(*r.last_success_at))
                                                             : nlohmann::json(nullptr)},
                         {"papers", r.last_papers},
                         {"problem", r.problem ? nlohmann::json(*r.problem) : nlohmann::json(nullptr)},
                         {"consecutiveFailures", r.consecutive_failures}});
    }
  }
  res.SetJson({{"status", "ok"},
               {"latestDay", latest.value() ? nlohmann::json(**latest) : nlohmann::json(nullptr)},
               {"search", SearchAvailable(ctx)},
               {"searchIndex", SearchIndexStateName(ctx.site().SearchState())},
               {"sources", std::move(sources)}});
  res.cache = CachePolicy::kNoStore;
}

}  // namespace paperfeed::web
