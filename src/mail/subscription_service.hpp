// mail/subscription_service: the rules of subscribing — double opt-in with signed, expiring
// confirmation links, preferences and one-click unsubscribe through signed links (no login),
// the same answer whether or not an address is known, rate limits.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "mail/mail_config.hpp"
#include "mail/signed_link.hpp"
#include "store/subscriptions.hpp"

namespace paperfeed::store {
class Database;
}

namespace paperfeed::mail {

// The link key: config.link_secret when set, else a random 32-byte key kept in the database.
core::Result<LinkSigner> MakeLinkSigner(store::Database& db, const MailConfig& config);

// Wakes the outbox sender of this process when a message was queued (a confirmation should not
// wait for the next poll). Process-wide, like the outbox it stands for.
class OutboxSignal {
 public:
  static OutboxSignal& Instance();
  void Notify();
  // Waits until notified or `seconds` pass; true when notified.
  bool Wait(double seconds);

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  uint64_t generation_ = 0;
  uint64_t seen_ = 0;
};

// Form input for preferences, as typed: one topic / category / author a line.
struct PreferencesForm {
  std::string period;      // "daily" | "weekly"
  std::string top_n;       // "0".."50"
  std::string topics;      // lines
  std::string categories;  // lines or spaces/commas
  std::string authors;     // lines
};

// Validates the form (each line at most 200 characters, at most 20 of each list, top N 0..50, no
// control characters) and names the first bad field.
core::Result<store::SubscriberPreferences> ParsePreferences(const PreferencesForm& form);

class SubscriptionService {
 public:
  SubscriptionService(store::Database& db, const MailConfig& config, LinkSigner signer)
      : db_(db), config_(config), signer_(std::move(signer)), store_(db) {}

  // Starts a subscription: validates the address, applies the rate limits (per client key, e.g.
  // "ip:203.0.113.9": kRateLimited; per address: silently nothing), and queues a confirmation mail
  // when the address is not confirmed yet. The caller shows the same page in every case but
  // kInvalidInput / kRateLimited, so nobody learns whether an address is subscribed.
  core::Result<void> Subscribe(const std::string& email, const std::string& client_key,
                               std::optional<int64_t> user_id, int64_t now);

  // Confirms through the confirmation link's token; returns the subscriber.
  core::Result<store::Subscriber> Confirm(const std::string& token, int64_t now);
  // The subscriber a preferences or unsubscribe token names, after checking it.
  core::Result<store::Subscriber> Resolve(const std::string& token, LinkPurpose purpose, int64_t now);
  core::Result<store::Subscriber> SavePreferences(const std::string& token, const store::SubscriberPreferences& prefs,
                                                  int64_t now);
  // Deletes the subscription; returns the address it had. A second call with the same (now
  // useless) token is kNotFound, which pages show as "already unsubscribed".
  core::Result<std::string> Unsubscribe(const std::string& token, int64_t now);

  // Operators (CLI): adds or updates a subscriber directly, optionally confirmed without a mail.
  core::Result<store::Subscriber> AddDirect(const std::string& email, const store::SubscriberPreferences& prefs,
                                            bool confirmed, int64_t now);

  // Absolute links for a subscriber, under config.public_base_url.
  std::string ConfirmUrl(const store::Subscriber& s, int64_t now) const;
  std::string PreferencesUrl(const store::Subscriber& s) const;
  std::string UnsubscribeUrl(const store::Subscriber& s) const;

  const LinkSigner& signer() const { return signer_; }
  const MailConfig& config() const { return config_; }

 private:
  core::Result<std::string> RenderConfirmation(const store::Subscriber& s, int64_t now) const;
  std::string Base() const;

  store::Database& db_;
  const MailConfig& config_;
  LinkSigner signer_;
  store::SubscriptionStore store_;
};

}  // namespace paperfeed::mail
