#include "mail/signed_link.hpp"

#include <charconv>

#include "core/text.hpp"
#include "core/crypto.hpp"

namespace paperfeed::mail {
namespace {

using core::ErrorCode;
using core::MakeError;

char PurposeCode(LinkPurpose p) {
  switch (p) {
    case LinkPurpose::kConfirm: return 'c';
    case LinkPurpose::kPreferences: return 'p';
    case LinkPurpose::kUnsubscribe: return 'u';
  }
  return '?';
}

bool ParseInt(std::string_view text, int64_t* out) {
  if (text.empty() || text.size() > 19) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size() && *out >= 0;
}

std::string Payload(LinkPurpose purpose, int64_t id, int64_t expires_at) {
  return std::string(1, PurposeCode(purpose)) + "." + std::to_string(id) + "." + std::to_string(expires_at);
}

}  // namespace

std::string LinkSigner::Mac(LinkPurpose purpose, int64_t id, std::string_view email, int64_t expires_at) const {
  // The address is appended after a separator that cannot occur in the payload.
  return core::HmacSha256(key_, Payload(purpose, id, expires_at) + "|" + core::ToLowerAscii(email));
}

std::string LinkSigner::Sign(LinkPurpose purpose, int64_t id, std::string_view email, int64_t expires_at) const {
  return Payload(purpose, id, expires_at) + "." + core::Base64UrlEncode(Mac(purpose, id, email, expires_at));
}

core::Result<LinkClaims> LinkSigner::Parse(std::string_view token, LinkPurpose expected) {
  auto bad = MakeError(ErrorCode::kInvalidInput,
                       "this link is incomplete or damaged; copy the whole link from the mail, or subscribe again");
  if (token.size() > 200) return bad;
  // Exactly four fields: purpose, id, expiry, MAC. Anything more (a fifth ".segment", which the
  // MAC, read from the last dot, used to let through) is not a link we made.
  size_t d1 = token.find('.');
  size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  size_t d3 = d2 == std::string_view::npos ? d2 : token.find('.', d2 + 1);
  if (d3 == std::string_view::npos || d1 != 1 || token.find('.', d3 + 1) != std::string_view::npos) return bad;
  // HMAC-SHA256 is 32 bytes: 43 base64url characters without padding.
  std::string_view mac = token.substr(d3 + 1);
  if (mac.size() != 43) return bad;
  for (char c : mac) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return bad;
  }
  LinkClaims claims;
  if (token[0] != PurposeCode(expected)) return bad;
  claims.purpose = expected;
  if (!ParseInt(token.substr(d1 + 1, d2 - d1 - 1), &claims.subscriber_id)) return bad;
  if (!ParseInt(token.substr(d2 + 1, d3 - d2 - 1), &claims.expires_at)) return bad;
  // The canonical form only: "01" and "1" must not both be links to subscriber 1.
  if (Payload(expected, claims.subscriber_id, claims.expires_at) != token.substr(0, d3)) return bad;
  return claims;
}

core::Result<void> LinkSigner::Verify(std::string_view token, const LinkClaims& claims, std::string_view email,
                                      int64_t now) const {
  std::string mac;
  size_t last = token.rfind('.');
  if (last == std::string_view::npos || !core::Base64UrlDecode(token.substr(last + 1), &mac) ||
      !core::ConstantTimeEqual(mac, Mac(claims.purpose, claims.subscriber_id, email, claims.expires_at))) {
    return MakeError(ErrorCode::kUnauthorized, kInvalidLinkMessage);
  }
  if (claims.expires_at != 0 && now > claims.expires_at) {
    return MakeError(ErrorCode::kConflict, "this link has expired; subscribe again to get a fresh one");
  }
  return {};
}

std::string LinkSigner::Fingerprint(std::string_view token) const {
  return core::Base64UrlEncode(core::HmacSha256(key_, "used-link|" + std::string(token)));
}

}  // namespace paperfeed::mail
