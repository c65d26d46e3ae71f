// Integration tests of accounts: the real server on 127.0.0.1:0 over a temp catalogue, talked to
// with httplib::Client as a browser would (cookies, forms, CSRF tokens) and as a program would
// (JSON API with Bearer tokens). A stand-in arXiv API on another port serves the recorded Atom
// fixture for submissions.
#include <httplib.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "store/accounts.hpp"
#include "store/daily_list.hpp"
#include "store/database.hpp"
#include "test_support.hpp"
#include "web/account_handlers.hpp"
#include "web/auth.hpp"
#include "web/server.hpp"

namespace paperfeed::web {
namespace {

using nlohmann::json;

constexpr const char* kScript = "<script>alert(1)</script>";
constexpr const char* kImg = "\"><img src=x onerror=alert(1)>";
constexpr const char* kPaper = "2501.00001";      // in the catalogue and in a daily list
constexpr const char* kOldStyle = "hep-th/9901001";
constexpr const char* kFixturePaper = "2510.14968";  // only in the Atom fixture
constexpr const char* kDay = "2025-01-02";
constexpr int64_t kHfUpvotes = 7;

core::Paper MakePaper(const std::string& id, const std::string& title) {
  core::Paper p;
  p.id = id;
  p.latest_version = 1;
  p.versions = {{1, "2025-01-01T00:00:00Z"}};
  p.title = title;
  p.abstract = "An abstract.";
  p.authors = {"Ada Lovelace", "Alan Turing"};
  p.primary_category = "cs.LG";
  p.categories = {"cs.LG"};
  p.published = p.updated = "2025-01-01T00:00:00Z";
  return p;
}

// A stand-in for export.arxiv.org/api/query: the recorded response for ids it holds, the recorded
// empty response otherwise. `title` replaces the first entry's title when set.
class FakeArxiv {
 public:
  explicit FakeArxiv(const std::string& title = "") {
    std::string full = testing::ReadFile(testing::Fixture("atom/arxiv-api-response.atom.xml"));
    if (!title.empty()) {
      auto start = full.find("<title>RDD:");
      auto end = full.find("</title>", start);
      // XML-escape the replacement so the document stays well formed and the parser yields the raw text.
      std::string escaped;
      for (char c : title) {
        if (c == '<') escaped += "&lt;";
        else if (c == '>') escaped += "&gt;";
        else if (c == '&') escaped += "&amp;";
        else if (c == '"') escaped += "&quot;";
        else escaped += c;
      }
      full.replace(start, end - start, "<title>" + escaped);
    }
    std::string empty = testing::ReadFile(testing::Fixture("atom/arxiv-api-empty.atom.xml"));
    server_.Get("/api/query", [this, full, empty](const httplib::Request& req, httplib::Response& res) {
      ++requests_;
      std::string ids = req.get_param_value("id_list");
      bool known = ids.find("2510.14968") != std::string::npos || ids.find("2510.14827") != std::string::npos;
      res.set_content(known ? full : empty, "application/atom+xml; charset=utf-8");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeArxiv() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/query"; }
  int requests() const { return requests_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
};

// A browser: keeps cookies, reads CSRF tokens out of pages, follows nothing by itself.
class Browser {
 public:
  explicit Browser(int port) : port_(port) {}

  httplib::Result Get(const std::string& path, httplib::Headers headers = {}) {
    auto res = Client().Get(path, WithCookies(std::move(headers)));
    Remember(res);
    return res;
  }
  httplib::Result PostForm(const std::string& path, const httplib::Params& form, httplib::Headers headers = {}) {
    auto res = Client().Post(path, WithCookies(std::move(headers)), form);
    Remember(res);
    return res;
  }
  httplib::Result PostJson(const std::string& path, const std::string& body, httplib::Headers headers = {}) {
    auto res = Client().Post(path, WithCookies(std::move(headers)), body, "application/json");
    Remember(res);
    return res;
  }
  httplib::Result Delete(const std::string& path, httplib::Headers headers = {}) {
    auto res = Client().Delete(path, WithCookies(std::move(headers)));
    Remember(res);
    return res;
  }

  // The hidden "csrf" field of the page at `path`.
  std::string CsrfFrom(const std::string& path) {
    auto res = Get(path);
    if (!res) return "";
    static const std::regex kField("name=\"csrf\" value=\"([^\"]+)\"");
    std::smatch m;
    return std::regex_search(res->body, m, kField) ? m[1].str() : "";
  }

  std::string Cookie(const std::string& name) const {
    auto it = cookies_.find(name);
    return it == cookies_.end() ? "" : it->second;
  }
  const std::vector<std::string>& set_cookies() const { return set_cookies_; }

  // Signs up through the form; true on the 303 that opens a session.
  bool SignUp(const std::string& name, const std::string& password = "tulip-quarry-49") {
    std::string csrf = CsrfFrom("/signup");
    auto res = PostForm("/signup", {{"csrf", csrf}, {"name", name}, {"password", password}, {"next", "/"}});
    return res && res->status == 303 && !Cookie(kSessionCookie).empty();
  }
  httplib::Result LogIn(const std::string& name, const std::string& password, httplib::Headers headers = {}) {
    std::string csrf = CsrfFrom("/login");
    return PostForm("/login", {{"csrf", csrf}, {"name", name}, {"password", password}}, std::move(headers));
  }

  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(20);
    return client;
  }

 private:
  httplib::Headers WithCookies(httplib::Headers headers) const {
    std::string jar;
    for (const auto& [k, v] : cookies_) jar += (jar.empty() ? "" : "; ") + k + "=" + v;
    if (!jar.empty()) headers.emplace("Cookie", jar);
    return headers;
  }
  void Remember(const httplib::Result& res) {
    if (!res) return;
    for (auto [it, end] = res->headers.equal_range("Set-Cookie"); it != end; ++it) {
      set_cookies_.push_back(it->second);
      auto eq = it->second.find('=');
      auto semi = it->second.find(';');
      std::string name = it->second.substr(0, eq);
      std::string value = it->second.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
      if (value.empty() || it->second.find("Max-Age=0") != std::string::npos) cookies_.erase(name);
      else cookies_[name] = value;
    }
  }

  int port_;
  std::map<std::string, std::string> cookies_;
  std::vector<std::string> set_cookies_;
};

class AccountRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalogue = store::OpenCatalogue(db_path());
    ASSERT_TRUE(catalogue.ok()) << catalogue.error().message;
    auto& c = *catalogue.value();
    ASSERT_TRUE(c.UpsertPaper(MakePaper(kPaper, "A known paper")).ok());
    ASSERT_TRUE(c.UpsertDailyEntry({kPaper, kDay, "hf-user", "HF User", kHfUpvotes, 0}).ok());
    ASSERT_TRUE(c.UpsertPaper(MakePaper(kOldStyle, "An old-style paper")).ok());
    ASSERT_TRUE(c.UpsertDailyEntry({kOldStyle, kDay, "", "", 0, 0}).ok());
    ASSERT_TRUE(c.UpsertPaper(MakePaper("2501.00003", "Not in any list")).ok());
    StartServer();
  }

  void TearDown() override {
    server_.reset();
  }

  // The arXiv stand-in must exist before the server reads PAPERFEED_ARXIV_API_URL.
  void StartServer(const std::string& arxiv_url = "off") {
    server_.reset();
    ServerOptions options;
    options.accounts.auth.password_cost = PasswordCost::Minimum();
    options.accounts.auth.secure_cookies = secure_cookies_;
    options.accounts.arxiv_api_url = arxiv_url == "off" ? "" : arxiv_url;
    options.accounts.arxiv_min_interval = std::chrono::milliseconds(0);
    options.accounts.arxiv_max_attempts = 1;
    options.db_path = db_path();
    options.port = 0;
    options.threads = 8;
    options.log_requests = std::getenv("PF_LOG") != nullptr;
    options.search = search_;
    options.index_dir = dir_.File("index");
    options.trusted_proxies = trusted_proxies_;
    auto server = Server::Create(options);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(server.value());
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = port.value();
  }

  const std::string& db_path() const { return db_.location(); }

  // A fresh connection for checking what the server stored.
  int64_t Count(const std::string& sql) {
    auto db = store::Database::Open(db_path());
    auto s = db.value()->Prepare(sql);
    EXPECT_TRUE(s.ok()) << sql;
    if (!s.ok()) return -1;
    EXPECT_TRUE(s->Step().value());
    return s->Int(0);
  }

  void MakeAdmin(const std::string& name) {
    auto db = store::Database::Open(db_path());
    ASSERT_TRUE(store::AccountStore(*db.value()).SetAdmin(name, true).ok());
  }

  static std::string ErrorNote(const std::string& html) {
    static const std::regex kNote("<p class=\"note error-note\"[^>]*>[^<]*</p>");
    std::smatch m;
    return std::regex_search(html, m, kNote) ? m[0].str() : "";
  }

  static httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

  Browser NewBrowser() { return Browser(port_); }

  testing::TempDir dir_;
  testing::TestDatabase db_{dir_};
  bool search_ = false;
  bool secure_cookies_ = false;
  std::vector<std::string> trusted_proxies_;
  std::unique_ptr<Server> server_;
  int port_ = 0;
};

TEST_F(AccountRoutesTest, SignUpOpensASessionWithSafeCookieFlagsAndTheHeaderShowsTheUser) {
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("ada"));
  std::string session_cookie;
  for (const auto& c : b.set_cookies()) {
    if (c.rfind(std::string(kSessionCookie) + "=", 0) == 0) session_cookie = c;
  }
  EXPECT_NE(session_cookie.find("HttpOnly"), std::string::npos) << session_cookie;
  EXPECT_NE(session_cookie.find("SameSite=Lax"), std::string::npos) << session_cookie;
  EXPECT_NE(session_cookie.find("Path=/"), std::string::npos) << session_cookie;
  EXPECT_EQ(session_cookie.find("Secure"), std::string::npos) << "plain HTTP without --secure-cookies";

  auto home = b.Get(std::string("/papers/date/") + kDay);
  ASSERT_TRUE(home);
  EXPECT_NE(home->body.find("id=\"account-link\">ada</a>"), std::string::npos);
  EXPECT_NE(home->body.find("id=\"logout-button\""), std::string::npos);
  // The password is stored only as an Argon2id string.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE name = 'ada' AND password_hash LIKE '$argon2id$%'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE password_hash LIKE '%tulip-quarry-49%'"), 0);

  // Log out: the session is gone on the server too.
  std::string csrf = b.CsrfFrom("/account");
  std::string old_session = b.Cookie(kSessionCookie);
  auto out = b.PostForm("/logout", {{"csrf", csrf}});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 303);
  EXPECT_TRUE(b.Cookie(kSessionCookie).empty());
  auto replay = b.Client().Get("/account", {{"Cookie", std::string(kSessionCookie) + "=" + old_session}});
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, 303) << "a logged-out session must not work again";
}

TEST_F(AccountRoutesTest, SecureCookiesWhenConfigured) {
  secure_cookies_ = true;
  StartServer();
  Browser b = NewBrowser();
  std::string csrf = b.CsrfFrom("/signup");
  auto res = b.PostForm("/signup", {{"csrf", csrf}, {"name", "ada"}, {"password", "tulip-quarry-49"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 303);
  bool found = false;
  for (const auto& c : b.set_cookies()) {
    if (c.rfind(std::string(kSessionCookie) + "=", 0) == 0) {
      found = true;
      EXPECT_NE(c.find("; Secure"), std::string::npos) << c;
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(AccountRoutesTest, FormsWithoutTheirCsrfTokenAreForbiddenAndChangeNothing) {
  Browser b = NewBrowser();
  // Anonymous forms: sign-up without the double-submit token.
  auto signup = b.PostForm("/signup", {{"name", "mallory"}, {"password", "tulip-quarry-49"}});
  ASSERT_TRUE(signup);
  EXPECT_EQ(signup->status, 403);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users"), 0);

  ASSERT_TRUE(b.SignUp("ada"));
  const std::string paper = std::string("/papers/") + kPaper;
  for (const std::string& token : {std::string(), std::string("wrong-token"), b.Cookie(kSessionCookie)}) {
    auto up = b.PostForm(paper + "/upvote", {{"csrf", token}, {"state", "on"}});
    ASSERT_TRUE(up);
    EXPECT_EQ(up->status, 403) << "token '" << token << "'";
    auto comment = b.PostForm(paper + "/comments", {{"csrf", token}, {"body", "forged"}});
    ASSERT_TRUE(comment);
    EXPECT_EQ(comment->status, 403);
    auto submit = b.PostForm("/submit", {{"csrf", token}, {"id", "2501.00003"}});
    ASSERT_TRUE(submit);
    EXPECT_EQ(submit->status, 403);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM upvotes"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM comments"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM submissions"), 0);

  // Cookie-authenticated API calls need X-CSRF-Token.
  auto api = b.PostJson(std::string("/api/papers/") + kPaper + "/upvote", "");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 403);
  EXPECT_EQ(json::parse(api->body).value("error", ""), "csrf");
  auto wrong = b.PostJson(std::string("/api/papers/") + kPaper + "/upvote", "", {{"X-CSRF-Token", "nope"}});
  EXPECT_EQ(wrong->status, 403);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM upvotes"), 0);

  std::string csrf = b.CsrfFrom("/account");
  auto ok = b.PostJson(std::string("/api/papers/") + kPaper + "/upvote", "", {{"X-CSRF-Token", csrf}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM upvotes"), 1);
}

TEST_F(AccountRoutesTest, LoginFailuresReadTheSameAndTheSixthIsRateLimited) {
  Browser owner = NewBrowser();
  ASSERT_TRUE(owner.SignUp("ada", "right-password"));

  Browser attacker = NewBrowser();
  auto wrong = attacker.LogIn("ada", "wrong-password");
  auto unknown = attacker.LogIn("nobody", "wrong-password");
  ASSERT_TRUE(wrong && unknown);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(unknown->status, 401);
  ASSERT_FALSE(ErrorNote(wrong->body).empty()) << wrong->body;
  EXPECT_EQ(ErrorNote(wrong->body), ErrorNote(unknown->body));  // byte-identical

  for (int i = 2; i <= 5; ++i) EXPECT_EQ(attacker.LogIn("ada", "wrong-password")->status, 401) << "failure " << i;
  auto sixth = attacker.LogIn("ada", "right-password");
  ASSERT_TRUE(sixth);
  EXPECT_EQ(sixth->status, 429);
  EXPECT_NE(sixth->body.find("Too many failed log-ins"), std::string::npos);
  EXPECT_TRUE(attacker.Cookie(kSessionCookie).empty());
  // The unknown name is limited with the same words after as many failures.
  for (int i = 2; i <= 5; ++i) (void)attacker.LogIn("nobody", "wrong-password");
  auto sixth_unknown = attacker.LogIn("nobody", "wrong-password");
  EXPECT_EQ(sixth_unknown->status, 429);
  // The same words; only the seconds to wait may differ by the time between the two.
  static const std::regex kDigits("[0-9]+");
  EXPECT_EQ(std::regex_replace(ErrorNote(sixth_unknown->body), kDigits, "N"),
            std::regex_replace(ErrorNote(sixth->body), kDigits, "N"));
  EXPECT_NE(sixth->get_header_value("Retry-After"), "");
}

TEST_F(AccountRoutesTest, XForwardedForIsIgnoredWithoutATrustedProxy) {
  ASSERT_TRUE(NewBrowser().SignUp("ada", "right-password"));
  Browser attacker = NewBrowser();
  // Each guess claims another address; without a trusted proxy they all count for 127.0.0.1.
  for (int i = 1; i <= 5; ++i) {
    auto r = attacker.LogIn("ada", "wrong-password", {{"X-Forwarded-For", "203.0.113." + std::to_string(i)}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << "failure " << i;
  }
  auto sixth = attacker.LogIn("ada", "right-password", {{"X-Forwarded-For", "203.0.113.99"}});
  ASSERT_TRUE(sixth);
  EXPECT_EQ(sixth->status, 429);
}

TEST_F(AccountRoutesTest, XForwardedForFromATrustedProxyNamesTheClient) {
  trusted_proxies_ = {"127.0.0.1"};
  StartServer();
  ASSERT_TRUE(NewBrowser().SignUp("ada", "right-password"));
  Browser attacker = NewBrowser();
  for (int i = 1; i <= 6; ++i) {
    (void)attacker.LogIn("ada", "wrong-password", {{"X-Forwarded-For", "198.51.100.7, 203.0.113.1"}});
  }
  EXPECT_EQ(attacker.LogIn("ada", "right-password", {{"X-Forwarded-For", "203.0.113.1"}})->status, 429);
  // The member, behind the same proxy at another address, is not held up by the attacker.
  Browser member = NewBrowser();
  auto mine = member.LogIn("ada", "right-password", {{"X-Forwarded-For", "203.0.113.2"}});
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, 303);
  EXPECT_FALSE(member.Cookie(kSessionCookie).empty());
}

// Issue 10, item 11: 30 accounts in 2.2 s from one address; "password" accepted.
TEST_F(AccountRoutesTest, SignUpIsLimitedPerClientAddressAndClaimedAddressesDoNotHelp) {
  const int limit = AuthConfig().max_signups_per_address;
  for (int i = 0; i < limit; ++i) {
    Browser b = NewBrowser();
    std::string csrf = b.CsrfFrom("/signup");
    // Without a trusted proxy, X-Forwarded-For is the client's word and changes nothing.
    auto res = b.PostForm("/signup", {{"csrf", csrf}, {"name", "user" + std::to_string(i)}, {"password", "tulip-quarry-49"}},
                          {{"X-Forwarded-For", "203.0.113." + std::to_string(i)}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 303) << i;
  }
  Browser b = NewBrowser();
  std::string csrf = b.CsrfFrom("/signup");
  auto over = b.PostForm("/signup", {{"csrf", csrf}, {"name", "extra"}, {"password", "tulip-quarry-49"}},
                         {{"X-Forwarded-For", "203.0.113.200"}});
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 429);
  EXPECT_GT(std::atoi(over->get_header_value("Retry-After").c_str()), 0);
  EXPECT_NE(over->body.find("Too many sign-ups from your address"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users"), limit);
}

TEST_F(AccountRoutesTest, SignUpBehindATrustedProxyIsLimitedPerForwardedClient) {
  trusted_proxies_ = {"127.0.0.1"};
  StartServer();
  const int limit = AuthConfig().max_signups_per_address;
  auto sign_up = [&](const std::string& name, const std::string& client) {
    Browser b = NewBrowser();
    std::string csrf = b.CsrfFrom("/signup");
    auto res = b.PostForm("/signup", {{"csrf", csrf}, {"name", name}, {"password", "tulip-quarry-49"}},
                          {{"X-Forwarded-For", client}});
    return res ? res->status : -1;
  };
  for (int i = 0; i < limit; ++i) ASSERT_EQ(sign_up("a" + std::to_string(i), "203.0.113.1"), 303) << i;
  EXPECT_EQ(sign_up("a-extra", "203.0.113.1"), 429);
  EXPECT_EQ(sign_up("b0", "203.0.113.2"), 303);
}

TEST_F(AccountRoutesTest, SignUpRefusesACommonPasswordAndSaysWhy) {
  Browser b = NewBrowser();
  std::string csrf = b.CsrfFrom("/signup");
  auto res = b.PostForm("/signup", {{"csrf", csrf}, {"name", "ada"}, {"password", "password"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 422);
  EXPECT_NE(ErrorNote(res->body).find("too easy to guess"), std::string::npos) << ErrorNote(res->body);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users"), 0);
}

TEST_F(AccountRoutesTest, UpvoteToggleIsIdempotentAndAddsToHuggingFacesCount) {
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("ada"));
  const std::string day_page = std::string("/papers/date/") + kDay;
  std::string csrf = b.CsrfFrom(day_page);
  const std::string action = std::string("/papers/") + kPaper + "/upvote";
  for (int i = 0; i < 2; ++i) {
    auto res = b.PostForm(action, {{"csrf", csrf}, {"state", "on"}, {"next", day_page}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 303);
    EXPECT_EQ(res->get_header_value("Location"), day_page);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM upvotes"), 1);
  auto page = b.Get(day_page);
  EXPECT_NE(page->body.find("aria-pressed=\"true\""), std::string::npos);
  EXPECT_NE(page->body.find("<span class=\"n\">" + std::to_string(kHfUpvotes + 1) + "</span></button>"), std::string::npos);

  // No state: a toggle. An offsite "next" is not followed.
  auto toggle = b.PostForm(action, {{"csrf", csrf}, {"next", "//evil.example/"}});
  EXPECT_EQ(toggle->get_header_value("Location"), std::string("/papers/") + kPaper);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM upvotes"), 0);

  // The API with the session cookie: POST twice, then DELETE.
  const std::string api = std::string("/api/papers/") + kPaper + "/upvote";
  auto first = json::parse(b.PostJson(api, "", {{"X-CSRF-Token", csrf}})->body);
  auto second = json::parse(b.PostJson(api, "", {{"X-CSRF-Token", csrf}})->body);
  EXPECT_TRUE(first["changed"].get<bool>());
  EXPECT_FALSE(second["changed"].get<bool>());
  EXPECT_EQ(second["upvotes"].get<int64_t>(), kHfUpvotes + 1);
  auto removed = b.Delete(api, {{"X-CSRF-Token", csrf}});
  ASSERT_TRUE(removed);
  EXPECT_EQ(json::parse(removed->body)["upvotes"].get<int64_t>(), kHfUpvotes);
  // The paper API adds local upvotes to Hugging Face's.
  b.PostJson(api, "", {{"X-CSRF-Token", csrf}});
  auto paper = b.Get(std::string("/api/papers/") + kPaper);
  ASSERT_TRUE(paper);
  EXPECT_EQ(json::parse(paper->body)["upvotes"].get<int64_t>(), kHfUpvotes + 1) << paper->body;
  // Hugging Face's day and today's local vote: two points, a chart.
  EXPECT_NE(b.Get(std::string("/papers/") + kPaper)->body.find("<svg class=\"chart\" id=\"upvote-chart\""),
            std::string::npos);
  // Old-style ids have their own route.
  auto old = b.PostForm(std::string("/papers/") + kOldStyle + "/upvote", {{"csrf", csrf}, {"state", "on"}});
  EXPECT_EQ(old->status, 303);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM upvotes WHERE paper_id = 'hep-th/9901001'"), 1);
  // Anonymous visitors are sent to log in.
  Browser anon = NewBrowser();
  auto anon_up = anon.PostForm(action, {{"state", "on"}});
  EXPECT_EQ(anon_up->status, 303);
  EXPECT_EQ(anon_up->get_header_value("Location").rfind("/login?next=", 0), 0u);
  EXPECT_EQ(anon.PostJson(api, "")->status, 401);
}

TEST_F(AccountRoutesTest, BearerTokensWorkWithoutCsrfAndStopWhenRevoked) {
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("ada"));
  std::string csrf = b.CsrfFrom("/account");
  auto created = b.PostForm("/account/tokens", {{"csrf", csrf}, {"name", "notebook"}, {"scope", "vote"}});
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(created->body, m, std::regex("id=\"new-token\">(pf_[A-Za-z0-9_-]+)<")));
  const std::string token = m[1];
  EXPECT_EQ(created->get_header_value("Cache-Control").find("no-store") != std::string::npos, true);
  // Shown once: the account page does not show it again, and the database holds only its hash.
  EXPECT_EQ(b.Get("/account")->body.find(token), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '" + TokenHash(token) + "'"), 1);

  Browser program = NewBrowser();  // no cookies at all
  const std::string api = std::string("/api/papers/") + kPaper + "/upvote";
  auto up = program.PostJson(api, "", Bearer(token));
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 200) << up->body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM upvotes"), 1);
  EXPECT_EQ(program.PostJson(api, "", Bearer(token + "x"))->status, 401);
  EXPECT_EQ(program.PostJson(api, "", {{"Authorization", "Basic YWRhOnBhc3N3b3Jk"}})->status, 401);

  const std::string account_page = b.Get("/account")->body;  // the match points into it
  ASSERT_TRUE(std::regex_search(account_page, m, std::regex("action=\"/account/tokens/([0-9]+)/revoke\"")));
  auto revoked = b.PostForm("/account/tokens/" + m[1].str() + "/revoke", {{"csrf", csrf}});
  EXPECT_EQ(revoked->status, 303);
  auto after = program.Delete(api, Bearer(token));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
  EXPECT_EQ(json::parse(after->body).value("error", ""), "unauthorized");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM upvotes"), 1);
}

// Creates a token through the account page with the given form fields; "" when none was shown.
std::string CreateToken(Browser& b, httplib::Params fields) {
  fields.emplace("csrf", b.CsrfFrom("/account"));
  auto created = b.PostForm("/account/tokens", fields);
  std::smatch m;
  if (!created || !std::regex_search(created->body, m, std::regex("id=\"new-token\">(pf_[A-Za-z0-9_-]+)<"))) return "";
  return m[1].str();
}

TEST_F(AccountRoutesTest, ABearerTokenCanNeitherManageTokensNorSeeTheAccountPage) {
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("ada"));
  const std::string token = CreateToken(b, {{"name", "bot"}, {"scope", "read"}, {"scope", "vote"},
                                            {"scope", "comment"}, {"scope", "submit"}});
  ASSERT_FALSE(token.empty());
  Browser program = NewBrowser();
  // No CSRF token is needed with a Bearer token, so without this rule it could mint more tokens.
  auto mint = program.PostForm("/account/tokens", {{"name", "second"}, {"scope", "vote"}}, Bearer(token));
  ASSERT_TRUE(mint);
  EXPECT_NE(mint->status, 200);
  EXPECT_EQ(mint->body.find("new-token"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM api_tokens"), 1);
  auto revoke = program.PostForm("/account/tokens/1/revoke", {}, Bearer(token));
  ASSERT_TRUE(revoke);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM api_tokens"), 1);
  auto page = program.Get("/account", Bearer(token));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 303);  // to the log-in page: the token is no session
  // Forms that change things want a session too.
  auto comment = program.PostForm(std::string("/papers/") + kPaper + "/comments", {{"body", "hi"}}, Bearer(token));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM comments"), 0);
  (void)comment;
}

TEST_F(AccountRoutesTest, TokensDoOnlyWhatTheirScopesAllow) {
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("ada"));
  const std::string voter = CreateToken(b, {{"name", "voter"}, {"scope", "vote"}});
  const std::string commenter = CreateToken(b, {{"name", "commenter"}, {"scope", "comment"}});
  ASSERT_FALSE(voter.empty());
  ASSERT_FALSE(commenter.empty());
  Browser program = NewBrowser();
  const std::string paper = std::string("/api/papers/") + kPaper;
  EXPECT_EQ(program.PostJson(paper + "/upvote", "", Bearer(voter))->status, 200);
  auto no_vote = program.PostJson(paper + "/upvote", "", Bearer(commenter));
  EXPECT_EQ(no_vote->status, 403);
  EXPECT_EQ(json::parse(no_vote->body).value("error", ""), "insufficient_scope");
  EXPECT_NE(no_vote->get_header_value("WWW-Authenticate").find("insufficient_scope"), std::string::npos);
  EXPECT_EQ(program.PostJson(paper + "/comments", R"({"text": "Nice."})", Bearer(voter))->status, 403);
  EXPECT_EQ(program.PostJson(paper + "/comments", R"({"text": "Nice."})", Bearer(commenter))->status, 201);
  EXPECT_EQ(program.PostJson("/api/papers/submit", R"({"id": "2501.00003"})", Bearer(voter))->status, 403);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM upvotes"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM comments"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM submissions"), 0);
  // The account page says what each token may do and when it expires.
  auto page = b.Get("/account")->body;
  EXPECT_NE(page.find("<span class=\"token-scopes\">vote</span>"), std::string::npos);
  EXPECT_NE(page.find("expires "), std::string::npos);
  EXPECT_NE(page.find("name=\"scope\" value=\"submit\""), std::string::npos);
  EXPECT_NE(page.find("name=\"days\""), std::string::npos);
}

TEST_F(AccountRoutesTest, ATokenStopsWorkingWhenItExpires) {
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("ada"));
  const std::string token = CreateToken(b, {{"name", "week"}, {"scope", "vote"}, {"days", "7"}});
  ASSERT_FALSE(token.empty());
  auto expires = Count("SELECT expires_at - created_at FROM api_tokens");
  EXPECT_EQ(expires, 7 * 86400);
  EXPECT_EQ(CreateToken(b, {{"name", "forever"}, {"scope", "vote"}, {"days", "100000"}}), "");
  Browser program = NewBrowser();
  const std::string api = std::string("/api/papers/") + kPaper + "/upvote";
  EXPECT_EQ(program.PostJson(api, "", Bearer(token))->status, 200);
  {
    auto db = store::Database::Open(db_path());
    ASSERT_TRUE(db.value()->Exec("UPDATE api_tokens SET expires_at = created_at - 1").ok());
  }
  auto after = program.Delete(api, Bearer(token));
  EXPECT_EQ(after->status, 401);
  EXPECT_NE(after->body.find("expired"), std::string::npos);
}

TEST_F(AccountRoutesTest, SubmittingFetchesAnUnknownPaperFromArxivIntoTodaysList) {
  FakeArxiv arxiv;
  StartServer(arxiv.url());
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("ada"));
  std::string csrf = b.CsrfFrom("/submit");
  ASSERT_FALSE(csrf.empty());
  auto res = b.PostForm("/submit", {{"csrf", csrf}, {"id", std::string("https://arxiv.org/abs/") + kFixturePaper + "v1"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 303) << res->body;
  EXPECT_EQ(res->get_header_value("Location"), std::string("/papers/") + kFixturePaper);
  EXPECT_EQ(arxiv.requests(), 1);
  auto page = b.Get(std::string("/papers/") + kFixturePaper);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Retrieval-Based Demonstration Decomposer"), std::string::npos);
  // In the list of the New York day it was submitted, with ada as submitter.
  const std::string today = store::NewYorkDay(std::time(nullptr));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM daily_entries WHERE paper_id = '" + std::string(kFixturePaper) +
                  "' AND day = '" + today + "' AND submitted_by = 'ada'"),
            1);
  // Again: a conflict that names the day. Unknown to arXiv: 404. Not an id: 422.
  auto again = b.PostForm("/submit", {{"csrf", csrf}, {"id", kFixturePaper}});
  EXPECT_EQ(again->status, 409);
  EXPECT_NE(again->body.find(today), std::string::npos);
  EXPECT_EQ(b.PostForm("/submit", {{"csrf", csrf}, {"id", "2512.99999"}})->status, 404);
  EXPECT_EQ(b.PostForm("/submit", {{"csrf", csrf}, {"id", "not an id"}})->status, 422);
}

TEST_F(AccountRoutesTest, TheSubmitApiAnswersWithJsonAndTheRightStatuses) {
  FakeArxiv arxiv;
  StartServer(arxiv.url());
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("ada"));
  std::string csrf = b.CsrfFrom("/account");
  auto created = b.PostForm("/account/tokens", {{"csrf", csrf}, {"name", "bot"}, {"scope", "submit"}});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(created->body, m, std::regex("id=\"new-token\">(pf_[A-Za-z0-9_-]+)<")));
  const auto bearer = Bearer(m[1]);
  Browser bot = NewBrowser();

  auto ok = bot.PostJson("/api/papers/submit", json{{"id", "2501.00003"}}.dump(), bearer);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
  auto body = json::parse(ok->body);
  EXPECT_EQ(body["id"], "2501.00003");
  EXPECT_FALSE(body["fetched"].get<bool>());
  EXPECT_EQ(arxiv.requests(), 0);

  struct Case {
    std::string body;
    int status;
    std::string error;
  };
  for (const auto& c : std::vector<Case>{{json{{"id", "2501.00003"}}.dump(), 409, "conflict"},
                                         {json{{"id", "2512.99999"}}.dump(), 404, "not_found"},
                                         {json{{"id", "<script>"}}.dump(), 422, "invalid_input"},
                                         {"{not json", 400, "bad_request"},
                                         {json{{"id", 5}}.dump(), 400, "bad_request"}}) {
    auto res = bot.PostJson("/api/papers/submit", c.body, bearer);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, c.status) << c.body << " → " << res->body;
    auto err = json::parse(res->body, nullptr, false);
    EXPECT_EQ(err.value("error", ""), c.error) << res->body;
    EXPECT_FALSE(err.value("message", "").empty());
  }
  EXPECT_EQ(bot.PostJson("/api/papers/submit", json{{"id", "2501.00003"}}.dump())->status, 401);
}

TEST_F(AccountRoutesTest, CommentsShowOnThePaperPageAndAdminsModerate) {
  Browser ada = NewBrowser();
  ASSERT_TRUE(ada.SignUp("ada"));
  const std::string paper = std::string("/papers/") + kPaper;
  std::string csrf = ada.CsrfFrom(paper);
  auto posted = ada.PostForm(paper + "/comments", {{"csrf", csrf}, {"body", "First line\nsecond line\n\nNew paragraph"}});
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 303);
  EXPECT_EQ(posted->get_header_value("Location").rfind(paper + "#comment-", 0), 0u);
  auto page = NewBrowser().Get(paper);  // anonymous readers see it too
  EXPECT_NE(page->body.find("<p>First line<br>second line</p><p>New paragraph</p>"), std::string::npos);
  EXPECT_NE(page->body.find("id=\"comment-count\">1 comment</p>"), std::string::npos);
  EXPECT_EQ(ada.PostForm(paper + "/comments", {{"csrf", csrf}, {"body", std::string(5001, 'x')}})->status, 422);
  EXPECT_EQ(ada.PostForm(paper + "/comments", {{"csrf", csrf}, {"body", "   "}})->status, 422);
  EXPECT_EQ(ada.PostForm("/papers/2599.00000/comments", {{"csrf", csrf}, {"body", "hi"}})->status, 404);

  // A member may not moderate.
  const int64_t comment_id = Count("SELECT MAX(id) FROM comments");
  EXPECT_EQ(ada.PostForm("/admin/comments/" + std::to_string(comment_id) + "/remove", {{"csrf", csrf}})->status, 403);
  EXPECT_EQ(ada.PostForm("/admin" + paper + "/hide", {{"csrf", csrf}})->status, 403);

  Browser root = NewBrowser();
  ASSERT_TRUE(root.SignUp("root"));
  MakeAdmin("root");
  std::string root_csrf = root.CsrfFrom(paper);
  EXPECT_NE(root.Get(paper)->body.find("id=\"admin-hide-button\""), std::string::npos);
  EXPECT_EQ(root.PostForm("/admin/comments/" + std::to_string(comment_id) + "/remove", {{"csrf", root_csrf}})->status,
            303);
  EXPECT_EQ(NewBrowser().Get(paper)->body.find("First line"), std::string::npos);
  EXPECT_EQ(root.PostForm("/admin" + paper + "/hide", {{"csrf", root_csrf}, {"hidden", "1"}})->status, 303);
  auto day = NewBrowser().Get(std::string("/papers/date/") + kDay);
  EXPECT_EQ(day->body.find(std::string("data-paper-id=\"") + kPaper + "\""), std::string::npos);
  EXPECT_NE(day->body.find(std::string("data-paper-id=\"") + kOldStyle + "\""), std::string::npos);
}

TEST_F(AccountRoutesTest, CommentsTakeMarkdownRepliesEditsAndDeletionsAndCountsMatchThePage) {
  Browser ada = NewBrowser();
  ASSERT_TRUE(ada.SignUp("ada"));
  Browser bob = NewBrowser();
  ASSERT_TRUE(bob.SignUp("bob"));
  const std::string paper = std::string("/papers/") + kPaper;
  std::string csrf = ada.CsrfFrom(paper);
  ASSERT_EQ(ada.PostForm(paper + "/comments", {{"csrf", csrf}, {"body", "*Nice*, see [code](https://github.com/x/y) and $\\alpha$"}})
                ->status,
            303);
  const int64_t top = Count("SELECT MAX(id) FROM comments");
  std::string html = NewBrowser().Get(paper)->body;
  EXPECT_NE(html.find("<em>Nice</em>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"https://github.com/x/y\" rel=\"nofollow ugc noopener\">code</a>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"tex\">α</span>"), std::string::npos);

  // Bob replies; a reply form names its parent.
  std::string bob_csrf = bob.CsrfFrom(paper);
  EXPECT_NE(bob.Get(paper)->body.find("name=\"reply_to\" value=\"" + std::to_string(top) + "\""), std::string::npos);
  ASSERT_EQ(bob.PostForm(paper + "/comments", {{"csrf", bob_csrf}, {"body", "Agreed."}, {"reply_to", std::to_string(top)}})
                ->status,
            303);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM comments WHERE parent_id = " + std::to_string(top)), 1);
  html = NewBrowser().Get(paper)->body;
  EXPECT_NE(html.find("<ol class=\"replies\"><li class=\"comment reply\""), std::string::npos);
  EXPECT_NE(html.find("id=\"comment-count\">2 comments</p>"), std::string::npos);
  // The day page's card counts what the paper page shows.
  EXPECT_NE(NewBrowser().Get(std::string("/papers/date/") + kDay)->body.find("class=\"comment-link\">2 comments</a>"),
            std::string::npos);

  // Only the author edits or deletes; the page says "edited".
  const std::string edit = "/comments/" + std::to_string(top) + "/edit";
  EXPECT_EQ(bob.PostForm(edit, {{"csrf", bob_csrf}, {"body", "Bob was here"}})->status, 403);
  EXPECT_EQ(ada.PostForm(edit, {{"body", "no token"}})->status, 403);
  auto edited = ada.PostForm(edit, {{"csrf", csrf}, {"body", "Nice, **really**."}});
  ASSERT_EQ(edited->status, 303);
  EXPECT_EQ(edited->get_header_value("Location"), paper + "#comment-" + std::to_string(top));
  html = NewBrowser().Get(paper)->body;
  EXPECT_NE(html.find("<strong>really</strong>"), std::string::npos);
  EXPECT_NE(html.find("(edited)"), std::string::npos);
  // Ada sees Edit and Delete on hers only.
  std::string ada_view = ada.Get(paper)->body;
  EXPECT_NE(ada_view.find("action=\"/comments/" + std::to_string(top) + "/delete\""), std::string::npos);
  EXPECT_EQ(ada_view.find("action=\"/comments/" + std::to_string(top + 1) + "/delete\""), std::string::npos);

  // Deleting leaves a placeholder for the reply and the counts drop everywhere.
  EXPECT_EQ(bob.PostForm("/comments/" + std::to_string(top) + "/delete", {{"csrf", bob_csrf}})->status, 403);
  ASSERT_EQ(ada.PostForm("/comments/" + std::to_string(top) + "/delete", {{"csrf", csrf}})->status, 303);
  html = NewBrowser().Get(paper)->body;
  EXPECT_EQ(html.find("really"), std::string::npos);
  EXPECT_NE(html.find("This comment was deleted by its author."), std::string::npos);
  EXPECT_NE(html.find("Agreed."), std::string::npos);
  EXPECT_NE(html.find("id=\"comment-count\">1 comment</p>"), std::string::npos);
  EXPECT_NE(NewBrowser().Get(std::string("/papers/date/") + kDay)->body.find("class=\"comment-link\">1 comment</a>"),
            std::string::npos);
  auto api = json::parse(NewBrowser().Get(std::string("/api/papers/") + kPaper)->body);
  EXPECT_EQ(api["numComments"].get<int64_t>(), 1);
}

TEST_F(AccountRoutesTest, SignedInPagesShareATemplateButEachViewerSeesTheirOwnVotesNameAndToken) {
  Browser ada = NewBrowser();
  ASSERT_TRUE(ada.SignUp("ada"));
  Browser bob = NewBrowser();
  ASSERT_TRUE(bob.SignUp("bob"));
  const std::string day = std::string("/papers/date/") + kDay;
  std::string ada_csrf = ada.CsrfFrom(day);
  ASSERT_EQ(ada.PostForm(std::string("/papers/") + kPaper + "/upvote", {{"csrf", ada_csrf}, {"state", "on"}})->status, 303);
  auto button = [](const std::string& html, const std::string& id) {
    auto form = html.find("class=\"upvote inline\" data-paper-id=\"" + id + "\"");
    auto end = html.find("</form>", form);
    return form == std::string::npos ? std::string() : html.substr(form, end - form);
  };
  // Twice each, so the second answer comes from the shared template.
  for (int round = 0; round < 2; ++round) {
    std::string a = ada.Get(day)->body;
    std::string b = bob.Get(day)->body;
    EXPECT_NE(button(a, kPaper).find("aria-pressed=\"true\""), std::string::npos) << round;
    EXPECT_NE(button(b, kPaper).find("aria-pressed=\"false\""), std::string::npos) << round;
    EXPECT_NE(button(a, kOldStyle).find("aria-pressed=\"false\""), std::string::npos) << round;
    EXPECT_NE(a.find("id=\"account-link\">ada</a>"), std::string::npos);
    EXPECT_NE(b.find("id=\"account-link\">bob</a>"), std::string::npos);
    std::string bob_csrf = bob.CsrfFrom(day);
    EXPECT_NE(bob_csrf, ada_csrf);
    EXPECT_EQ(b.find(ada_csrf), std::string::npos);
    EXPECT_EQ(a.find(bob_csrf), std::string::npos);
    // No marker is left in what either sees.
    EXPECT_EQ(a.find('\x02'), std::string::npos);
    EXPECT_EQ(b.find('\x03'), std::string::npos);
  }
  // The paper page's comments are the viewer's own: Delete only on one's own comment.
  const std::string paper = std::string("/papers/") + kPaper;
  ASSERT_EQ(ada.PostForm(paper + "/comments", {{"csrf", ada_csrf}, {"body", "mine"}})->status, 303);
  const std::string del = "action=\"/comments/" + std::to_string(Count("SELECT MAX(id) FROM comments")) + "/delete\"";
  for (int round = 0; round < 2; ++round) {
    EXPECT_NE(ada.Get(paper)->body.find(del), std::string::npos);
    EXPECT_EQ(bob.Get(paper)->body.find(del), std::string::npos);
  }
}

TEST_F(AccountRoutesTest, SignedInHeaderHasSubmitAndTheFrontPageASubscribeBox) {
  Browser anon = NewBrowser();
  std::string front = anon.Get("/")->body;
  EXPECT_NE(front.find("Get trending papers in your email inbox!"), std::string::npos);
  EXPECT_NE(front.find("<form method=\"post\" action=\"/subscribe\" class=\"subscribe-box\""), std::string::npos);
  EXPECT_EQ(front.find("id=\"submit-link\""), std::string::npos);
  Browser ada = NewBrowser();
  ASSERT_TRUE(ada.SignUp("ada"));
  std::string signed_in = ada.Get("/")->body;
  EXPECT_NE(signed_in.find("<a href=\"/submit\" class=\"button\" id=\"submit-link\">Submit</a>"), std::string::npos);
  // The box carries the session's CSRF token, which the subscription route demands.
  std::string csrf = ada.CsrfFrom("/");
  auto box = signed_in.find("class=\"subscribe-box\"");
  ASSERT_NE(box, std::string::npos);
  EXPECT_NE(signed_in.find("name=\"csrf\" value=\"" + csrf + "\"", box), std::string::npos);
  auto posted = ada.PostForm("/subscribe", {{"csrf", csrf}, {"email", "ada@example.org"}});
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 200) << posted->body.substr(0, 400);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM subscribers"), 1);
}

TEST_F(AccountRoutesTest, VersionedIdsArxivPathsAndHuggingFaceUrlsLeadToTheirPages) {
  Browser anon = NewBrowser();
  auto expect_redirect = [&](const std::string& from, const std::string& to) {
    auto res = anon.Get(from);
    ASSERT_TRUE(res) << from;
    EXPECT_TRUE(res->status == 301 || res->status == 302) << from << " " << res->status;
    EXPECT_EQ(res->get_header_value("Location"), to) << from;
  };
  expect_redirect(std::string("/papers/") + kPaper + "v1", std::string("/papers/") + kPaper);
  expect_redirect(std::string("/papers/arXiv:") + kPaper, std::string("/papers/") + kPaper);
  expect_redirect(std::string("/papers/") + kOldStyle + "v2", std::string("/papers/") + kOldStyle);
  expect_redirect(std::string("/abs/") + kPaper + "v3", std::string("/papers/") + kPaper);
  expect_redirect(std::string("/pdf/") + kPaper + "v1.pdf", std::string("/papers/") + kPaper);
  expect_redirect(std::string("/abs/") + kOldStyle, std::string("/papers/") + kOldStyle);
  expect_redirect("/papers/trending", "/trending");
  expect_redirect(std::string("/papers/date?day=") + kDay, std::string("/papers/date/") + kDay);
  expect_redirect(std::string("/papers?date=") + kDay, std::string("/papers/date/") + kDay);
  EXPECT_EQ(anon.Get("/papers/date?day=2025-02-30")->status, 400);
  EXPECT_EQ(anon.Get("/abs/not-an-id")->status, 404);
  EXPECT_EQ(anon.Get("/papers/not-an-id")->status, 400);
  // Day pages carry a date picker.
  std::string day = anon.Get(std::string("/papers/date/") + kDay)->body;
  EXPECT_NE(day.find("<input type=\"date\" id=\"day-picker\" name=\"day\" value=\"" + std::string(kDay) + "\""),
            std::string::npos);
}

TEST_F(AccountRoutesTest, HostileTitlesCommentsAndQueriesAreNeverEchoedAsMarkup) {
  search_ = true;
  const std::string hostile = std::string("Attention ") + kScript + " and " + kImg;
  FakeArxiv arxiv(hostile);
  StartServer(arxiv.url());
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("eve"));
  std::string csrf = b.CsrfFrom("/submit");
  ASSERT_EQ(b.PostForm("/submit", {{"csrf", csrf}, {"id", kFixturePaper}})->status, 303);
  const std::string paper = std::string("/papers/") + kFixturePaper;
  ASSERT_EQ(b.PostForm(paper + "/comments", {{"csrf", csrf}, {"body", hostile}})->status, 303);
  ASSERT_EQ(b.PostForm(paper + "/upvote", {{"csrf", csrf}, {"state", "on"}})->status, 303);
  // The hostile title reached the catalogue as text (so the pages below really carry it).
  EXPECT_EQ(Count("SELECT COUNT(*) FROM papers WHERE title LIKE '%<script>alert(1)</script>%'"), 1);

  const std::string today = store::NewYorkDay(std::time(nullptr));
  const std::string q = httplib::detail::encode_query_param(hostile);
  struct Page {
    std::string path;
    bool must_show_escaped;  // the page shows the hostile text, escaped
  };
  for (const auto& p : std::vector<Page>{{paper, true},
                                         {"/papers/date/" + today, true},
                                         {"/", true},
                                         {"/search?q=" + q, true},
                                         {"/feeds/daily.atom", true},
                                         {"/feeds/search.atom?q=" + q, false},
                                         {"/feeds/daily.json", false},
                                         {"/account", false},
                                         {"/submit?id=" + q, true}}) {
    for (Browser* who : std::initializer_list<Browser*>{&b, nullptr}) {
      Browser anon = NewBrowser();
      auto res = (who ? who : &anon)->Get(p.path);
      ASSERT_TRUE(res) << p.path;
      const std::string& body = res->body;
      EXPECT_EQ(body.find("<script>alert"), std::string::npos) << p.path;
      EXPECT_EQ(body.find("<img src=x"), std::string::npos) << p.path;
      EXPECT_EQ(body.find("\"><img"), std::string::npos) << p.path;
      if (p.must_show_escaped && res->status == 200 && who) {
        EXPECT_NE(body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << p.path;
      }
    }
  }
}

TEST_F(AccountRoutesTest, SqlInjectionAttemptsAreInert) {
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("ada"));
  Browser attacker = NewBrowser();
  for (const std::string name : {"' OR '1'='1", "ada' --", "ada'; DROP TABLE users; --"}) {
    auto res = attacker.LogIn(name, "' OR '1'='1");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << name;
    EXPECT_TRUE(attacker.Cookie(kSessionCookie).empty());
  }
  std::string csrf = attacker.CsrfFrom("/signup");
  auto bad_name = attacker.PostForm("/signup", {{"csrf", csrf}, {"name", "x'); DROP TABLE users; --"}, {"password", "tulip-quarry-49"}});
  EXPECT_EQ(bad_name->status, 422);
  std::string session_csrf = b.CsrfFrom("/account");
  auto bad_id = b.PostForm("/papers/1'%20OR%20'1'='1/upvote", {{"csrf", session_csrf}});
  EXPECT_EQ(bad_id->status, 404);
  auto api_bad = b.PostJson("/api/papers/2501.00001'%3B--/upvote", "", {{"X-CSRF-Token", session_csrf}});
  EXPECT_EQ(api_bad->status, 404);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM upvotes"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM papers"), 3);
}

TEST_F(AccountRoutesTest, OversizedBodiesAreRejectedBeforeAnythingIsStored) {
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("ada"));
  std::string csrf = b.CsrfFrom("/account");
  auto huge = b.PostForm(std::string("/papers/") + kPaper + "/comments",
                         {{"csrf", csrf}, {"body", std::string(2 << 20, 'x')}});
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  auto huge_json = b.PostJson("/api/papers/submit", std::string(2 << 20, ' '), {{"X-CSRF-Token", csrf}});
  ASSERT_TRUE(huge_json);
  EXPECT_EQ(huge_json->status, 413);
  std::string long_password(5000, 'p');
  std::string login_csrf = NewBrowser().CsrfFrom("/login");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM comments"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM submissions"), 0);
  // A password far beyond the limit is refused at sign-up without hashing it.
  Browser c = NewBrowser();
  std::string signup_csrf = c.CsrfFrom("/signup");
  EXPECT_EQ(c.PostForm("/signup", {{"csrf", signup_csrf}, {"name", "bob"}, {"password", long_password}})->status, 422);
}

std::string Repeat(const std::string& piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

TEST_F(AccountRoutesTest, FormsUpTo64KiBArePostedAndLargerOnesGetAClear413) {
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("ada"));
  std::string csrf = b.CsrfFrom("/account");
  const std::string comments = std::string("/papers/") + kPaper + "/comments";
  // 2,000 × "é" is 4,000 bytes of text and 12 KB url-encoded: over httplib's 8 KiB form limit.
  auto accented = b.PostForm(comments, {{"csrf", csrf}, {"body", Repeat("é", 2000)}});
  ASSERT_TRUE(accented);
  EXPECT_EQ(accented->status, 303) << accented->body.substr(0, 300);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM comments"), 1);
  // What the comment box lets a browser send, 5,000 characters of 3-byte "€" (45 KB url-encoded),
  // reaches the comment rules instead of being cut off by the form limit.
  auto box_full = b.PostForm(comments, {{"csrf", csrf}, {"body", Repeat("€", 5000)}});
  ASSERT_TRUE(box_full);
  EXPECT_NE(box_full->status, 413);
  // Past 64 KiB: 413 with words saying so.
  auto too_big = b.PostForm(comments, {{"csrf", csrf}, {"body", std::string(70 * 1024, 'x')}});
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  EXPECT_NE(too_big->body.find("the limit is 64 KiB"), std::string::npos);
}

TEST_F(AccountRoutesTest, AccountPagesNeedALoginAndAreNeverCached) {
  Browser anon = NewBrowser();
  for (const char* path : {"/account", "/submit"}) {
    auto res = anon.Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 303) << path;
    EXPECT_EQ(res->get_header_value("Location"), std::string("/login?next=") + path);
  }
  auto login = anon.Get("/login");
  EXPECT_NE(login->get_header_value("Cache-Control").find("no-store"), std::string::npos);
  Browser b = NewBrowser();
  ASSERT_TRUE(b.SignUp("ada"));
  auto account = b.Get("/account");
  ASSERT_TRUE(account);
  EXPECT_EQ(account->status, 200);
  EXPECT_NE(account->get_header_value("Cache-Control").find("no-store"), std::string::npos);
  EXPECT_NE(account->body.find("id=\"account-name\">ada<"), std::string::npos);
}

}  // namespace
}  // namespace paperfeed::web
