#include "web/handlers.hpp"
#include "web/layout.hpp"
namespace paperfeed::web {
void SearchPage(const Request&, Response& res, Context& ctx) { SendErrorPage(res, ctx, 503, "Coming soon", "Search is being built."); }
}  // namespace paperfeed::web
