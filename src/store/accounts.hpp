// store/accounts: users, sessions, API tokens, upvotes, comments, submissions and login attempts.
//
// Only rows live here: hashing, token generation and the rules (rate limits, who may do what) are in
// web/auth. Every statement is parameterised; times are Unix seconds (UTC).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::store {

class Database;

struct User {
  int64_t id = 0;
  std::string name;          // unique, compared case-insensitively
  std::string display_name;  // may be empty: show `name`
  std::optional<std::string> email;
  std::string password_hash;  // an Argon2id string ("$argon2id$v=19$...")
  bool is_admin = false;
  int64_t created_at = 0;
};

struct NewUser {
  std::string name;
  std::string display_name;
  std::optional<std::string> email;
  std::string password_hash;
  bool is_admin = false;
};

// A login session as stored: the cookie holds the token, the table only its hash.
struct SessionRecord {
  std::string token_hash;
  int64_t user_id = 0;
  std::string csrf_secret;  // sent back in forms and X-CSRF-Token; compared in constant time
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t last_seen_at = 0;
};

struct ApiTokenRecord {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;  // what the owner called it ("notebook")
  int64_t created_at = 0;
  std::optional<int64_t> last_used_at;
  std::string scopes = "read vote comment submit";  // space-separated; web/auth gives them meaning
  std::optional<int64_t> expires_at;                 // nothing: never
};

struct CommentRecord {
  int64_t id = 0;
  std::string paper_id;
  int64_t user_id = 0;
  std::string user_name;
  std::string user_display_name;
  std::string body;
  int64_t created_at = 0;
  std::optional<int64_t> removed_by;  // the admin who removed it
  std::optional<int64_t> parent_id;   // the top-level comment this one answers
  std::optional<int64_t> edited_at;   // the last edit by its author
  std::optional<int64_t> deleted_at;  // deleted by its author
  // Shown to readers and counted: neither removed nor deleted.
  bool visible() const { return !removed_by && !deleted_at; }
};

struct SubmissionRecord {
  std::string paper_id;
  int64_t user_id = 0;
  std::string day;  // YYYY-MM-DD, America/New_York
  int64_t created_at = 0;
};

// One point of a paper's local upvote history: the net local count at the end of `day` (UTC).
struct UpvotePoint {
  std::string day;
  int64_t total = 0;
};

// What one login attempt was, for rate limiting.
struct LoginAttempt {
  std::string ip;
  std::string account;  // the name as typed, lower-cased (unknown names are counted too)
  int64_t at = 0;
  bool succeeded = false;
};

// What the login rules look at before a password is checked: failures since the window began.
struct LoginCounts {
  int64_t pair_failures = 0;         // this name from this address
  int64_t pair_last_failure_at = 0;  // the latest of those; 0 when none
  int64_t ip_failures = 0;           // any name from this address
};

// The accounts tables of one connection. Cheap to make: statements are prepared per call, so one
// AccountStore may be made per request on whichever connection the request holds.
class AccountStore {
 public:
  explicit AccountStore(Database& db) : db_(db) {}

  // Users. A duplicate name (case-insensitive) is kConflict.
  core::Result<User> CreateUser(const NewUser& user, int64_t now);
  core::Result<std::optional<User>> FindUserByName(const std::string& name);
  core::Result<std::optional<User>> FindUserById(int64_t id);
  core::Result<std::vector<User>> ListUsers();
  core::Result<void> SetAdmin(const std::string& name, bool is_admin);  // kNotFound for an unknown name
  core::Result<void> SetPasswordHash(int64_t user_id, const std::string& password_hash);
  core::Result<int64_t> CountUsers();

  // Sessions, keyed by the hash of the cookie token.
  core::Result<void> CreateSession(const SessionRecord& session);
  // The session and its user, when the session exists and has not expired at `now`.
  core::Result<std::optional<std::pair<SessionRecord, User>>> FindSession(const std::string& token_hash, int64_t now);
  core::Result<void> TouchSession(const std::string& token_hash, int64_t now);
  core::Result<void> DeleteSession(const std::string& token_hash);
  core::Result<int> DeleteExpiredSessions(int64_t now);

  // API tokens (Authorization: Bearer), keyed by the hash of the token.
  core::Result<ApiTokenRecord> CreateApiToken(int64_t user_id, const std::string& name, const std::string& token_hash,
                                              int64_t now, const std::string& scopes = "read vote comment submit",
                                              std::optional<int64_t> expires_at = std::nullopt);
  core::Result<std::vector<ApiTokenRecord>> ListApiTokens(int64_t user_id);
  // Deletes the owner's token; kNotFound when it is not theirs or does not exist.
  core::Result<void> RevokeApiToken(int64_t user_id, int64_t token_id);
  // The token and its user (and marks it used), or nothing for an unknown, revoked or expired token.
  core::Result<std::optional<std::pair<ApiTokenRecord, User>>> FindApiToken(const std::string& token_hash,
                                                                            int64_t now);
  // The same, the user alone.
  core::Result<std::optional<User>> FindUserByApiToken(const std::string& token_hash, int64_t now);

  // Upvotes. SetUpvote returns true when it changed something (a second upvote is a no-op).
  // The paper must exist (kNotFound otherwise).
  core::Result<bool> SetUpvote(int64_t user_id, const std::string& paper_id, bool upvoted, int64_t now);
  // Local upvotes for each paper of `paper_ids` that has any (absent means 0). Add Hugging Face's
  // count (daily_entries.upvotes) to show the total.
  core::Result<std::unordered_map<std::string, int64_t>> LocalUpvoteCounts(const std::vector<std::string>& paper_ids);
  // Which of `paper_ids` the user has upvoted.
  core::Result<std::unordered_set<std::string>> UpvotedBy(int64_t user_id, const std::vector<std::string>& paper_ids);
  // The net local upvote count at the end of each UTC day that had a change, ascending.
  core::Result<std::vector<UpvotePoint>> UpvoteHistory(const std::string& paper_id);

  // Comments. The paper must exist (kNotFound otherwise). `parent_id` makes it a reply (the rules
  // in web/community check that the parent is a visible top-level comment of the same paper).
  core::Result<CommentRecord> AddComment(const std::string& paper_id, int64_t user_id, const std::string& body,
                                         int64_t now, std::optional<int64_t> parent_id = std::nullopt);
  // Replaces the body and records the edit time; kNotFound for an unknown id.
  core::Result<void> EditComment(int64_t comment_id, const std::string& body, int64_t now);
  // Marks it deleted by its author (the row stays so replies keep their place); kNotFound when unknown.
  core::Result<void> DeleteComment(int64_t comment_id, int64_t now);
  // Oldest first; removed and deleted comments only when `include_removed` (the page shows a
  // placeholder where one has replies; admins see removed ones).
  core::Result<std::vector<CommentRecord>> CommentsForPaper(const std::string& paper_id, bool include_removed);
  core::Result<std::optional<CommentRecord>> FindComment(int64_t comment_id);
  core::Result<void> RemoveComment(int64_t comment_id, int64_t admin_id);  // kNotFound for an unknown id
  // Visible (neither removed nor deleted) local comments for each paper of `paper_ids` that has any.
  core::Result<std::unordered_map<std::string, int64_t>> CommentCounts(const std::vector<std::string>& paper_ids);

  // Submissions: one per paper (kConflict when already submitted).
  core::Result<void> RecordSubmission(const SubmissionRecord& submission);
  core::Result<std::optional<SubmissionRecord>> FindSubmission(const std::string& paper_id);

  // Hides (or shows again) every daily-list entry of the paper; kNotFound when it has none.
  core::Result<void> SetPaperHidden(const std::string& paper_id, bool hidden);
  // Whether the paper's daily-list entries are hidden; nothing when it is in no daily list.
  core::Result<std::optional<bool>> IsPaperHidden(const std::string& paper_id);

  // Login attempts, for rate limiting.
  // In one write transaction (so concurrent attempts see each other): counts the failures since
  // `since`, asks `admit`, and when it admits records the attempt as failed (until
  // FinishLoginAttempt says otherwise) and returns its id; nothing when `admit` refused.
  core::Result<std::optional<int64_t>> BeginLoginAttempt(const LoginAttempt& attempt, int64_t since,
                                                         const std::function<bool(const LoginCounts&)>& admit);
  // Marks a begun attempt succeeded and forgets the earlier failures of its (name, address) pair.
  core::Result<void> SucceedLoginAttempt(int64_t attempt_id);
  core::Result<void> RecordLoginAttempt(const LoginAttempt& attempt);
  core::Result<int64_t> CountFailuresByIp(const std::string& ip, int64_t since);
  core::Result<int64_t> CountFailuresByAccount(const std::string& account, int64_t since);
  // Forgets the account's failures (after a successful login) and every attempt older than `before`.
  core::Result<void> ClearFailuresForAccount(const std::string& account);
  core::Result<int> PruneLoginAttempts(int64_t before);

  // Sign-up attempts, for the per-address limit (migration 13). In one write transaction, so
  // concurrent sign-ups from one address count each other: when fewer than `max_attempts` were
  // recorded for `ip` in the window (now - window_seconds, now], records this one and returns 0;
  // otherwise records nothing and returns the seconds until the oldest of them leaves the window.
  // Also forgets attempts older than the window.
  core::Result<int64_t> BeginSignUpAttempt(const std::string& ip, int64_t now, int64_t window_seconds,
                                           int max_attempts);

 private:
  Database& db_;
};

}  // namespace paperfeed::store
