#include "web/handlers.hpp"
namespace paperfeed::web {
void DailyFeed(const Request&, Response& res, Context&) { SetJsonError(res, 503, "unavailable", "feeds are being built"); }
void TrendingFeed(const Request&, Response& res, Context&) { SetJsonError(res, 503, "unavailable", "feeds are being built"); }
void SearchFeed(const Request&, Response& res, Context&) { SetJsonError(res, 503, "unavailable", "feeds are being built"); }
void CategoryFeed(const Request&, Response& res, Context&) { SetJsonError(res, 503, "unavailable", "feeds are being built"); }
}  // namespace paperfeed::web
