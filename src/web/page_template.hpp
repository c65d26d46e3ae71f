// web/page_template: signed-in pages from one shared rendering. A cacheable page is rendered once
// per database generation for a stand-in viewer, with markers where a viewer's own parts go (the
// header's account links, CSRF tokens, upvote buttons, the comments section); each request then
// splices its viewer's parts in — one query for the page's upvote state, no card, abstract or TeX
// rendered again. The server keeps the templates in its response cache (web/server.cpp).
#pragma once

#include <string>
#include <string_view>

#include "web/context.hpp"
#include "web/html.hpp"

namespace paperfeed::web {

// The marker for a viewer's part: `kind` is "csrf", "account", "comments" (argument the paper id)
// or "upvoted?" (argument "PAPER_ID|TEXT IF UPVOTED|TEXT IF NOT": the upvote button's state,
// chosen per viewer without rendering the button again). Markers carry a random per-process key,
// so text from a record, a comment or a query can never pass for one.
Html TemplateMarker(std::string_view kind, std::string_view argument = {});

// `page` with every marker replaced by the part for the request's viewer.
std::string SplicePage(std::string_view page, const Request& req, Context& ctx);

}  // namespace paperfeed::web
