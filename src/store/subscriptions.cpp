#include "store/subscriptions.hpp"

#include "store/database.hpp"

namespace paperfeed::store {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

// Lists are stored one item a line: topics and author names may contain spaces but never a line
// break (mail/ refuses those in user input).
std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (item.empty()) continue;
    if (!out.empty()) out += '\n';
    out += item;
  }
  return out;
}

// Escapes LIKE's wildcards so that user text matches literally (ESCAPE '\').
std::string EscapeLike(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

constexpr const char* kSubscriberColumns =
    "id, email, confirmed, period, top_n, topics, categories, authors, created_at, confirmed_at, paused, "
    "hard_failures, user_id";

Subscriber ReadSubscriber(const Statement& s) {
  Subscriber sub;
  sub.id = s.Int(0);
  sub.email = s.Text(1);
  sub.confirmed = s.Int(2) != 0;
  sub.period = ParsePeriod(s.TextView(3)).value_or(DigestPeriod::kDaily);
  sub.top_n = static_cast<int>(s.Int(4));
  sub.topics = SplitLines(s.TextView(5));
  sub.categories = SplitLines(s.TextView(6));
  sub.authors = SplitLines(s.TextView(7));
  sub.created_at = s.Int(8);
  sub.confirmed_at = s.OptionalInt(9);
  sub.paused = s.Int(10) != 0;
  sub.hard_failures = static_cast<int>(s.Int(11));
  sub.user_id = s.OptionalInt(12);
  return sub;
}

constexpr const char* kOutboxColumns =
    "id, subscriber_id, period_key, recipient, message_id, message, state, attempts, next_attempt_at, "
    "last_error, created_at, sent_at";

std::optional<OutboxState> ParseState(std::string_view name) {
  if (name == "pending") return OutboxState::kPending;
  if (name == "sending") return OutboxState::kSending;
  if (name == "sent") return OutboxState::kSent;
  if (name == "failed") return OutboxState::kFailed;
  if (name == "skipped") return OutboxState::kSkipped;
  return std::nullopt;
}

OutboxMessage ReadOutbox(const Statement& s) {
  OutboxMessage m;
  m.id = s.Int(0);
  m.subscriber_id = s.Int(1);
  m.period_key = s.Text(2);
  m.recipient = s.Text(3);
  m.message_id = s.Text(4);
  m.message = s.Text(5);
  m.state = ParseState(s.TextView(6)).value_or(OutboxState::kFailed);
  m.attempts = static_cast<int>(s.Int(7));
  m.next_attempt_at = s.Int(8);
  m.last_error = s.OptionalText(9);
  m.created_at = s.Int(10);
  m.sent_at = s.OptionalInt(11);
  return m;
}

// Runs a statement that changes rows and reports whether any changed.
Result<bool> RunChanged(Database& db, Statement& s) {
  if (auto r = s.Run(); !r) return r.error();
  return db.Changes() > 0;
}

}  // namespace

std::string_view PeriodName(DigestPeriod period) { return period == DigestPeriod::kWeekly ? "weekly" : "daily"; }

std::optional<DigestPeriod> ParsePeriod(std::string_view name) {
  if (name == "daily") return DigestPeriod::kDaily;
  if (name == "weekly") return DigestPeriod::kWeekly;
  return std::nullopt;
}

std::string_view OutboxStateName(OutboxState state) {
  switch (state) {
    case OutboxState::kPending: return "pending";
    case OutboxState::kSending: return "sending";
    case OutboxState::kSent: return "sent";
    case OutboxState::kFailed: return "failed";
    case OutboxState::kSkipped: return "skipped";
  }
  return "failed";
}

Result<Subscriber> SubscriptionStore::FindOrCreate(const std::string& email, const SubscriberPreferences& prefs,
                                                   std::optional<int64_t> user_id, int64_t now, bool* created) {
  Transaction tx(db_);
  if (!tx.began()) return tx.begin_error();
  auto existing = FindByEmail(email);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    if (created) *created = false;
    return std::move(**existing);
  }
  auto insert = db_.Prepare(
      "INSERT INTO subscribers(email, period, top_n, topics, categories, authors, created_at, user_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  if (!insert) return insert.error();
  insert->Bind(1, email)
      .Bind(2, PeriodName(prefs.period))
      .Bind(3, prefs.top_n)
      .Bind(4, JoinLines(prefs.topics))
      .Bind(5, JoinLines(prefs.categories))
      .Bind(6, JoinLines(prefs.authors))
      .Bind(7, now)
      .Bind(8, user_id);
  auto inserted = insert->RunReturningId();
  if (!inserted) return inserted.error();
  const int64_t id = *inserted;
  if (auto r = tx.Commit(); !r) return r.error();
  if (created) *created = true;
  auto fresh = FindById(id);
  if (!fresh) return fresh.error();
  if (!fresh->has_value()) return MakeError(ErrorCode::kInternal, "subscriber " + std::to_string(id) + " vanished");
  return std::move(**fresh);
}

Result<std::vector<Subscriber>> SubscriptionStore::Query(const std::string& where, int64_t bind) {
  auto s = db_.Prepare(std::string("SELECT ") + kSubscriberColumns + " FROM subscribers " + where);
  if (!s) return s.error();
  if (where.find('?') != std::string::npos) s->Bind(1, bind);
  std::vector<Subscriber> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!row.value()) break;
    out.push_back(ReadSubscriber(*s));
  }
  return out;
}

Result<std::optional<Subscriber>> SubscriptionStore::FindByEmail(const std::string& email) {
  auto s = db_.Prepare(std::string("SELECT ") + kSubscriberColumns + " FROM subscribers WHERE email = ?");
  if (!s) return s.error();
  s->Bind(1, email);
  auto row = s->Step();
  if (!row) return row.error();
  if (!row.value()) return std::optional<Subscriber>{};
  return std::optional<Subscriber>(ReadSubscriber(*s));
}

Result<std::optional<Subscriber>> SubscriptionStore::FindById(int64_t id) {
  auto rows = Query("WHERE id = ?", id);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Subscriber>{};
  return std::optional<Subscriber>(std::move(rows->front()));
}

Result<std::vector<Subscriber>> SubscriptionStore::List() { return Query("ORDER BY id", 0); }

Result<std::vector<Subscriber>> SubscriptionStore::ListActive(DigestPeriod period) {
  return Query(period == DigestPeriod::kWeekly ? "WHERE confirmed = 1 AND paused = 0 AND period = 'weekly' ORDER BY id"
                                               : "WHERE confirmed = 1 AND paused = 0 AND period = 'daily' ORDER BY id",
               0);
}

Result<bool> SubscriptionStore::Confirm(int64_t id, int64_t now) {
  auto s = db_.Prepare(
      "UPDATE subscribers SET confirmed = 1, confirmed_at = COALESCE(confirmed_at, ?) WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, now).Bind(2, id);
  return RunChanged(db_, *s);
}

Result<bool> SubscriptionStore::UpdatePreferences(int64_t id, const SubscriberPreferences& prefs) {
  auto s = db_.Prepare(
      "UPDATE subscribers SET period = ?, top_n = ?, topics = ?, categories = ?, authors = ? WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, PeriodName(prefs.period))
      .Bind(2, prefs.top_n)
      .Bind(3, JoinLines(prefs.topics))
      .Bind(4, JoinLines(prefs.categories))
      .Bind(5, JoinLines(prefs.authors))
      .Bind(6, id);
  return RunChanged(db_, *s);
}

Result<bool> SubscriptionStore::SetPaused(int64_t id, bool paused) {
  auto s = db_.Prepare(paused ? "UPDATE subscribers SET paused = 1 WHERE id = ?"
                              : "UPDATE subscribers SET paused = 0, hard_failures = 0 WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, id);
  return RunChanged(db_, *s);
}

Result<bool> SubscriptionStore::Remove(int64_t id) {
  auto s = db_.Prepare("DELETE FROM subscribers WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, id);
  return RunChanged(db_, *s);
}

Result<void> SubscriptionStore::RememberUsedLink(const std::string& link_hash, int64_t now) {
  auto s = db_.Prepare("INSERT INTO unsubscribed_links(link_hash, at) VALUES (?1, ?2) ON CONFLICT(link_hash) DO UPDATE SET at = ?2");
  if (!s) return s.error();
  s->Bind(1, link_hash).Bind(2, now);
  return s->Run();
}

Result<bool> SubscriptionStore::WasLinkUsed(const std::string& link_hash) {
  auto s = db_.Prepare("SELECT 1 FROM unsubscribed_links WHERE link_hash = ?");
  if (!s) return s.error();
  s->Bind(1, link_hash);
  auto row = s->Step();
  if (!row) return row.error();
  return row.value();
}

Result<void> SubscriptionStore::ForgetUsedLinks(int64_t before) {
  auto s = db_.Prepare("DELETE FROM unsubscribed_links WHERE at < ?");
  if (!s) return s.error();
  s->Bind(1, before);
  return s->Run();
}

Result<int> SubscriptionStore::InsertOutbox(const std::vector<OutboxMessage>& messages) {
  if (messages.empty()) return 0;
  Transaction tx(db_);
  if (!tx.began()) return tx.begin_error();
  auto s = db_.Prepare(
      "INSERT INTO outbox(subscriber_id, period_key, recipient, message_id, message, state, attempts, "
      "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) "
      "ON CONFLICT(subscriber_id, period_key) DO NOTHING");
  if (!s) return s.error();
  int inserted = 0;
  for (const auto& m : messages) {
    s->Bind(1, m.subscriber_id)
        .Bind(2, m.period_key)
        .Bind(3, m.recipient)
        .Bind(4, m.message_id)
        .Bind(5, m.message)
        .Bind(6, OutboxStateName(m.state))
        .Bind(7, m.next_attempt_at)
        .Bind(8, m.created_at);
    if (auto r = s->Run(); !r) return r.error();
    inserted += db_.Changes();
  }
  if (auto r = tx.Commit(); !r) return r.error();
  return inserted;
}

Result<bool> SubscriptionStore::HasOutbox(int64_t subscriber_id, const std::string& period_key) {
  auto s = db_.Prepare("SELECT 1 FROM outbox WHERE subscriber_id = ? AND period_key = ?");
  if (!s) return s.error();
  s->Bind(1, subscriber_id).Bind(2, period_key);
  return s->Step();
}

Result<std::optional<OutboxMessage>> SubscriptionStore::FindOutbox(int64_t subscriber_id,
                                                                   const std::string& period_key) {
  auto s = db_.Prepare(std::string("SELECT ") + kOutboxColumns +
                       " FROM outbox WHERE subscriber_id = ? AND period_key = ?");
  if (!s) return s.error();
  s->Bind(1, subscriber_id).Bind(2, period_key);
  auto row = s->Step();
  if (!row) return row.error();
  if (!row.value()) return std::optional<OutboxMessage>{};
  return std::optional<OutboxMessage>(ReadOutbox(*s));
}

Result<std::vector<OutboxMessage>> SubscriptionStore::DueMessages(int64_t now, int limit) {
  auto s = db_.Prepare(std::string("SELECT ") + kOutboxColumns +
                       " FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id "
                       "LIMIT ?");
  if (!s) return s.error();
  s->Bind(1, now).Bind(2, limit);
  std::vector<OutboxMessage> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!row.value()) break;
    out.push_back(ReadOutbox(*s));
  }
  return out;
}

Result<std::optional<int64_t>> SubscriptionStore::NextDueAt() {
  auto s = db_.Prepare("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'");
  if (!s) return s.error();
  auto row = s->Step();
  if (!row) return row.error();
  return s->OptionalInt(0);
}

Result<int> SubscriptionStore::RequeueSending() {
  auto s = db_.Prepare("UPDATE outbox SET state = 'pending' WHERE state = 'sending'");
  if (!s) return s.error();
  if (auto r = s->Run(); !r) return r.error();
  return db_.Changes();
}

Result<bool> SubscriptionStore::MarkSending(int64_t id, int64_t now) {
  auto s = db_.Prepare(
      "UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = ? "
      "WHERE id = ? AND state = 'pending'");
  if (!s) return s.error();
  s->Bind(1, now).Bind(2, id);
  return RunChanged(db_, *s);
}

Result<void> SubscriptionStore::MarkSent(int64_t id, int64_t now) {
  Transaction tx(db_);
  if (!tx.began()) return tx.begin_error();
  auto s = db_.Prepare("UPDATE outbox SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, now).Bind(2, id);
  if (auto r = s->Run(); !r) return r;
  auto reset = db_.Prepare(
      "UPDATE subscribers SET hard_failures = 0 WHERE hard_failures > 0 AND id = "
      "(SELECT subscriber_id FROM outbox WHERE id = ?)");
  if (!reset) return reset.error();
  reset->Bind(1, id);
  if (auto r = reset->Run(); !r) return r;
  return tx.Commit();
}

Result<void> SubscriptionStore::MarkRetry(int64_t id, int64_t next_attempt_at, const std::string& error) {
  auto s = db_.Prepare("UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, next_attempt_at).Bind(2, error).Bind(3, id);
  return s->Run();
}

Result<bool> SubscriptionStore::MarkFailed(int64_t id, const std::string& error, bool hard, int pause_after) {
  Transaction tx(db_);
  if (!tx.began()) return tx.begin_error();
  auto s = db_.Prepare("UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?");
  if (!s) return s.error();
  s->Bind(1, error).Bind(2, id);
  if (auto r = s->Run(); !r) return r.error();
  bool paused_now = false;
  if (hard) {
    auto count = db_.Prepare(
        "UPDATE subscribers SET hard_failures = hard_failures + 1, "
        "paused = CASE WHEN hard_failures + 1 >= ? THEN 1 ELSE paused END "
        "WHERE id = (SELECT subscriber_id FROM outbox WHERE id = ?) RETURNING paused, hard_failures");
    if (!count) return count.error();
    count->Bind(1, pause_after).Bind(2, id);
    auto row = count->Step();
    if (!row) return row.error();
    if (row.value()) paused_now = count->Int(0) != 0 && count->Int(1) == pause_after;
    count->Reset();
  }
  if (auto r = tx.Commit(); !r) return r.error();
  return paused_now;
}

Result<OutboxCounts> SubscriptionStore::CountOutbox(const std::string& period_key_prefix) {
  auto s = db_.Prepare("SELECT state, COUNT(*) FROM outbox WHERE substr(period_key, 1, ?) = ? GROUP BY state");
  if (!s) return s.error();
  s->Bind(1, static_cast<int64_t>(period_key_prefix.size())).Bind(2, period_key_prefix);
  OutboxCounts counts;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!row.value()) break;
    auto state = ParseState(s->TextView(0));
    int64_t n = s->Int(1);
    if (!state) continue;
    switch (*state) {
      case OutboxState::kPending: counts.pending = n; break;
      case OutboxState::kSending: counts.sending = n; break;
      case OutboxState::kSent: counts.sent = n; break;
      case OutboxState::kFailed: counts.failed = n; break;
      case OutboxState::kSkipped: counts.skipped = n; break;
    }
  }
  return counts;
}

Result<bool> SubscriptionStore::TryRateLimited(const std::string& key, int max, int64_t window_seconds, int64_t now) {
  Transaction tx(db_);
  if (!tx.began()) return tx.begin_error();
  // Old attempts are dropped as we go, so the table stays as small as one window of traffic.
  auto prune = db_.Prepare("DELETE FROM subscribe_attempts WHERE key = ? AND at <= ?");
  if (!prune) return prune.error();
  prune->Bind(1, key).Bind(2, now - window_seconds);
  if (auto r = prune->Run(); !r) return r.error();
  auto count = db_.Prepare("SELECT COUNT(*) FROM subscribe_attempts WHERE key = ?");
  if (!count) return count.error();
  count->Bind(1, key);
  auto row = count->Step();
  if (!row) return row.error();
  int64_t seen = count->Int(0);
  count->Reset();
  if (seen >= max) return false;  // the transaction rolls back: nothing to record
  auto insert = db_.Prepare("INSERT INTO subscribe_attempts(key, at) VALUES (?, ?)");
  if (!insert) return insert.error();
  insert->Bind(1, key).Bind(2, now);
  if (auto r = insert->Run(); !r) return r.error();
  if (auto r = tx.Commit(); !r) return r.error();
  return true;
}

namespace {

// The day after a YYYY-MM-DD day, as an exclusive upper bound on ISO timestamps.
std::string NextDay(const std::string& day) {
  if (day.size() != 10) return day + "~";
  int y = std::stoi(day.substr(0, 4)), m = std::stoi(day.substr(5, 2)), d = std::stoi(day.substr(8, 2));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int days_in_month = (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) ? 29 : kDays[m - 1];
  if (++d > days_in_month) {
    d = 1;
    if (++m > 12) m = 1, ++y;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

Result<std::vector<DigestPaperRow>> RunPaperQuery(Database& db, const std::string& condition, const std::string& value,
                                                  const std::string& value2, const std::string& first_day,
                                                  const std::string& last_day, int limit) {
  // published is ISO 8601 UTC, so day bounds compare as strings and use papers_published.
  auto s = db.Prepare(
      "SELECT p.id, p.title, p.authors, p.abstract, p.primary_category, p.published, p.github_repo, "
      "COALESCE((SELECT MAX(upvotes) FROM daily_entries d WHERE d.paper_id = p.id), 0) AS up "
      "FROM papers p WHERE p.published >= ?1 AND p.published < ?2 AND (" + condition + ") "
      "ORDER BY up DESC, p.published DESC, p.id LIMIT ?5");
  if (!s) return s.error();
  s->Bind(1, first_day).Bind(2, NextDay(last_day)).Bind(3, value).Bind(4, value2).Bind(5, limit);
  std::vector<DigestPaperRow> out;
  for (;;) {
    auto row = s->Step();
    if (!row) return row.error();
    if (!row.value()) break;
    DigestPaperRow p;
    p.id = s->Text(0);
    p.title = s->Text(1);
    p.authors = SplitLines(s->TextView(2));
    p.abstract = s->Text(3);
    p.primary_category = s->Text(4);
    p.published = s->Text(5);
    p.github_repo = s->OptionalText(6);
    p.upvotes = s->Int(7);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

Result<std::vector<DigestPaperRow>> SubscriptionStore::NewPapersInCategory(const std::string& category,
                                                                          const std::string& first_day,
                                                                          const std::string& last_day, int limit) {
  // categories is space separated: an exact category, or a prefix followed by "." ("cs" -> "cs.LG").
  // LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
  return RunPaperQuery(db_, "(' ' || LOWER(p.categories) || ' ') LIKE ('% ' || LOWER(?3) || ' %') ESCAPE '\\' OR "
                            "(' ' || LOWER(p.categories)) LIKE ('% ' || LOWER(?4) || '.%') ESCAPE '\\'",
                       EscapeLike(category), EscapeLike(category), first_day, last_day, limit);
}

Result<std::vector<DigestPaperRow>> SubscriptionStore::NewPapersByAuthor(const std::string& name,
                                                                        const std::string& first_day,
                                                                        const std::string& last_day, int limit) {
  // authors holds one name a line (?4 is the line break); compared ignoring ASCII case.
  return RunPaperQuery(db_, "(?4 || LOWER(p.authors) || ?4) LIKE ('%' || ?4 || LOWER(?3) || ?4 || '%') ESCAPE '\\'",
                       EscapeLike(name), "\n", first_day, last_day, limit);
}

Result<std::string> SubscriptionStore::SecretOrInsert(const std::string& name, const std::string& fresh) {
  auto insert = db_.Prepare("INSERT INTO mail_secrets(name, value) VALUES (?, ?) ON CONFLICT(name) DO NOTHING");
  if (!insert) return insert.error();
  insert->Bind(1, name).BindBlob(2, fresh.data(), fresh.size());
  if (auto r = insert->Run(); !r) return r.error();
  auto s = db_.Prepare("SELECT value FROM mail_secrets WHERE name = ?");
  if (!s) return s.error();
  s->Bind(1, name);
  auto row = s->Step();
  if (!row) return row.error();
  if (!row.value()) return MakeError(ErrorCode::kInternal, "mail secret '" + name + "' missing after insert");
  return std::string(s->Blob(0));
}

}  // namespace paperfeed::store
