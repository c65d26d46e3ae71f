#include "web/context.hpp"

#include "store/database.hpp"
#include "web/page_template.hpp"

namespace paperfeed::web {

core::Result<std::unique_ptr<StoreConnection>> ConnectionPool::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
  }
  auto catalogue = store::OpenCatalogue(db_path_);
  if (!catalogue) return catalogue.error();
  auto connection = std::make_unique<StoreConnection>();
  connection->catalogue = std::move(catalogue.value());
  store::LocalUpvoteCounts local;
  if (extensions_.local_upvote_counts) {
    store::Database* db = &connection->catalogue->database();
    local = [db, hook = extensions_.local_upvote_counts](const std::vector<std::string>& ids) { return hook(*db, ids); };
  }
  connection->daily_list = std::make_unique<store::DailyList>(connection->catalogue->database(), std::move(local));
  return connection;
}

void ConnectionPool::Release(std::unique_ptr<StoreConnection> connection) {
  if (!connection) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
}

const Viewer& Context::viewer() {
  if (!viewer_) {
    if (page_template_) {
      Viewer stand_in;
      stand_in.signed_in = true;
      stand_in.csrf_token = TemplateMarker("csrf").str();
      viewer_ = std::move(stand_in);
    } else {
      viewer_ = extensions_.resolve_viewer ? extensions_.resolve_viewer(request_, *this) : Viewer{};
    }
  }
  return *viewer_;
}

void Context::PrefetchViewerUpvotes(const std::vector<std::string>& paper_ids) {
  if (page_template_) return;  // the state is filled in when the page is spliced
  const Viewer& v = viewer();
  if (!v.signed_in || !extensions_.viewer_upvotes) return;
  std::vector<std::string> ask;
  for (const auto& id : paper_ids) {
    if (upvote_asked_.insert(id).second) ask.push_back(id);
  }
  if (ask.empty()) return;
  auto found = extensions_.viewer_upvotes(database(), v.user_id, ask);
  if (!found) return;  // shown as not upvoted; the toggle form still sends the intended state
  upvoted_.insert(found->begin(), found->end());
}

bool Context::ViewerUpvoted(const std::string& paper_id) {
  if (!upvote_asked_.contains(paper_id)) PrefetchViewerUpvotes({paper_id});
  return upvoted_.contains(paper_id);
}

std::string Context::BaseUrl() const { return site_.public_base_url; }

const char* SearchIndexStateName(SearchIndexState state) {
  switch (state) {
    case SearchIndexState::kOff: return "off";
    case SearchIndexState::kWarming: return "warming";
    case SearchIndexState::kCatchingUp: return "catching_up";
    case SearchIndexState::kReady: return "ready";
    case SearchIndexState::kFailed: return "failed";
  }
  return "off";
}

}  // namespace paperfeed::web
