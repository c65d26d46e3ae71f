#include "web/search_glue.hpp"

#include "core/dates.hpp"
#include "search/search_service.hpp"
#include "web/paper_data.hpp"
#include "web/params.hpp"

namespace paperfeed::web {
namespace {

core::Error Unavailable(Context& ctx) {
  // serve builds a missing index in the background and answers everything else meanwhile.
  if (ctx.site().SearchState() == SearchIndexState::kWarming)
    return core::MakeError(core::ErrorCode::kUnavailable,
                           "the search index is warming up: it is being built from the catalogue; try again in a "
                           "minute (everything else on the site works meanwhile)");
  return core::MakeError(core::ErrorCode::kUnavailable,
                         "search is not available on this server: the search indexes are missing or failed to open "
                         "(see the server log; build them with the search commands)");
}

core::Result<std::vector<FoundPaper>> LoadHits(Context& ctx, const std::vector<search::SearchHit>& hits) {
  std::vector<FoundPaper> out;
  out.reserve(hits.size());
  for (const auto& hit : hits) {
    auto bundle = LoadPaper(ctx, hit.paper_id);
    if (!bundle) {
      if (bundle.error().code == core::ErrorCode::kNotFound) continue;  // index ahead of/behind the catalogue
      return bundle.error();
    }
    FoundPaper found;
    found.score = hit.score;
    found.snippet_html = hit.snippet;
    found.upvotes = bundle->upvotes();
    if (!bundle->entries.empty()) found.day = bundle->entries.front().day;
    found.paper = std::move(bundle->paper);
    out.push_back(std::move(found));
  }
  return out;
}

}  // namespace

bool SearchAvailable(Context& ctx) { return ctx.search() != nullptr; }

core::Result<SearchQuery> ParseSearchQuery(const Request& req, int default_limit, int max_limit) {
  SearchQuery q;
  q.q = CleanQuery(req.Param("q"));
  q.mode = req.Param("mode", "hybrid");
  if (q.mode.empty()) q.mode = "hybrid";
  if (q.mode != "hybrid" && q.mode != "keyword" && q.mode != "semantic")
    return core::MakeError(core::ErrorCode::kInvalidInput, "parameter 'mode' must be hybrid, keyword or semantic");
  std::string cat = req.Param("cat");
  if (!cat.empty()) {
    q.category = CleanCategory(cat);
    if (q.category.empty())
      return core::MakeError(core::ErrorCode::kInvalidInput, "parameter 'cat' must be an arXiv category like cs.LG or cs");
  }
  for (auto [name, field] : {std::pair{"from", &q.from}, std::pair{"to", &q.to}}) {
    std::string value = req.Param(name);
    if (value.empty()) continue;
    if (!core::IsIsoDay(value))
      return core::MakeError(core::ErrorCode::kInvalidInput, "parameter '" + std::string(name) + "' must be a day, YYYY-MM-DD");
    *field = value;
  }
  auto limit = IntParam(req, "limit", default_limit, 1, max_limit);
  if (!limit) return limit.error();
  q.limit = *limit;
  auto page = IntParam(req, "p", 0, 0, 1000);
  if (!page) return page.error();
  q.offset = *page * q.limit;
  return q;
}

core::Result<SearchOutcome> RunSearch(Context& ctx, const SearchQuery& query, bool snippets) {
  if (query.q.empty()) return SearchOutcome{};
  if (!ctx.search()) return Unavailable(ctx);
  search::SearchOptions options;
  options.mode = query.mode == "keyword"    ? search::SearchMode::kKeyword
                 : query.mode == "semantic" ? search::SearchMode::kSemantic
                                            : search::SearchMode::kHybrid;
  options.limit = query.limit;
  options.offset = query.offset;
  if (!query.category.empty()) options.category = query.category;
  if (!query.from.empty()) options.date_from = query.from;
  if (!query.to.empty()) options.date_to = query.to;
  options.with_snippets = snippets;
  auto results = ctx.search()->Search(query.q, options);
  if (!results) return results.error();
  auto papers = LoadHits(ctx, results->hits);
  if (!papers) return papers.error();
  SearchOutcome out;
  out.papers = std::move(papers.value());
  out.total = results->total_estimate;
  out.parsed_query = results->parsed_query;
  out.mode_used = search::SearchModeName(results->mode_used);
  return out;
}

core::Result<std::vector<FoundPaper>> RunSimilar(Context& ctx, const std::string& id, int limit) {
  if (!ctx.search()) return Unavailable(ctx);
  auto hits = ctx.search()->Similar(id, limit);
  if (!hits) return hits.error();
  return LoadHits(ctx, hits.value());
}

}  // namespace paperfeed::web
