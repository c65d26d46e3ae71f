#include "web/auth.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "test_support.hpp"
#include "web/community.hpp"

namespace paperfeed::web {
namespace {

TEST(PasswordHashTest, StoresAnArgon2idStringThatVerifiesOnlyTheRightPassword) {
  auto hash = HashPassword("correct horse battery staple", PasswordCost::Minimum());
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword("not a hash", "x"));
  // A fresh salt each time.
  EXPECT_NE(*hash, HashPassword("correct horse battery staple", PasswordCost::Minimum()).value());
}

TEST(PasswordHashTest, NoticesAHashMadeWithAnotherCost) {
  auto hash = HashPassword("password1", PasswordCost::Minimum()).value();
  EXPECT_FALSE(PasswordNeedsRehash(hash, PasswordCost::Minimum()));
  EXPECT_TRUE(PasswordNeedsRehash(hash, PasswordCost::Interactive()));
}

TEST(TokenTest, TokensAreRandomUrlSafeAndHashedToHex) {
  std::string a = RandomToken(), b = RandomToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
  EXPECT_EQ(TokenHash(a).size(), 64u);
  EXPECT_EQ(TokenHash(a), TokenHash(a));
  EXPECT_NE(TokenHash(a), TokenHash(b));
  EXPECT_TRUE(ConstantTimeEquals(a, a));
  EXPECT_FALSE(ConstantTimeEquals(a, b));
  EXPECT_FALSE(ConstantTimeEquals("", ""));
}

TEST(HeaderParsingTest, FindsTheSessionCookieAndTheBearerToken) {
  EXPECT_EQ(CookieValue("a=1; paperfeed_session=xyz; b=2", "paperfeed_session").value_or(""), "xyz");
  EXPECT_EQ(CookieValue("paperfeed_session=\"q\"", "paperfeed_session").value_or(""), "q");
  EXPECT_FALSE(CookieValue("xpaperfeed_session=1", "paperfeed_session").has_value());
  EXPECT_EQ(BearerToken("Bearer pf_abc").value_or(""), "pf_abc");
  EXPECT_EQ(BearerToken("bearer  pf_abc ").value_or(""), "pf_abc");
  EXPECT_FALSE(BearerToken("Basic dXNlcjpwYXNz").has_value());
  EXPECT_FALSE(BearerToken("Bearer ").has_value());
}

TEST(ValidationTest, NamesAndPasswordsAreChecked) {
  EXPECT_FALSE(CheckUserName("ada_lovelace-1.0").has_value());
  EXPECT_TRUE(CheckUserName("a").has_value());
  EXPECT_TRUE(CheckUserName("<script>").has_value());
  EXPECT_TRUE(CheckUserName("x' OR 1=1").has_value());
  EXPECT_TRUE(CheckUserName("_lead").has_value());
  EXPECT_TRUE(CheckPassword("short").has_value());
  EXPECT_FALSE(CheckPassword("long enough").has_value());
  EXPECT_TRUE(CheckPassword(std::string(2000, 'x')).has_value());
}

class AuthTest : public testing::CatalogueTest {
 protected:
  void SetUp() override {
    CatalogueTest::SetUp();
    accounts_ = std::make_unique<store::AccountStore>(catalogue_->database());
    AuthConfig config;
    config.password_cost = PasswordCost::Minimum();
    config.clock = [this] { return now_; };
    auth_ = std::make_unique<Auth>(config);
  }

  store::User SignUp(const std::string& name, const std::string& password = "tulip-quarry-49") {
    auto user = auth_->SignUp(*accounts_, {name, password, "", ""}, "192.0.2.1");
    EXPECT_TRUE(user.ok()) << user.error().message;
    return user.ok() ? user.value() : store::User{};
  }

  int64_t now_ = 1'700'000'000;
  std::unique_ptr<store::AccountStore> accounts_;
  std::unique_ptr<Auth> auth_;
};

TEST_F(AuthTest, SignUpStoresNoClearPasswordAndRejectsATakenName) {
  SignUp("ada", "s3cret-passphrase");
  auto s = catalogue_->database().Prepare("SELECT password_hash FROM users WHERE name = 'ada'");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->Step().value());
  EXPECT_EQ(s->Text(0).rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(s->Text(0).find("s3cret"), std::string::npos);
  auto again = auth_->SignUp(*accounts_, {"ADA", "another-pass", "", ""}, "192.0.2.1");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::ErrorCode::kConflict);
  auto bad = auth_->SignUp(*accounts_, {"bob", "short", "", ""}, "192.0.2.1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_NE(bad.error().message.find("Password"), std::string::npos);
}

TEST_F(AuthTest, ClosedSignUpRefusesButTheCliStillCreatesUsers) {
  AuthConfig config;
  config.password_cost = PasswordCost::Minimum();
  config.allow_signup = false;
  Auth closed(config);
  EXPECT_EQ(closed.SignUp(*accounts_, {"ada", "tulip-quarry-49", "", ""}, "192.0.2.1").error().code, core::ErrorCode::kUnauthorized);
  auto admin = closed.CreateUser(*accounts_, {"root", "tulip-quarry-49", "", ""}, true);
  ASSERT_TRUE(admin.ok());
  EXPECT_TRUE(admin->is_admin);
}

TEST_F(AuthTest, LogInOpensASessionThatResolvesUntilLogOutOrExpiry) {
  SignUp("ada");
  auto login = auth_->LogIn(*accounts_, "ada", "tulip-quarry-49", "127.0.0.1");
  ASSERT_TRUE(login.ok()) << login.error().message;
  auto who = auth_->FromSession(*accounts_, login->session_token).value();
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->user.name, "ada");
  EXPECT_EQ(who->csrf_token, login->csrf_token);
  EXPECT_TRUE(auth_->CsrfValid(*who, login->csrf_token));
  EXPECT_FALSE(auth_->CsrfValid(*who, ""));
  EXPECT_FALSE(auth_->CsrfValid(*who, RandomToken()));

  // The database keeps only the token's hash.
  auto s = catalogue_->database().Prepare("SELECT token_hash FROM sessions");
  ASSERT_TRUE(s->Step().value());
  EXPECT_EQ(s->Text(0), TokenHash(login->session_token));

  ASSERT_TRUE(auth_->LogOut(*accounts_, login->session_token).ok());
  EXPECT_FALSE(auth_->FromSession(*accounts_, login->session_token).value().has_value());

  auto second = auth_->LogIn(*accounts_, "ada", "tulip-quarry-49", "127.0.0.1").value();
  now_ += auth_->config().session_ttl_seconds;
  EXPECT_FALSE(auth_->FromSession(*accounts_, second.session_token).value().has_value());
}

TEST_F(AuthTest, UnknownNameAndWrongPasswordGetTheSameMessage) {
  SignUp("ada");
  auto wrong = auth_->LogIn(*accounts_, "ada", "wrong-password", "127.0.0.1");
  auto unknown = auth_->LogIn(*accounts_, "nobody", "wrong-password", "127.0.0.2");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().code, core::ErrorCode::kUnauthorized);
  EXPECT_EQ(unknown.error().code, wrong.error().code);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
}

TEST_F(AuthTest, AnUnknownNameCostsOnePasswordVerificationLikeAWrongPassword) {
  // Both answers must spend one Argon2id verification at the configured cost (the unknown name
  // verifies a dummy hash made with that cost), or the answer time tells which names exist.
  // Counted, not timed: a wall-clock ratio on a shared machine proves nothing.
  SignUp("ada");
  const auto before = auth_->password_verifications();
  for (int i = 0; i < 4; ++i) (void)auth_->LogIn(*accounts_, "ada", "wrong-password", "10.0.0." + std::to_string(i));
  const auto after_known = auth_->password_verifications();
  for (int i = 0; i < 4; ++i) (void)auth_->LogIn(*accounts_, "nobody", "wrong-password", "10.0.1." + std::to_string(i));
  const auto after_unknown = auth_->password_verifications();
  EXPECT_EQ(after_known - before, 4u);
  EXPECT_EQ(after_unknown - after_known, 4u);
}

TEST_F(AuthTest, AfterFiveFailuresANameFromOneAddressWaitsLongerAfterEachFailure) {
  SignUp("ada");
  for (int i = 0; i < 5; ++i) {
    auto r = auth_->LogIn(*accounts_, "ada", "wrong-password", "10.0.0.1");
    ASSERT_EQ(r.error().code, core::ErrorCode::kUnauthorized) << "attempt " << i + 1;
  }
  auto sixth = auth_->LogIn(*accounts_, "ADA", "tulip-quarry-49", "10.0.0.1");
  ASSERT_FALSE(sixth.ok());
  EXPECT_EQ(sixth.error().code, core::ErrorCode::kRateLimited);
  EXPECT_EQ(sixth.error().message, Auth::LoginThrottledMessage(30));
  // An unknown name is limited in the same way and with the same words.
  for (int i = 0; i < 5; ++i) (void)auth_->LogIn(*accounts_, "nobody", "wrong-password", "10.0.1.1");
  auto unknown = auth_->LogIn(*accounts_, "nobody", "wrong-password", "10.0.1.1");
  EXPECT_EQ(unknown.error().code, core::ErrorCode::kRateLimited);
  EXPECT_EQ(unknown.error().message, sixth.error().message);
  // The wait passes: one more try, and after another failure the wait doubles.
  now_ += 30;
  EXPECT_EQ(auth_->LogIn(*accounts_, "ada", "wrong-password", "10.0.0.1").error().code, core::ErrorCode::kUnauthorized);
  now_ += 30;
  EXPECT_EQ(auth_->LogIn(*accounts_, "ada", "tulip-quarry-49", "10.0.0.1").error().message, Auth::LoginThrottledMessage(30));
  now_ += 30;
  EXPECT_TRUE(auth_->LogIn(*accounts_, "ada", "tulip-quarry-49", "10.0.0.1").ok());
  // Success forgets the pair's failures.
  EXPECT_EQ(auth_->LogIn(*accounts_, "ada", "wrong-password", "10.0.0.1").error().code, core::ErrorCode::kUnauthorized);
}

TEST_F(AuthTest, AMemberLogsInFromAnotherAddressWhileAnAttackerHammersTheirName) {
  SignUp("ada");
  for (int i = 0; i < 50; ++i) (void)auth_->LogIn(*accounts_, "ada", "wrong-password", "198.51.100.7");
  EXPECT_EQ(auth_->LogIn(*accounts_, "ada", "tulip-quarry-49", "198.51.100.7").error().code,
            core::ErrorCode::kRateLimited);
  auto member = auth_->LogIn(*accounts_, "ada", "tulip-quarry-49", "10.0.0.2");
  EXPECT_TRUE(member.ok()) << member.error().message;
}

// Runs `n` log-ins at once (a barrier starts them together), each on its own connection, with a
// password-check hook that holds every check until either more than `limit` checks have begun
// (the bug) or every other log-in has been refused without one. No sleeps: the hook waits on
// what the other threads do.
struct ConcurrentLogins {
  int limit = 0;
  int n = 0;
  std::mutex mutex;
  std::condition_variable changed;
  int checks = 0;
  int refused = 0;
  std::vector<core::ErrorCode> errors;

  void OnCheck() {
    std::unique_lock lock(mutex);
    ++checks;
    changed.notify_all();
    changed.wait_for(lock, std::chrono::seconds(20), [this] { return checks > limit || checks + refused >= n; });
  }

  template <typename Attempt>
  void Run(const std::string& db_path, Attempt attempt) {
    std::barrier start(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        auto db = store::Database::Open(db_path);
        ASSERT_TRUE(db.ok());
        store::AccountStore accounts(*db.value());
        start.arrive_and_wait();
        auto r = attempt(accounts, i);
        std::lock_guard lock(mutex);
        if (!r.ok()) {
          errors.push_back(r.error().code);
          if (r.error().code != core::ErrorCode::kUnauthorized) ++refused;
        }
        changed.notify_all();
      });
    }
    for (auto& t : threads) t.join();
  }
};

TEST_F(AuthTest, ConcurrentLoginsAtFourOfFiveFailuresGetOnePasswordCheck) {
  SignUp("ada");
  for (int i = 0; i < 4; ++i) (void)auth_->LogIn(*accounts_, "ada", "wrong-password", "10.0.0.1");
  ConcurrentLogins run;
  run.limit = 1;
  run.n = 30;
  AuthConfig config = auth_->config();
  config.on_password_check = [&run] { run.OnCheck(); };
  config.password_check_wait_ms = 5000;
  Auth auth(config);
  run.Run(db_path(), [&](store::AccountStore& accounts, int) {
    return auth.LogIn(accounts, "ada", "wrong-password", "10.0.0.1");
  });
  EXPECT_EQ(run.checks, 1);
  EXPECT_EQ(run.refused, 29);
  EXPECT_EQ(std::count(run.errors.begin(), run.errors.end(), core::ErrorCode::kRateLimited), 29);
}

TEST_F(AuthTest, ConcurrentPasswordChecksNeverExceedTheBoundAndTheRestGet503Promptly) {
  for (int i = 0; i < 8; ++i) SignUp("user" + std::to_string(i));
  ConcurrentLogins run;
  run.limit = 2;
  run.n = 8;
  AuthConfig config = auth_->config();
  config.max_concurrent_password_checks = 2;
  config.password_check_wait_ms = 0;
  config.on_password_check = [&run] { run.OnCheck(); };
  Auth auth(config);
  run.Run(db_path(), [&](store::AccountStore& accounts, int i) {
    return auth.LogIn(accounts, "user" + std::to_string(i), "tulip-quarry-49", "10.0.0." + std::to_string(i));
  });
  EXPECT_EQ(run.checks, 2);
  EXPECT_EQ(run.refused, 6);
  EXPECT_EQ(std::count(run.errors.begin(), run.errors.end(), core::ErrorCode::kUnavailable), 6);
}

// Issue 10, item 11: "password", "12345678" and "aaaaaaaa" were accepted.
TEST_F(AuthTest, SignUpRefusesCommonAndTrivialPasswordsSayingWhy) {
  for (const char* weak : {"password", "12345678", "aaaaaaaa", "qwertyuiop", "password123"}) {
    auto r = auth_->SignUp(*accounts_, {"ada", weak, "", ""}, "192.0.2.7");
    ASSERT_FALSE(r.ok()) << weak;
    EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidInput) << weak;
    EXPECT_NE(r.error().message.find("Password: too easy to guess ("), std::string::npos) << r.error().message;
  }
  auto dictionary = auth_->SignUp(*accounts_, {"ada", "password", "", ""}, "192.0.2.8");
  EXPECT_NE(dictionary.error().message.find("dictionary word"), std::string::npos) << dictionary.error().message;
  // The user's own name is as guessable as a dictionary word.
  EXPECT_TRUE(CheckNewPassword("ada-lovelace", "ada-lovelace").has_value());
  // No composition rules (NIST SP 800-63B): a pass phrase of plain lower-case words is fine.
  EXPECT_FALSE(CheckNewPassword("zebra notebook quiet", "ada").has_value());
  EXPECT_TRUE(auth_->SignUp(*accounts_, {"ada", "zebra notebook quiet", "", ""}, "192.0.2.9").ok());
  // `paperfeed user add` goes through the same check.
  auto cli = auth_->CreateUser(*accounts_, {"root", "12345678", "", ""}, true);
  ASSERT_FALSE(cli.ok());
  EXPECT_EQ(cli.error().code, core::ErrorCode::kInvalidInput);
}

// Issue 10, item 11: 30 accounts in 2.2 s from one address.
TEST_F(AuthTest, SignUpIsLimitedPerAddressInASlidingWindow) {
  const int limit = auth_->config().max_signups_per_address;
  for (int i = 0; i < limit; ++i) {
    auto r = auth_->SignUp(*accounts_, {"user" + std::to_string(i), "tulip-quarry-49", "", ""}, "198.51.100.1");
    ASSERT_TRUE(r.ok()) << i << ": " << r.error().message;
    now_ += 60;
  }
  int64_t retry_after = 0;
  auto over = auth_->SignUp(*accounts_, {"extra", "tulip-quarry-49", "", ""}, "198.51.100.1", &retry_after);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, core::ErrorCode::kRateLimited);
  // The first of them was 10 minutes ago in a one-hour window.
  EXPECT_EQ(retry_after, auth_->config().signup_window_seconds - 60 * limit);
  EXPECT_EQ(over.error().message, Auth::SignUpThrottledMessage(retry_after));
  // Another address is not affected.
  EXPECT_TRUE(auth_->SignUp(*accounts_, {"other", "tulip-quarry-49", "", ""}, "198.51.100.2").ok());
  // Once the oldest leaves the window, one more.
  now_ += retry_after;
  EXPECT_TRUE(auth_->SignUp(*accounts_, {"extra", "tulip-quarry-49", "", ""}, "198.51.100.1").ok());
  EXPECT_EQ(auth_->SignUp(*accounts_, {"extra2", "tulip-quarry-49", "", ""}, "198.51.100.1").error().code,
            core::ErrorCode::kRateLimited);
}

// The limit is counted in the transaction that records the attempt: 30 sign-ups sent at once from
// one address (each on its own connection, started by a barrier) create exactly the limit.
TEST_F(AuthTest, ConcurrentSignUpsFromOneAddressCreateOnlyTheLimit) {
  ConcurrentLogins run;
  run.n = 30;
  AuthConfig config = auth_->config();
  config.max_signups_per_address = 3;
  config.max_concurrent_password_checks = 30;
  config.password_check_wait_ms = 20000;
  Auth auth(config);
  std::atomic<int> created{0};
  run.Run(db_path(), [&](store::AccountStore& accounts, int i) {
    auto r = auth.SignUp(accounts, {"user" + std::to_string(i), "tulip-quarry-49", "", ""}, "203.0.113.5");
    if (r.ok()) ++created;
    return r;
  });
  EXPECT_EQ(created.load(), 3);
  EXPECT_EQ(std::count(run.errors.begin(), run.errors.end(), core::ErrorCode::kRateLimited), 27);
}

TEST_F(AuthTest, OneIpIsLimitedAcrossNames) {
  for (int i = 0; i < auth_->config().max_failures_per_ip; ++i) {
    (void)auth_->LogIn(*accounts_, "name" + std::to_string(i), "wrong-password", "10.9.9.9");
  }
  EXPECT_EQ(auth_->LogIn(*accounts_, "other", "wrong-password", "10.9.9.9").error().code,
            core::ErrorCode::kRateLimited);
  EXPECT_EQ(auth_->LogIn(*accounts_, "other", "wrong-password", "10.9.9.8").error().code,
            core::ErrorCode::kUnauthorized);
}

TEST_F(AuthTest, ApiTokensAreShownOnceStoredHashedAndStopWorkingWhenRevoked) {
  store::User ada = SignUp("ada");
  auto token = auth_->CreateApiToken(*accounts_, ada, "notebook");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->token.rfind(kApiTokenPrefix, 0), 0u);
  auto who = auth_->FromApiToken(*accounts_, token->token).value();
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->user.id, ada.id);
  EXPECT_EQ(who->via, Identity::Via::kApiToken);
  EXPECT_TRUE(auth_->CsrfValid(*who, ""));  // Bearer calls need no CSRF token
  EXPECT_FALSE(auth_->FromApiToken(*accounts_, token->token + "x").value().has_value());
  // A session token is not an API token, and the other way round.
  EXPECT_FALSE(auth_->FromSession(*accounts_, token->token).value().has_value());
  ASSERT_TRUE(accounts_->RevokeApiToken(ada.id, token->record.id).ok());
  EXPECT_FALSE(auth_->FromApiToken(*accounts_, token->token).value().has_value());
}

TEST_F(AuthTest, SessionCookieCarriesTheSecurityAttributes) {
  std::string cookie = auth_->SessionCookie("tok");
  EXPECT_EQ(cookie.rfind("paperfeed_session=tok;", 0), 0u);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos);
  AuthConfig secure;
  secure.password_cost = PasswordCost::Minimum();
  secure.secure_cookies = true;
  EXPECT_NE(Auth(secure).SessionCookie("tok").find("; Secure"), std::string::npos);
  EXPECT_NE(auth_->ClearedSessionCookie().find("Max-Age=0"), std::string::npos);
}

// ---- community rules ----

class CommunityTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    core::Paper p;
    p.id = "2501.00001";
    p.latest_version = 1;
    p.versions = {{1, "2025-01-01T00:00:00Z"}};
    p.title = "Known paper";
    p.abstract = "Abstract.";
    p.authors = {"Ada Lovelace"};
    p.primary_category = "cs.LG";
    p.categories = {"cs.LG"};
    p.published = p.updated = "2025-01-01T00:00:00Z";
    ASSERT_TRUE(catalogue_->UpsertPaper(p).ok());
    ada_.user = SignUp("ada");
    root_.user = auth_->CreateUser(*accounts_, {"root", "tulip-quarry-49", "Root", ""}, true).value();
  }
  Identity ada_, root_;
};

TEST_F(CommunityTest, NormalisesPaperIdsAndNamesBadOnes) {
  EXPECT_EQ(NormalisePaperId(" arXiv:2501.00001v3 ").value(), "2501.00001");
  auto bad = NormalisePaperId("<script>alert(1)</script>");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, core::ErrorCode::kInvalidInput);
}

TEST_F(CommunityTest, SubmittingPutsTheKnownPaperIntoTodaysNewYorkList) {
  now_ = 1'736'132'400;  // 2025-01-06T03:00:00Z = 2025-01-05 22:00 in New York
  bool fetched = false;
  FetchMissingPaper fetch = [&](const std::string&) -> core::Result<bool> {
    fetched = true;
    return true;
  };
  auto out = SubmitPaper(*catalogue_, ada_, "2501.00001", fetch, now_);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_FALSE(fetched);
  EXPECT_EQ(out->day, "2025-01-05");
  auto entries = catalogue_->DailyEntriesForPaper("2501.00001").value();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].submitted_by, "ada");
  EXPECT_EQ(accounts_->FindSubmission("2501.00001").value()->user_id, ada_.user.id);

  auto again = SubmitPaper(*catalogue_, root_, "2501.00001", fetch, now_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::ErrorCode::kConflict);
  EXPECT_NE(again.error().message.find("2025-01-05"), std::string::npos);
}

TEST_F(CommunityTest, SubmittingAnUnknownPaperAsksTheFetcherAndReportsItsAnswer) {
  FetchMissingPaper nothing = [](const std::string&) -> core::Result<bool> { return false; };
  EXPECT_EQ(SubmitPaper(*catalogue_, ada_, "2501.99999", nothing, now_).error().code, core::ErrorCode::kNotFound);
  FetchMissingPaper down = [](const std::string&) -> core::Result<bool> {
    return core::MakeError(core::ErrorCode::kIo, "connection refused");
  };
  EXPECT_EQ(SubmitPaper(*catalogue_, ada_, "2501.99999", down, now_).error().code, core::ErrorCode::kUnavailable);
  EXPECT_TRUE(catalogue_->DailyEntriesForPaper("2501.99999").value().empty());
}

TEST_F(CommunityTest, OnlyAdminsHideAndRemove) {
  ASSERT_TRUE(SubmitPaper(*catalogue_, ada_, "2501.00001", {}, now_).ok());
  auto comment = AddComment(*accounts_, ada_, "2501.00001", "  hello  ", now_).value();
  EXPECT_EQ(comment.body, "hello");
  EXPECT_EQ(RemoveComment(*accounts_, ada_, comment.id).error().code, core::ErrorCode::kUnauthorized);
  EXPECT_EQ(SetPaperHidden(*accounts_, ada_, "2501.00001", true).error().code, core::ErrorCode::kUnauthorized);
  EXPECT_TRUE(RemoveComment(*accounts_, root_, comment.id).ok());
  EXPECT_TRUE(SetPaperHidden(*accounts_, root_, "2501.00001", true).ok());
  EXPECT_TRUE(accounts_->CommentsForPaper("2501.00001", false).value().empty());
}

TEST_F(CommunityTest, CommentsMustHaveTextAndStayShort) {
  EXPECT_EQ(AddComment(*accounts_, ada_, "2501.00001", " \n ", now_).error().code, core::ErrorCode::kInvalidInput);
  EXPECT_EQ(AddComment(*accounts_, ada_, "2501.00001", std::string(kMaxCommentCharacters + 1, 'x'), now_).error().code,
            core::ErrorCode::kInvalidInput);
  EXPECT_TRUE(AddComment(*accounts_, ada_, "2501.00001", std::string(kMaxCommentCharacters, 'x'), now_).ok());
}

// The page promises 5,000 characters; the limit counted bytes, so 5,000 × "é" (10,000 bytes) was
// refused. Characters are code points: two-byte, three-byte and four-byte ones count as one each.
TEST_F(CommunityTest, CommentLimitCountsCharactersNotBytes) {
  auto repeat = [](const std::string& s, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += s;
    return out;
  };
  EXPECT_TRUE(AddComment(*accounts_, ada_, "2501.00001", repeat("\u00e9", 5000), now_).ok());
  auto over = AddComment(*accounts_, ada_, "2501.00001", repeat("\u00e9", 5001), now_);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_NE(over.error().message.find("5001"), std::string::npos) << over.error().message;
  EXPECT_TRUE(AddComment(*accounts_, ada_, "2501.00001", repeat("\u6f22", 5000), now_).ok());      // 3 bytes each
  EXPECT_TRUE(AddComment(*accounts_, ada_, "2501.00001", repeat("\U0001F600", 5000), now_).ok());  // 4 bytes each
  EXPECT_FALSE(AddComment(*accounts_, ada_, "2501.00001", repeat("\U0001F600", 5001), now_).ok());
}

}  // namespace
}  // namespace paperfeed::web
