#include "core/text.hpp"

#include <cctype>

namespace paperfeed::core {

std::string NormaliseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    out.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

std::vector<std::string> SplitWhitespace(std::string_view text) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) parts.emplace_back(text.substr(start, i - start));
  }
  return parts;
}

void Fingerprint::Add(std::string_view bytes) {
  // 8 bytes a step, little-endian words, multiply-xorshift mixing (as in MurmurHash64A): ~8x
  // fewer dependent multiplies than byte-wise FNV-1a.
  constexpr uint64_t kMul = 0xc6a4a7935bd1e995ull;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  auto mix = [&](uint64_t w) {
    w *= kMul;
    w ^= w >> 47;
    w *= kMul;
    hash_ = (hash_ ^ w) * kMul;
  };
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w = 0;
    for (int i = 7; i >= 0; --i) w = (w << 8) | p[i];
    mix(w);
  }
  uint64_t tail = 0;
  for (size_t i = n; i > 0; --i) tail = (tail << 8) | p[i - 1];
  // The length closes the field, so that ("ab","c") and ("a","bc") differ.
  mix(tail ^ (static_cast<uint64_t>(bytes.size()) << 56) ^ 0xff);
}

void Fingerprint::Add(int64_t number) {
  Add(std::string_view(reinterpret_cast<const char*>(&number), sizeof number));
}

void AppendHtmlEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  AppendHtmlEscaped(out, text);
  return out;
}

namespace {

// One decoded UTF-8 sequence: its code point and byte length, or, when ill-formed, the length of
// its maximal subpart (Unicode 15, §3.9 "U+FFFD Substitution of Maximal Subparts"), which becomes
// one U+FFFD. Overlong forms, surrogates and code points past U+10FFFF are ill-formed.
struct Utf8Sequence {
  char32_t code_point;
  size_t length;
  bool valid;
};

Utf8Sequence DecodeUtf8(std::string_view s, size_t i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1, true};
  size_t trailing = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range allowed for the second byte (Table 3-7)
  if (b0 >= 0xC2 && b0 <= 0xDF) trailing = 1;
  else if (b0 == 0xE0) trailing = 2, lo = 0xA0;
  else if (b0 == 0xED) trailing = 2, hi = 0x9F;
  else if (b0 >= 0xE1 && b0 <= 0xEF) trailing = 2;
  else if (b0 == 0xF0) trailing = 3, lo = 0x90;
  else if (b0 >= 0xF1 && b0 <= 0xF3) trailing = 3;
  else if (b0 == 0xF4) trailing = 3, hi = 0x8F;
  else return {0xFFFD, 1, false};
  char32_t cp = b0 & (0x3F >> trailing);
  size_t length = 1;
  for (size_t k = 0; k < trailing; ++k, ++length) {
    if (i + length >= s.size()) return {0xFFFD, length, false};
    auto b = static_cast<unsigned char>(s[i + length]);
    if (b < lo || b > hi) return {0xFFFD, length, false};
    lo = 0x80, hi = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
  }
  return {cp, length, true};
}

enum class CharAction { kKeep, kDrop, kSpace, kNewline, kReplace };

CharAction Classify(char32_t cp, TextKind kind) {
  bool line = kind == TextKind::kLine;
  if (cp < 0x20) {
    if (cp == '\n') return line ? CharAction::kSpace : CharAction::kKeep;
    if (cp == '\t' || cp == '\v' || cp == '\f') return CharAction::kSpace;
    if (cp == '\r') return line ? CharAction::kSpace : CharAction::kNewline;
    return CharAction::kDrop;
  }
  if (cp < 0x7F) return CharAction::kKeep;
  if (cp <= 0x9F) return CharAction::kDrop;  // DEL and the C1 controls
  if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return CharAction::kDrop;
  if (cp == 0x2028 || cp == 0x2029) return line ? CharAction::kSpace : CharAction::kNewline;
  if (cp == 0xFFFE || cp == 0xFFFF) return CharAction::kReplace;
  return CharAction::kKeep;
}

// The offset of the first byte the rule changes, or npos. Plain ASCII is the common case.
size_t FirstUnclean(std::string_view text, TextKind kind) {
  for (size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    if (b >= 0x20 && b < 0x7F) {
      ++i;
      continue;
    }
    Utf8Sequence seq = DecodeUtf8(text, i);
    if (!seq.valid || Classify(seq.code_point, kind) != CharAction::kKeep) return i;
    i += seq.length;
  }
  return std::string_view::npos;
}

}  // namespace

std::string SanitisedText(std::string_view text, TextKind kind) {
  size_t first = FirstUnclean(text, kind);
  if (first == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  out.append(text.substr(0, first));
  for (size_t i = first; i < text.size();) {
    Utf8Sequence seq = DecodeUtf8(text, i);
    CharAction action = seq.valid ? Classify(seq.code_point, kind) : CharAction::kReplace;
    switch (action) {
      case CharAction::kKeep: out.append(text.substr(i, seq.length)); break;
      case CharAction::kDrop: break;
      case CharAction::kSpace: out.push_back(' '); break;
      case CharAction::kNewline:
        // CR LF is one line break.
        if (!(seq.code_point == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out.push_back('\n');
        break;
      case CharAction::kReplace: out.append("\xEF\xBF\xBD"); break;
    }
    i += seq.length;
  }
  return out;
}

bool SanitiseText(std::string& text, TextKind kind) {
  if (FirstUnclean(text, kind) == std::string_view::npos) return false;
  text = SanitisedText(text, kind);
  return true;
}

bool StartsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Excerpt(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return SanitisedText(text, TextKind::kLine);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return SanitisedText(text.substr(0, cut), TextKind::kLine) + "\u2026";
}

}  // namespace paperfeed::core
