// Contract tests: what Hugging Face's own clients send and read, asked of the real `paperfeed serve`
// binary over HTTP. Each expectation names the client line it comes from:
//   hf_api.py     huggingface_hub src/huggingface_hub/hf_api.py (PaperInfo, PaperAuthor, User,
//                 list_daily_papers, paper_info, list_papers)
//   hf-fs-papers  huggingface/hf-mcp-server packages/mcp/src/hf-fs-papers.ts (the MCP server's
//                 papers provider)
// The catalogue holds real days from tests/fixtures/hf (2025-12-26 carries every field Hugging
// Face gives: ai_summary, ai_keywords, thumbnail, mediaUrls, organization, authors' _id/hidden/user,
// the submitter's _id/avatarUrl/type/isPro).
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "core/text.hpp"
#include "ingest/ingester.hpp"
#include "store/accounts.hpp"
#include "support/serve_process.hpp"
#include "test_support.hpp"
#include "web/auth.hpp"

namespace paperfeed::web {
namespace {

using nlohmann::json;

constexpr const char* kRich = "2512.15716";  // the 2025-12-26 entry with every field

class HfContractTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    db_ = new testing::TestDatabase(*dir_);
    const std::string db = db_->location();
    {
      auto catalogue = store::OpenCatalogue(db);
      ASSERT_TRUE(catalogue.ok()) << catalogue.error().message;
      ingest::IngestOptions options;
      options.format = ingest::InputFormat::kHfDaily;
      options.progress = false;
      ingest::Ingester ingester(*catalogue.value(), options);
      auto r = ingester.IngestPaths({testing::SourceFile("tests/fixtures/hf/2025-12-26.json"),
                                     testing::SourceFile("tests/fixtures/hf/2026-01-02.json"),
                                     testing::SourceFile("tests/fixtures/hf/2024-07-05.json")});
      ASSERT_TRUE(r.ok()) << r.error().message;
      // A paper in the catalogue but on no daily list yet, for the submission.
      core::Paper unlisted;
      unlisted.id = "2512.00001";
      unlisted.latest_version = 1;
      unlisted.versions = {{1, "2025-12-01T00:00:00Z"}};
      unlisted.title = "An unlisted paper";
      unlisted.abstract = "Nobody has submitted it yet.";
      unlisted.authors = {"Ada Lovelace"};
      unlisted.published = unlisted.updated = "2025-12-01T00:00:00Z";
      ASSERT_TRUE(catalogue.value()->UpsertPaper(unlisted).ok());
      AuthConfig config;
      config.password_cost = PasswordCost::Minimum();
      Auth auth(config);
      store::AccountStore accounts(catalogue.value()->database());
      auto user = auth.CreateUser(accounts, {"alice", "correct horse battery", "Alice", ""}, false);
      ASSERT_TRUE(user.ok()) << user.error().message;
      auto all = auth.CreateApiToken(accounts, *user, "agent", kAllScopes);
      ASSERT_TRUE(all.ok()) << all.error().message;
      all_token_ = new std::string(all->token);
      auto read = auth.CreateApiToken(accounts, *user, "reader", static_cast<Scopes>(Scope::kRead));
      ASSERT_TRUE(read.ok()) << read.error().message;
      read_token_ = new std::string(read->token);
    }
    const std::string config = dir_->Write(
        "paperfeed.toml", "[server]\ndatabase = \"" + db + "\"\nlisten = \"127.0.0.1:0\"\n"
                          "public_base_url = \"https://papers.example.org\"\nquiet = true\nindex_sync_seconds = 1\n"
                          "[accounts]\narxiv_api_url = \"off\"\n[mail]\nenabled_in_serve = false\n");
    port_ = StartServe(config);
    ASSERT_GT(port_, 0) << "serve did not report its port";
    // serve answers at once and builds the search index in the background: the search contracts
    // start once /healthz says the index is ready (polling serve's own report, not a clock).
    httplib::Client http("127.0.0.1", port_);
    std::string state;
    for (int i = 0; i < 1200 && state != "ready"; ++i) {
      if (auto health = http.Get("/healthz"); health && health->status == 200) {
        state = json::parse(health->body).value("searchIndex", "");
      }
      if (state != "ready") std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ASSERT_EQ(state, "ready") << "the search index never became ready";
  }

  static void TearDownTestSuite() {
    delete serve_;  // SIGTERM, and a clean exit expected
    serve_ = nullptr;
    delete all_token_;
    delete read_token_;
    delete db_;
    delete dir_;
  }

  static int StartServe(const std::string& config_file) {
    serve_ = new testing::ServeProcess();
    return serve_->Start(config_file);
  }

  static httplib::Result Get(const std::string& path, httplib::Headers headers = {}) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30);
    return client.Get(path, headers);
  }

  static json GetJson(const std::string& path, int expected_status = 200) {
    auto res = Get(path);
    EXPECT_TRUE(res) << path;
    if (!res) return json();
    EXPECT_EQ(res->status, expected_status) << path << "\n" << res->body.substr(0, 400);
    return json::parse(res->body, nullptr, false);
  }

  static httplib::Result Post(const std::string& path, const json& body, const std::string& token) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30);
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client.Post(path, headers, body.dump(), "application/json");
  }

  static json Entry(const json& list, const std::string& id) {
    for (const auto& e : list)
      if (e["paper"]["id"] == id) return e;
    return json();
  }

  static testing::TempDir* dir_;
  static testing::TestDatabase* db_;
  static testing::ServeProcess* serve_;
  static int port_;
  static std::string* all_token_;
  static std::string* read_token_;
};

testing::TempDir* HfContractTest::dir_ = nullptr;
testing::TestDatabase* HfContractTest::db_ = nullptr;
testing::ServeProcess* HfContractTest::serve_ = nullptr;
int HfContractTest::port_ = 0;
std::string* HfContractTest::all_token_ = nullptr;
std::string* HfContractTest::read_token_ = nullptr;

TEST_F(HfContractTest, DailyPapersEntriesCarryWhatPaperInfoReadsAtTheTopLevel) {
  json list = GetJson("/api/daily_papers?date=2025-12-26");
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 6u);
  json e = Entry(list, kRich);
  ASSERT_TRUE(e.is_object()) << list.dump().substr(0, 300);
  // hf_api.py PaperInfo: self.title = kwargs.pop("title") — top level only.
  EXPECT_EQ(e["title"], "Spatia: Video Generation with Updatable Spatial Memory");
  // hf_api.py: self.github_repo = kwargs.pop("githubRepo"); github_stars, project_page likewise.
  EXPECT_EQ(e["githubRepo"], "https://github.com/ZhaoJingjing713/Spatia");
  EXPECT_EQ(e["githubStars"], 37);
  EXPECT_EQ(e["projectPage"], "https://zhaojingjing713.github.io/Spatia/");
  // hf_api.py: self.ai_summary = kwargs.pop("ai_summary"); self.ai_keywords = kwargs.pop("ai_keywords").
  EXPECT_TRUE(core::StartsWith(e.value("ai_summary", ""), "Spatia, a spatial memory-aware video generation framework"));
  ASSERT_TRUE(e["ai_keywords"].is_array());
  EXPECT_EQ(e["ai_keywords"][0], "spatial memory-aware");
  // hf_api.py: organization = kwargs.pop("organization"); Organization(**organization) reads name, fullname.
  EXPECT_EQ(e["organization"]["name"], "Sydney-Uni");
  EXPECT_EQ(e["organization"]["fullname"], "The University of Sydney");
  EXPECT_EQ(e["organization"]["_id"], "670621bc820835bbf0d2b499");
  // Hugging Face's own daily list has thumbnail and mediaUrls at the top level.
  EXPECT_EQ(e["thumbnail"], "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2512.15716.png");
  ASSERT_TRUE(e["mediaUrls"].is_array());
  EXPECT_EQ(e["mediaUrls"].size(), 1u);
  // hf_api.py: self.comments = kwargs.pop("numComments", 0).
  EXPECT_EQ(e["numComments"], 1);
  // hf_api.py: submitted_at = kwargs.pop("publishedAt") — the top-level publishedAt is the list day.
  EXPECT_TRUE(core::StartsWith(e.value("publishedAt", ""), "2025-12-26"));
  // hf_api.py: submitted_by = kwargs.pop("submittedBy"); User(**submitted_by) reads user, fullname,
  // avatarUrl, isPro, type.
  const json& by = e["submittedBy"];
  EXPECT_EQ(by["user"], "Jinjing713");
  EXPECT_EQ(by["fullname"], "Jinjing Zhao");
  EXPECT_EQ(by["avatarUrl"], "/avatars/c85537df848bda7ec92565f56cd32eed.svg");
  EXPECT_EQ(by["isPro"], false);
  EXPECT_EQ(by["type"], "user");
  EXPECT_EQ(by["_id"], "64f8962bce75bb0fb50bdbdb");
}

TEST_F(HfContractTest, DailyPapersPaperObjectCarriesTheFallbacksAndAuthorDetails) {
  json e = Entry(GetJson("/api/daily_papers?date=2025-12-26"), kRich);
  const json& p = e["paper"];
  // hf_api.py: self.id = kwargs.pop("id") or paper.pop("id"); summary, upvotes, discussionId,
  // authors and publishedAt are read from `paper` first.
  EXPECT_EQ(p["id"], kRich);
  EXPECT_EQ(p["upvotes"], 8);
  EXPECT_EQ(p["discussionId"], "694b65e8746a34b55dd53dc4");
  EXPECT_TRUE(p["summary"].is_string());
  EXPECT_TRUE(core::StartsWith(p.value("publishedAt", ""), "2025-12-"));
  // Other clients (hf-fs-papers paperEntry: wrapped.ai_summary) read the same fields inside `paper`.
  EXPECT_EQ(p["ai_summary"], e["ai_summary"]);
  EXPECT_EQ(p["githubRepo"], e["githubRepo"]);
  EXPECT_EQ(p["thumbnail"], e["thumbnail"]);
  // hf_api.py PaperAuthor: name, user (User(**user)), hidden; Hugging Face also gives _id.
  ASSERT_TRUE(p["authors"].is_array());
  json claimed;
  for (const auto& a : p["authors"])
    if (a["name"] == "Jinjing Zhao") claimed = a;
  ASSERT_TRUE(claimed.is_object());
  EXPECT_EQ(claimed["_id"], "694b65e7746a34b55dd53dbe");
  EXPECT_EQ(claimed["hidden"], false);
  EXPECT_EQ(claimed["user"]["user"], "Jinjing713");
  // hf-fs-papers dailyPapersDateFromPaper: paper.submittedOnDailyAt.slice(0, 10) is the list day.
  EXPECT_EQ(p.value("submittedOnDailyAt", "").substr(0, 10), "2025-12-26");
}

TEST_F(HfContractTest, DailyPapersTakesWeekMonthSubmitterSortAndPaging) {
  // hf_api.py list_daily_papers sends p, limit, sort, date, week, month, submitter.
  EXPECT_EQ(GetJson("/api/daily_papers?week=2025-W52").size(), 6u);
  EXPECT_EQ(GetJson("/api/daily_papers?month=2025-12").size(), 6u);
  json mine = GetJson("/api/daily_papers?month=2025-12&submitter=Jinjing713");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["paper"]["id"], kRich);
  EXPECT_EQ(GetJson("/api/daily_papers?month=2025-12&submitter=nobody").size(), 0u);
  // sort=publishedAt: newest arXiv date first.
  json by_date = GetJson("/api/daily_papers?date=2025-12-26&sort=publishedAt");
  ASSERT_EQ(by_date.size(), 6u);
  for (size_t i = 1; i < by_date.size(); ++i)
    EXPECT_GE(by_date[i - 1]["paper"]["publishedAt"].get<std::string>(), by_date[i]["paper"]["publishedAt"].get<std::string>());
  EXPECT_EQ(GetJson("/api/daily_papers?date=2025-12-26&sort=trending").size(), 6u);
  // Paging: hf-fs-papers hasNextLink reads Link: <…>; rel="next".
  auto first = Get("/api/daily_papers?date=2025-12-26&limit=4&p=0");
  ASSERT_TRUE(first);
  EXPECT_EQ(json::parse(first->body).size(), 4u);
  std::string link = first->get_header_value("Link");
  EXPECT_NE(link.find("rel=\"next\""), std::string::npos) << link;
  EXPECT_NE(link.find("<https://papers.example.org/api/daily_papers?"), std::string::npos) << link;
  EXPECT_NE(link.find("p=1"), std::string::npos) << link;
  auto last = Get("/api/daily_papers?date=2025-12-26&limit=4&p=1");
  ASSERT_TRUE(last);
  EXPECT_EQ(json::parse(last->body).size(), 2u);
  EXPECT_EQ(last->get_header_value("Link"), "") << "no next page after the last";
  // Past the last page: [] with 200, as Hugging Face answers.
  EXPECT_EQ(GetJson("/api/daily_papers?date=2025-12-26&limit=4&p=5"), json::array());
  // limit is 1..100.
  GetJson("/api/daily_papers?limit=0", 400);
  GetJson("/api/daily_papers?limit=101", 400);
  EXPECT_EQ(GetJson("/api/daily_papers?date=2025-12-26&limit=100").size(), 6u);
}

TEST_F(HfContractTest, DailyPapersErrorsAsHuggingFaceGivesThem) {
  GetJson("/api/daily_papers?date=2025-13-45", 400);
  GetJson("/api/daily_papers?date=yesterday", 400);
  GetJson("/api/daily_papers?week=2025-W99", 400);
  GetJson("/api/daily_papers?month=2025-13", 400);
  GetJson("/api/daily_papers?sort=random", 400);
  // A day without a list: [].
  EXPECT_EQ(GetJson("/api/daily_papers?date=2025-12-25"), json::array());
}

TEST_F(HfContractTest, TrendingWithoutAPeriodIsTheTrendingPagesList) {
  // The API and /trending rank by one definition (store::DailyList::Trending).
  json api = GetJson("/api/daily_papers?sort=trending&limit=100");
  auto page = Get("/trending");
  ASSERT_TRUE(page);
  std::vector<std::string> page_ids;
  static const std::regex kCard("<article class=\"card\" id=\"p-[^\"]*\" data-paper-id=\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(page->body.begin(), page->body.end(), kCard); it != std::sregex_iterator(); ++it)
    page_ids.push_back((*it)[1]);
  std::vector<std::string> api_ids;
  for (const auto& e : api) api_ids.push_back(e["paper"]["id"]);
  ASSERT_FALSE(api_ids.empty());
  page_ids.resize(std::min(page_ids.size(), api_ids.size()));
  EXPECT_EQ(api_ids, page_ids);
}

TEST_F(HfContractTest, PaperInfoReadsTheTopLevelOfApiPapers) {
  // hf_api.py paper_info: GET /api/papers/{id} -> PaperInfo(**r.json()), everything top level.
  json p = GetJson(std::string("/api/papers/") + kRich);
  EXPECT_EQ(p["id"], kRich);
  EXPECT_EQ(p["title"], "Spatia: Video Generation with Updatable Spatial Memory");
  EXPECT_EQ(p["upvotes"], 8);
  EXPECT_EQ(p["githubRepo"], "https://github.com/ZhaoJingjing713/Spatia");
  EXPECT_EQ(p["githubStars"], 37);
  EXPECT_EQ(p["projectPage"], "https://zhaojingjing713.github.io/Spatia/");
  EXPECT_TRUE(p["ai_summary"].is_string());
  EXPECT_TRUE(p["ai_keywords"].is_array());
  EXPECT_EQ(p["organization"]["name"], "Sydney-Uni");
  EXPECT_EQ(p["discussionId"], "694b65e8746a34b55dd53dc4");
  EXPECT_EQ(p["numComments"], 1);
  EXPECT_TRUE(p["thumbnail"].is_string());
  EXPECT_TRUE(p["mediaUrls"].is_array());
  // hf_api.py: submitted_by = kwargs.pop("submittedBy") or kwargs.pop("submittedOnDailyBy").
  EXPECT_EQ(p["submittedOnDailyBy"]["user"], "Jinjing713");
  EXPECT_EQ(p["submittedOnDailyBy"]["avatarUrl"], "/avatars/c85537df848bda7ec92565f56cd32eed.svg");
  // hf-fs-papers fetchPaper: 404 means "no such paper".
  GetJson("/api/papers/2512.99999", 404);
  GetJson("/api/papers/not-an-id", 400);
}

TEST_F(HfContractTest, SearchTakesQAndLimitWithinHuggingFacesBounds) {
  // hf_api.py list_papers: GET /api/papers/search with q and limit; PaperInfo reads top-level title.
  json hits;
  for (int attempt = 0; attempt < 1; ++attempt) hits = GetJson("/api/papers/search?q=spatial%20memory%20video&limit=5");
  ASSERT_TRUE(hits.is_array());
  ASSERT_FALSE(hits.empty());
  EXPECT_LE(hits.size(), 5u);
  for (const auto& h : hits) {
    EXPECT_TRUE(h["title"].is_string());
    EXPECT_TRUE(h["paper"]["id"].is_string());
  }
  json rich = Entry(hits, kRich);
  ASSERT_TRUE(rich.is_object()) << hits.dump().substr(0, 400);
  EXPECT_TRUE(rich["ai_summary"].is_string());
  EXPECT_EQ(rich["githubRepo"], "https://github.com/ZhaoJingjing713/Spatia");
  // hf-fs-papers PAPER_SEARCH_LIMIT = 120: up to 120 answers, beyond is refused.
  GetJson("/api/papers/search?q=video&limit=120", 200);
  GetJson("/api/papers/search?q=video&limit=121", 400);
  // q is at most 250 characters (counted as characters, not bytes).
  GetJson("/api/papers/search?q=" + std::string(250, 'a'), 200);
  GetJson("/api/papers/search?q=" + std::string(251, 'a'), 400);
  std::string e_acute = "%C3%A9";
  std::string two_fifty;
  for (int i = 0; i < 250; ++i) two_fifty += e_acute;
  GetJson("/api/papers/search?q=" + two_fifty, 200);
}

TEST_F(HfContractTest, PaperMarkdownByPathAndByAcceptHeader) {
  // hf-fs-papers getPaperMarkdown: GET /papers/{id}.md with accept: text/markdown.
  auto md = Get(std::string("/papers/") + kRich + ".md", {{"Accept", "text/markdown"}});
  ASSERT_TRUE(md);
  ASSERT_EQ(md->status, 200) << md->body;
  EXPECT_TRUE(core::StartsWith(md->get_header_value("Content-Type"), "text/markdown"));
  const std::string& text = md->body;
  EXPECT_TRUE(core::StartsWith(text, "# Spatia: Video Generation with Updatable Spatial Memory\n"));
  EXPECT_NE(text.find("**Authors:** "), std::string::npos);
  EXPECT_NE(text.find("Jinjing Zhao"), std::string::npos);
  EXPECT_NE(text.find("**Published:** 2025-12-"), std::string::npos);
  EXPECT_NE(text.find("- [arXiv abstract](https://arxiv.org/abs/2512.15716)"), std::string::npos);
  EXPECT_NE(text.find("- [Code](https://github.com/ZhaoJingjing713/Spatia) (37 stars)"), std::string::npos);
  EXPECT_NE(text.find("- [Paper page](https://papers.example.org/papers/2512.15716)"), std::string::npos);
  EXPECT_NE(text.find("## AI summary"), std::string::npos);
  EXPECT_NE(text.find("Machine-written"), std::string::npos);
  EXPECT_NE(text.find("## Abstract"), std::string::npos);
  // Accept: text/markdown on the page's own URL gives the same document; a browser gets HTML.
  auto negotiated = Get(std::string("/papers/") + kRich, {{"Accept", "text/markdown"}});
  ASSERT_TRUE(negotiated);
  EXPECT_EQ(negotiated->body, text);
  auto html = Get(std::string("/papers/") + kRich, {{"Accept", "text/html,application/xhtml+xml"}});
  ASSERT_TRUE(html);
  EXPECT_NE(html->body.find("<!doctype html>"), std::string::npos);
  // ...and the cached page for one never answers the other.
  auto again = Get(std::string("/papers/") + kRich, {{"Accept", "text/markdown"}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, text);
  auto missing = Get("/papers/2512.99999.md");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(HfContractTest, ShowMarkdownPrintsTheSameDocument) {
  auto md = Get(std::string("/papers/") + kRich + ".md");
  ASSERT_TRUE(md);
  std::string config = dir_->File("paperfeed.toml");
  std::string command = std::string(PAPERFEED_BINARY) + " --config " + config + " show " + kRich + " --markdown";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  EXPECT_EQ(pclose(pipe), 0);
  EXPECT_EQ(out, md->body);
}

TEST_F(HfContractTest, ArxivReposListsModelsDatasetsSpacesAndTheCode) {
  // hf-fs-papers fetchLinkedRepos: GET /api/arxiv/{id}/repos -> {models, datasets, spaces}.
  json repos = GetJson(std::string("/api/arxiv/") + kRich + "/repos");
  EXPECT_EQ(repos["models"], json::array());
  EXPECT_EQ(repos["datasets"], json::array());
  EXPECT_EQ(repos["spaces"], json::array());
  EXPECT_EQ(repos["githubRepo"], "https://github.com/ZhaoJingjing713/Spatia");
  ASSERT_EQ(repos["codeRepositories"].size(), 1u);
  EXPECT_EQ(repos["codeRepositories"][0]["stars"], 37);
  GetJson("/api/arxiv/2512.99999/repos", 404);
}

TEST_F(HfContractTest, WriteSideTakesHuggingFacesPathsWithTokenScopes) {
  // Comment: Hugging Face's path and body beside paperfeed's own.
  auto anonymous = Post(std::string("/api/papers/") + kRich + "/comment", {{"comment", "Nice."}}, "");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto reader = Post(std::string("/api/papers/") + kRich + "/comment", {{"comment", "Nice."}}, *read_token_);
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->status, 403);
  EXPECT_NE(reader->get_header_value("WWW-Authenticate").find("insufficient_scope"), std::string::npos);
  auto hf_body = Post(std::string("/api/papers/") + kRich + "/comment", {{"comment", "Spatial memory, nice."}}, *all_token_);
  ASSERT_TRUE(hf_body);
  EXPECT_EQ(hf_body->status, 201) << hf_body->body;
  EXPECT_EQ(json::parse(hf_body->body)["text"], "Spatial memory, nice.");
  auto own_body = Post(std::string("/api/papers/") + kRich + "/comments", {{"text", "Again."}}, *all_token_);
  ASSERT_TRUE(own_body);
  EXPECT_EQ(own_body->status, 201) << own_body->body;
  // The comment count the list shows grows with them (1 from Hugging Face + 2 here).
  json e = Entry(GetJson("/api/daily_papers?date=2025-12-26"), kRich);
  EXPECT_EQ(e["numComments"], 3);
  // Submit an already known paper with Hugging Face's body key.
  auto submit = Post("/api/papers/submit", {{"paperId", "2512.00001"}}, *all_token_);
  ASSERT_TRUE(submit);
  EXPECT_EQ(submit->status, 201) << submit->body;
  EXPECT_EQ(json::parse(submit->body)["id"], "2512.00001");
  auto denied = Post("/api/papers/submit", {{"id", "2512.00001"}}, *read_token_);
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
}

TEST_F(HfContractTest, CardsShowTheAiSummaryKeywordsAndCommentCounts) {
  auto page = Get("/papers/date/2025-12-26");
  ASSERT_TRUE(page);
  const std::string& html = page->body;
  EXPECT_NE(html.find("<details class=\"ai-summary\"><summary>AI summary <span class=\"machine\""), std::string::npos);
  EXPECT_NE(html.find("machine-written</span>"), std::string::npos);
  EXPECT_NE(html.find("Spatia, a spatial memory-aware video generation framework"), std::string::npos);
  EXPECT_NE(html.find("<a class=\"chip\" href=\"/search?q=%22spatial%20memory-aware%22&amp;mode=keyword\">spatial memory-aware</a>"),
            std::string::npos);
  // numComments is Hugging Face's discussion, which is on its page: counted apart from this site's
  // comments (the paper page's count), and linked there.
  EXPECT_TRUE(std::regex_search(
      html, std::regex("<a class=\"hf-comments\" href=\"https://huggingface\\.co/papers/2512\\.15716#community\" "
                       "rel=\"noopener\">\\d+ comments? on Hugging Face</a>")))
      << "no comment count on the card";
  // A paper without an AI summary gets none (2512.21218 has none in the source).
  auto pos = html.find("<article class=\"card\" id=\"p-2512.21218\"");
  ASSERT_NE(pos, std::string::npos);
  auto end = html.find("</article>", pos);
  EXPECT_EQ(html.substr(pos, end - pos).find("ai-summary"), std::string::npos);
  // The paper page opens with it, marked as machine-written.
  auto paper = Get(std::string("/papers/") + kRich);
  ASSERT_TRUE(paper);
  EXPECT_NE(paper->body.find("<section class=\"ai-summary\""), std::string::npos);
  EXPECT_LT(paper->body.find("ai-summary-h"), paper->body.find("abstract-h"));
}

}  // namespace
}  // namespace paperfeed::web
