// web/router: the route table (method + path pattern → handler) and the hooks through which the
// accounts and subscriptions modules add to pages they do not own. routes.cpp fills it; server.cpp
// dispatches through it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/result.hpp"
#include "web/html.hpp"
#include "web/http.hpp"

namespace paperfeed::store {
class Database;
}

namespace paperfeed::web {

class Context;

// The person making the request, as the accounts module resolved it from the session cookie or
// the Authorization header. Anonymous unless a resolver is installed.
struct Viewer {
  bool signed_in = false;
  int64_t user_id = 0;
  std::string name;          // "alice"
  std::string display_name;  // may be empty: show name
  bool is_admin = false;
  std::string csrf_token;    // put it in every state-changing form as the hidden field "csrf"
  uint8_t scopes = 0xFF;     // signed in with an API token: what it may do (web/auth Scope bits)
};

using Handler = std::function<void(const Request&, Response&, Context&)>;

struct RouteOptions {
  // GET responses of this route may be served from the in-memory cache to anonymous requests
  // (no Cookie, no Authorization). The cache is dropped whenever the database changes.
  bool cacheable = false;
};

// One upvote-history point for the paper page's chart: the local count at the end of `day`.
struct UpvoteHistoryPoint {
  std::string day;
  int64_t total = 0;
};

// A link in the site header's navigation.
struct NavLink {
  std::string href;
  std::string label;
};

// Hooks other web modules install from their Register...Routes function. Every hook is optional:
// without it the page shows the read-only version.
struct Extensions {
  // Who is asking (accounts: session cookie / Bearer token). Called at most once per request.
  std::function<Viewer(const Request&, Context&)> resolve_viewer;
  // Local upvotes by paper id (accounts: AccountStore(db).LocalUpvoteCounts(ids)); added to Hugging
  // Face's counts on cards, pages, the API and trending.
  std::function<core::Result<std::unordered_map<std::string, int64_t>>(store::Database&,
                                                                       const std::vector<std::string>&)>
      local_upvote_counts;
  // The upvote control on the paper page and on cards (accounts: a form/button toggling the vote).
  // Receives the total shown. Default: the count alone.
  std::function<Html(const Request&, Context&, const std::string& paper_id, int64_t upvotes)> upvote_button;
  // The comments section of the paper page (accounts: list + form). Default: nothing.
  std::function<Html(const Request&, Context&, const std::string& paper_id)> comments_section;
  // Admin controls on the paper page (accounts: hide from the daily list). Default: nothing.
  std::function<Html(const Request&, Context&, const std::string& paper_id)> admin_controls;
  // The paper's local upvotes over time (accounts: AccountStore::UpvoteHistory), for the chart.
  std::function<core::Result<std::vector<UpvoteHistoryPoint>>(Context&, const std::string& paper_id)>
      upvote_history;
  // Which of `paper_ids` the user has upvoted (accounts: AccountStore::UpvotedBy), asked once per
  // page through Context::PrefetchViewerUpvotes.
  std::function<core::Result<std::unordered_set<std::string>>(store::Database&, int64_t user_id,
                                                              const std::vector<std::string>& paper_ids)>
      viewer_upvotes;
  // Local comment counts by paper id (accounts), added to Hugging Face's numComments.
  std::function<core::Result<std::unordered_map<std::string, int64_t>>(store::Database&,
                                                                       const std::vector<std::string>&)>
      local_comment_counts;
  // Extra links in the header's navigation (e.g. subscriptions: {"/subscriptions", "Digest"}).
  std::vector<NavLink> nav_links;
};

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  RouteOptions options;
};

// Patterns are paths whose segments are literals or hold one capture: "{id}", or a capture with a
// literal prefix/suffix in the same segment ("{name}.atom"). Routes match in the order added.
class Router {
 public:
  void Get(std::string pattern, Handler handler, RouteOptions options = {});
  void Post(std::string pattern, Handler handler, RouteOptions options = {});
  void Put(std::string pattern, Handler handler, RouteOptions options = {});
  void Delete(std::string pattern, Handler handler, RouteOptions options = {});
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});

  // The route for `method` and `path` with its captures, or nullptr. `path_exists` tells a 405
  // (the path matches another method) from a 404. HEAD matches GET routes.
  const Route* Match(std::string_view method, std::string_view path, std::map<std::string, std::string>& captures,
                     bool* path_exists = nullptr) const;

  Extensions& extensions() { return extensions_; }
  const Extensions& extensions() const { return extensions_; }
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;  // each route's pattern split on '/'
  Extensions extensions_;
};

}  // namespace paperfeed::web
