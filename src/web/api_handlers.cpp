#include "web/handlers.hpp"
namespace paperfeed::web {
void ApiDailyPapers(const Request&, Response& res, Context&) { SetJsonError(res, 503, "unavailable", "being built"); }
void ApiPaper(const Request&, Response& res, Context&) { SetJsonError(res, 503, "unavailable", "being built"); }
void ApiSearch(const Request&, Response& res, Context&) { SetJsonError(res, 503, "unavailable", "being built"); }
void ApiSimilar(const Request&, Response& res, Context&) { SetJsonError(res, 503, "unavailable", "being built"); }
void Health(const Request&, Response& res, Context&) { res.SetJson({{"status", "ok"}}); res.cache = CachePolicy::kNoStore; }
}  // namespace paperfeed::web
