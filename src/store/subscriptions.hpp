// store/subscriptions: digest subscribers, the mail outbox, subscribe rate limits and mail secrets.
//
// Only rows live here. The rules (double opt-in, signed links, retries, pausing after hard failures)
// are in mail/; this class gives them the few atomic steps they need. Times are Unix seconds (UTC).
// Not thread-safe: one instance per connection, guarded by its owner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::store {

class Database;

enum class DigestPeriod { kDaily, kWeekly };
std::string_view PeriodName(DigestPeriod period);              // "daily" / "weekly"
std::optional<DigestPeriod> ParsePeriod(std::string_view name);

struct Subscriber {
  int64_t id = 0;
  std::string email;
  bool confirmed = false;
  DigestPeriod period = DigestPeriod::kDaily;
  int top_n = 10;                        // trending papers in each digest; 0 = none
  std::vector<std::string> topics;       // saved searches
  std::vector<std::string> categories;   // "cs.LG" or a prefix "cs"
  std::vector<std::string> authors;      // author names, matched case-insensitively
  int64_t created_at = 0;
  std::optional<int64_t> confirmed_at;
  bool paused = false;
  int hard_failures = 0;                 // consecutive permanent (5xx) failures
  std::optional<int64_t> user_id;        // the account that subscribed, when any
};

// What a subscriber asked for; everything but the address.
struct SubscriberPreferences {
  DigestPeriod period = DigestPeriod::kDaily;
  int top_n = 10;
  std::vector<std::string> topics;
  std::vector<std::string> categories;
  std::vector<std::string> authors;
};

enum class OutboxState { kPending, kSending, kSent, kFailed, kSkipped };
std::string_view OutboxStateName(OutboxState state);

// One message as recorded before it is sent.
struct OutboxMessage {
  int64_t id = 0;
  int64_t subscriber_id = 0;
  std::string period_key;   // "daily:2026-08-21", "weekly:2026-W34", "confirm:<unix time>"
  std::string recipient;
  std::string message_id;   // the Message-ID header, "<...@...>"
  std::string message;      // the whole RFC 5322 message, CRLF line ends
  OutboxState state = OutboxState::kPending;
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::optional<std::string> last_error;
  int64_t created_at = 0;
  std::optional<int64_t> sent_at;
};

// A paper as a digest lists it, with its upvotes in the daily list (0 when not listed).
struct DigestPaperRow {
  std::string id;
  std::string title;
  std::vector<std::string> authors;
  std::string abstract;
  std::string primary_category;
  std::string published;  // ISO 8601
  std::optional<std::string> github_repo;
  int64_t upvotes = 0;
};

struct OutboxCounts {
  int64_t pending = 0, sending = 0, sent = 0, failed = 0, skipped = 0;
};

class SubscriptionStore {
 public:
  explicit SubscriptionStore(Database& db) : db_(db) {}

  // Inserts an unconfirmed subscriber, or returns the existing one with that address (compared
  // case-insensitively) unchanged. `created` says which happened.
  core::Result<Subscriber> FindOrCreate(const std::string& email, const SubscriberPreferences& prefs,
                                        std::optional<int64_t> user_id, int64_t now, bool* created = nullptr);
  core::Result<std::optional<Subscriber>> FindByEmail(const std::string& email);
  core::Result<std::optional<Subscriber>> FindById(int64_t id);
  core::Result<std::vector<Subscriber>> List();
  // Confirmed, not paused subscribers of one period, ascending by id.
  core::Result<std::vector<Subscriber>> ListActive(DigestPeriod period);

  core::Result<bool> Confirm(int64_t id, int64_t now);  // false when no such subscriber
  core::Result<bool> UpdatePreferences(int64_t id, const SubscriberPreferences& prefs);
  // Also clears `paused` and the failure count: the subscriber said they want mail again.
  core::Result<bool> SetPaused(int64_t id, bool paused);
  // Deletes the subscriber and, with it, its outbox rows (the address is not kept).
  core::Result<bool> Remove(int64_t id);
  // Unsubscribe links already used (a keyed hash of each), so a repeated one-click POST is no error.
  core::Result<void> RememberUsedLink(const std::string& link_hash, int64_t now);
  core::Result<bool> WasLinkUsed(const std::string& link_hash);
  core::Result<void> ForgetUsedLinks(int64_t before);

  // Records rendered messages, all or none, in one transaction. A row whose (subscriber, period key)
  // already exists is left alone: this is what makes a rerun of a digest run harmless.
  // Returns how many rows were new.
  core::Result<int> InsertOutbox(const std::vector<OutboxMessage>& messages);
  core::Result<bool> HasOutbox(int64_t subscriber_id, const std::string& period_key);
  core::Result<std::optional<OutboxMessage>> FindOutbox(int64_t subscriber_id, const std::string& period_key);

  // Pending messages due at `now`, oldest first.
  core::Result<std::vector<OutboxMessage>> DueMessages(int64_t now, int limit);
  // The earliest next_attempt_at of a pending message, if any.
  core::Result<std::optional<int64_t>> NextDueAt();
  // Rows left in "sending" by a sender that died: back to pending (their Message-ID is kept).
  core::Result<int> RequeueSending();

  // pending -> sending; false when the row was no longer pending (someone else took it).
  core::Result<bool> MarkSending(int64_t id, int64_t now);
  // sending -> sent; resets the subscriber's failure count.
  core::Result<void> MarkSent(int64_t id, int64_t now);
  // sending -> pending with a later attempt time (an SMTP 4xx or a network failure).
  core::Result<void> MarkRetry(int64_t id, int64_t next_attempt_at, const std::string& error);
  // sending -> failed; counts a hard failure and pauses the subscriber after `pause_after` in a row.
  // Returns true when this failure paused the subscription.
  core::Result<bool> MarkFailed(int64_t id, const std::string& error, bool hard, int pause_after);

  core::Result<OutboxCounts> CountOutbox(const std::string& period_key_prefix = "");

  // Sliding-window rate limit: true (and the attempt recorded) when fewer than `max` attempts with
  // this key happened in the last `window_seconds`.
  core::Result<bool> TryRateLimited(const std::string& key, int max, int64_t window_seconds, int64_t now);

  // Papers first published on days [first_day, last_day] whose categories include `category` ("cs.LG")
  // or start with it ("cs"), most upvoted then newest first.
  core::Result<std::vector<DigestPaperRow>> NewPapersInCategory(const std::string& category, const std::string& first_day,
                                                                const std::string& last_day, int limit);
  // The same for papers with an author named exactly `name` (ASCII case-insensitive).
  core::Result<std::vector<DigestPaperRow>> NewPapersByAuthor(const std::string& name, const std::string& first_day,
                                                              const std::string& last_day, int limit);

  // A named secret, created from `fresh` on first use (so that every process sharing the
  // database signs with the same key).
  core::Result<std::string> SecretOrInsert(const std::string& name, const std::string& fresh);

 private:
  core::Result<std::vector<Subscriber>> Query(const std::string& where, int64_t bind);
  Database& db_;
};

}  // namespace paperfeed::store
