// search/model/unicode: the Unicode facts the WordPiece tokenizer needs — UTF-8 decoding,
// canonical decomposition (NFD), general categories, simple lower-casing. The one door to utf8proc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace paperfeed::search::model {

// Code points of `text`; an invalid byte becomes U+FFFD (which the tokenizer's cleaning drops).
std::vector<char32_t> DecodeUtf8(std::string_view text);
void AppendUtf8(std::string& out, char32_t cp);

// The canonical decomposition of one code point (NFD), appended to `out`.
void AppendNfd(std::vector<char32_t>& out, char32_t cp);
// Full lower-casing of one code point, appended to `out` (U+0130 becomes "i" U+0307 as Python's
// str.lower() does; everything else uses the simple mapping, which is the full one elsewhere).
void AppendLower(std::vector<char32_t>& out, char32_t cp);

bool IsNonspacingMark(char32_t cp);  // Mn
bool IsPunctuationCategory(char32_t cp);  // P*
bool IsOtherCategory(char32_t cp);  // C* (Cc, Cf, Cs, Co, Cn)
bool IsSpaceSeparator(char32_t cp);  // Zs

}  // namespace paperfeed::search::model
