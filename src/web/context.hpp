// web/context: what a handler may use while it serves one request — a database connection of its
// own (SQLite connections are never shared between threads), the search service, the viewer, the time.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/result.hpp"
#include "store/catalogue.hpp"
#include "store/daily_list.hpp"
#include "store/database.hpp"
#include "web/router.hpp"

namespace paperfeed::search {
class SearchService;
}

namespace paperfeed::web {

// One SQLite connection with the objects built on it. A request holds one for its whole life.
struct StoreConnection {
  std::unique_ptr<store::Catalogue> catalogue;
  std::unique_ptr<store::DailyList> daily_list;
  int64_t data_version = -1;  // Database::DataVersion last seen, to notice other connections' writes
};

// Connections handed to requests: made on demand, kept for reuse, at most one per worker thread in
// practice (a request returns its connection when it ends).
class ConnectionPool {
 public:
  ConnectionPool(std::string db_path, const Extensions& extensions) : db_path_(std::move(db_path)), extensions_(extensions) {}
  core::Result<std::unique_ptr<StoreConnection>> Acquire();
  void Release(std::unique_ptr<StoreConnection> connection);
  const std::string& db_path() const { return db_path_; }

 private:
  std::string db_path_;
  const Extensions& extensions_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<StoreConnection>> idle_;
};

// Where the search index stands while serving (GET /healthz says it as "searchIndex").
enum class SearchIndexState : int {
  kOff,         // search is turned off, or not built in
  kWarming,     // serve has started and is building the index in the background: search answers 503
  kCatchingUp,  // an index from before answers while it catches up with the catalogue
  kReady,       // caught up; kept in step every index_sync_seconds
  kFailed,      // could not be opened or built (the log says why)
};
const char* SearchIndexStateName(SearchIndexState state);

// Server-wide settings handlers may read.
struct SiteConfig {
  std::string site_name = "paperfeed";
  std::string static_version;  // appended to asset URLs (?v=) so they can be cached for a year
  bool secure_cookies = false; // set cookies with Secure (the site is served over TLS by a proxy)
  std::string public_base_url = "http://127.0.0.1:8080";  // no trailing slash
  const std::atomic<SearchIndexState>* search_state = nullptr;  // the server's; nullptr: kOff
  SearchIndexState SearchState() const { return search_state ? search_state->load() : SearchIndexState::kOff; }
};

class Context {
 public:
  Context(const Request& request, StoreConnection& connection, const Extensions& extensions,
          search::SearchService* search, const SiteConfig& site, int64_t now)
      : request_(request), connection_(connection), extensions_(extensions), search_(search), site_(site), now_(now) {}

  store::Database& database() { return connection_.catalogue->database(); }
  store::Catalogue& catalogue() { return *connection_.catalogue; }
  store::DailyList& daily_list() { return *connection_.daily_list; }
  // nullptr when the search indexes are not available (not built yet, or failed to open).
  search::SearchService* search() { return search_; }
  const Extensions& extensions() const { return extensions_; }
  const SiteConfig& site() const { return site_; }
  // The request's time, Unix seconds.
  int64_t now() const { return now_; }
  // The viewer, resolved on first use through Extensions::resolve_viewer.
  const Viewer& viewer();
  // Rendering a signed-in page template (web/page_template): viewer() is a stand-in whose CSRF
  // token is a marker, and the viewer's own parts (account links, upvote buttons, comments) are
  // written as markers for SplicePage to fill in per request.
  bool page_template() const { return page_template_; }
  void set_page_template(bool on) { page_template_ = on; viewer_.reset(); }
  // Whether the viewer upvoted the paper. A page first names the papers it will show
  // (PrefetchViewerUpvotes: one query for all of them); a paper it did not name costs a query.
  void PrefetchViewerUpvotes(const std::vector<std::string>& paper_ids);
  bool ViewerUpvoted(const std::string& paper_id);
  // The configured public base URL ("https://papers.example.org"), for absolute links in feeds.
  std::string BaseUrl() const;

 private:
  const Request& request_;
  StoreConnection& connection_;
  const Extensions& extensions_;
  search::SearchService* search_;
  const SiteConfig& site_;
  int64_t now_;
  std::optional<Viewer> viewer_;
  bool page_template_ = false;
  std::unordered_set<std::string> upvote_asked_;  // papers whose upvote state is known
  std::unordered_set<std::string> upvoted_;       // of those, the ones the viewer upvoted
};

}  // namespace paperfeed::web
