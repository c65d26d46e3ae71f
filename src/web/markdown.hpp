// web/markdown: comments as a Markdown subset (CommonMark through cmark, the only file that
// includes it). Raw HTML is never passed through (it shows as the text typed), links go out only
// as http(s) or on-site URLs with rel="nofollow ugc", images become links, headings become bold
// paragraphs, and inline TeX ($…$) is kept readable by web/html's RenderTex.
#pragma once

#include <string_view>

#include "web/html.hpp"

namespace paperfeed::web {

// The comment `text` (already cleaned by core::SanitiseText; cleaned again here) as markup.
Html RenderCommentMarkdown(std::string_view text);

}  // namespace paperfeed::web
