#include "web/handlers.hpp"
#include "web/layout.hpp"
namespace paperfeed::web {
void PaperPage(const Request&, Response& res, Context& ctx) { SendErrorPage(res, ctx, 503, "Coming soon", "The paper page is being built."); }
}  // namespace paperfeed::web
