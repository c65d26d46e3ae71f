#include "mail/subscription_service.hpp"

#include <chrono>

#include "core/text.hpp"
#include "core/crypto.hpp"
#include "mail/digest.hpp"
#include "mail/message.hpp"
#include "store/database.hpp"

namespace paperfeed::mail {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

constexpr size_t kMaxItemLength = 200;
constexpr size_t kMaxItems = 20;
constexpr int kMaxTopN = 50;

// Splits a textarea into items: lines, and for categories also commas and spaces.
Result<std::vector<std::string>> Items(const std::string& field, const std::string& text, bool split_spaces) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&]() -> Result<void> {
    std::string item = core::NormaliseWhitespace(current);
    current.clear();
    if (item.empty()) return {};
    if (item.size() > kMaxItemLength)
      return MakeError(ErrorCode::kInvalidInput, field + ": '" + item.substr(0, 40) + "…' is longer than 200 characters");
    for (unsigned char c : item) {
      if (c < 0x20 || c == 0x7f) return MakeError(ErrorCode::kInvalidInput, field + " may not contain control characters");
    }
    for (const auto& seen : out) {
      if (core::ToLowerAscii(seen) == core::ToLowerAscii(item)) return {};
    }
    out.push_back(std::move(item));
    return {};
  };
  for (char c : text) {
    if (c == '\n' || c == '\r' || (split_spaces && (c == ' ' || c == ','))) {
      if (auto r = flush(); !r) return r.error();
    } else {
      current += c;
    }
  }
  if (auto r = flush(); !r) return r.error();
  if (out.size() > kMaxItems)
    return MakeError(ErrorCode::kInvalidInput, field + ": at most 20 entries (got " + std::to_string(out.size()) + ")");
  return out;
}

}  // namespace

Result<LinkSigner> MakeLinkSigner(store::Database& db, const MailConfig& config) {
  if (!config.link_secret.empty()) return LinkSigner(config.link_secret);
  store::SubscriptionStore store(db);
  auto key = store.SecretOrInsert("link_hmac_sha256", core::RandomBytes(32));
  if (!key) return key.error();
  return LinkSigner(*key);
}

OutboxSignal& OutboxSignal::Instance() {
  static OutboxSignal signal;
  return signal;
}

void OutboxSignal::Notify() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  cv_.notify_all();
}

bool OutboxSignal::Wait(double seconds) {
  std::unique_lock lock(mutex_);
  bool woke = cv_.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return generation_ != seen_; });
  seen_ = generation_;
  return woke;
}

Result<store::SubscriberPreferences> ParsePreferences(const PreferencesForm& form) {
  store::SubscriberPreferences prefs;
  auto period = store::ParsePeriod(form.period.empty() ? "daily" : form.period);
  if (!period) return MakeError(ErrorCode::kInvalidInput, "period must be daily or weekly");
  prefs.period = *period;
  std::string top = core::NormaliseWhitespace(form.top_n);
  if (top.empty()) top = "10";
  if (top.size() > 2 || top.find_first_not_of("0123456789") != std::string::npos || std::stoi(top) > kMaxTopN)
    return MakeError(ErrorCode::kInvalidInput, "top N must be a number from 0 to 50");
  prefs.top_n = std::stoi(top);
  auto topics = Items("saved searches", form.topics, false);
  if (!topics) return topics.error();
  auto categories = Items("categories", form.categories, true);
  if (!categories) return categories.error();
  for (const auto& c : *categories) {
    for (char ch : c) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-')
        return MakeError(ErrorCode::kInvalidInput, "category '" + c + "' should look like cs.LG or math");
    }
  }
  auto authors = Items("authors", form.authors, false);
  if (!authors) return authors.error();
  prefs.topics = std::move(*topics);
  prefs.categories = std::move(*categories);
  prefs.authors = std::move(*authors);
  if (prefs.top_n == 0 && prefs.topics.empty() && prefs.categories.empty() && prefs.authors.empty())
    return MakeError(ErrorCode::kInvalidInput,
                     "with top N at 0 and no saved searches, categories or authors, digests would always be empty; "
                     "unsubscribe instead");
  return prefs;
}

std::string SubscriptionService::Base() const {
  std::string b = config_.public_base_url;
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b;
}

std::string SubscriptionService::ConfirmUrl(const store::Subscriber& s, int64_t now) const {
  int64_t expires = now + int64_t{config_.confirm_ttl_hours} * 3600;
  return Base() + "/subscribe/confirm?token=" + signer_.Sign(LinkPurpose::kConfirm, s.id, s.email, expires);
}

std::string SubscriptionService::PreferencesUrl(const store::Subscriber& s) const {
  return Base() + "/subscriptions/preferences?token=" + signer_.Sign(LinkPurpose::kPreferences, s.id, s.email, 0);
}

std::string SubscriptionService::UnsubscribeUrl(const store::Subscriber& s) const {
  // Never expires: RFC 8058 links sit in old mails and must keep working.
  return Base() + "/unsubscribe?token=" + signer_.Sign(LinkPurpose::kUnsubscribe, s.id, s.email, 0);
}

Result<std::string> SubscriptionService::RenderConfirmation(const store::Subscriber& s, int64_t now) const {
  std::string url = ConfirmUrl(s, now);
  MessageSpec spec;
  spec.from = {config_.from_name, *NormaliseAddress(config_.from_address)};
  spec.to = {"", s.email};
  spec.subject = "Confirm your " + config_.site_name + " digest subscription";
  spec.date = now;
  spec.message_id = MakeMessageId(spec.from.address.substr(spec.from.address.rfind('@') + 1));
  spec.extra_headers = {{"Auto-Submitted", "auto-generated"}};
  std::string hours = std::to_string(config_.confirm_ttl_hours);
  spec.text = "Someone, probably you, asked for " + config_.site_name + " paper digests at " + s.email +
              ".\n\nTo confirm, open this link within " + hours + " hours:\n\n" + url +
              "\n\nIf you did not ask for this, ignore this mail: nothing more will be sent.\n";
  spec.html = "<!DOCTYPE html>\n<html><body style=\"font-family:Helvetica,Arial,sans-serif\">\n<p>Someone, probably you, "
              "asked for " + EscapeHtml(config_.site_name) + " paper digests at " + EscapeHtml(s.email) +
              ".</p>\n<p><a href=\"" + EscapeHtml(url) + "\">Confirm the subscription</a> (the link works for " + hours +
              " hours).</p>\n<p>If you did not ask for this, ignore this mail: nothing more will be sent.</p>\n</body></html>\n";
  return BuildMessage(spec);
}

Result<void> SubscriptionService::Subscribe(const std::string& email, const std::string& client_key,
                                            std::optional<int64_t> user_id, int64_t now) {
  auto address = NormaliseAddress(email);
  if (!address) return address.error();
  if (!client_key.empty()) {
    auto allowed = store_.TryRateLimited("client:" + client_key, config_.subscribe_per_client_per_hour, 3600, now);
    if (!allowed) return allowed.error();
    if (!*allowed)
      return MakeError(ErrorCode::kRateLimited, "too many subscription requests from your network; try again in an hour");
  }
  // Per address: a quiet limit, so that nobody can flood someone's inbox with confirmations, and
  // the answer stays the same as for any other address.
  auto allowed = store_.TryRateLimited("address:" + core::ToLowerAscii(*address), config_.subscribe_per_address_per_day,
                                       86400, now);
  if (!allowed) return allowed.error();
  if (!*allowed) return {};
  bool created = false;
  auto subscriber = store_.FindOrCreate(*address, store::SubscriberPreferences{}, user_id, now, &created);
  if (!subscriber) return subscriber.error();
  if (subscriber->confirmed) return {};  // nothing to confirm; same page, no mail
  auto message = RenderConfirmation(*subscriber, now);
  if (!message) return message.error();
  store::OutboxMessage row;
  row.subscriber_id = subscriber->id;
  row.period_key = "confirm:" + std::to_string(now);
  row.recipient = subscriber->email;
  row.message_id = HeaderValue(*message, "Message-ID");
  row.message = std::move(*message);
  row.next_attempt_at = now;
  row.created_at = now;
  auto inserted = store_.InsertOutbox({row});
  if (!inserted) return inserted.error();
  OutboxSignal::Instance().Notify();
  return {};
}

Result<store::Subscriber> SubscriptionService::Resolve(const std::string& token, LinkPurpose purpose, int64_t now) {
  auto claims = LinkSigner::Parse(token, purpose);
  if (!claims) return claims.error();
  auto subscriber = store_.FindById(claims->subscriber_id);
  if (!subscriber) return subscriber.error();
  // An unknown id gets exactly the answer of a bad MAC, after as much work (a MAC over a made-up
  // address), so trying ids says nothing about who is subscribed. Only an unsubscribe link that
  // was genuinely used before is told "already unsubscribed" (see Unsubscribe).
  const std::string email = subscriber->has_value() ? (*subscriber)->email : std::string("nobody@invalid");
  auto verified = signer_.Verify(token, *claims, email, now);
  if (!subscriber->has_value()) {
    if (purpose == LinkPurpose::kUnsubscribe) {
      auto used = store_.WasLinkUsed(signer_.Fingerprint(token));
      if (!used) return used.error();
      if (used.value()) return MakeError(ErrorCode::kNotFound, "this subscription no longer exists (it was unsubscribed)");
    }
    return MakeError(ErrorCode::kUnauthorized, kInvalidLinkMessage);
  }
  if (!verified) return verified.error();
  return std::move(**subscriber);
}

Result<store::Subscriber> SubscriptionService::Confirm(const std::string& token, int64_t now) {
  auto subscriber = Resolve(token, LinkPurpose::kConfirm, now);
  if (!subscriber) return subscriber.error();
  if (auto r = store_.Confirm(subscriber->id, now); !r) return r.error();
  subscriber->confirmed = true;
  return subscriber;
}

Result<store::Subscriber> SubscriptionService::SavePreferences(const std::string& token,
                                                               const store::SubscriberPreferences& prefs, int64_t now) {
  auto subscriber = Resolve(token, LinkPurpose::kPreferences, now);
  if (!subscriber) return subscriber.error();
  if (auto r = store_.UpdatePreferences(subscriber->id, prefs); !r) return r.error();
  // Saving preferences is also how a paused subscriber says "I want mail again".
  if (subscriber->paused) {
    if (auto r = store_.SetPaused(subscriber->id, false); !r) return r.error();
  }
  auto fresh = store_.FindById(subscriber->id);
  if (!fresh) return fresh.error();
  if (!fresh->has_value()) return MakeError(ErrorCode::kNotFound, "this subscription no longer exists");
  return std::move(**fresh);
}

Result<std::string> SubscriptionService::Unsubscribe(const std::string& token, int64_t now) {
  auto subscriber = Resolve(token, LinkPurpose::kUnsubscribe, now);
  if (!subscriber) return subscriber.error();
  if (auto r = store_.Remove(subscriber->id); !r) return r.error();
  (void)store_.ForgetUsedLinks(now - 30 * 86400);  // housekeeping
  if (auto r = store_.RememberUsedLink(signer_.Fingerprint(token), now); !r) return r.error();
  return subscriber->email;
}

Result<store::Subscriber> SubscriptionService::AddDirect(const std::string& email, const store::SubscriberPreferences& prefs,
                                                         bool confirmed, int64_t now) {
  auto address = NormaliseAddress(email);
  if (!address) return address.error();
  auto subscriber = store_.FindOrCreate(*address, prefs, std::nullopt, now);
  if (!subscriber) return subscriber.error();
  if (auto r = store_.UpdatePreferences(subscriber->id, prefs); !r) return r.error();
  if (confirmed) {
    if (auto r = store_.Confirm(subscriber->id, now); !r) return r.error();
  }
  auto fresh = store_.FindById(subscriber->id);
  if (!fresh) return fresh.error();
  return std::move(**fresh);
}

}  // namespace paperfeed::mail
