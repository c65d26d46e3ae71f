// web/layout: the frame every HTML page shares — head (CSP-safe: no inline script or style), the
// header with navigation and the viewer's account links, the footer — and the HTML error page.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "web/context.hpp"
#include "web/html.hpp"
#include "web/http.hpp"

namespace paperfeed::web {

// A feed offered as <link rel="alternate"> in the head.
struct FeedLink {
  std::string href;   // "/feeds/daily.atom"
  std::string title;  // "Daily papers (Atom)"
  std::string type;   // "application/atom+xml" or "application/feed+json"
};

struct PageOptions {
  std::string title;         // plain text, "· paperfeed" is appended
  std::string description;   // <meta name="description">
  std::string active_nav;    // "daily", "week", "month", "trending", "search", or a NavLink href
  std::string search_query;  // fills the header's search box
  // Alternate feeds; when empty the daily list's Atom and JSON feeds are linked.
  std::vector<FeedLink> feeds;
};

// The header's account links for the viewer (log in / sign up, or Submit, the account and log out).
Html AccountArea(Context& ctx);
// The whole document around `main`.
Html RenderPage(Context& ctx, const PageOptions& options, const Html& main);
// Renders and stores the page in `res` with `status`.
void SendPage(Response& res, Context& ctx, const PageOptions& options, const Html& main, int status = 200);
// An HTML error page with the status for the error's kind; the message names what went wrong.
void SendErrorPage(Response& res, Context& ctx, const core::Error& error);
void SendErrorPage(Response& res, Context& ctx, int status, std::string_view title, std::string_view message);

// The Atom and JSON Feed links for a feed path without extension ("/feeds/daily").
std::vector<FeedLink> FeedLinksFor(std::string_view base, std::string_view what);

}  // namespace paperfeed::web
