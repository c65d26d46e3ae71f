#include "core/url.hpp"

namespace paperfeed::core {

std::optional<std::string> SafeHttpUrl(std::string_view url) {
  // The WHATWG URL parser (https://url.spec.whatwg.org/#concept-basic-url-parser) strips leading
  // and trailing C0 controls and spaces, and removes tab and newlines anywhere: "java\tscript:x"
  // runs script. Trim the ends the same way and refuse what a browser would remove inside.
  auto c0_or_space = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
  while (!url.empty() && c0_or_space(url.front())) url.remove_prefix(1);
  while (!url.empty() && c0_or_space(url.back())) url.remove_suffix(1);
  auto starts = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  size_t host = starts("https://") ? 8 : starts("http://") ? 7 : 0;
  if (host == 0 || host >= url.size()) return std::nullopt;
  // "http:///x" and "http://\x" have no host of their own.
  if (url[host] == '/' || url[host] == '\\' || url[host] == '?' || url[host] == '#') return std::nullopt;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(url.size());
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return std::nullopt;
    if (u >= 0x80) {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    // Not std::isalnum: its answer depends on the C locale, the unreserved set does not.
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace paperfeed::core
