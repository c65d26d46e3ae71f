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

bool StartsWith(std::string_view text, std::string_view prefix);
bool EndsWith(std::string_view text, std::string_view suffix);
std::string ToLowerAscii(std::string_view text);

}  // namespace paperfeed::core
