// web/feeds: the Atom 1.0 and JSON Feed 1.1 documents for a list of papers, apart from the routes
// (handlers.hpp) so that tests build them from any records without a server.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/paper.hpp"

namespace paperfeed::web {

struct FeedItem {
  const core::Paper* paper = nullptr;
  std::string updated;  // RFC 3339
  int64_t upvotes = -1;
  std::string day;
};

struct FeedMeta {
  std::string title;
  std::string self_path;  // "/feeds/daily.atom"
  std::string html_path;  // "/"
  std::string subtitle;
};

// Where the feed is served from: the site's public base URL (no trailing slash) and its name.
struct FeedSite {
  std::string base;
  std::string name;
};

// An Atom document that is well-formed XML whatever the records hold (ill-formed UTF-8 and
// characters XML forbids are cleaned with core::SanitiseText, links from records pass
// core::SafeHttpUrl).
std::string AtomFeed(const FeedSite& site, const FeedMeta& meta, const std::vector<FeedItem>& items);
nlohmann::json JsonFeed(const FeedSite& site, const FeedMeta& meta, const std::vector<FeedItem>& items);

}  // namespace paperfeed::web
