// Comments as Markdown: cmark (CommonMark 0.30) parses, this file renders the tree itself so that
// every piece of output is decided here — text escaped, links checked and marked rel="nofollow
// ugc" (Google's attributes for user-generated links), raw HTML shown as the text typed. cmark's
// own HTML renderer with CMARK_OPT_SAFE would drop raw HTML silently and cannot add rel.
#include "web/markdown.hpp"

#include <cmark.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "core/text.hpp"

namespace paperfeed::web {
namespace {

// TeX spans are cut out before cmark sees the text (its emphasis rules would read the '_' and '*'
// of $a_1 * b_2$ as markup) and put back as RenderTex output. In the text cmark parses, span n is
// written as U+E000, n in decimal digits, U+E001: private-use characters that SanitiseText keeps
// and that are removed from what people typed first, so nobody can forge one.
constexpr std::string_view kOpen = "\xEE\x80\x80";   // U+E000
constexpr std::string_view kClose = "\xEE\x80\x81";  // U+E001
constexpr size_t kMaxTexSpan = 1000;

struct Extracted {
  std::string text;
  std::vector<std::string> tex;  // each span with its dollars
};

Extracted ExtractTex(std::string_view input) {
  std::string clean;
  clean.reserve(input.size());
  for (size_t i = 0; i < input.size();) {
    std::string_view rest = input.substr(i);
    if (rest.starts_with(kOpen) || rest.starts_with(kClose)) {
      i += 3;
      continue;
    }
    clean.push_back(input[i++]);
  }
  Extracted out;
  out.text.reserve(clean.size());
  for (size_t i = 0; i < clean.size();) {
    if (clean[i] == '\\' && i + 1 < clean.size() && clean[i + 1] == '$') {  // \$ is a dollar
      out.text.append(clean, i, 2);
      i += 2;
      continue;
    }
    if (clean[i] != '$') {
      out.text.push_back(clean[i++]);
      continue;
    }
    const bool display = i + 1 < clean.size() && clean[i + 1] == '$';
    const std::string_view delim = display ? "$$" : "$";
    size_t body = i + delim.size();
    size_t end = clean.find(delim, body);
    size_t newline = clean.find('\n', body);
    // Pandoc's rule: a span is on one line, not empty, has no space just inside either dollar and
    // no digit just after the closing one ("costs $5 and $6" is money).
    if (end == std::string::npos || end == body || (newline != std::string::npos && newline < end) ||
        end - body > kMaxTexSpan || clean[body] == ' ' || clean[end - 1] == ' ' ||
        (end + delim.size() < clean.size() && clean[end + delim.size()] >= '0' && clean[end + delim.size()] <= '9')) {
      out.text.append(delim);
      i = body;
      continue;
    }
    out.text.append(kOpen);
    out.text += std::to_string(out.tex.size());
    out.text.append(kClose);
    out.tex.push_back(clean.substr(i, end + delim.size() - i));
    i = end + delim.size();
  }
  return out;
}

class Renderer {
 public:
  explicit Renderer(const std::vector<std::string>& tex) : tex_(tex) {}

  std::string Run(cmark_node* root) {
    std::unique_ptr<cmark_iter, decltype(&cmark_iter_free)> iter(cmark_iter_new(root), cmark_iter_free);
    for (;;) {
      cmark_event_type ev = cmark_iter_next(iter.get());
      if (ev == CMARK_EVENT_DONE) break;
      Node(cmark_iter_get_node(iter.get()), ev == CMARK_EVENT_ENTER);
    }
    return std::move(out_);
  }

 private:
  static std::string Literal(cmark_node* node) {
    const char* s = cmark_node_get_literal(node);
    return s ? s : "";
  }

  // Whether a paragraph sits in a tight list item (rendered without <p>, as CommonMark says).
  static bool InTightList(cmark_node* paragraph) {
    cmark_node* item = cmark_node_parent(paragraph);
    if (!item || cmark_node_get_type(item) != CMARK_NODE_ITEM) return false;
    cmark_node* list = cmark_node_parent(item);
    return list && cmark_node_get_list_tight(list);
  }

  // Text with the TeX spans put back; with `links`, bare http(s) URLs become links.
  void Text(std::string_view text, bool links) {
    size_t i = 0;
    while (i < text.size()) {
      size_t open = text.find(kOpen, i);
      std::string_view plain = text.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i);
      Plain(plain, links);
      if (open == std::string_view::npos) break;
      size_t close = text.find(kClose, open);
      if (close == std::string_view::npos) break;
      size_t n = 0;
      for (size_t k = open + kOpen.size(); k < close; ++k) n = n * 10 + static_cast<size_t>(text[k] - '0');
      if (n < tex_.size()) out_ += RenderTex(tex_[n]).str();
      i = close + kClose.size();
    }
  }

  // The source of `text` as typed: TeX placeholders back to their dollars (code, URLs).
  std::string Restore(std::string_view text) const {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
      size_t open = text.find(kOpen, i);
      out.append(text.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i));
      if (open == std::string_view::npos) break;
      size_t close = text.find(kClose, open);
      if (close == std::string_view::npos) break;
      size_t n = 0;
      for (size_t k = open + kOpen.size(); k < close; ++k) n = n * 10 + static_cast<size_t>(text[k] - '0');
      if (n < tex_.size()) out += tex_[n];
      i = close + kClose.size();
    }
    return out;
  }

  void Plain(std::string_view text, bool links) {
    while (links && !text.empty()) {
      size_t at = std::min(text.find("https://"), text.find("http://"));
      if (at == std::string_view::npos) break;
      size_t end = at;
      while (end < text.size() && static_cast<unsigned char>(text[end]) > 0x20 && text[end] != '<' && text[end] != '>')
        ++end;
      // Trailing punctuation ends the sentence, not the URL.
      while (end > at && std::string_view(".,;:!?)'\"").find(text[end - 1]) != std::string_view::npos) --end;
      AppendEscaped(out_, text.substr(0, at));
      std::string url(text.substr(at, end - at));
      OpenLink(url);
      AppendEscaped(out_, url);
      out_ += "</a>";
      text = text.substr(end);
    }
    AppendEscaped(out_, text);
  }

  void OpenLink(const std::string& url) {
    out_ += "<a href=\"";
    AppendEscaped(out_, SafeUrl(url));
    out_ += "\" rel=\"nofollow ugc noopener\">";
  }

  void Node(cmark_node* node, bool enter) {
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_DOCUMENT: break;
      case CMARK_NODE_BLOCK_QUOTE: out_ += enter ? "<blockquote>" : "</blockquote>"; break;
      case CMARK_NODE_LIST: {
        const bool ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
        if (!enter) {
          out_ += ordered ? "</ol>" : "</ul>";
        } else if (ordered && cmark_node_get_list_start(node) != 1) {
          out_ += "<ol start=\"" + std::to_string(cmark_node_get_list_start(node)) + "\">";
        } else {
          out_ += ordered ? "<ol>" : "<ul>";
        }
        break;
      }
      case CMARK_NODE_ITEM: out_ += enter ? "<li>" : "</li>"; break;
      case CMARK_NODE_PARAGRAPH:
        if (!InTightList(node)) out_ += enter ? "<p>" : "</p>";
        break;
      case CMARK_NODE_HEADING: out_ += enter ? "<p><strong>" : "</strong></p>"; break;
      case CMARK_NODE_THEMATIC_BREAK: out_ += "<hr>"; break;
      case CMARK_NODE_CODE_BLOCK:
        out_ += "<pre><code>";
        AppendEscaped(out_, Restore(Literal(node)));
        out_ += "</code></pre>";
        break;
      case CMARK_NODE_HTML_BLOCK:
        // Raw HTML is shown as typed, never interpreted.
        out_ += "<p>";
        Text(Literal(node), false);
        out_ += "</p>";
        break;
      case CMARK_NODE_HTML_INLINE: Text(Literal(node), false); break;
      case CMARK_NODE_TEXT: Text(Literal(node), link_depth_ == 0); break;
      case CMARK_NODE_SOFTBREAK: out_ += "<br>"; break;  // a line break typed in a comment is kept
      case CMARK_NODE_LINEBREAK: out_ += "<br>"; break;
      case CMARK_NODE_CODE:
        out_ += "<code>";
        AppendEscaped(out_, Restore(Literal(node)));
        out_ += "</code>";
        break;
      case CMARK_NODE_EMPH: out_ += enter ? "<em>" : "</em>"; break;
      case CMARK_NODE_STRONG: out_ += enter ? "<strong>" : "</strong>"; break;
      case CMARK_NODE_LINK:
      case CMARK_NODE_IMAGE:
        // Images are links to the picture: nothing on the page loads from elsewhere.
        // A link inside a link (an image in a link) stays part of the outer one.
        if (enter) {
          const char* url = cmark_node_get_url(node);
          if (link_depth_++ == 0) OpenLink(Restore(url ? url : ""));
        } else if (--link_depth_ == 0) {
          out_ += "</a>";
        }
        break;
      default: break;  // custom nodes are never produced by the parser
    }
  }

  const std::vector<std::string>& tex_;
  std::string out_;
  int link_depth_ = 0;
};

}  // namespace

Html RenderCommentMarkdown(std::string_view text) {
  Extracted source = ExtractTex(core::SanitisedText(text, core::TextKind::kMultiline));
  // CMARK_OPT_SAFE: no raw HTML or dangerous URLs even if this renderer ever handed a node to
  // cmark's own; CMARK_OPT_VALIDATE_UTF8 replaces anything ill-formed that got this far.
  std::unique_ptr<cmark_node, decltype(&cmark_node_free)> root(
      cmark_parse_document(source.text.data(), source.text.size(), CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8),
      cmark_node_free);
  if (!root) return Html::Text(text);
  return Html::Trusted(Renderer(source.tex).Run(root.get()));
}

}  // namespace paperfeed::web
