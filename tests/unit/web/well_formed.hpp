// Checks the web and mail tests use to say a document is well-formed, independent of the code
// under test: XML 1.0 characters in well-formed UTF-8, plus a real XML parse (pugixml).
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace paperfeed::testing {

// Every character of `text` is a Char of XML 1.0 §2.2 (#x9 | #xA | #xD | [#x20-#xD7FF] |
// [#xE000-#xFFFD] | [#x10000-#x10FFFF]) in well-formed UTF-8 (no overlong forms, no surrogates).
inline bool IsXmlCharacters(std::string_view text, std::string* why = nullptr) {
  auto fail = [&](size_t at, const char* what) {
    if (why) *why = std::string(what) + " at byte " + std::to_string(at);
    return false;
  };
  for (size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    char32_t cp;
    size_t n;
    if (b < 0x80) cp = b, n = 1;
    else if ((b & 0xE0) == 0xC0) cp = b & 0x1F, n = 2;
    else if ((b & 0xF0) == 0xE0) cp = b & 0x0F, n = 3;
    else if ((b & 0xF8) == 0xF0) cp = b & 0x07, n = 4;
    else return fail(i, "an invalid UTF-8 lead byte");
    if (i + n > text.size()) return fail(i, "a truncated UTF-8 sequence");
    for (size_t k = 1; k < n; ++k) {
      auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return fail(i, "a bad UTF-8 continuation byte");
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n]) return fail(i, "an overlong UTF-8 form");
    bool ok = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
              (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!ok) return fail(i, "a character XML 1.0 does not allow");
    i += n;
  }
  return true;
}

// Parses as XML and is made of XML characters; `why` says what is wrong.
inline bool IsWellFormedXml(const std::string& xml, std::string* why = nullptr) {
  if (!IsXmlCharacters(xml, why)) return false;
  pugi::xml_document doc;
  auto result = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!result) {
    if (why) *why = std::string(result.description()) + " at byte " + std::to_string(result.offset);
    return false;
  }
  return true;
}

}  // namespace paperfeed::testing
