// mail/signed_link: tokens for the links in mails (confirm, preferences, unsubscribe) that work
// without a login — HMAC-SHA256 over what the link may do, for whom, until when.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace paperfeed::mail {

enum class LinkPurpose { kConfirm, kPreferences, kUnsubscribe };

// What a link that fails its MAC (or names no subscriber) is told; the same words for both.
inline constexpr const char* kInvalidLinkMessage =
    "this link is not valid (it may belong to a subscription that was removed)";

// What a token claims before it is checked against the subscriber it names.
struct LinkClaims {
  LinkPurpose purpose = LinkPurpose::kConfirm;
  int64_t subscriber_id = 0;
  int64_t expires_at = 0;  // Unix seconds; 0 = never
};

// Token: "<purpose>.<subscriber id>.<expiry>.<base64url HMAC-SHA256>" — only URL-safe characters.
// The MAC also covers the subscriber's address (lowercased), which is not in the token: a link stops
// working when the subscription is deleted, even if SQLite later reuses the row id for someone else.
class LinkSigner {
 public:
  explicit LinkSigner(std::string key) : key_(std::move(key)) {}

  std::string Sign(LinkPurpose purpose, int64_t subscriber_id, std::string_view email, int64_t expires_at) const;
  // Reads the claims without trusting them (kInvalidInput for a malformed token or another purpose).
  static core::Result<LinkClaims> Parse(std::string_view token, LinkPurpose expected);
  // Checks the MAC for `email` (kUnauthorized) and the expiry at `now` (kConflict: "link expired").
  core::Result<void> Verify(std::string_view token, const LinkClaims& claims, std::string_view email,
                            int64_t now) const;
  // A keyed hash of a token (base64url), to remember a used link without keeping the link itself.
  std::string Fingerprint(std::string_view token) const;

 private:
  std::string Mac(LinkPurpose purpose, int64_t subscriber_id, std::string_view email, int64_t expires_at) const;
  std::string key_;
};

}  // namespace paperfeed::mail
