// store/subscriptions: subscribers, the outbox's exactly-once key and state changes, rate limits.
#include "store/subscriptions.hpp"

#include <gtest/gtest.h>

#include "store/database.hpp"
#include "test_support.hpp"

namespace paperfeed::store {
namespace {

class SubscriptionStoreTest : public testing::CatalogueTest {
 protected:
  void SetUp() override {
    CatalogueTest::SetUp();
    store_ = std::make_unique<SubscriptionStore>(catalogue_->database());
  }
  Subscriber Add(const std::string& email, bool confirm = true) {
    SubscriberPreferences prefs;
    prefs.topics = {"diffusion models", "sparse attention"};
    prefs.categories = {"cs.LG"};
    auto sub = store_->FindOrCreate(email, prefs, std::nullopt, 1000);
    EXPECT_TRUE(sub.ok()) << sub.error().message;
    if (confirm) {
      EXPECT_TRUE(store_->Confirm(sub->id, 1001).value());
    }
    return *sub;
  }
  OutboxMessage Message(int64_t subscriber, const std::string& key) {
    OutboxMessage m;
    m.subscriber_id = subscriber;
    m.period_key = key;
    m.recipient = "r@example.org";
    m.message_id = "<" + key + "@test>";
    m.message = "Subject: x\r\n\r\nbody\r\n";
    m.next_attempt_at = 0;
    m.created_at = 5;
    return m;
  }
  std::unique_ptr<SubscriptionStore> store_;
};

TEST_F(SubscriptionStoreTest, FindOrCreateKeepsOneRowPerAddressIgnoringCase) {
  bool created = false;
  auto first = store_->FindOrCreate("Ada@Example.org", {}, std::nullopt, 10, &created);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(created);
  auto again = store_->FindOrCreate("ada@example.ORG", {}, std::nullopt, 20, &created);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(first->id, again->id);
  EXPECT_EQ(again->created_at, 10);
  EXPECT_FALSE(again->confirmed);
  EXPECT_EQ(store_->List()->size(), 1u);
}

TEST_F(SubscriptionStoreTest, PreferencesRoundTripListsWithSpaces) {
  auto sub = Add("a@example.org");
  EXPECT_EQ(sub.topics, (std::vector<std::string>{"diffusion models", "sparse attention"}));
  SubscriberPreferences prefs;
  prefs.period = DigestPeriod::kWeekly;
  prefs.top_n = 3;
  prefs.authors = {"Yann LeCun", "Geoffrey Hinton"};
  ASSERT_TRUE(store_->UpdatePreferences(sub.id, prefs).value());
  auto read = store_->FindById(sub.id);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->period, DigestPeriod::kWeekly);
  EXPECT_EQ((*read)->top_n, 3);
  EXPECT_TRUE((*read)->topics.empty());
  EXPECT_EQ((*read)->authors, prefs.authors);
}

TEST_F(SubscriptionStoreTest, ListActiveSkipsUnconfirmedPausedAndOtherPeriods) {
  auto daily = Add("daily@example.org");
  Add("unconfirmed@example.org", false);
  auto paused = Add("paused@example.org");
  ASSERT_TRUE(store_->SetPaused(paused.id, true).value());
  auto weekly = Add("weekly@example.org");
  SubscriberPreferences prefs;
  prefs.period = DigestPeriod::kWeekly;
  ASSERT_TRUE(store_->UpdatePreferences(weekly.id, prefs).value());
  auto active = store_->ListActive(DigestPeriod::kDaily);
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ(active->front().id, daily.id);
  EXPECT_EQ(store_->ListActive(DigestPeriod::kWeekly)->size(), 1u);
}

TEST_F(SubscriptionStoreTest, OutboxKeepsTheFirstMessageOfAPeriod) {
  auto sub = Add("a@example.org");
  ASSERT_EQ(store_->InsertOutbox({Message(sub.id, "daily:2026-08-21")}).value(), 1);
  auto second = Message(sub.id, "daily:2026-08-21");
  second.message_id = "<other@test>";
  EXPECT_EQ(store_->InsertOutbox({second}).value(), 0);
  auto row = store_->FindOutbox(sub.id, "daily:2026-08-21");
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->message_id, "<daily:2026-08-21@test>");
  EXPECT_EQ(store_->InsertOutbox({Message(sub.id, "daily:2026-08-22")}).value(), 1);
}

TEST_F(SubscriptionStoreTest, StatesMoveFromPendingThroughSendingToSent) {
  auto sub = Add("a@example.org");
  ASSERT_EQ(store_->InsertOutbox({Message(sub.id, "k")}).value(), 1);
  auto due = store_->DueMessages(100, 10);
  ASSERT_EQ(due->size(), 1u);
  int64_t id = due->front().id;
  ASSERT_TRUE(store_->MarkSending(id, 100).value());
  EXPECT_FALSE(store_->MarkSending(id, 100).value()) << "a second sender must not take a row in flight";
  EXPECT_TRUE(store_->DueMessages(100, 10)->empty());
  ASSERT_TRUE(store_->MarkSent(id, 101).ok());
  auto row = store_->FindOutbox(sub.id, "k");
  EXPECT_EQ((*row)->state, OutboxState::kSent);
  EXPECT_EQ((*row)->attempts, 1);
  EXPECT_EQ((*row)->sent_at, 101);
}

TEST_F(SubscriptionStoreTest, RequeueSendingReturnsOrphansToPending) {
  auto sub = Add("a@example.org");
  ASSERT_EQ(store_->InsertOutbox({Message(sub.id, "k")}).value(), 1);
  int64_t id = store_->DueMessages(0, 1)->front().id;
  ASSERT_TRUE(store_->MarkSending(id, 0).value());
  EXPECT_EQ(store_->RequeueSending().value(), 1);
  auto row = store_->FindOutbox(sub.id, "k");
  EXPECT_EQ((*row)->state, OutboxState::kPending);
  EXPECT_EQ((*row)->message_id, "<k@test>") << "a resent message keeps its Message-ID";
}

TEST_F(SubscriptionStoreTest, RetryWaitsUntilItsTime) {
  auto sub = Add("a@example.org");
  ASSERT_EQ(store_->InsertOutbox({Message(sub.id, "k")}).value(), 1);
  int64_t id = store_->DueMessages(0, 1)->front().id;
  ASSERT_TRUE(store_->MarkSending(id, 0).value());
  ASSERT_TRUE(store_->MarkRetry(id, 60, "451 try later").ok());
  EXPECT_TRUE(store_->DueMessages(59, 10)->empty());
  EXPECT_EQ(store_->DueMessages(60, 10)->size(), 1u);
  EXPECT_EQ(store_->NextDueAt().value(), 60);
}

TEST_F(SubscriptionStoreTest, ConsecutiveHardFailuresPauseTheSubscriber) {
  auto sub = Add("a@example.org");
  auto fail = [&](const std::string& key) {
    EXPECT_EQ(store_->InsertOutbox({Message(sub.id, key)}).value(), 1);
    int64_t id = store_->DueMessages(0, 1)->front().id;
    EXPECT_TRUE(store_->MarkSending(id, 0).value());
    return store_->MarkFailed(id, "550 no such user", true, 3).value();
  };
  EXPECT_FALSE(fail("1"));
  EXPECT_FALSE(fail("2"));
  EXPECT_TRUE(fail("3"));
  auto read = store_->FindById(sub.id);
  EXPECT_TRUE((*read)->paused);
  EXPECT_EQ((*read)->hard_failures, 3);
  EXPECT_TRUE(store_->ListActive(DigestPeriod::kDaily)->empty());
}

TEST_F(SubscriptionStoreTest, ASuccessResetsTheFailureCount) {
  auto sub = Add("a@example.org");
  ASSERT_EQ(store_->InsertOutbox({Message(sub.id, "1"), Message(sub.id, "2")}).value(), 2);
  auto due = store_->DueMessages(0, 2).value();
  ASSERT_TRUE(store_->MarkSending(due[0].id, 0).value());
  ASSERT_FALSE(store_->MarkFailed(due[0].id, "550", true, 3).value());
  EXPECT_EQ((*store_->FindById(sub.id))->hard_failures, 1);
  ASSERT_TRUE(store_->MarkSending(due[1].id, 0).value());
  ASSERT_TRUE(store_->MarkSent(due[1].id, 1).ok());
  EXPECT_EQ((*store_->FindById(sub.id))->hard_failures, 0);
}

TEST_F(SubscriptionStoreTest, RemoveDeletesTheAddressAndItsOutbox) {
  auto sub = Add("a@example.org");
  ASSERT_EQ(store_->InsertOutbox({Message(sub.id, "k")}).value(), 1);
  ASSERT_TRUE(store_->Remove(sub.id).value());
  EXPECT_FALSE(store_->FindByEmail("a@example.org")->has_value());
  EXPECT_FALSE(store_->HasOutbox(sub.id, "k").value());
  EXPECT_FALSE(store_->Remove(sub.id).value());
}

TEST_F(SubscriptionStoreTest, RateLimitAllowsMaxAttemptsPerWindow) {
  EXPECT_TRUE(store_->TryRateLimited("ip:1", 2, 60, 100).value());
  EXPECT_TRUE(store_->TryRateLimited("ip:1", 2, 60, 110).value());
  EXPECT_FALSE(store_->TryRateLimited("ip:1", 2, 60, 120).value());
  EXPECT_TRUE(store_->TryRateLimited("ip:2", 2, 60, 120).value());
  EXPECT_TRUE(store_->TryRateLimited("ip:1", 2, 60, 161).value()) << "the first attempt left the window";
}

TEST_F(SubscriptionStoreTest, SecretIsCreatedOnceAndSharedByConnections) {
  auto first = store_->SecretOrInsert("links", std::string("\x01\x00\x02", 3));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 3u);
  auto db = Database::Open(db_path());
  ASSERT_TRUE(db.ok());
  SubscriptionStore other(**db);
  EXPECT_EQ(other.SecretOrInsert("links", "different").value(), *first);
}

TEST_F(SubscriptionStoreTest, CountOutboxByPeriodPrefix) {
  auto a = Add("a@example.org");
  auto b = Add("b@example.org");
  auto skipped = Message(b.id, "daily:1");
  skipped.state = OutboxState::kSkipped;
  ASSERT_EQ(store_->InsertOutbox({Message(a.id, "daily:1"), skipped, Message(a.id, "confirm:1")}).value(), 3);
  auto counts = store_->CountOutbox("daily:");
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 1);
  EXPECT_EQ(counts->skipped, 1);
  EXPECT_EQ(store_->CountOutbox()->pending, 2);
}

}  // namespace
}  // namespace paperfeed::store
