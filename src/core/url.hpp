// core/url: the one rule for which URLs taken from records may become links, on pages, in feeds
// and in mail.
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

}  // namespace paperfeed::core
