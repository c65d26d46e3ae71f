// Integration tests: the real server on 127.0.0.1:0 over a temp catalogue filled from real Hugging
// Face days, talked to with httplib::Client. Pages, API, feeds, escaping, headers, cache, shutdown.
#include <httplib.h>
#include <pugixml.hpp>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "ingest/ingester.hpp"
#include "store/daily_list.hpp"
#include "store/database.hpp"
#include "test_support.hpp"
#include "web/server.hpp"

namespace paperfeed::web {
namespace {

using nlohmann::json;

constexpr const char* kScript = "<script>alert(1)</script>";
constexpr const char* kImg = "\"><img src=x onerror=alert(1)>";
constexpr const char* kHostileId = "2608.99901";
constexpr const char* kDay = "2026-08-21";

core::Paper MakePaper(const std::string& id, const std::string& title, std::vector<std::string> categories) {
  core::Paper p;
  p.id = id;
  p.latest_version = 1;
  p.versions = {{1, "2026-08-20T00:00:00Z"}};
  p.title = title;
  p.abstract = "We study $\\mathcal{O}(n^2)$ attention with $\\alpha \\leq 1$ and find it works.";
  p.authors = {"Ada Lovelace", "Alan Turing"};
  p.primary_category = categories.front();
  p.categories = std::move(categories);
  p.published = "2026-08-20T00:00:00Z";
  p.updated = "2026-08-20T00:00:00Z";
  p.github_repo = "https://github.com/example/repo";
  p.github_stars = 42;
  return p;
}

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    db_ = new testing::TestDatabase(*dir_);
    auto catalogue = store::OpenCatalogue(db_->location());
    ASSERT_TRUE(catalogue.ok()) << catalogue.error().message;
    ingest::IngestOptions options;
    options.format = ingest::InputFormat::kHfDaily;
    options.progress = false;
    ingest::Ingester ingester(*catalogue.value(), options);
    auto r = ingester.IngestPaths({testing::Fixture("hf/archive/2026-08-19.json"),
                                   testing::Fixture("hf/archive/2026-08-20.json"),
                                   testing::Fixture("hf/archive/2026-08-21.json")});
    ASSERT_TRUE(r.ok()) << r.error().message;
    // A hostile submission: markup in the title, the submitter's name and the abstract.
    core::Paper hostile = MakePaper(kHostileId, std::string("Attention ") + kScript + " and " + kImg, {"cs.LG", "stat.ML"});
    hostile.abstract += std::string(" ") + kScript + kImg;
    hostile.github_repo = "javascript:alert(1)";
    ASSERT_TRUE(catalogue.value()->UpsertPaper(hostile).ok());
    ASSERT_TRUE(catalogue.value()->UpsertDailyEntry({kHostileId, kDay, std::string("eve") + kImg, kScript, 2, 0}).ok());
    ASSERT_TRUE(catalogue.value()->UpsertPaper(MakePaper("hep-th/9901001", "An old-style id paper", {"hep-th"})).ok());
    ASSERT_TRUE(catalogue.value()->UpsertDailyEntry({"hep-th/9901001", "2026-08-19", "bob", "Bob", 1, 0}).ok());

    ServerOptions server_options;
    server_options.db_path = db_->location();
    server_options.port = 0;
    server_options.threads = 8;
    server_options.log_requests = std::getenv("PF_LOG") != nullptr;
    server_options.index_dir = dir_->File("index");
    server_options.index_sync_seconds = 1;
    auto server = Server::Create(server_options);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = server.value().release();
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = port.value();
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete db_;
    delete dir_;
    dir_ = nullptr;
  }

  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(20);
    return client;
  }

  httplib::Result Get(const std::string& path, httplib::Headers headers = {}) const {
    auto client = Client();
    return client.Get(path, headers);
  }

  std::string Body(const std::string& path, int expected_status = 200) const {
    auto res = Get(path);
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, expected_status) << path << "\n" << res->body.substr(0, 500);
    return res->body;
  }

  // The data-paper-id of each card, in page order.
  static std::vector<std::string> CardIds(const std::string& html) {
    std::vector<std::string> ids;
    static const std::regex kCard("<article class=\"card\" id=\"p-[^\"]*\" data-paper-id=\"([^\"]+)\"");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), kCard); it != std::sregex_iterator(); ++it)
      ids.push_back((*it)[1]);
    return ids;
  }

  static void ExpectNoRawHostileMarkup(const std::string& body, const std::string& where) {
    EXPECT_EQ(body.find("<script>alert"), std::string::npos) << where;
    EXPECT_EQ(body.find("<img src=x"), std::string::npos) << where;
    EXPECT_EQ(body.find("javascript:alert"), std::string::npos) << where;
  }

  static int64_t Upvotes(const std::string& id, const std::string& day) {
    auto db = store::Database::Open(db_->location());
    auto s = db.value()->Prepare("SELECT upvotes FROM daily_entries WHERE paper_id=? AND day=?");
    s->Bind(1, id).Bind(2, day);
    EXPECT_TRUE(s->Step().value());
    return s->Int(0);
  }

  static testing::TempDir* dir_;
  static testing::TestDatabase* db_;
  static Server* server_;
  static int port_;
};

testing::TempDir* ServerTest::dir_ = nullptr;
testing::TestDatabase* ServerTest::db_ = nullptr;
Server* ServerTest::server_ = nullptr;
int ServerTest::port_ = 0;

TEST_F(ServerTest, FrontPageShowsTheLatestDayWithPapersWhenTodayHasNone) {
  std::string html = Body("/");
  EXPECT_NE(html.find("id=\"latest-note\""), std::string::npos);
  EXPECT_NE(html.find("Aug 21, 2026"), std::string::npos);
  EXPECT_EQ(CardIds(html), CardIds(Body(std::string("/papers/date/") + kDay)));
  EXPECT_GT(CardIds(html).size(), 5u);
}

TEST_F(ServerTest, DayPageListsMostUpvotedFirstWithCardFields) {
  std::string html = Body(std::string("/papers/date/") + kDay);
  auto ids = CardIds(html);
  ASSERT_GT(ids.size(), 2u);
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_GE(Upvotes(ids[i - 1], kDay), Upvotes(ids[i], kDay)) << ids[i];
  EXPECT_NE(html.find("<details class=\"abstract\">"), std::string::npos);
  EXPECT_NE(html.find("class=\"authors\" title=\""), std::string::npos);  // names on hover
  EXPECT_NE(html.find("submitted by"), std::string::npos);
  EXPECT_NE(html.find("<time datetime=\"2026-08-21\">"), std::string::npos);
}

TEST_F(ServerTest, DayNavigationLinksTheAdjacentDaysWithPapers) {
  std::string html = Body("/papers/date/2026-08-20");
  EXPECT_NE(html.find("href=\"/papers/date/2026-08-19\" rel=\"prev\""), std::string::npos);
  EXPECT_NE(html.find("href=\"/papers/date/2026-08-21\" rel=\"next\""), std::string::npos);
  std::string last = Body("/papers/date/2026-08-21");
  EXPECT_NE(last.find("<span class=\"disabled\">Next day →</span>"), std::string::npos);
}

TEST_F(ServerTest, WeekAndMonthPagesGatherTheirDays) {
  std::string week = Body("/papers/week/2026-W34");  // Aug 17 – 23
  std::string day19 = Body("/papers/date/2026-08-19");
  std::string day21 = Body("/papers/date/2026-08-21");
  std::set<std::string> week_ids;
  for (auto& id : CardIds(week)) week_ids.insert(id);
  for (auto& id : CardIds(day19)) EXPECT_TRUE(week_ids.count(id) || week_ids.size() == 50) << id;
  EXPECT_TRUE(week_ids.count(kHostileId) || week_ids.size() == 50);
  std::string month = Body("/papers/month/2026-08");
  EXPECT_NE(month.find("August 2026"), std::string::npos);
  Body("/papers/week/2026-W54", 400);
  Body("/papers/month/2026-13", 400);
  Body("/papers/date/2026-02-30", 400);
}

TEST_F(ServerTest, TrendingPageStatesItsFormula) {
  std::string html = Body("/trending");
  EXPECT_NE(html.find("(Hugging Face upvotes + 3 × this site&#39;s upvotes + 1) / (list days ago + 1)^1.5"), std::string::npos)
      << html.substr(html.find("trending-formula"), 400);
  EXPECT_GT(CardIds(html).size(), 5u);
}

TEST_F(ServerTest, PaperPageShowsAbstractAuthorsLinksAndChart) {
  std::string html = Body("/papers/hep-th/9901001");
  EXPECT_NE(html.find("Ada Lovelace"), std::string::npos);
  EXPECT_NE(html.find("Alan Turing"), std::string::npos);
  EXPECT_NE(html.find("href=\"https://arxiv.org/abs/hep-th/9901001\""), std::string::npos);
  EXPECT_NE(html.find("href=\"https://arxiv.org/pdf/hep-th/9901001\""), std::string::npos);
  EXPECT_NE(html.find("href=\"https://github.com/example/repo\""), std::string::npos);
  EXPECT_NE(html.find("<span class=\"stars\">42</span>"), std::string::npos);
  // One day of history (Hugging Face's count, no local votes) is said, not drawn as a flat line.
  EXPECT_NE(html.find("id=\"upvote-chart-note\">One day of history: "), std::string::npos);
  EXPECT_EQ(html.find("<svg class=\"chart\""), std::string::npos);
  // TeX made readable: \mathcal{O}(n^2) and \alpha \leq 1.
  EXPECT_NE(html.find("<span class=\"tex\">O(n<sup>2</sup>)</span>"), std::string::npos);
  EXPECT_NE(html.find("α ≤ 1"), std::string::npos);
}

TEST_F(ServerTest, UnknownPaperIsAnHtml404AndABadIdA400) {
  auto res = Get("/papers/2608.00000");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_NE(res->body.find("2608.00000 is not in the catalogue"), std::string::npos);
  EXPECT_EQ(Get("/papers/not-an-id")->status, 400);
  EXPECT_EQ(Get("/no/such/page")->status, 404);
}

TEST_F(ServerTest, ApiErrorsAreJsonWithTheRightStatus) {
  struct Case {
    std::string path;
    int status;
    std::string error;
  } cases[] = {
      {"/api/papers/2608.00000", 404, "not_found"},
      {"/api/papers/bad", 400, "invalid_input"},
      {"/api/daily_papers?date=yesterday", 400, "invalid_input"},
      {"/api/daily_papers?limit=1000", 400, "invalid_input"},
      {"/api/daily_papers?p=-1", 400, "invalid_input"},
      {"/api/daily_papers?sort=random", 400, "invalid_input"},
      {"/api/daily_papers?date=2026-08-21&week=2026-W34", 400, "invalid_input"},
      {"/api/papers/search", 400, "invalid_input"},
      {"/api/nothing", 404, "not_found"},
  };
  for (const auto& c : cases) {
    auto res = Get(c.path);
    ASSERT_TRUE(res) << c.path;
    EXPECT_EQ(res->status, c.status) << c.path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json") << c.path;
    auto body = json::parse(res->body);
    EXPECT_EQ(body["error"], c.error) << c.path;
    EXPECT_FALSE(body["message"].get<std::string>().empty()) << c.path;
  }
}

TEST_F(ServerTest, ApiDailyPapersUsesHuggingFaceFieldNames) {
  auto items = json::parse(Body(std::string("/api/daily_papers?date=") + kDay + "&limit=5"));
  ASSERT_TRUE(items.is_array());
  ASSERT_EQ(items.size(), 5u);
  for (const auto& item : items) {
    for (const char* key : {"paper", "publishedAt", "title", "summary", "numComments", "submittedBy"})
      EXPECT_TRUE(item.contains(key)) << key;
    for (const char* key : {"name", "fullname"}) EXPECT_TRUE(item["submittedBy"].contains(key)) << key;
    const auto& paper = item["paper"];
    for (const char* key : {"id", "authors", "publishedAt", "submittedOnDailyAt", "title", "summary", "upvotes",
                            "githubRepo", "githubStars"})
      EXPECT_TRUE(paper.contains(key)) << key;
    EXPECT_TRUE(paper["authors"][0].contains("name"));
  }
  for (size_t i = 1; i < items.size(); ++i)
    EXPECT_GE(items[i - 1]["paper"]["upvotes"].get<int64_t>(), items[i]["paper"]["upvotes"].get<int64_t>());
  // Pages do not overlap.
  auto page0 = json::parse(Body(std::string("/api/daily_papers?date=") + kDay + "&limit=2&p=0"));
  auto page1 = json::parse(Body(std::string("/api/daily_papers?date=") + kDay + "&limit=2&p=1"));
  EXPECT_NE(page0[0]["paper"]["id"], page1[0]["paper"]["id"]);
  EXPECT_EQ(page0[0]["paper"]["id"], items[0]["paper"]["id"]);
  // Week, month and trending answer too.
  EXPECT_GT(json::parse(Body("/api/daily_papers?week=2026-W34&limit=100")).size(), items.size());
  EXPECT_FALSE(json::parse(Body("/api/daily_papers?month=2026-08&sort=trending")).empty());
  EXPECT_FALSE(json::parse(Body("/api/daily_papers?date=2026-08-21&sort=publishedAt")).empty());
}

TEST_F(ServerTest, ApiPaperReturnsOneOldStyleIdPaper) {
  auto paper = json::parse(Body("/api/papers/hep-th/9901001"));
  EXPECT_EQ(paper["id"], "hep-th/9901001");
  EXPECT_EQ(paper["upvotes"], 1);
  EXPECT_EQ(paper["githubStars"], 42);
}

TEST_F(ServerTest, ApiSearchAndSimilarReturnPapers) {
  auto hits = json::parse(Body("/api/papers/search?q=attention&limit=5&mode=keyword"));
  ASSERT_TRUE(hits.is_array());
  EXPECT_FALSE(hits.empty());
  EXPECT_LE(hits.size(), 5u);
  EXPECT_TRUE(hits[0]["paper"].contains("id"));
  auto similar = json::parse(Body(std::string("/api/papers/") + kHostileId + "/similar"));
  ASSERT_TRUE(similar.is_array());
  for (const auto& s : similar) EXPECT_NE(s["paper"]["id"], kHostileId);
  EXPECT_EQ(Get("/api/papers/search?q=x&mode=telepathy")->status, 400);
}

// A harvest run by cron writes the catalogue from another process while the server runs: its
// papers become searchable without a restart (the server's index sync catches up).
TEST_F(ServerTest, PapersAnotherProcessStoresBecomeSearchableWhileServing) {
  const std::string path = "/api/papers/search?q=quasicrystalline%20zeppelins&mode=keyword";
  ASSERT_EQ(json::parse(Body(path)).size(), 0u);
  {
    auto catalogue = store::OpenCatalogue(db_->location());
    ASSERT_TRUE(catalogue.ok());
    ASSERT_TRUE(catalogue.value()->UpsertPaper(MakePaper("2608.99902", "Quasicrystalline zeppelins", {"cs.RO"})).ok());
  }
  json hits;
  for (int i = 0; i < 100 && hits.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    hits = json::parse(Body(path));
  }
  ASSERT_EQ(hits.size(), 1u) << "not searchable 10 s after it was stored";
  EXPECT_EQ(hits[0]["paper"]["id"], "2608.99902");
}

TEST_F(ServerTest, SearchPageHelpsWithEmptyAndBadQueriesNeverA500) {
  std::string empty = Body("/search");
  EXPECT_NE(empty.find("id=\"search-help\""), std::string::npos);
  auto bad_date = Get("/search?q=x&from=notadate");
  EXPECT_EQ(bad_date->status, 400);
  EXPECT_NE(bad_date->body.find("id=\"search-error\""), std::string::npos);
  for (std::string q : std::vector<std::string>{"%22%22%22", "((((", "AND%20OR%20NOT", "%00%01", std::string(600, 'a'), "%E2%28%A1"}) {
    auto res = Get("/search?q=" + q);
    ASSERT_TRUE(res) << q;
    EXPECT_LT(res->status, 500) << q;
    EXPECT_NE(res->body.find("<form class=\"filters\""), std::string::npos) << q;
  }
}

TEST_F(ServerTest, HostileInputIsEscapedInPagesAndFeeds) {
  for (std::string path : {std::string("/"), std::string("/papers/date/") + kDay, std::string("/papers/") + kHostileId,
                           std::string("/papers/week/2026-W34"), std::string("/trending"),
                           std::string("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
                           std::string("/search?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"),
                           std::string("/search?q=x&cat=%3Cscript%3E"), std::string("/feeds/daily.atom"),
                           std::string("/feeds/daily.json"), std::string("/feeds/cat/cs.LG.atom"),
                           std::string("/papers/%3Cscript%3Ealert(1)%3C%2Fscript%3E")}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_LT(res->status, 500) << path;
    ExpectNoRawHostileMarkup(res->body, path);
  }
  // The text is still there, escaped, so the reader sees what was submitted.
  std::string page = Body(std::string("/papers/") + kHostileId);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  // An XML parser reads the hostile title back as plain text.
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(Body("/feeds/cat/cs.LG.atom").c_str()));
  auto title = doc.child("feed").child("entry").child("title").text().as_string();
  EXPECT_NE(std::string(title).find(kScript), std::string::npos);
}

TEST_F(ServerTest, PagesCarrySecurityHeadersAndNoInlineScriptOrStyle) {
  for (std::string path : {"/", "/papers/hep-th/9901001", "/search?q=x", "/api/daily_papers", "/nope"}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    std::string csp = res->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << path;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << path;
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_FALSE(res->get_header_value("Referrer-Policy").empty()) << path;
    static const std::regex kInlineScript("<script(?![^>]*\\bsrc=)[^>]*>");
    EXPECT_FALSE(std::regex_search(res->body, kInlineScript)) << path;
    EXPECT_EQ(res->body.find(" style=\""), std::string::npos) << path;
    EXPECT_EQ(res->body.find("<style"), std::string::npos) << path;
  }
}

TEST_F(ServerTest, EveryPageLinksItsFeeds) {
  for (std::string path : {"/", "/trending", "/search?q=attention", "/papers/hep-th/9901001"}) {
    std::string html = Body(path);
    EXPECT_NE(html.find("<link rel=\"alternate\" type=\"application/atom+xml\""), std::string::npos) << path;
    EXPECT_NE(html.find("<link rel=\"alternate\" type=\"application/feed+json\""), std::string::npos) << path;
  }
  EXPECT_NE(Body("/trending").find("href=\"/feeds/trending.atom\""), std::string::npos);
}

TEST_F(ServerTest, AtomFeedsHaveTheElementsRfc4287Requires) {
  for (std::string path : {"/feeds/daily.atom", "/feeds/trending.atom", "/feeds/cat/hep-th.atom", "/feeds/cat/cs.atom"}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    ASSERT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/atom+xml; charset=utf-8");
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(res->body.c_str())) << path;
    auto feed = doc.child("feed");
    ASSERT_TRUE(feed) << path;
    EXPECT_STREQ(feed.attribute("xmlns").value(), "http://www.w3.org/2005/Atom");
    for (const char* el : {"id", "title", "updated"}) EXPECT_FALSE(std::string(feed.child_value(el)).empty()) << path << " " << el;
    EXPECT_TRUE(feed.child("author").child("name")) << path;
    EXPECT_TRUE(feed.find_child_by_attribute("link", "rel", "self")) << path;
    int entries = 0;
    for (auto entry : feed.children("entry")) {
      ++entries;
      for (const char* el : {"id", "title", "updated"}) EXPECT_FALSE(std::string(entry.child_value(el)).empty()) << path << " " << el;
      EXPECT_TRUE(entry.child("link").attribute("href")) << path;
    }
    EXPECT_GT(entries, 0) << path;
  }
  EXPECT_EQ(Get("/feeds/daily.rss")->status, 404);
  EXPECT_EQ(Get("/feeds/cat/%3Cx%3E.atom")->status, 404);
}

TEST_F(ServerTest, JsonFeedsHaveTheFieldsJsonFeed11Requires) {
  for (std::string path : {"/feeds/daily.json", "/feeds/trending.json", "/feeds/cat/hep-th.json"}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path;
    ASSERT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/feed+json");
    auto feed = json::parse(res->body);
    EXPECT_EQ(feed["version"], "https://jsonfeed.org/version/1.1") << path;
    EXPECT_FALSE(feed["title"].get<std::string>().empty()) << path;
    ASSERT_FALSE(feed["items"].empty()) << path;
    for (const auto& item : feed["items"]) {
      EXPECT_FALSE(item["id"].get<std::string>().empty());
      EXPECT_TRUE(item.contains("content_text"));
    }
    EXPECT_NE(feed["feed_url"].get<std::string>().find(".json"), std::string::npos) << path;
  }
  auto search = json::parse(Body("/feeds/search.json?q=attention"));
  EXPECT_EQ(search["version"], "https://jsonfeed.org/version/1.1");
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(Body("/feeds/search.atom?q=attention").c_str()));
  // Newest first among the relevant, as a reader shows them: a new match is never buried.
  ASSERT_GE(search["items"].size(), 2u);
  for (size_t i = 1; i < search["items"].size(); ++i) {
    EXPECT_GE(search["items"][i - 1]["date_modified"].get<std::string>(), search["items"][i]["date_modified"].get<std::string>())
        << "item " << i;
  }
  EXPECT_EQ(Get("/feeds/search.atom")->status, 400);
}

TEST_F(ServerTest, CompressesHtmlAndJsonWhenTheClientAsks) {
  for (std::string path : {"/", "/api/daily_papers", "/feeds/daily.atom", "/search?q=attention"}) {
    auto client = Client();
    client.set_decompress(false);
    auto res = client.Get(path, {{"Accept-Encoding", "gzip, deflate"}});
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->get_header_value("Content-Encoding"), "gzip") << path;
    ASSERT_GT(res->body.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(res->body[0]), 0x1f) << path;
    EXPECT_EQ(static_cast<unsigned char>(res->body[1]), 0x8b) << path;
    // And it inflates to the page.
    z_stream zs{};
    inflateInit2(&zs, 15 + 16);
    std::string out(1 << 22, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(res->body.data());
    zs.avail_in = static_cast<uInt>(res->body.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END) << path;
    out.resize(zs.total_out);
    inflateEnd(&zs);
    EXPECT_EQ(out, Body(path)) << path;
  }
  // Without Accept-Encoding: plain.
  auto client = Client();
  client.set_decompress(false);
  auto plain = client.Get("/");
  EXPECT_TRUE(plain->get_header_value("Content-Encoding").empty());
}

TEST_F(ServerTest, StaticFilesAreCachedForAYearWhenVersionedAndRevalidateWithEtag) {
  std::string html = Body("/");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(html, m, std::regex("href=\"(/static/style\\.css\\?v=[0-9a-f]+)\"")));
  auto css = Get(m[1]);
  ASSERT_EQ(css->status, 200);
  EXPECT_EQ(css->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");
  std::string etag = css->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  auto again = Get(m[1], {{"If-None-Match", etag}});
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(Get("/static/app.js")->get_header_value("Cache-Control"), "public, max-age=3600");
  EXPECT_EQ(Get("/static/nothing.js")->status, 404);
  EXPECT_EQ(Get("/")->get_header_value("Cache-Control"), "public, max-age=30");
}

TEST_F(ServerTest, CachedPagesChangeWhenAnotherProcessWritesTheCatalogue) {
  PAPERFEED_NOT_YET_ON_POSTGRES("the WAL position does not yet move the cached page in this test");
  std::string path = "/papers/date/2026-08-20";
  auto before = CardIds(Body(path));
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(CardIds(Body(path)), before);  // served from the cache
  {
    auto catalogue = store::OpenCatalogue(db_->location());
    ASSERT_TRUE(catalogue.ok());
    ASSERT_TRUE(catalogue.value()->UpsertPaper(MakePaper("2608.99902", "A paper upvoted by everyone", {"cs.AI"})).ok());
    ASSERT_TRUE(catalogue.value()->UpsertDailyEntry({"2608.99902", "2026-08-20", "zed", "Zed", 100000, 0}).ok());
  }
  auto after = CardIds(Body(path));
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.front(), "2608.99902");
}

TEST_F(ServerTest, RunningIngestNeverMakesAPageFailWithDatabaseLocked) {
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    auto catalogue = store::OpenCatalogue(db_->location());
    ASSERT_TRUE(catalogue.ok());
    for (int round = 0; round < 6 && !stop; ++round) {
      ASSERT_TRUE(catalogue.value()->BeginBatch().ok());
      for (int i = 0; i < 200; ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "2607.%05d", round * 200 + i);
        (void)catalogue.value()->UpsertPaper(MakePaper(id, "Bulk paper", {"cs.CL"}));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(60));  // hold the write lock a while
      ASSERT_TRUE(catalogue.value()->CommitBatch().ok());
    }
  });
  std::vector<std::thread> readers;
  std::atomic<int> failures{0}, requests{0};
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      auto client = Client();
      for (int i = 0; i < 25; ++i) {
        // Distinct query strings miss the cache, so every request reads the database.
        std::string path = (i % 2 ? "/papers/date/2026-08-19?n=" : "/api/daily_papers?date=2026-08-21&n=") +
                           std::to_string(t * 100 + i);
        auto res = client.Get(path);
        ++requests;
        if (!res || res->status != 200 || res->body.find("locked") != std::string::npos) ++failures;
      }
    });
  }
  for (auto& r : readers) r.join();
  stop = true;
  writer.join();
  EXPECT_EQ(failures.load(), 0) << "of " << requests.load();
}

TEST_F(ServerTest, HeadAndHealthz) {
  auto client = Client();
  auto head = client.Head("/");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  auto health = json::parse(Body("/healthz"));
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["latestDay"], "2026-08-21");
}

TEST_F(ServerTest, RejectsOversizedBodiesAndUnknownMethods) {
  auto client = Client();
  auto big = client.Post("/api/papers/submit", std::string(2 << 20, 'x'), "application/octet-stream");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  auto post = client.Post("/papers/date/2026-08-21", "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

// Stop() closes the listener at once but lets a request already in its handler finish. The
// handler is held on a latch, so the order of events is set by the test, not by a clock.
TEST(ServerShutdownTest, StopLetsAnInFlightRequestFinishAndRefusesNewConnections) {
  testing::TempDir dir;
  testing::TestDatabase db(dir);
  ServerOptions options;
  options.db_path = db.location();
  options.port = 0;
  options.threads = 2;
  options.index_dir = dir.File("index");
  auto server = Server::Create(options);
  ASSERT_TRUE(server.ok()) << server.error().message;
  std::promise<void> entered, release;
  auto released = release.get_future().share();
  server.value()->router().Get("/test/held", [&](const Request&, Response& res, Context&) {
    entered.set_value();
    released.wait();
    res.SetText("done");
  });
  auto port = server.value()->Start();
  ASSERT_TRUE(port.ok()) << port.error().message;
  auto client_for = [&] {
    httplib::Client c("127.0.0.1", port.value());
    c.set_connection_timeout(2);
    c.set_read_timeout(10);
    return c;
  };

  std::promise<int> status;
  std::thread request([&] {
    auto client = client_for();
    auto res = client.Get("/test/held");
    status.set_value(res ? res->status : -1);
  });
  entered.get_future().wait();
  std::thread stopper([&] { server.value()->Stop(); });
  // The listener closes while the held request is still in its handler.
  bool refused = false;
  for (int i = 0; i < 2000 && !refused; ++i) {
    auto probe = client_for();
    probe.set_connection_timeout(0, 200'000);
    refused = !probe.Get("/healthz");
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling the listener
  }
  EXPECT_TRUE(refused) << "new connections are still accepted after Stop()";
  auto answer = status.get_future();
  EXPECT_EQ(answer.wait_for(std::chrono::seconds(0)), std::future_status::timeout) << "answered before release";
  release.set_value();
  stopper.join();
  request.join();
  EXPECT_EQ(answer.get(), 200);
}

}  // namespace
}  // namespace paperfeed::web
