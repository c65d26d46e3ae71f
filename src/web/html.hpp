// web/html: HTML that escapes by default. Text becomes markup only through a string-literal template
// or an explicit Html::Trusted, so a title, a comment or a query can never inject a tag.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace paperfeed::web {

// Escapes & < > " ' for text and for quoted attribute values (HTML and XML alike).
std::string Escape(std::string_view text);
void AppendEscaped(std::string& out, std::string_view text);

// A fragment of markup that is safe to emit as is.
class Html {
 public:
  Html() = default;
  // Markup that the caller vouches for (built by this module, or a constant). Never pass user text.
  static Html Trusted(std::string markup) { return Html(std::move(markup)); }
  // Text, escaped.
  static Html Text(std::string_view text) { return Html(Escape(text)); }

  const std::string& str() const& { return markup_; }
  std::string&& str() && { return std::move(markup_); }
  bool empty() const { return markup_.empty(); }
  Html& operator+=(const Html& other) {
    markup_ += other.markup_;
    return *this;
  }

 private:
  explicit Html(std::string markup) : markup_(std::move(markup)) {}
  std::string markup_;
};

// A template: only a string literal converts to one (consteval), so markup in templates is always
// written by us. "{}" marks where the next argument goes.
class Template {
 public:
  template <size_t N>
  consteval Template(const char (&text)[N]) : text_(text, N - 1) {}  // NOLINT(google-explicit-constructor)
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
};

namespace detail {
// An argument as it will appear: escaped text or trusted markup.
struct Piece {
  std::string_view view;
  std::string owned;
  bool raw = false;
};
inline Piece ToPiece(const Html& h) { return {h.str(), {}, true}; }
inline Piece ToPiece(std::string_view s) { return {s, {}, false}; }
inline Piece ToPiece(const std::string& s) { return {s, {}, false}; }
inline Piece ToPiece(const char* s) { return {s, {}, false}; }
template <typename T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>)
Piece ToPiece(T value) {
  Piece p;
  p.owned = std::to_string(value);
  p.raw = true;
  return p;
}
Piece ToPiece(double value);
Html RenderPieces(std::string_view tmpl, std::vector<Piece>& pieces);
}  // namespace detail

// Fills each "{}" of `tmpl` with the next argument: strings escaped, Html as is, numbers printed.
//   Render("<a href=\"{}\">{}</a>", url, title)
template <typename... Args>
Html Render(Template tmpl, const Args&... args) {
  std::vector<detail::Piece> pieces;
  pieces.reserve(sizeof...(Args));
  (pieces.push_back(detail::ToPiece(args)), ...);
  return detail::RenderPieces(tmpl.text(), pieces);
}

// Concatenates fragments.
Html Join(const std::vector<Html>& parts, const Html& separator = Html());

// Plain text someone typed (a comment) as paragraphs: cleaned with core::SanitiseText (controls,
// bidi overrides and ill-formed UTF-8 never reach the page, even when stored before that rule),
// blank lines split paragraphs, single line breaks become <br>, everything escaped.
Html TextParagraphs(std::string_view text);

// A URL that is safe in href/src: http(s)://… or a path on this site ("/…", not "//…"); else "#".
std::string SafeUrl(std::string_view url);

// TeX in titles and abstracts made readable without a TeX engine: $…$ spans keep their text in a
// <span class="tex">, common macros become Unicode (\alpha → α, \leq → ≤), ^{…}/_{…} become
// <sup>/<sub>, font commands (\mathcal{O}, \textbf{x}) keep their argument. Everything is escaped.
// Linear in the text; groups nested more than 32 deep are shown as their escaped source.
Html RenderTex(std::string_view text);
// The same for plain-text outputs (feeds, <title>): macros to Unicode, $ and braces dropped.
std::string TexToPlain(std::string_view text);

}  // namespace paperfeed::web
