#include "store/accounts.hpp"

#include <algorithm>
#include <ctime>
#include <functional>

#include "core/dates.hpp"
#include "store/database.hpp"

namespace paperfeed::store {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

constexpr const char* kUserColumns = "id, name, display_name, email, password_hash, is_admin, created_at";

// Batch queries bind at most this many ids per statement (SQLite's default variable limit is far
// higher, but long IN lists stop using the index well).
constexpr size_t kBatchChunk = 500;

User ReadUser(const Statement& s, int first = 0) {
  User u;
  u.id = s.Int(first + 0);
  u.name = s.Text(first + 1);
  u.display_name = s.Text(first + 2);
  u.email = s.OptionalText(first + 3);
  u.password_hash = s.Text(first + 4);
  u.is_admin = s.Int(first + 5) != 0;
  u.created_at = s.Int(first + 6);
  return u;
}

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out;
}

// Runs `sql_prefix (?,?,...) sql_suffix` over `ids` in chunks, calling `row` for each result row.
template <typename F>
Result<void> ForEachChunk(Database& db, const std::string& sql_prefix, const std::string& sql_suffix,
                          const std::vector<std::string>& ids, int first_bind, const std::function<void(Statement&)>& pre,
                          F&& row) {
  for (size_t start = 0; start < ids.size(); start += kBatchChunk) {
    const size_t n = std::min(kBatchChunk, ids.size() - start);
    auto s = db.Prepare(sql_prefix + "(" + Placeholders(n) + ")" + sql_suffix);
    if (!s) return s.error();
    if (pre) pre(*s);
    for (size_t i = 0; i < n; ++i) s->Bind(first_bind + static_cast<int>(i), ids[start + i]);
    for (;;) {
      auto r = s->Step();
      if (!r) return r.error();
      if (!r.value()) break;
      row(*s);
    }
  }
  return {};
}

Result<bool> PaperExists(Database& db, const std::string& paper_id) {
  auto s = db.Prepare("SELECT 1 FROM papers WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, paper_id);
  return s->Step();
}

core::Error PaperNotFound(const std::string& paper_id) {
  return MakeError(ErrorCode::kNotFound, "paper '" + paper_id + "' is not in the catalogue");
}

}  // namespace

// ---- users ----

Result<User> AccountStore::CreateUser(const NewUser& user, int64_t now) {
  auto s = db_.Prepare(
      "INSERT INTO users(name, display_name, email, password_hash, is_admin, created_at) VALUES (?,?,?,?,?,?) "
      "RETURNING id");
  if (!s) return s.error();
  s->Bind(1, user.name)
      .Bind(2, user.display_name)
      .Bind(3, user.email)
      .Bind(4, user.password_hash)
      .Bind(5, user.is_admin ? 1 : 0)
      .Bind(6, now);
  auto id = s->RunReturningId();
  if (!id) {
    if (id.error().code == ErrorCode::kConflict) {
      return MakeError(ErrorCode::kConflict, "the name '" + user.name + "' is taken; choose another");
    }
    return id.error();
  }
  User out;
  out.id = *id;
  out.name = user.name;
  out.display_name = user.display_name;
  out.email = user.email;
  out.password_hash = user.password_hash;
  out.is_admin = user.is_admin;
  out.created_at = now;
  return out;
}

Result<std::optional<User>> AccountStore::FindUserByName(const std::string& name) {
  auto s = db_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE name = ?");
  if (!s) return s.error();
  s->Bind(1, name);
  auto row = s->Step();
  if (!row) return row.error();
  if (!row.value()) return std::optional<User>{};
  return std::optional<User>(ReadUser(*s));
}

Result<std::optional<User>> AccountStore::FindUserById(int64_t id) {
  auto s = db_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, id);
  auto row = s->Step();
  if (!row) return row.error();
  if (!row.value()) return std::optional<User>{};
  return std::optional<User>(ReadUser(*s));
}

Result<std::vector<User>> AccountStore::ListUsers() {
  auto s = db_.Prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY LOWER(name)");
  if (!s) return s.error();
  std::vector<User> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!row.value()) break;
    out.push_back(ReadUser(*s));
  }
  return out;
}

Result<void> AccountStore::SetAdmin(const std::string& name, bool is_admin) {
  auto s = db_.Prepare("UPDATE users SET is_admin = ? WHERE name = ?");
  if (!s) return s.error();
  s->Bind(1, is_admin ? 1 : 0).Bind(2, name);
  if (auto r = s->Run(); !r) return r;
  if (db_.Changes() == 0) return MakeError(ErrorCode::kNotFound, "no user named '" + name + "'");
  return {};
}

Result<void> AccountStore::SetPasswordHash(int64_t user_id, const std::string& password_hash) {
  auto s = db_.Prepare("UPDATE users SET password_hash = ? WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, password_hash).Bind(2, user_id);
  return s->Run();
}

Result<int64_t> AccountStore::CountUsers() {
  auto s = db_.Prepare("SELECT COUNT(*) FROM users");
  if (!s) return s.error();
  auto row = s->Step();
  if (!row) return row.error();
  return s->Int(0);
}

// ---- sessions ----

Result<void> AccountStore::CreateSession(const SessionRecord& session) {
  auto s = db_.Prepare(
      "INSERT INTO sessions(token_hash, user_id, csrf_secret, created_at, expires_at, last_seen_at) "
      "VALUES (?,?,?,?,?,?)");
  if (!s) return s.error();
  s->Bind(1, session.token_hash)
      .Bind(2, session.user_id)
      .Bind(3, session.csrf_secret)
      .Bind(4, session.created_at)
      .Bind(5, session.expires_at)
      .Bind(6, session.last_seen_at);
  return s->Run();
}

Result<std::optional<std::pair<SessionRecord, User>>> AccountStore::FindSession(const std::string& token_hash,
                                                                                int64_t now) {
  auto s = db_.Prepare(
      "SELECT s.token_hash, s.user_id, s.csrf_secret, s.created_at, s.expires_at, s.last_seen_at, "
      "u.id, u.name, u.display_name, u.email, u.password_hash, u.is_admin, u.created_at "
      "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?");
  if (!s) return s.error();
  s->Bind(1, token_hash).Bind(2, now);
  auto row = s->Step();
  if (!row) return row.error();
  using Found = std::optional<std::pair<SessionRecord, User>>;
  if (!row.value()) return Found{};
  SessionRecord session;
  session.token_hash = s->Text(0);
  session.user_id = s->Int(1);
  session.csrf_secret = s->Text(2);
  session.created_at = s->Int(3);
  session.expires_at = s->Int(4);
  session.last_seen_at = s->Int(5);
  return Found(std::in_place, std::move(session), ReadUser(*s, 6));
}

Result<void> AccountStore::TouchSession(const std::string& token_hash, int64_t now) {
  auto s = db_.Prepare("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?");
  if (!s) return s.error();
  s->Bind(1, now).Bind(2, token_hash);
  return s->Run();
}

Result<void> AccountStore::DeleteSession(const std::string& token_hash) {
  auto s = db_.Prepare("DELETE FROM sessions WHERE token_hash = ?");
  if (!s) return s.error();
  s->Bind(1, token_hash);
  return s->Run();
}

Result<int> AccountStore::DeleteExpiredSessions(int64_t now) {
  auto s = db_.Prepare("DELETE FROM sessions WHERE expires_at <= ?");
  if (!s) return s.error();
  s->Bind(1, now);
  if (auto r = s->Run(); !r) return r.error();
  return db_.Changes();
}

// ---- API tokens ----

Result<ApiTokenRecord> AccountStore::CreateApiToken(int64_t user_id, const std::string& name,
                                                    const std::string& token_hash, int64_t now,
                                                    const std::string& scopes, std::optional<int64_t> expires_at) {
  auto s = db_.Prepare(
      "INSERT INTO api_tokens(token_hash, user_id, name, created_at, scopes, expires_at) VALUES (?,?,?,?,?,?) "
      "RETURNING id");
  if (!s) return s.error();
  s->Bind(1, token_hash).Bind(2, user_id).Bind(3, name).Bind(4, now).Bind(5, scopes);
  if (expires_at) s->Bind(6, *expires_at);
  else s->BindNull(6);
  auto id = s->RunReturningId();
  if (!id) return id.error();
  ApiTokenRecord out;
  out.id = *id;
  out.user_id = user_id;
  out.name = name;
  out.created_at = now;
  out.scopes = scopes;
  out.expires_at = expires_at;
  return out;
}

Result<std::vector<ApiTokenRecord>> AccountStore::ListApiTokens(int64_t user_id) {
  auto s = db_.Prepare(
      "SELECT id, user_id, name, created_at, last_used_at, scopes, expires_at FROM api_tokens WHERE user_id = ? "
      "ORDER BY id");
  if (!s) return s.error();
  s->Bind(1, user_id);
  std::vector<ApiTokenRecord> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!row.value()) break;
    ApiTokenRecord t;
    t.id = s->Int(0);
    t.user_id = s->Int(1);
    t.name = s->Text(2);
    t.created_at = s->Int(3);
    t.last_used_at = s->OptionalInt(4);
    t.scopes = s->Text(5);
    t.expires_at = s->OptionalInt(6);
    out.push_back(std::move(t));
  }
  return out;
}

Result<void> AccountStore::RevokeApiToken(int64_t user_id, int64_t token_id) {
  auto s = db_.Prepare("DELETE FROM api_tokens WHERE id = ? AND user_id = ?");
  if (!s) return s.error();
  s->Bind(1, token_id).Bind(2, user_id);
  if (auto r = s->Run(); !r) return r;
  if (db_.Changes() == 0) {
    return MakeError(ErrorCode::kNotFound, "no API token " + std::to_string(token_id) + " on this account");
  }
  return {};
}

Result<std::optional<std::pair<ApiTokenRecord, User>>> AccountStore::FindApiToken(const std::string& token_hash,
                                                                                  int64_t now) {
  auto s = db_.Prepare(
      "SELECT t.id, t.last_used_at, t.name, t.created_at, t.scopes, t.expires_at, "
      "u.id, u.name, u.display_name, u.email, u.password_hash, u.is_admin, u.created_at "
      "FROM api_tokens t JOIN users u ON u.id = t.user_id "
      "WHERE t.token_hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?)");
  if (!s) return s.error();
  s->Bind(1, token_hash).Bind(2, now);
  auto row = s->Step();
  if (!row) return row.error();
  if (!row.value()) return std::optional<std::pair<ApiTokenRecord, User>>{};
  ApiTokenRecord token;
  token.id = s->Int(0);
  token.last_used_at = s->OptionalInt(1);
  token.name = s->Text(2);
  token.created_at = s->Int(3);
  token.scopes = s->Text(4);
  token.expires_at = s->OptionalInt(5);
  User user = ReadUser(*s, 6);
  token.user_id = user.id;
  s->Reset();
  // Record use at most once a minute: a busy bot should not turn every read into a write.
  if (!token.last_used_at || now - *token.last_used_at >= 60) {
    auto touch = db_.Prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
    if (!touch) return touch.error();
    touch->Bind(1, now).Bind(2, token.id);
    if (auto r = touch->Run(); !r) return r.error();
    token.last_used_at = now;
  }
  return std::optional<std::pair<ApiTokenRecord, User>>(std::make_pair(std::move(token), std::move(user)));
}

Result<std::optional<User>> AccountStore::FindUserByApiToken(const std::string& token_hash, int64_t now) {
  auto found = FindApiToken(token_hash, now);
  if (!found) return found.error();
  if (!found.value()) return std::optional<User>{};
  return std::optional<User>(std::move(found.value()->second));
}

// ---- upvotes ----

Result<bool> AccountStore::SetUpvote(int64_t user_id, const std::string& paper_id, bool upvoted, int64_t now) {
  Transaction tx(db_);
  if (!tx.began()) return tx.begin_error();
  auto exists = PaperExists(db_, paper_id);
  if (!exists) return exists.error();
  if (!exists.value()) return PaperNotFound(paper_id);
  auto change = upvoted ? db_.Prepare("INSERT INTO upvotes(user_id, paper_id, created_at) VALUES (?,?,?) ON CONFLICT DO NOTHING")
                        : db_.Prepare("DELETE FROM upvotes WHERE user_id = ? AND paper_id = ?");
  if (!change) return change.error();
  change->Bind(1, user_id).Bind(2, paper_id);
  if (upvoted) change->Bind(3, now);
  if (auto r = change->Run(); !r) return r.error();
  if (db_.Changes() == 0) return false;  // already in the asked state: idempotent, nothing logged
  const int delta = upvoted ? 1 : -1;
  auto count = db_.Prepare(
      "INSERT INTO upvote_counts(paper_id, count) VALUES (?1, ?2) "
      "ON CONFLICT(paper_id) DO UPDATE SET count = upvote_counts.count + ?2");
  if (!count) return count.error();
  count->Bind(1, paper_id).Bind(2, delta);
  if (auto r = count->Run(); !r) return r.error();
  auto event = db_.Prepare("INSERT INTO upvote_events(paper_id, user_id, delta, at) VALUES (?,?,?,?)");
  if (!event) return event.error();
  event->Bind(1, paper_id).Bind(2, user_id).Bind(3, delta).Bind(4, now);
  if (auto r = event->Run(); !r) return r.error();
  if (auto r = tx.Commit(); !r) return r.error();
  return true;
}

Result<std::unordered_map<std::string, int64_t>> AccountStore::LocalUpvoteCounts(
    const std::vector<std::string>& paper_ids) {
  std::unordered_map<std::string, int64_t> out;
  auto r = ForEachChunk(db_, "SELECT paper_id, count FROM upvote_counts WHERE count > 0 AND paper_id IN ", "",
                        paper_ids, 1, nullptr, [&](Statement& s) { out[s.Text(0)] = s.Int(1); });
  if (!r) return r.error();
  return out;
}

Result<std::unordered_set<std::string>> AccountStore::UpvotedBy(int64_t user_id,
                                                                 const std::vector<std::string>& paper_ids) {
  std::unordered_set<std::string> out;
  auto r = ForEachChunk(
      db_, "SELECT paper_id FROM upvotes WHERE user_id = ? AND paper_id IN ", "", paper_ids, 2,
      [&](Statement& s) { s.Bind(1, user_id); }, [&](Statement& s) { out.insert(s.Text(0)); });
  if (!r) return r.error();
  return out;
}

Result<std::vector<UpvotePoint>> AccountStore::UpvoteHistory(const std::string& paper_id) {
  auto s = db_.Prepare("SELECT at / 86400, SUM(delta) FROM upvote_events WHERE paper_id = ? GROUP BY 1 ORDER BY 1");
  if (!s) return s.error();
  s->Bind(1, paper_id);
  std::vector<UpvotePoint> out;
  int64_t total = 0;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!row.value()) break;
    total += s->Int(1);
    out.push_back({core::UnixToIso(s->Int(0) * 86400).substr(0, 10), total});
  }
  return out;
}

// ---- comments ----

Result<CommentRecord> AccountStore::AddComment(const std::string& paper_id, int64_t user_id, const std::string& body,
                                               int64_t now, std::optional<int64_t> parent_id) {
  auto exists = PaperExists(db_, paper_id);
  if (!exists) return exists.error();
  if (!exists.value()) return PaperNotFound(paper_id);
  auto s = db_.Prepare("INSERT INTO comments(paper_id, user_id, body, created_at, parent_id) VALUES (?,?,?,?,?) RETURNING id");
  if (!s) return s.error();
  s->Bind(1, paper_id).Bind(2, user_id).Bind(3, body).Bind(4, now);
  if (parent_id) s->Bind(5, *parent_id);
  auto id = s->RunReturningId();
  if (!id) return id.error();
  auto found = FindComment(*id);
  if (!found) return found.error();
  if (!found.value()) return MakeError(ErrorCode::kInternal, "comment vanished after insert");
  return std::move(*found.value());
}

namespace {
constexpr const char* kCommentSelect =
    "SELECT c.id, c.paper_id, c.user_id, u.name, u.display_name, c.body, c.created_at, c.removed_by, "
    "c.parent_id, c.edited_at, c.deleted_at FROM comments c JOIN users u ON u.id = c.user_id ";

CommentRecord ReadComment(const Statement& s) {
  CommentRecord c;
  c.id = s.Int(0);
  c.paper_id = s.Text(1);
  c.user_id = s.Int(2);
  c.user_name = s.Text(3);
  c.user_display_name = s.Text(4);
  c.body = s.Text(5);
  c.created_at = s.Int(6);
  c.removed_by = s.OptionalInt(7);
  c.parent_id = s.OptionalInt(8);
  c.edited_at = s.OptionalInt(9);
  c.deleted_at = s.OptionalInt(10);
  return c;
}
}  // namespace

Result<std::vector<CommentRecord>> AccountStore::CommentsForPaper(const std::string& paper_id, bool include_removed) {
  auto s = db_.Prepare(std::string(kCommentSelect) + "WHERE c.paper_id = ?" +
                       (include_removed ? "" : " AND c.removed_by IS NULL AND c.deleted_at IS NULL") + " ORDER BY c.created_at, c.id");
  if (!s) return s.error();
  s->Bind(1, paper_id);
  std::vector<CommentRecord> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!row.value()) break;
    out.push_back(ReadComment(*s));
  }
  return out;
}

Result<std::optional<CommentRecord>> AccountStore::FindComment(int64_t comment_id) {
  auto s = db_.Prepare(std::string(kCommentSelect) + "WHERE c.id = ?");
  if (!s) return s.error();
  s->Bind(1, comment_id);
  auto row = s->Step();
  if (!row) return row.error();
  if (!row.value()) return std::optional<CommentRecord>{};
  return std::optional<CommentRecord>(ReadComment(*s));
}

Result<void> AccountStore::RemoveComment(int64_t comment_id, int64_t admin_id) {
  auto s = db_.Prepare(
      "UPDATE comments SET removed_by = ?, removed_at = ? WHERE id = ? AND removed_by IS NULL");
  if (!s) return s.error();
  s->Bind(1, admin_id).Bind(2, static_cast<int64_t>(std::time(nullptr))).Bind(3, comment_id);
  if (auto r = s->Run(); !r) return r;
  if (db_.Changes() == 0) {
    auto found = FindComment(comment_id);
    if (!found) return found.error();
    if (!found.value()) return MakeError(ErrorCode::kNotFound, "no comment " + std::to_string(comment_id));
  }
  return {};  // removing a removed comment is a no-op
}

Result<void> AccountStore::EditComment(int64_t comment_id, const std::string& body, int64_t now) {
  auto s = db_.Prepare("UPDATE comments SET body = ?, edited_at = ? WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, body).Bind(2, now).Bind(3, comment_id);
  if (auto r = s->Run(); !r) return r;
  if (db_.Changes() == 0) return MakeError(ErrorCode::kNotFound, "no comment " + std::to_string(comment_id));
  return {};
}

Result<void> AccountStore::DeleteComment(int64_t comment_id, int64_t now) {
  auto s = db_.Prepare("UPDATE comments SET deleted_at = COALESCE(deleted_at, ?) WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, now).Bind(2, comment_id);
  if (auto r = s->Run(); !r) return r;
  if (db_.Changes() == 0) return MakeError(ErrorCode::kNotFound, "no comment " + std::to_string(comment_id));
  return {};
}

Result<std::unordered_map<std::string, int64_t>> AccountStore::CommentCounts(const std::vector<std::string>& paper_ids) {
  std::unordered_map<std::string, int64_t> out;
  auto r = ForEachChunk(db_, "SELECT paper_id, COUNT(*) FROM comments WHERE removed_by IS NULL AND deleted_at IS NULL AND paper_id IN ",
                        " GROUP BY paper_id", paper_ids, 1, nullptr, [&](Statement& s) { out[s.Text(0)] = s.Int(1); });
  if (!r) return r.error();
  return out;
}

// ---- submissions and hiding ----

Result<void> AccountStore::RecordSubmission(const SubmissionRecord& submission) {
  auto s = db_.Prepare("INSERT INTO submissions(paper_id, user_id, day, created_at) VALUES (?,?,?,?)");
  if (!s) return s.error();
  s->Bind(1, submission.paper_id).Bind(2, submission.user_id).Bind(3, submission.day).Bind(4, submission.created_at);
  if (auto r = s->Run(); !r) {
    if (r.error().code == ErrorCode::kConflict) {
      return MakeError(ErrorCode::kConflict, "paper '" + submission.paper_id + "' has already been submitted");
    }
    return r;
  }
  return {};
}

Result<std::optional<SubmissionRecord>> AccountStore::FindSubmission(const std::string& paper_id) {
  auto s = db_.Prepare("SELECT paper_id, user_id, day, created_at FROM submissions WHERE paper_id = ?");
  if (!s) return s.error();
  s->Bind(1, paper_id);
  auto row = s->Step();
  if (!row) return row.error();
  if (!row.value()) return std::optional<SubmissionRecord>{};
  return std::optional<SubmissionRecord>(SubmissionRecord{s->Text(0), s->Int(1), s->Text(2), s->Int(3)});
}

Result<void> AccountStore::SetPaperHidden(const std::string& paper_id, bool hidden) {
  auto s = db_.Prepare("UPDATE daily_entries SET hidden = ? WHERE paper_id = ?");
  if (!s) return s.error();
  s->Bind(1, hidden ? 1 : 0).Bind(2, paper_id);
  if (auto r = s->Run(); !r) return r;
  if (db_.Changes() == 0) {
    return MakeError(ErrorCode::kNotFound, "paper '" + paper_id + "' is not in the daily list");
  }
  return {};
}

Result<std::optional<bool>> AccountStore::IsPaperHidden(const std::string& paper_id) {
  auto s = db_.Prepare("SELECT COUNT(*), MIN(hidden) FROM daily_entries WHERE paper_id = ?");
  if (!s) return s.error();
  s->Bind(1, paper_id);
  auto row = s->Step();
  if (!row) return row.error();
  if (s->Int(0) == 0) return std::optional<bool>{};
  return std::optional<bool>(s->Int(1) != 0);
}

// ---- login attempts ----

Result<void> AccountStore::RecordLoginAttempt(const LoginAttempt& attempt) {
  auto s = db_.Prepare("INSERT INTO login_attempts(ip, account, at, succeeded) VALUES (?,?,?,?)");
  if (!s) return s.error();
  s->Bind(1, attempt.ip).Bind(2, attempt.account).Bind(3, attempt.at).Bind(4, attempt.succeeded ? 1 : 0);
  return s->Run();
}

Result<std::optional<int64_t>> AccountStore::BeginLoginAttempt(const LoginAttempt& attempt, int64_t since,
                                                              const std::function<bool(const LoginCounts&)>& admit) {
  // BEGIN IMMEDIATE takes the write lock before counting: two attempts cannot both count N - 1
  // failures and both go on to a password check (the race that let 30 concurrent log-ins at 4 of
  // 5 failures all be checked).
  Transaction tx(db_);
  if (!tx.began()) return tx.begin_error();
  auto s = db_.Prepare(
      "SELECT COALESCE(SUM(CASE WHEN account = ?2 THEN 1 ELSE 0 END), 0), COALESCE(MAX(CASE WHEN account = ?2 THEN at END), 0), COUNT(*) "
      "FROM login_attempts WHERE ip = ?1 AND at >= ?3 AND succeeded = 0");
  if (!s) return s.error();
  s->Bind(1, attempt.ip).Bind(2, attempt.account).Bind(3, since);
  auto row = s->Step();
  if (!row) return row.error();
  LoginCounts counts{s->Int(0), s->Int(1), s->Int(2)};
  if (!admit(counts)) return std::optional<int64_t>{};
  auto insert = db_.Prepare("INSERT INTO login_attempts(ip, account, at, succeeded) VALUES (?,?,?,0) RETURNING id");
  if (!insert) return insert.error();
  insert->Bind(1, attempt.ip).Bind(2, attempt.account).Bind(3, attempt.at);
  auto id = insert->RunReturningId();
  if (!id) return id.error();
  if (auto r = tx.Commit(); !r) return r.error();
  return std::optional<int64_t>(*id);
}

Result<void> AccountStore::SucceedLoginAttempt(int64_t attempt_id) {
  Transaction tx(db_);
  if (!tx.began()) return tx.begin_error();
  auto clear = db_.Prepare(
      "DELETE FROM login_attempts WHERE succeeded = 0 AND id <> ?1 AND (ip, account) = "
      "(SELECT ip, account FROM login_attempts WHERE id = ?1)");
  if (!clear) return clear.error();
  clear->Bind(1, attempt_id);
  if (auto r = clear->Run(); !r) return r.error();
  auto mark = db_.Prepare("UPDATE login_attempts SET succeeded = 1 WHERE id = ?");
  if (!mark) return mark.error();
  mark->Bind(1, attempt_id);
  if (auto r = mark->Run(); !r) return r.error();
  return tx.Commit();
}

Result<int64_t> AccountStore::CountFailuresByIp(const std::string& ip, int64_t since) {
  auto s = db_.Prepare("SELECT COUNT(*) FROM login_attempts WHERE ip = ? AND at >= ? AND succeeded = 0");
  if (!s) return s.error();
  s->Bind(1, ip).Bind(2, since);
  auto row = s->Step();
  if (!row) return row.error();
  return s->Int(0);
}

Result<int64_t> AccountStore::CountFailuresByAccount(const std::string& account, int64_t since) {
  auto s = db_.Prepare("SELECT COUNT(*) FROM login_attempts WHERE account = ? AND at >= ? AND succeeded = 0");
  if (!s) return s.error();
  s->Bind(1, account).Bind(2, since);
  auto row = s->Step();
  if (!row) return row.error();
  return s->Int(0);
}

Result<void> AccountStore::ClearFailuresForAccount(const std::string& account) {
  auto s = db_.Prepare("DELETE FROM login_attempts WHERE account = ? AND succeeded = 0");
  if (!s) return s.error();
  s->Bind(1, account);
  return s->Run();
}

Result<int> AccountStore::PruneLoginAttempts(int64_t before) {
  auto s = db_.Prepare("DELETE FROM login_attempts WHERE at < ?");
  if (!s) return s.error();
  s->Bind(1, before);
  if (auto r = s->Run(); !r) return r.error();
  return db_.Changes();
}

// ---- sign-up attempts ----

Result<int64_t> AccountStore::BeginSignUpAttempt(const std::string& ip, int64_t now, int64_t window_seconds,
                                                 int max_attempts) {
  // BEGIN IMMEDIATE before counting, as for log-ins: thirty sign-ups sent at once from one address
  // cannot all count "fewer than the limit" and all go on to hash a password.
  Transaction tx(db_);
  if (!tx.began()) return tx.begin_error();
  // The window is (now - window_seconds, now]: an attempt exactly one window old has left it.
  const int64_t since = now - window_seconds;
  auto prune = db_.Prepare("DELETE FROM signup_attempts WHERE at <= ?");
  if (!prune) return prune.error();
  prune->Bind(1, since);
  if (auto r = prune->Run(); !r) return r.error();
  auto s = db_.Prepare("SELECT COUNT(*), COALESCE(MIN(at), 0) FROM signup_attempts WHERE ip = ? AND at > ?");
  if (!s) return s.error();
  s->Bind(1, ip).Bind(2, since);
  auto row = s->Step();
  if (!row) return row.error();
  if (s->Int(0) >= max_attempts) return std::max<int64_t>(1, s->Int(1) + window_seconds - now);
  auto insert = db_.Prepare("INSERT INTO signup_attempts(ip, at) VALUES (?, ?)");
  if (!insert) return insert.error();
  insert->Bind(1, ip).Bind(2, now);
  if (auto r = insert->Run(); !r) return r.error();
  if (auto r = tx.Commit(); !r) return r.error();
  return int64_t{0};
}

}  // namespace paperfeed::store
