// core/text: small string helpers shared by every module (whitespace, hashing, splitting).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace paperfeed::core {

// Collapses runs of white space (including arXiv's hard line breaks) into one space and trims.
std::string NormaliseWhitespace(std::string_view text);

// Splits on '\n' (the store keeps lists one item a line); no trailing empty item.
std::vector<std::string> SplitLines(std::string_view text);

// Splits on runs of white space.
std::vector<std::string> SplitWhitespace(std::string_view text);

// A 64-bit content fingerprint (MurmurHash64A-style mixing, 8 bytes a step); not for security.
class Fingerprint {
 public:
  void Add(std::string_view bytes);
  void Add(int64_t number);
  uint64_t value() const { return hash_; }

 private:
  uint64_t hash_ = 14695981039346656037ull;
};

// Escapes &, <, >, " and ' for HTML text and attribute values (the one escaper web and mail share).
void AppendHtmlEscaped(std::string& out, std::string_view text);
std::string HtmlEscape(std::string_view text);

// What a piece of text is for: one line (a title, a name, a category), or running text that keeps
// its line breaks (an abstract, a comment).
enum class TextKind { kLine, kMultiline };

// The one character-level rule for text that reaches pages, feeds and mail, applied at ingest and
// to comments: valid UTF-8 (each ill-formed sequence becomes one U+FFFD), no C0/C1 control
// characters (tab, CR, LF, VT, FF become a space in kLine; in kMultiline LF and CR LF become LF and
// tab a space), no bidirectional embedding, override or isolate characters (U+202A–U+202E,
// U+2066–U+2069), U+2028/U+2029 as a space or LF, and U+FFFE/U+FFFF (not XML characters) as U+FFFD.
// Cleans `text` in place; returns whether anything changed. Idempotent, and linear in the text.
bool SanitiseText(std::string& text, TextKind kind);
std::string SanitisedText(std::string_view text, TextKind kind);

// The first `max_bytes` of `text` (cut at a UTF-8 character boundary, "…" when cut), sanitised as
// one line: for quoting input inside an error message.
std::string Excerpt(std::string_view text, size_t max_bytes);

bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);
std::string ToLowerAscii(std::string_view text);

}  // namespace paperfeed::core
