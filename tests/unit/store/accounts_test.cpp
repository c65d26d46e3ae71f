#include "store/accounts.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "store/migrations.hpp"
#include "store/database.hpp"
#include "test_support.hpp"

namespace paperfeed::store {
namespace {

class AccountStoreTest : public testing::CatalogueTest {
 protected:
  void SetUp() override {
    CatalogueTest::SetUp();
    accounts_ = std::make_unique<AccountStore>(catalogue_->database());
    for (const char* id : {"2501.00001", "2501.00002", "2501.00003"}) AddPaper(id);
  }

  void AddPaper(const std::string& id) {
    core::Paper p;
    p.id = id;
    p.latest_version = 1;
    p.versions = {{1, "2025-01-01T00:00:00Z"}};
    p.title = "Paper " + id;
    p.abstract = "Abstract.";
    p.authors = {"Ada Lovelace"};
    p.primary_category = "cs.LG";
    p.categories = {"cs.LG"};
    p.published = p.updated = "2025-01-01T00:00:00Z";
    ASSERT_TRUE(catalogue_->UpsertPaper(p).ok());
  }

  User MakeUser(const std::string& name, bool admin = false) {
    auto user = accounts_->CreateUser({name, "", std::nullopt, "$argon2id$v=19$m=8,t=1,p=1$x$y", admin}, 1000);
    EXPECT_TRUE(user.ok()) << user.error().message;
    return user.ok() ? user.value() : User{};
  }

  std::unique_ptr<AccountStore> accounts_;
};

TEST_F(AccountStoreTest, CreatesUsersAndRejectsADuplicateNameWhateverItsCase) {
  User ada = MakeUser("ada");
  EXPECT_GT(ada.id, 0);
  auto again = accounts_->CreateUser({"ADA", "", std::nullopt, "h", false}, 1000);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::ErrorCode::kConflict);
  auto found = accounts_->FindUserByName("Ada").value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, ada.id);
  EXPECT_EQ(accounts_->CountUsers().value(), 1);
}

TEST_F(AccountStoreTest, SetAdminNamesAnUnknownUser) {
  MakeUser("ada");
  ASSERT_TRUE(accounts_->SetAdmin("ada", true).ok());
  EXPECT_TRUE(accounts_->FindUserByName("ada").value()->is_admin);
  auto missing = accounts_->SetAdmin("nobody", true);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, core::ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("nobody"), std::string::npos);
}

TEST_F(AccountStoreTest, SessionsExpireAndCanBeDeleted) {
  User ada = MakeUser("ada");
  ASSERT_TRUE(accounts_->CreateSession({"hash1", ada.id, "csrf", 1000, 2000, 1000}).ok());
  auto found = accounts_->FindSession("hash1", 1500).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->second.name, "ada");
  EXPECT_EQ(found->first.csrf_secret, "csrf");
  EXPECT_FALSE(accounts_->FindSession("hash1", 2000).value().has_value());
  EXPECT_FALSE(accounts_->FindSession("other", 1500).value().has_value());
  ASSERT_TRUE(accounts_->DeleteSession("hash1").ok());
  EXPECT_FALSE(accounts_->FindSession("hash1", 1500).value().has_value());
}

TEST_F(AccountStoreTest, ApiTokensResolveUntilRevokedAndOnlyTheOwnerRevokes) {
  User ada = MakeUser("ada");
  User bob = MakeUser("bob");
  auto token = accounts_->CreateApiToken(ada.id, "notebook", "tokhash", 1000).value();
  EXPECT_EQ(accounts_->FindUserByApiToken("tokhash", 1100).value()->name, "ada");
  EXPECT_EQ(accounts_->ListApiTokens(ada.id).value().at(0).last_used_at.value_or(0), 1100);
  EXPECT_EQ(accounts_->RevokeApiToken(bob.id, token.id).error().code, core::ErrorCode::kNotFound);
  ASSERT_TRUE(accounts_->RevokeApiToken(ada.id, token.id).ok());
  EXPECT_FALSE(accounts_->FindUserByApiToken("tokhash", 1200).value().has_value());
}

TEST_F(AccountStoreTest, ApiTokensKeepTheirScopesAndStopAtTheirExpiry) {
  User ada = MakeUser("ada");
  ASSERT_TRUE(accounts_->CreateApiToken(ada.id, "bot", "tokhash", 1000, "vote", 2000).ok());
  auto found = accounts_->FindApiToken("tokhash", 1999).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->first.scopes, "vote");
  EXPECT_EQ(found->first.expires_at.value_or(0), 2000);
  EXPECT_FALSE(accounts_->FindApiToken("tokhash", 2000).value().has_value());
  EXPECT_EQ(accounts_->ListApiTokens(ada.id).value().at(0).scopes, "vote");
}

TEST(AccountMigrationTest, TokensMadeBeforeScopesKeepEveryScopeAndExpireNinetyDaysAfterTheUpgrade) {
  testing::TempDir dir;
  testing::TestDatabase location(dir, "old.db");
  auto db = Database::Open(location.location());
  ASSERT_TRUE(db.ok());
  auto& d = *db.value();
  ASSERT_TRUE(d.Exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)").ok());
  for (const auto& m : MigrationsFor(d.backend())) {
    if (m.version > 4) break;
    ASSERT_TRUE(d.Exec(std::string(m.sql)).ok()) << m.version;
    ASSERT_TRUE(d.Exec("INSERT INTO schema_migrations(version, name) VALUES (" + std::to_string(m.version) + ", 'x')").ok());
  }
  ASSERT_TRUE(d.Exec("INSERT INTO users(id, name, password_hash, created_at) VALUES (1, 'ada', 'h', 1)").ok());
  ASSERT_TRUE(d.Exec("INSERT INTO api_tokens(token_hash, user_id, name, created_at) VALUES ('old', 1, 'n', 1)").ok());
  ASSERT_TRUE(ApplyMigrations(d).ok());
  const int64_t now = std::time(nullptr);
  AccountStore accounts(d);
  auto found = accounts.FindApiToken("old", now).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->first.scopes, "read vote comment submit");
  ASSERT_TRUE(found->first.expires_at.has_value());
  EXPECT_NEAR(static_cast<double>(*found->first.expires_at - now), 90.0 * 86400, 3600);
}

TEST_F(AccountStoreTest, UpvoteToggleIsIdempotentAndCountsPerPaper) {
  User ada = MakeUser("ada");
  User bob = MakeUser("bob");
  EXPECT_TRUE(accounts_->SetUpvote(ada.id, "2501.00001", true, 86400 * 10).value());
  EXPECT_FALSE(accounts_->SetUpvote(ada.id, "2501.00001", true, 86400 * 10).value());
  EXPECT_TRUE(accounts_->SetUpvote(bob.id, "2501.00001", true, 86400 * 11).value());
  EXPECT_TRUE(accounts_->SetUpvote(bob.id, "2501.00002", true, 86400 * 11).value());
  auto counts = accounts_->LocalUpvoteCounts({"2501.00001", "2501.00002", "2501.00003"}).value();
  EXPECT_EQ(counts["2501.00001"], 2);
  EXPECT_EQ(counts["2501.00002"], 1);
  EXPECT_EQ(counts.count("2501.00003"), 0u);

  EXPECT_TRUE(accounts_->SetUpvote(ada.id, "2501.00001", false, 86400 * 12).value());
  EXPECT_FALSE(accounts_->SetUpvote(ada.id, "2501.00001", false, 86400 * 12).value());
  EXPECT_EQ(accounts_->LocalUpvoteCounts({"2501.00001"}).value()["2501.00001"], 1);

  auto mine = accounts_->UpvotedBy(bob.id, {"2501.00001", "2501.00002", "2501.00003"}).value();
  EXPECT_EQ(mine, (std::unordered_set<std::string>{"2501.00001", "2501.00002"}));

  auto history = accounts_->UpvoteHistory("2501.00001").value();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].day, "1970-01-11");
  EXPECT_EQ(history[0].total, 1);
  EXPECT_EQ(history[1].total, 2);
  EXPECT_EQ(history[2].day, "1970-01-13");
  EXPECT_EQ(history[2].total, 1);
}

TEST_F(AccountStoreTest, UpvotingAnUnknownPaperIsNotFound) {
  User ada = MakeUser("ada");
  auto r = accounts_->SetUpvote(ada.id, "9999.99999", true, 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::kNotFound);
}

TEST_F(AccountStoreTest, BatchQueriesHandleMoreIdsThanOneChunk) {
  User ada = MakeUser("ada");
  ASSERT_TRUE(accounts_->SetUpvote(ada.id, "2501.00003", true, 1000).ok());
  std::vector<std::string> ids;
  for (int i = 0; i < 1200; ++i) ids.push_back("x" + std::to_string(i));
  ids.push_back("2501.00003");
  EXPECT_EQ(accounts_->LocalUpvoteCounts(ids).value().at("2501.00003"), 1);
  EXPECT_EQ(accounts_->UpvotedBy(ada.id, ids).value().size(), 1u);
  EXPECT_TRUE(accounts_->LocalUpvoteCounts({}).value().empty());
}

TEST_F(AccountStoreTest, RemovedCommentsAreHiddenFromReadersAndCounts) {
  User ada = MakeUser("ada");
  User admin = MakeUser("root", true);
  auto first = accounts_->AddComment("2501.00001", ada.id, "First!", 1000).value();
  auto second = accounts_->AddComment("2501.00001", ada.id, "Second", 1001).value();
  EXPECT_EQ(first.user_name, "ada");
  EXPECT_EQ(accounts_->CommentCounts({"2501.00001"}).value()["2501.00001"], 2);
  ASSERT_TRUE(accounts_->RemoveComment(first.id, admin.id).ok());
  auto visible = accounts_->CommentsForPaper("2501.00001", false).value();
  ASSERT_EQ(visible.size(), 1u);
  EXPECT_EQ(visible[0].id, second.id);
  EXPECT_EQ(accounts_->CommentsForPaper("2501.00001", true).value().size(), 2u);
  EXPECT_EQ(accounts_->CommentCounts({"2501.00001"}).value()["2501.00001"], 1);
  EXPECT_EQ(accounts_->RemoveComment(424242, admin.id).error().code, core::ErrorCode::kNotFound);
  EXPECT_EQ(accounts_->AddComment("nope", ada.id, "x", 1).error().code, core::ErrorCode::kNotFound);
}

TEST_F(AccountStoreTest, RepliesEditsAndDeletionsAreStoredAndDeletedOnesAreNotCounted) {
  User ada = MakeUser("ada");
  auto top = accounts_->AddComment("2501.00001", ada.id, "Top", 1000).value();
  auto reply = accounts_->AddComment("2501.00001", ada.id, "Reply", 1001, top.id).value();
  EXPECT_EQ(reply.parent_id, top.id);
  EXPECT_FALSE(top.parent_id.has_value());
  ASSERT_TRUE(accounts_->EditComment(top.id, "Top, edited", 1002).ok());
  auto edited = accounts_->FindComment(top.id).value().value();
  EXPECT_EQ(edited.body, "Top, edited");
  EXPECT_EQ(edited.edited_at, 1002);
  EXPECT_EQ(accounts_->CommentCounts({"2501.00001"}).value()["2501.00001"], 2);
  ASSERT_TRUE(accounts_->DeleteComment(top.id, 1003).ok());
  EXPECT_EQ(accounts_->FindComment(top.id).value()->deleted_at, 1003);
  EXPECT_FALSE(accounts_->FindComment(top.id).value()->visible());
  EXPECT_EQ(accounts_->CommentCounts({"2501.00001"}).value()["2501.00001"], 1);
  EXPECT_EQ(accounts_->CommentsForPaper("2501.00001", false).value().size(), 1u);
  EXPECT_EQ(accounts_->CommentsForPaper("2501.00001", true).value().size(), 2u);
  EXPECT_EQ(accounts_->EditComment(424242, "x", 1).error().code, core::ErrorCode::kNotFound);
  EXPECT_EQ(accounts_->DeleteComment(424242, 1).error().code, core::ErrorCode::kNotFound);
}

TEST_F(AccountStoreTest, APaperIsSubmittedOnce) {
  User ada = MakeUser("ada");
  ASSERT_TRUE(accounts_->RecordSubmission({"2501.00001", ada.id, "2025-01-02", 1000}).ok());
  auto again = accounts_->RecordSubmission({"2501.00001", ada.id, "2025-01-03", 1001});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(accounts_->FindSubmission("2501.00001").value()->day, "2025-01-02");
}

TEST_F(AccountStoreTest, HidingAPaperMarksEveryDailyEntry) {
  ASSERT_TRUE(catalogue_->UpsertDailyEntry({"2501.00001", "2025-01-02", "ada", "Ada", 3, 0}).ok());
  EXPECT_EQ(accounts_->IsPaperHidden("2501.00001").value(), std::optional<bool>(false));
  ASSERT_TRUE(accounts_->SetPaperHidden("2501.00001", true).ok());
  EXPECT_EQ(accounts_->IsPaperHidden("2501.00001").value(), std::optional<bool>(true));
  EXPECT_FALSE(accounts_->IsPaperHidden("2501.00002").value().has_value());
  auto s = catalogue_->database().Prepare("SELECT hidden FROM daily_entries WHERE paper_id = '2501.00001'");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->Step().value());
  EXPECT_EQ(s->Int(0), 1);
  EXPECT_EQ(accounts_->SetPaperHidden("2501.00002", true).error().code, core::ErrorCode::kNotFound);
}

TEST_F(AccountStoreTest, LoginFailuresAreCountedPerIpAndAccountWithinTheWindow) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(accounts_->RecordLoginAttempt({"10.0.0.1", "ada", 1000 + i, false}).ok());
  ASSERT_TRUE(accounts_->RecordLoginAttempt({"10.0.0.2", "ada", 1005, false}).ok());
  ASSERT_TRUE(accounts_->RecordLoginAttempt({"10.0.0.1", "bob", 1006, true}).ok());
  EXPECT_EQ(accounts_->CountFailuresByIp("10.0.0.1", 0).value(), 3);
  EXPECT_EQ(accounts_->CountFailuresByAccount("ada", 0).value(), 4);
  EXPECT_EQ(accounts_->CountFailuresByAccount("ada", 1002).value(), 2);
  ASSERT_TRUE(accounts_->ClearFailuresForAccount("ada").ok());
  EXPECT_EQ(accounts_->CountFailuresByAccount("ada", 0).value(), 0);
  EXPECT_EQ(accounts_->PruneLoginAttempts(2000).value(), 1);
}

TEST_F(AccountStoreTest, HostileNamesAndIdsAreStoredAsPlainText) {
  const std::string hostile = "x'); DROP TABLE users; --";
  auto user = accounts_->CreateUser({hostile, hostile, std::nullopt, "h", false}, 1);
  ASSERT_TRUE(user.ok()) << user.error().message;
  EXPECT_EQ(accounts_->FindUserByName(hostile).value()->name, hostile);
  EXPECT_FALSE(accounts_->FindUserByName("' OR '1'='1").value().has_value());
  EXPECT_EQ(accounts_->SetUpvote(user->id, "' OR 1=1 --", true, 1).error().code, core::ErrorCode::kNotFound);
  EXPECT_TRUE(accounts_->LocalUpvoteCounts({"' OR 1=1 --"}).value().empty());
  EXPECT_EQ(accounts_->CountUsers().value(), 1);
}

}  // namespace
}  // namespace paperfeed::store
