// core/url: the one rule for which URLs taken from records may become links, on pages, in feeds
// and in mail, and the one percent-encoder for the URLs the project builds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace paperfeed::core {

// `url` as an absolute http:// or https:// URL with a host, safe in an href once HTML/XML-escaped,
// or nullopt. Leading and trailing spaces and C0 controls are trimmed as browsers trim them; a
// control character or space anywhere else ("java\tscript:", which a browser reads as
// javascript:) refuses the URL, as do other schemes and protocol-relative "//host". Bytes past
// ASCII are percent-encoded, as a browser would send them.
std::optional<std::string> SafeHttpUrl(std::string_view url);

// Percent-encodes `text` for a query parameter value or a path segment (RFC 3986 §2.1): every byte
// outside the unreserved set (§2.3: ALPHA, DIGIT, '-', '.', '_', '~') becomes %XX with uppercase
// hex digits, so a space is "%20" (never '+'), and '/', '&', '=' and UTF-8 bytes are encoded.
std::string PercentEncode(std::string_view text);

}  // namespace paperfeed::core
