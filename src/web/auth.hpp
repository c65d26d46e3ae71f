// web/auth: who is asking — password hashing, sessions, API tokens, CSRF and login rate limits.
//
// The primitives (Argon2id password strings, random tokens, BLAKE2b token hashes, constant-time
// comparison) come from core/crypto, the project's one door to libsodium.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/crypto.hpp"
#include "core/result.hpp"
#include "store/accounts.hpp"

namespace paperfeed::web {

// ---- primitives ----

// Argon2id passwords and random tokens (32 bytes, base64url without padding: 43 characters).
using core::HashPassword;
using core::PasswordCost;
using core::PasswordNeedsRehash;
using core::RandomToken;
using core::VerifyPassword;

// Lower-case hex of BLAKE2b-256(token): what the database keeps instead of the token.
std::string TokenHash(std::string_view token);
// Compares without leaking where the first difference is; an empty string matches nothing (a
// missing CSRF field or cookie never equals a missing token).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// The value of cookie `name` in a Cookie header ("a=1; paperfeed_session=xyz"), if present.
std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name);
// The token of an "Authorization: Bearer <token>" header value (RFC 6750, 2.1), if it is one.
std::optional<std::string> BearerToken(std::string_view authorization_header);

// ---- accounts ----

inline constexpr const char* kSessionCookie = "paperfeed_session";
inline constexpr const char* kCsrfField = "csrf";             // hidden form field (web/router.hpp Viewer)
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";   // header for cookie-authenticated API calls
inline constexpr const char* kApiTokenPrefix = "pf_";        // makes leaked tokens easy to grep for

// What an API token may do. Pages and account management (tokens, password) never accept a token:
// they need a signed-in session and its CSRF token.
enum class Scope : uint8_t {
  kRead = 1,     // GET /api/... as the token's user (without it, API reads are anonymous)
  kVote = 2,     // POST/DELETE /api/papers/{id}/upvote
  kComment = 4,  // POST /api/papers/{id}/comments
  kSubmit = 8,   // POST /api/papers/submit
};
using Scopes = uint8_t;  // a set of Scope bits
inline constexpr Scopes kAllScopes = 15;
inline bool HasScope(Scopes scopes, Scope s) { return (scopes & static_cast<Scopes>(s)) != 0; }
// "read vote comment submit" (the stored form, OAuth-style, RFC 6749 §3.3); unknown words are ignored.
Scopes ParseScopes(std::string_view text);
std::string ScopesText(Scopes scopes);
std::string_view ScopeName(Scope s);

struct AuthConfig {
  PasswordCost password_cost = PasswordCost::Interactive();
  int64_t session_ttl_seconds = 30 * 24 * 3600;
  // Login limits (NIST SP 800-63B §5.2.2). Failures are counted per (typed name, client address)
  // pair: after `free_failures_per_pair` in the window each further attempt of that pair must wait
  // failure_delay_base_seconds × 2^(failures − free), at most the window, after the last failure.
  // So an attacker slows only their own attempts and never locks a member out from elsewhere.
  int free_failures_per_pair = 5;
  int64_t failure_delay_base_seconds = 30;
  // Any name from one address: a hard limit, high enough for a lab behind one NAT.
  int max_failures_per_ip = 200;
  int64_t failure_window_seconds = 15 * 60;
  // Argon2id checks (log-in, sign-up) running at once: each takes password_cost.memory_bytes
  // (64 MiB interactive). Beyond it a request waits up to password_check_wait_ms, then gets 503.
  int max_concurrent_password_checks = 4;
  int password_check_wait_ms = 500;
  // Called as each password check starts (tests count them); empty in production.
  std::function<void()> on_password_check;
  bool secure_cookies = false;  // add Secure to the session cookie (serve --secure-cookies, or behind TLS)
  bool allow_signup = true;
  // Sign-ups per client address in a sliding window (recorded before the password is checked or
  // hashed, in the transaction that counts them); beyond it 429 until the oldest leaves the window.
  int max_signups_per_address = 10;
  int64_t signup_window_seconds = 3600;
  // API tokens expire; the owner picks the lifetime when creating one, up to the maximum.
  int default_token_days = 90;
  int max_token_days = 365;
  std::function<int64_t()> clock;  // Unix seconds; empty: the system clock
};

// The user a request acts for, and how it proved it.
struct Identity {
  enum class Via { kSession, kApiToken };
  store::User user;
  Via via = Via::kSession;
  std::string csrf_token;          // the session's CSRF token; empty for API tokens
  std::string session_token_hash;  // for logging out
  Scopes scopes = kAllScopes;      // a session may do everything; a token what it was given
};

struct SignUpRequest {
  std::string name;
  std::string password;
  std::string display_name;
  std::string email;  // optional
};

struct LoginSuccess {
  store::User user;
  std::string session_token;  // goes into the cookie, never stored
  std::string csrf_token;
};

struct NewApiToken {
  store::ApiTokenRecord record;
  std::string token;  // shown once to the owner, never stored
};

// The rules of accounts. Immutable after construction, so one Auth serves every thread; each call
// takes the AccountStore of the connection the calling request holds.
class Auth {
 public:
  explicit Auth(AuthConfig config);

  // Validates and creates an account (kInvalidInput names the field, and says why a password is
  // too easy to guess; kConflict for a taken name; kUnauthorized when sign-up is closed;
  // kRateLimited when `ip` signed up too often, with the wait in `retry_after_seconds`).
  core::Result<store::User> SignUp(store::AccountStore& store, const SignUpRequest& request, const std::string& ip,
                                   int64_t* retry_after_seconds = nullptr) const;
  // The same without the sign-up switch and the per-address limit, for `paperfeed user add`.
  core::Result<store::User> CreateUser(store::AccountStore& store, const SignUpRequest& request, bool is_admin) const;

  // Checks the password and opens a session. Wrong password and unknown name give the same
  // message and take about as long (a dummy hash is verified). The attempt is recorded before the
  // check, so concurrent attempts count each other; a throttled (name, address) pair or address
  // gets kRateLimited with the wait, and kUnavailable when too many checks run at once.
  core::Result<LoginSuccess> LogIn(store::AccountStore& store, const std::string& name, const std::string& password,
                                   const std::string& ip) const;
  core::Result<void> LogOut(store::AccountStore& store, const std::string& session_token) const;
  // Opens a session for a user who has just proved who they are (log-in, sign-up).
  core::Result<LoginSuccess> OpenSession(store::AccountStore& store, const store::User& user) const;

  // The identity behind a session cookie token or a Bearer token; nothing when unknown or expired.
  core::Result<std::optional<Identity>> FromSession(store::AccountStore& store, const std::string& token) const;
  core::Result<std::optional<Identity>> FromApiToken(store::AccountStore& store, const std::string& token) const;

  // A token with `scopes` (at least one) that expires after `days` (1 to max_token_days; 0: the
  // default). kInvalidInput names the field.
  core::Result<NewApiToken> CreateApiToken(store::AccountStore& store, const store::User& user,
                                           const std::string& name, Scopes scopes = kAllScopes, int days = 0) const;

  // True when `presented` is the identity's CSRF token. API-token identities need none (a Bearer
  // header is never sent by a browser on its own, so it cannot be forged cross-site).
  bool CsrfValid(const Identity& identity, std::string_view presented) const;

  // Set-Cookie values that open and close a session (HttpOnly; SameSite=Lax; Path=/; Secure when configured).
  // `secure` adds Secure even when the config does not ask for it (the site config says TLS).
  std::string SessionCookie(const std::string& token, bool secure = false) const;
  std::string ClearedSessionCookie(bool secure = false) const;

  int64_t Now() const;
  const AuthConfig& config() const { return config_; }
  // Argon2id verifications done by log-ins so far (a known name's hash or the dummy), for the
  // server's statistics; both answers to a failed log-in cost exactly one.
  uint64_t password_verifications() const;

  // The messages a user sees for a failed login; identical whatever went wrong.
  static constexpr const char* kLoginFailedMessage = "Wrong name or password.";
  static constexpr const char* kPasswordChecksBusyMessage =
      "Too many log-ins at this moment; try again in a few seconds.";
  // "Too many failed log-ins for this name from your address. Try again in N seconds."
  static std::string LoginThrottledMessage(int64_t retry_after_seconds);
  // "Too many sign-ups from your address. Try again in N minutes."
  static std::string SignUpThrottledMessage(int64_t retry_after_seconds);

 private:
  core::Result<void> ValidateSignUp(const SignUpRequest& request) const;
  // CreateUser's work; with `ip`, the sign-up limit applies first.
  core::Result<store::User> CreateAccount(store::AccountStore& store, const SignUpRequest& request, bool is_admin,
                                          const std::string* ip, int64_t* retry_after_seconds) const;
  // The seconds a login of this pair must wait given its counts; 0 when it may proceed.
  int64_t LoginRetryAfter(const store::LoginCounts& counts, int64_t now) const;
  AuthConfig config_;
  struct CheckSlots;
  std::shared_ptr<CheckSlots> slots_;  // bounds concurrent Argon2id work; shared by copies
  std::string dummy_hash_;  // verified when the name is unknown, so both paths cost one Argon2id
};

// Validation shared by the forms and the CLI. Each returns a message naming the field, or nothing.
std::optional<std::string> CheckUserName(std::string_view name);
// Length only (8 to 1024 bytes); CheckNewPassword adds the guessability check for new passwords.
std::optional<std::string> CheckPassword(std::string_view password);
// A password about to be set: CheckPassword, then common, breached-list and trivial values
// ("password", "12345678", "aaaaaaaa", the user's own name) are refused with the reason
// (web/password_quality, NIST SP 800-63B §5.1.1.2).
std::optional<std::string> CheckNewPassword(std::string_view password, std::string_view user_name);

}  // namespace paperfeed::web
