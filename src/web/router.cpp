#include "web/router.hpp"

namespace paperfeed::web {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// One pattern segment against one path segment; a capture needs at least one character.
bool MatchSegment(std::string_view pattern, std::string_view segment, std::map<std::string, std::string>& captures) {
  auto open = pattern.find('{');
  if (open == std::string_view::npos) return pattern == segment;
  auto close = pattern.find('}', open);
  std::string_view prefix = pattern.substr(0, open);
  std::string_view name = pattern.substr(open + 1, close - open - 1);
  std::string_view suffix = pattern.substr(close + 1);
  if (segment.size() <= prefix.size() + suffix.size()) return false;
  if (segment.substr(0, prefix.size()) != prefix) return false;
  if (segment.substr(segment.size() - suffix.size()) != suffix) return false;
  captures[std::string(name)] = std::string(segment.substr(prefix.size(), segment.size() - prefix.size() - suffix.size()));
  return true;
}

}  // namespace

void Router::Get(std::string pattern, Handler handler, RouteOptions options) {
  Add("GET", std::move(pattern), std::move(handler), options);
}
void Router::Post(std::string pattern, Handler handler, RouteOptions options) {
  Add("POST", std::move(pattern), std::move(handler), options);
}
void Router::Put(std::string pattern, Handler handler, RouteOptions options) {
  Add("PUT", std::move(pattern), std::move(handler), options);
}
void Router::Delete(std::string pattern, Handler handler, RouteOptions options) {
  Add("DELETE", std::move(pattern), std::move(handler), options);
}

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  std::vector<std::string> segments;
  for (auto s : Split(pattern)) segments.emplace_back(s);
  segments_.push_back(std::move(segments));
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(handler), options});
}

const Route* Router::Match(std::string_view method, std::string_view path, std::map<std::string, std::string>& captures,
                           bool* path_exists) const {
  if (path_exists) *path_exists = false;
  if (path.empty() || path[0] != '/') return nullptr;
  auto segments = Split(path);
  std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const auto& pattern = segments_[i];
    if (pattern.size() != segments.size()) continue;
    std::map<std::string, std::string> found;
    bool ok = true;
    for (size_t k = 0; k < pattern.size() && ok; ++k) ok = MatchSegment(pattern[k], segments[k], found);
    if (!ok) continue;
    if (routes_[i].method != wanted) {
      if (path_exists) *path_exists = true;
      continue;
    }
    captures = std::move(found);
    return &routes_[i];
  }
  return nullptr;
}

}  // namespace paperfeed::web
