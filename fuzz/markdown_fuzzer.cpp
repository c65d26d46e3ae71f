// Fuzzes the Markdown renderer of comments (web::RenderCommentMarkdown): only the tags it means to
// write, attributes only on <a> (href, rel) and <ol> (start), no script-capable URL, text that
// core::SanitiseText leaves alone.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text.hpp"
#include "web/markdown.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 20000) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string html = paperfeed::web::RenderCommentMarkdown(text).str();
  if (paperfeed::core::SanitisedText(html, paperfeed::core::TextKind::kMultiline) != html) std::abort();
  static constexpr std::string_view kTags[] = {
      "p>", "/p>", "br>", "em>", "/em>", "strong>", "/strong>", "code>", "/code>", "pre>", "/pre>", "ul>", "/ul>",
      "ol>", "/ol>", "li>", "/li>", "blockquote>", "/blockquote>", "hr>", "/a>", "ol start=\"", "a href=\"",
      "span class=\"tex\">", "/span>", "sup>", "/sup>", "sub>", "/sub>"};
  for (size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
    std::string_view rest = std::string_view(html).substr(i + 1);
    bool known = false;
    for (auto tag : kTags) known = known || rest.starts_with(tag);
    if (!known) std::abort();
    if (rest.starts_with("a href=\"")) {
      std::string_view url = rest.substr(8, rest.find('"', 8) - 8);
      if (!(url == "#" || url.starts_with("http://") || url.starts_with("https://") ||
            (url.starts_with("/") && !url.starts_with("//"))))
        std::abort();
      if (rest.find("\" rel=\"nofollow ugc noopener\">") != 8 + url.size()) std::abort();
    }
  }
  return 0;
}
