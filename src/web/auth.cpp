#include "web/auth.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "core/text.hpp"
#include "web/password_quality.hpp"

namespace paperfeed::web {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

constexpr size_t kMinPassword = 8;
// Argon2 takes passwords of any length, but a megabyte-long one costs nothing to send and much to
// hash; 1 KiB is far beyond any pass phrase.
constexpr size_t kMaxPassword = 1024;
constexpr size_t kMaxDisplayName = 64;
constexpr size_t kMaxEmail = 254;  // RFC 5321, 4.5.3.1.3
constexpr size_t kMaxTokenName = 64;
constexpr size_t kRateLimitKeyLength = 64;

bool HasControlCharacters(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string Trim(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  return std::string(text.substr(b, e - b));
}

// Failed logins are counted per typed name, whether or not it exists, so the limit says nothing
// about which names are real.
std::string RateLimitKey(std::string_view name) {
  return core::ToLowerAscii(Trim(name)).substr(0, kRateLimitKeyLength);
}

}  // namespace

// ---- primitives ----

std::string TokenHash(std::string_view token) { return core::Blake2b256Hex(token); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return !a.empty() && core::ConstantTimeEqual(a, b);
}

std::optional<std::string> CookieValue(std::string_view header, std::string_view name) {
  // RFC 6265, 5.4: "name=value" pairs separated by "; ".
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (pair.substr(0, eq) != name) continue;
    std::string_view value = pair.substr(eq + 1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return std::nullopt;
}

std::optional<std::string> BearerToken(std::string_view header) {
  // The scheme is case-insensitive (RFC 9110, 11.1).
  if (header.size() <= 7 || core::ToLowerAscii(header.substr(0, 7)) != "bearer ") return std::nullopt;
  std::string token = Trim(header.substr(7));
  if (token.empty() || token.find(' ') != std::string::npos) return std::nullopt;
  return token;
}

std::string_view ScopeName(Scope s) {
  switch (s) {
    case Scope::kRead: return "read";
    case Scope::kVote: return "vote";
    case Scope::kComment: return "comment";
    case Scope::kSubmit: return "submit";
  }
  return "";
}

Scopes ParseScopes(std::string_view text) {
  Scopes out = 0;
  while (!text.empty()) {
    auto space = text.find(' ');
    std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    for (Scope s : {Scope::kRead, Scope::kVote, Scope::kComment, Scope::kSubmit}) {
      if (word == ScopeName(s)) out |= static_cast<Scopes>(s);
    }
  }
  return out;
}

std::string ScopesText(Scopes scopes) {
  std::string out;
  for (Scope s : {Scope::kRead, Scope::kVote, Scope::kComment, Scope::kSubmit}) {
    if (HasScope(scopes, s)) out += (out.empty() ? "" : " ") + std::string(ScopeName(s));
  }
  return out;
}

std::optional<std::string> CheckUserName(std::string_view name) {
  if (name.size() < 2 || name.size() > 32) return "Name: use 2 to 32 characters.";
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front())) return "Name: start with a letter or a digit.";
  for (char c : name) {
    if (!alnum(c) && c != '_' && c != '-' && c != '.') return "Name: use only letters, digits, '_', '-' and '.'.";
  }
  return std::nullopt;
}

std::optional<std::string> CheckPassword(std::string_view password) {
  if (password.size() < kMinPassword) return "Password: use at least 8 characters.";
  if (password.size() > kMaxPassword) return "Password: use at most 1024 characters.";
  return std::nullopt;
}

std::optional<std::string> CheckNewPassword(std::string_view password, std::string_view user_name) {
  if (auto m = CheckPassword(password)) return m;
  return CheckPasswordQuality(password, user_name);
}

// ---- Auth ----

// A counting semaphore with a bounded wait: Argon2id is meant to be expensive, so a crowd of
// log-ins (60 at once took RSS from 1.1 to 3.3 GB) must queue briefly or be told to come back.
struct Auth::CheckSlots {
  std::mutex mutex;
  std::condition_variable freed;
  int free = 0;
  std::atomic<uint64_t> verifications{0};

  bool Acquire(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex);
    if (!freed.wait_for(lock, wait, [this] { return free > 0; })) return false;
    --free;
    return true;
  }
  void Release() {
    {
      std::lock_guard lock(mutex);
      ++free;
    }
    freed.notify_one();
  }
};

uint64_t Auth::password_verifications() const { return slots_->verifications.load(std::memory_order_relaxed); }

namespace {
class SlotGuard {
 public:
  explicit SlotGuard(std::function<void()> release) : release_(std::move(release)) {}
  ~SlotGuard() { release_(); }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  std::function<void()> release_;
};
}  // namespace

Auth::Auth(AuthConfig config) : config_(std::move(config)), slots_(std::make_shared<CheckSlots>()) {
  slots_->free = std::max(1, config_.max_concurrent_password_checks);
  auto dummy = HashPassword(RandomToken(), config_.password_cost);
  if (!dummy) throw std::runtime_error("cannot make the dummy password hash: " + dummy.error().message);
  dummy_hash_ = std::move(dummy.value());
}

int64_t Auth::Now() const {
  if (config_.clock) return config_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<void> Auth::ValidateSignUp(const SignUpRequest& r) const {
  if (auto m = CheckUserName(r.name)) return MakeError(ErrorCode::kInvalidInput, *m);
  if (auto m = CheckPassword(r.password)) return MakeError(ErrorCode::kInvalidInput, *m);
  if (r.display_name.size() > kMaxDisplayName || HasControlCharacters(r.display_name)) {
    return MakeError(ErrorCode::kInvalidInput, "Display name: use at most 64 characters, on one line.");
  }
  if (!r.email.empty() && (r.email.size() > kMaxEmail || r.email.find('@') == std::string::npos ||
                           HasControlCharacters(r.email) || r.email.find(' ') != std::string::npos)) {
    return MakeError(ErrorCode::kInvalidInput, "Email: enter an address like name@example.org, or leave it empty.");
  }
  return {};
}

Result<store::User> Auth::SignUp(store::AccountStore& store, const SignUpRequest& request, const std::string& ip,
                                 int64_t* retry_after_seconds) const {
  if (!config_.allow_signup) {
    return MakeError(ErrorCode::kUnauthorized, "Sign-up is closed on this site; ask an admin for an account.");
  }
  return CreateAccount(store, request, false, &ip, retry_after_seconds);
}

Result<store::User> Auth::CreateUser(store::AccountStore& store, const SignUpRequest& request, bool is_admin) const {
  return CreateAccount(store, request, is_admin, nullptr, nullptr);
}

Result<store::User> Auth::CreateAccount(store::AccountStore& store, const SignUpRequest& request, bool is_admin,
                                        const std::string* ip, int64_t* retry_after_seconds) const {
  SignUpRequest r = request;
  r.name = Trim(r.name);
  r.display_name = Trim(r.display_name);
  r.email = Trim(r.email);
  if (auto v = ValidateSignUp(r); !v) return v.error();
  // The limit is taken before anything costly (the dictionary check, the name lookup, Argon2id),
  // and every attempt that gets this far counts, so a script gets at most max_signups_per_address
  // accounts (or guesses at weak passwords) per window from one address.
  if (ip) {
    auto wait = store.BeginSignUpAttempt(*ip, Now(), config_.signup_window_seconds, config_.max_signups_per_address);
    if (!wait) return wait.error();
    if (wait.value() > 0) {
      if (retry_after_seconds) *retry_after_seconds = wait.value();
      return MakeError(ErrorCode::kRateLimited, SignUpThrottledMessage(wait.value()));
    }
  }
  if (auto m = CheckPasswordQuality(r.password, r.name)) return MakeError(ErrorCode::kInvalidInput, *m);
  // Hash only after the cheap checks, and check the name first so a taken name costs no Argon2.
  auto existing = store.FindUserByName(r.name);
  if (!existing) return existing.error();
  if (existing.value()) return MakeError(ErrorCode::kConflict, "Name: '" + r.name + "' is taken; choose another.");
  if (!slots_->Acquire(std::chrono::milliseconds(config_.password_check_wait_ms))) {
    return MakeError(ErrorCode::kUnavailable, "Too many sign-ups at this moment; try again in a few seconds.");
  }
  SlotGuard slot([this] { slots_->Release(); });
  auto hash = HashPassword(r.password, config_.password_cost);
  if (!hash) return hash.error();
  store::NewUser user{r.name, r.display_name, r.email.empty() ? std::nullopt : std::optional<std::string>(r.email),
                      hash.value(), is_admin};
  return store.CreateUser(user, Now());
}

std::string Auth::SignUpThrottledMessage(int64_t retry_after_seconds) {
  const int64_t minutes = (retry_after_seconds + 59) / 60;
  return "Too many sign-ups from your address. Try again in " + std::to_string(minutes) +
         (minutes == 1 ? " minute." : " minutes.");
}

std::string Auth::LoginThrottledMessage(int64_t retry_after_seconds) {
  return "Too many failed log-ins for this name from your address. Try again in " +
         std::to_string(retry_after_seconds) + (retry_after_seconds == 1 ? " second." : " seconds.");
}

int64_t Auth::LoginRetryAfter(const store::LoginCounts& c, int64_t now) const {
  if (c.ip_failures >= config_.max_failures_per_ip) return config_.failure_window_seconds;
  if (c.pair_failures < config_.free_failures_per_pair) return 0;
  // Exponential back-off per pair instead of a lock: the owner of the name, at another address,
  // is not affected, and a guesser here gets about log2(window) more tries per window.
  int64_t doublings = std::min<int64_t>(c.pair_failures - config_.free_failures_per_pair, 30);
  int64_t delay = std::min(config_.failure_delay_base_seconds << doublings, config_.failure_window_seconds);
  int64_t wait_until = c.pair_last_failure_at + delay;
  return wait_until > now ? wait_until - now : 0;
}

Result<LoginSuccess> Auth::LogIn(store::AccountStore& store, const std::string& name, const std::string& password,
                                 const std::string& ip) const {
  const int64_t now = Now();
  const std::string key = RateLimitKey(name);
  if (!slots_->Acquire(std::chrono::milliseconds(config_.password_check_wait_ms))) {
    return MakeError(ErrorCode::kUnavailable, kPasswordChecksBusyMessage);
  }
  SlotGuard slot([this] { slots_->Release(); });

  // Recorded as a failure before the check, in the transaction that counted: the count every
  // concurrent attempt sees includes this one.
  int64_t retry_after = 0;
  auto attempt = store.BeginLoginAttempt({ip, key, now, false}, now - config_.failure_window_seconds,
                                         [&](const store::LoginCounts& counts) {
                                           retry_after = LoginRetryAfter(counts, now);
                                           return retry_after == 0;
                                         });
  if (!attempt) return attempt.error();
  if (!attempt.value()) return MakeError(ErrorCode::kRateLimited, LoginThrottledMessage(retry_after));

  if (config_.on_password_check) config_.on_password_check();
  auto found = store.FindUserByName(Trim(name));
  if (!found) return found.error();
  bool ok;
  slots_->verifications.fetch_add(1, std::memory_order_relaxed);
  if (found.value() && password.size() <= kMaxPassword) {
    ok = VerifyPassword(found.value()->password_hash, password);
  } else {
    // Unknown name: verify against a dummy so both answers take one Argon2id verification.
    (void)VerifyPassword(dummy_hash_, password.substr(0, kMaxPassword));
    ok = false;
  }
  if (!ok) return MakeError(ErrorCode::kUnauthorized, kLoginFailedMessage);

  store::User user = *found.value();
  if (auto r = store.SucceedLoginAttempt(*attempt.value()); !r) return r.error();
  (void)store.PruneLoginAttempts(now - 24 * 3600);  // housekeeping; failure here changes nothing
  (void)store.DeleteExpiredSessions(now);
  if (PasswordNeedsRehash(user.password_hash, config_.password_cost)) {
    if (auto rehashed = HashPassword(password, config_.password_cost)) {
      if (store.SetPasswordHash(user.id, rehashed.value())) user.password_hash = rehashed.value();
    }
  }

  return OpenSession(store, user);
}

Result<LoginSuccess> Auth::OpenSession(store::AccountStore& store, const store::User& user) const {
  const int64_t now = Now();
  LoginSuccess out;
  out.session_token = RandomToken();
  out.csrf_token = RandomToken();
  store::SessionRecord session{TokenHash(out.session_token), user.id, out.csrf_token, now,
                               now + config_.session_ttl_seconds, now};
  if (auto r = store.CreateSession(session); !r) return r.error();
  out.user = user;
  return out;
}

Result<void> Auth::LogOut(store::AccountStore& store, const std::string& session_token) const {
  return store.DeleteSession(TokenHash(session_token));
}

Result<std::optional<Identity>> Auth::FromSession(store::AccountStore& store, const std::string& token) const {
  if (token.empty() || token.size() > 128) return std::optional<Identity>{};
  const int64_t now = Now();
  const std::string hash = TokenHash(token);
  auto found = store.FindSession(hash, now);
  if (!found) return found.error();
  if (!found.value()) return std::optional<Identity>{};
  auto& [session, user] = *found.value();
  // Record activity at most hourly so that reading pages does not become a stream of writes.
  if (now - session.last_seen_at >= 3600) (void)store.TouchSession(hash, now);
  Identity id;
  id.user = std::move(user);
  id.via = Identity::Via::kSession;
  id.csrf_token = session.csrf_secret;
  id.session_token_hash = hash;
  return std::optional<Identity>(std::move(id));
}

Result<std::optional<Identity>> Auth::FromApiToken(store::AccountStore& store, const std::string& token) const {
  if (token.empty() || token.size() > 128) return std::optional<Identity>{};
  auto found = store.FindApiToken(TokenHash(token), Now());
  if (!found) return found.error();
  if (!found.value()) return std::optional<Identity>{};
  Identity id;
  id.user = std::move(found.value()->second);
  id.via = Identity::Via::kApiToken;
  id.scopes = ParseScopes(found.value()->first.scopes);
  return std::optional<Identity>(std::move(id));
}

Result<NewApiToken> Auth::CreateApiToken(store::AccountStore& store, const store::User& user,
                                         const std::string& name, Scopes scopes, int days) const {
  std::string label = Trim(name);
  if (label.empty()) label = "token";
  if (label.size() > kMaxTokenName || HasControlCharacters(label)) {
    return MakeError(ErrorCode::kInvalidInput, "Token name: use at most 64 characters, on one line.");
  }
  scopes &= kAllScopes;
  if (scopes == 0) return MakeError(ErrorCode::kInvalidInput, "Scopes: tick at least one thing the token may do.");
  if (days == 0) days = config_.default_token_days;
  if (days < 1 || days > config_.max_token_days) {
    return MakeError(ErrorCode::kInvalidInput,
                     "Expires: choose 1 to " + std::to_string(config_.max_token_days) + " days.");
  }
  const int64_t now = Now();
  NewApiToken out;
  out.token = std::string(kApiTokenPrefix) + RandomToken();
  auto record = store.CreateApiToken(user.id, label, TokenHash(out.token), now, ScopesText(scopes),
                                     now + int64_t{days} * 86400);
  if (!record) return record.error();
  out.record = std::move(record.value());
  return out;
}

bool Auth::CsrfValid(const Identity& identity, std::string_view presented) const {
  if (identity.via == Identity::Via::kApiToken) return true;
  return ConstantTimeEquals(identity.csrf_token, presented);
}

std::string Auth::SessionCookie(const std::string& token, bool secure) const {
  // HttpOnly keeps the token from scripts; SameSite=Lax keeps it off cross-site POSTs
  // (RFC 6265bis, 8.8); Secure keeps it off plain HTTP when the site is served over TLS.
  std::string cookie = std::string(kSessionCookie) + "=" + token + "; Path=/; Max-Age=" +
                       std::to_string(config_.session_ttl_seconds) + "; HttpOnly; SameSite=Lax";
  if (secure || config_.secure_cookies) cookie += "; Secure";
  return cookie;
}

std::string Auth::ClearedSessionCookie(bool secure) const {
  std::string cookie = std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax";
  if (secure || config_.secure_cookies) cookie += "; Secure";
  return cookie;
}

}  // namespace paperfeed::web
