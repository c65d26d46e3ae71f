#include "store/migrations.hpp"

#include <string>

namespace paperfeed::store {

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "catalogue", R"SQL(
-- One row per arXiv paper, keyed by the id without version. doc_id is the dense integer id the
-- search index uses. change_seq grows with every insert or update, so indexes catch up incrementally.
CREATE TABLE papers (
  doc_id INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  latest_version INTEGER NOT NULL,
  versions TEXT NOT NULL,            -- one "N ISO-DATE" line per version, ascending
  title TEXT NOT NULL,
  abstract TEXT NOT NULL,
  authors TEXT NOT NULL,             -- one name per line, in order
  primary_category TEXT NOT NULL,
  categories TEXT NOT NULL,          -- space separated, primary first
  published TEXT NOT NULL,           -- first version, ISO 8601 UTC
  updated TEXT NOT NULL,             -- last update, ISO 8601 UTC
  comments TEXT NOT NULL DEFAULT '',
  journal_ref TEXT NOT NULL DEFAULT '',
  doi TEXT NOT NULL DEFAULT '',
  license TEXT NOT NULL DEFAULT '',
  submitter TEXT NOT NULL DEFAULT '',
  github_repo TEXT,
  github_stars INTEGER,
  project_page TEXT,
  metadata_source INTEGER NOT NULL,  -- 1 arXiv, 0 Hugging Face
  fingerprint INTEGER NOT NULL,      -- hash of the metadata fields, for cheap "unchanged"
  change_seq INTEGER NOT NULL
);
CREATE INDEX papers_change_seq ON papers(change_seq);
CREATE INDEX papers_published ON papers(published);

-- A paper's place in the daily list.
CREATE TABLE daily_entries (
  day TEXT NOT NULL,                 -- YYYY-MM-DD, America/New_York
  paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
  submitted_by TEXT NOT NULL DEFAULT '',
  submitted_by_fullname TEXT NOT NULL DEFAULT '',
  upvotes INTEGER NOT NULL DEFAULT 0,
  num_comments INTEGER NOT NULL DEFAULT 0,
  hidden INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, paper_id)
);
CREATE INDEX daily_entries_paper ON daily_entries(paper_id);

-- Where each harvest stopped, so that the next run continues from there.
CREATE TABLE harvest_state (
  source TEXT PRIMARY KEY,           -- e.g. "oai:cs"
  last_datestamp TEXT,
  resumption_token TEXT,
  updated_at TEXT NOT NULL
);

-- Monotonic counters (change_seq).
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO counters(name, value) VALUES ('change_seq', 0);
)SQL"},
      {3, "accounts", R"SQL(
-- Accounts (issue 4). Times are Unix seconds, UTC. Secrets are never stored in clear: passwords as
-- Argon2id strings, session and API tokens as BLAKE2b hashes (web/auth).
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL DEFAULT '',
  email TEXT,
  password_hash TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Local upvotes add to Hugging Face's (daily_entries.upvotes). upvote_counts is kept in the same
-- transaction as upvotes so that lists sort by it without counting rows; upvote_events keeps every
-- change for the "upvotes over time" chart.
CREATE TABLE upvotes (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, paper_id)
) WITHOUT ROWID;
CREATE INDEX upvotes_paper ON upvotes(paper_id);
CREATE TABLE upvote_counts (
  paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
  count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE upvote_events (
  id INTEGER PRIMARY KEY,
  paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL,
  delta INTEGER NOT NULL,            -- +1 upvote, -1 withdrawn
  at INTEGER NOT NULL
);
CREATE INDEX upvote_events_paper ON upvote_events(paper_id, at);

CREATE TABLE comments (
  id INTEGER PRIMARY KEY,
  paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  removed_by INTEGER REFERENCES users(id),
  removed_at INTEGER
);
CREATE INDEX comments_paper ON comments(paper_id, created_at);

-- A locally submitted paper enters the daily list (daily_entries) of the America/New_York day it
-- was submitted; this row says who submitted it.
CREATE TABLE submissions (
  paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX submissions_user ON submissions(user_id);

-- Login attempts for rate limiting per IP and per account name (also unknown names).
CREATE TABLE login_attempts (
  id INTEGER PRIMARY KEY,
  ip TEXT NOT NULL,
  account TEXT NOT NULL,
  at INTEGER NOT NULL,
  succeeded INTEGER NOT NULL
);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);
CREATE INDEX login_attempts_account ON login_attempts(account, at);
)SQL"},
      {4, "subscriptions", R"SQL(
-- Digest subscriptions and the mail outbox (issue 5). Times are Unix seconds, UTC.
-- A subscriber exists from the first request; nothing but the confirmation mail goes to it until
-- confirmed = 1 (double opt-in). Unsubscribing deletes the row and its outbox: the address is not kept.
CREATE TABLE subscribers (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  confirmed INTEGER NOT NULL DEFAULT 0,
  period TEXT NOT NULL DEFAULT 'daily' CHECK (period IN ('daily', 'weekly')),
  top_n INTEGER NOT NULL DEFAULT 10,  -- trending papers per digest; 0 = none
  topics TEXT NOT NULL DEFAULT '',     -- saved searches, one a line
  categories TEXT NOT NULL DEFAULT '', -- one a line
  authors TEXT NOT NULL DEFAULT '',    -- one a line
  created_at INTEGER NOT NULL,
  confirmed_at INTEGER,
  paused INTEGER NOT NULL DEFAULT 0,
  hard_failures INTEGER NOT NULL DEFAULT 0,  -- consecutive SMTP 5xx; pauses the subscription
  user_id INTEGER                      -- the account that subscribed, when any (no FK: accounts may be absent)
);
CREATE INDEX subscribers_active ON subscribers(period, confirmed, paused);

-- Every message, rendered and recorded before it is sent. UNIQUE(subscriber_id, period_key) is the
-- exactly-once guarantee for digests: a rerun finds the row instead of rendering a second one.
-- state: pending -> sending -> sent | failed (| pending again after a 4xx); skipped = empty digest.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  period_key TEXT NOT NULL,            -- "daily:2026-08-21", "weekly:2026-W34", "confirm:<unix time>"
  recipient TEXT NOT NULL,
  message_id TEXT NOT NULL,
  message TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  UNIQUE (subscriber_id, period_key)
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

-- Subscribe requests per client and per address, for the sliding-window rate limit.
CREATE TABLE subscribe_attempts (
  key TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX subscribe_attempts_key ON subscribe_attempts(key, at);

-- Keys for signed links (HMAC-SHA256), created on first use so every process signs alike.
CREATE TABLE mail_secrets (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
)SQL"},
      {5, "api token scopes and expiry", R"SQL(
-- API tokens carry what they may do (space-separated scopes: read vote comment submit, as in
-- OAuth's scope strings, RFC 6749 §3.3) and when they stop working. Tokens made before this keep
-- every scope and expire 90 days after the upgrade, so a token leaked long ago dies on its own.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read vote comment submit';
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
UPDATE api_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 90 * 86400;
)SQL"},
      {6, "unsubscribed links", R"SQL(
-- One row per unsubscribe link that was used, keyed by a keyed hash of the link (never the
-- address), kept 30 days: a repeated one-click POST (RFC 8058) of a genuine link is answered
-- "already unsubscribed", while a forged link or an unknown subscriber id gets the one answer a bad
-- signature gets, so nobody can count subscribers by trying ids.
CREATE TABLE unsubscribed_links (
  link_hash TEXT PRIMARY KEY,
  at INTEGER NOT NULL
);
)SQL"},
      {7, "hugging face paper details", R"SQL(
-- What Hugging Face adds to a paper (store/hf_details): its machine-written summary and keywords,
-- thumbnail, attached media, organisation, the authors as it records them (ids, hidden flags,
-- linked accounts) and the id of its comment thread. Lists and objects are JSON text. One row per
-- paper that Hugging Face ever listed; re-ingesting the archive fills it.
CREATE TABLE paper_hf (
  paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
  ai_summary TEXT NOT NULL DEFAULT '',
  ai_keywords TEXT NOT NULL DEFAULT '[]',
  thumbnail TEXT NOT NULL DEFAULT '',
  media_urls TEXT NOT NULL DEFAULT '[]',
  organization TEXT NOT NULL DEFAULT '',  -- {"_id","name","fullname","avatar"} or ''
  authors TEXT NOT NULL DEFAULT '[]',     -- [{"name","_id","hidden","user":{…}}]
  discussion_id TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
)SQL"},
      {8, "daily list submitter details", R"SQL(
-- The submitter's Hugging Face account details for a daily-list entry (beside daily_entries'
-- user name and full name): its _id, avatar, account type and Pro flag (NULL: not given).
CREATE TABLE daily_entry_hf (
  day TEXT NOT NULL,
  paper_id TEXT NOT NULL,
  submitter_id TEXT NOT NULL DEFAULT '',
  avatar_url TEXT NOT NULL DEFAULT '',
  account_type TEXT NOT NULL DEFAULT '',
  is_pro INTEGER,
  PRIMARY KEY (day, paper_id),
  FOREIGN KEY (day, paper_id) REFERENCES daily_entries(day, paper_id) ON DELETE CASCADE
) WITHOUT ROWID;
)SQL"},
      {10, "comment replies, edits and deletions", R"SQL(
-- Comments people expect: a reply names its parent (replies go one level deep: a reply to a reply
-- is stored under the same top-level comment), an edit keeps when it happened so the page can say
-- "edited", and an author's own deletion is kept apart from an admin's removal (removed_by).
ALTER TABLE comments ADD COLUMN parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE;
ALTER TABLE comments ADD COLUMN edited_at INTEGER;
ALTER TABLE comments ADD COLUMN deleted_at INTEGER;
CREATE INDEX comments_parent ON comments(parent_id);
)SQL"},
      {13, "sign-up attempts", R"SQL(
-- Sign-ups per client address, for the sliding-window limit (web/auth): one row per attempt that
-- passed the cheap checks, recorded before its password is hashed. Rows leave after the window.
CREATE TABLE signup_attempts (
  ip TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX signup_attempts_ip ON signup_attempts(ip, at);
)SQL"},
      {15, "source refreshes", R"SQL(
-- When each live source (an OAI-PMH set "oai:cs", Hugging Face's daily list "hf:daily") was last
-- refreshed and what it brought, for the freshness the site and /healthz show (store/refresh_log).
CREATE TABLE source_refreshes (
  source TEXT PRIMARY KEY,
  last_attempt_at INTEGER NOT NULL,
  last_success_at INTEGER,
  last_papers INTEGER NOT NULL DEFAULT 0,        -- new or updated papers of the last success
  problem TEXT,                                  -- why the last attempt failed or looks wrong
  consecutive_failures INTEGER NOT NULL DEFAULT 0
);
)SQL"},
  };
  return kMigrations;
}

// The same schema for PostgreSQL, migration for migration (same numbers and names). What differs:
// ids are identity columns (SQLite's INTEGER PRIMARY KEY rowids), integers are BIGINT, blobs
// BYTEA, case-insensitive names and addresses CITEXT (SQLite's COLLATE NOCASE), no WITHOUT ROWID.
const std::vector<Migration>& PostgresMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "catalogue", R"SQL(
CREATE TABLE papers (
  doc_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  latest_version BIGINT NOT NULL,
  versions TEXT NOT NULL,
  title TEXT NOT NULL,
  abstract TEXT NOT NULL,
  authors TEXT NOT NULL,
  primary_category TEXT NOT NULL,
  categories TEXT NOT NULL,
  published TEXT NOT NULL,
  updated TEXT NOT NULL,
  comments TEXT NOT NULL DEFAULT '',
  journal_ref TEXT NOT NULL DEFAULT '',
  doi TEXT NOT NULL DEFAULT '',
  license TEXT NOT NULL DEFAULT '',
  submitter TEXT NOT NULL DEFAULT '',
  github_repo TEXT,
  github_stars BIGINT,
  project_page TEXT,
  metadata_source BIGINT NOT NULL,
  fingerprint BIGINT NOT NULL,
  change_seq BIGINT NOT NULL
);
CREATE INDEX papers_change_seq ON papers(change_seq);
CREATE INDEX papers_published ON papers(published);
CREATE TABLE daily_entries (
  day TEXT NOT NULL,
  paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
  submitted_by TEXT NOT NULL DEFAULT '',
  submitted_by_fullname TEXT NOT NULL DEFAULT '',
  upvotes BIGINT NOT NULL DEFAULT 0,
  num_comments BIGINT NOT NULL DEFAULT 0,
  hidden BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, paper_id)
);
CREATE INDEX daily_entries_paper ON daily_entries(paper_id);
CREATE TABLE harvest_state (
  source TEXT PRIMARY KEY,
  last_datestamp TEXT,
  resumption_token TEXT,
  updated_at TEXT NOT NULL
);
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO counters(name, value) VALUES ('change_seq', 0);
)SQL"},
      {3, "accounts", R"SQL(
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE users (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  name CITEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  email TEXT,
  password_hash TEXT NOT NULL,
  is_admin BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_secret TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE TABLE api_tokens (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE TABLE upvotes (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, paper_id)
);
CREATE INDEX upvotes_paper ON upvotes(paper_id);
CREATE TABLE upvote_counts (
  paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
  count BIGINT NOT NULL
);
CREATE TABLE upvote_events (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL,
  delta BIGINT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX upvote_events_paper ON upvote_events(paper_id, at);
CREATE TABLE comments (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  removed_by BIGINT REFERENCES users(id),
  removed_at BIGINT
);
CREATE INDEX comments_paper ON comments(paper_id, created_at);
CREATE TABLE submissions (
  paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX submissions_user ON submissions(user_id);
CREATE TABLE login_attempts (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  ip TEXT NOT NULL,
  account TEXT NOT NULL,
  at BIGINT NOT NULL,
  succeeded BIGINT NOT NULL
);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);
CREATE INDEX login_attempts_account ON login_attempts(account, at);
)SQL"},
      {4, "subscriptions", R"SQL(
CREATE TABLE subscribers (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  email CITEXT NOT NULL UNIQUE,
  confirmed BIGINT NOT NULL DEFAULT 0,
  period TEXT NOT NULL DEFAULT 'daily' CHECK (period IN ('daily', 'weekly')),
  top_n BIGINT NOT NULL DEFAULT 10,
  topics TEXT NOT NULL DEFAULT '',
  categories TEXT NOT NULL DEFAULT '',
  authors TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  confirmed_at BIGINT,
  paused BIGINT NOT NULL DEFAULT 0,
  hard_failures BIGINT NOT NULL DEFAULT 0,
  user_id BIGINT
);
CREATE INDEX subscribers_active ON subscribers(period, confirmed, paused);
CREATE TABLE outbox (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  subscriber_id BIGINT NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
  period_key TEXT NOT NULL,
  recipient TEXT NOT NULL,
  message_id TEXT NOT NULL,
  message TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
  attempts BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  sent_at BIGINT,
  UNIQUE (subscriber_id, period_key)
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE TABLE subscribe_attempts (
  key TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX subscribe_attempts_key ON subscribe_attempts(key, at);
CREATE TABLE mail_secrets (
  name TEXT PRIMARY KEY,
  value BYTEA NOT NULL
);
)SQL"},
      {5, "api token scopes and expiry", R"SQL(
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read vote comment submit';
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
UPDATE api_tokens SET expires_at = CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) + 90 * 86400;
)SQL"},
      {6, "unsubscribed links", R"SQL(
CREATE TABLE unsubscribed_links (
  link_hash TEXT PRIMARY KEY,
  at BIGINT NOT NULL
);
)SQL"},
      {7, "hugging face paper details", R"SQL(
CREATE TABLE paper_hf (
  paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
  ai_summary TEXT NOT NULL DEFAULT '',
  ai_keywords TEXT NOT NULL DEFAULT '[]',
  thumbnail TEXT NOT NULL DEFAULT '',
  media_urls TEXT NOT NULL DEFAULT '[]',
  organization TEXT NOT NULL DEFAULT '',
  authors TEXT NOT NULL DEFAULT '[]',
  discussion_id TEXT NOT NULL DEFAULT ''
);
)SQL"},
      {8, "daily list submitter details", R"SQL(
CREATE TABLE daily_entry_hf (
  day TEXT NOT NULL,
  paper_id TEXT NOT NULL,
  submitter_id TEXT NOT NULL DEFAULT '',
  avatar_url TEXT NOT NULL DEFAULT '',
  account_type TEXT NOT NULL DEFAULT '',
  is_pro BIGINT,
  PRIMARY KEY (day, paper_id),
  FOREIGN KEY (day, paper_id) REFERENCES daily_entries(day, paper_id) ON DELETE CASCADE
);
)SQL"},
      {10, "comment replies, edits and deletions", R"SQL(
ALTER TABLE comments ADD COLUMN parent_id BIGINT REFERENCES comments(id) ON DELETE CASCADE;
ALTER TABLE comments ADD COLUMN edited_at BIGINT;
ALTER TABLE comments ADD COLUMN deleted_at BIGINT;
CREATE INDEX comments_parent ON comments(parent_id);
)SQL"},
      {13, "sign-up attempts", R"SQL(
CREATE TABLE signup_attempts (
  ip TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX signup_attempts_ip ON signup_attempts(ip, at);
)SQL"},
      {15, "source refreshes", R"SQL(
CREATE TABLE source_refreshes (
  source TEXT PRIMARY KEY,
  last_attempt_at BIGINT NOT NULL,
  last_success_at BIGINT,
  last_papers BIGINT NOT NULL DEFAULT 0,
  problem TEXT,
  consecutive_failures BIGINT NOT NULL DEFAULT 0
);
)SQL"},
  };
  return kMigrations;
}

const std::vector<Migration>& MigrationsFor(Backend backend) {
  return backend == Backend::kPostgres ? PostgresMigrations() : AllMigrations();
}

core::Result<void> ApplyMigrations(Database& db) {
  // The bookkeeping table is made under the write lock too: two nodes starting at once on one
  // PostgreSQL database would otherwise race to create it.
  {
    Transaction tx(db);
    if (!tx.began()) return tx.begin_error();
    if (auto r = db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                         "name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
        !r) {
      return r;
    }
    if (auto r = tx.Commit(); !r) return r;
  }
  for (const auto& migration : MigrationsFor(db.backend())) {
    Transaction tx(db);
    if (!tx.began()) return tx.begin_error();
    // Another process may have applied it while we waited for the write lock.
    auto seen = db.Prepare("SELECT 1 FROM schema_migrations WHERE version = ?");
    if (!seen) return seen.error();
    seen->Bind(1, migration.version);
    auto already = seen->Step();
    if (!already) return already.error();
    if (already.value()) continue;
    if (auto r = db.Exec(migration.sql); !r) {
      return core::MakeError(r.error().code, "migration " + std::to_string(migration.version) + " (" +
                                                 std::string(migration.name) + ") failed: " + r.error().message);
    }
    auto insert = db.Prepare("INSERT INTO schema_migrations(version, name) VALUES (?, ?)");
    if (!insert) return insert.error();
    insert->Bind(1, migration.version).Bind(2, migration.name);
    if (auto r = insert->Run(); !r) return r;
    if (auto r = tx.Commit(); !r) return r;
  }
  return {};
}

core::Result<int> SchemaVersion(Database& db) {
  auto s = db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!s) return s.error();
  auto row = s->Step();
  if (!row) return row.error();
  return row.value() ? static_cast<int>(s->Int(0)) : 0;
}

}  // namespace paperfeed::store
