// store/database: one SQL connection, whichever engine holds the data. A path opens SQLite
// (store/sqlite.cpp, the default: one file, nothing to run); a postgresql:// URI opens PostgreSQL
// (store/postgres.cpp, for several serve nodes on one database). Nothing outside store/ sees either
// client library, and the modules of store/ write one SQL text for both wherever the dialects agree.
//
// Where they differ, the difference is named here, in the door, and nowhere else:
//   - placeholders: the SQL says ?, ?NNN (SQLite's); the PostgreSQL door rewrites them to $N;
//   - the write lock (BeginWrite): SQLite's BEGIN IMMEDIATE; on PostgreSQL BEGIN plus one
//     transaction-scoped advisory lock, so writers take turns as they do on SQLite and the
//     read-then-write checks (rate limits, "already voted") stay exact across nodes;
//   - noticing other connections' commits (DataVersion): PRAGMA data_version / the WAL position;
//   - the last inserted id: sqlite3_last_insert_rowid / lastval() of the identity sequences;
//   - the schema: numbered migrations kept per backend (store/migrations.cpp), same numbers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace paperfeed::store {

enum class Backend { kSqlite, kPostgres };

// True for a libpq connection URI (postgresql:// or postgres://); anything else is a file path.
bool IsPostgresUri(std::string_view location);

// What a column of the current row holds, for code that copies rows without knowing the table.
enum class ColumnType { kNull, kInteger, kReal, kText, kBlob };

// The engine's half of a prepared statement (store/sqlite.cpp, store/postgres.cpp).
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void BindText(int index, std::string_view text, bool copy) = 0;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindDouble(int index, double value) = 0;
  virtual void BindBlob(int index, const void* data, size_t size) = 0;
  virtual void BindNull(int index) = 0;
  virtual core::Result<bool> Step() = 0;
  virtual void Reset() = 0;
  virtual int ColumnCount() const = 0;
  virtual std::string ColumnName(int column) const = 0;
  virtual ColumnType Type(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual double Double(int column) const = 0;
  virtual std::string_view TextView(int column) const = 0;
  virtual std::string_view Blob(int column) const = 0;
};

// A prepared statement. Bind indexes start at 1, column indexes at 0 (as in SQLite).
class Statement {
 public:
  explicit Statement(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  Statement& Bind(int index, std::string_view text) { return impl_->BindText(index, text, true), *this; }
  Statement& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, int64_t value) { return impl_->BindInt(index, value), *this; }
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value) { return impl_->BindDouble(index, value), *this; }
  Statement& Bind(int index, const std::optional<std::string>& text) {
    return text ? Bind(index, std::string_view(*text)) : BindNull(index);
  }
  Statement& Bind(int index, const std::optional<int64_t>& value) { return value ? Bind(index, *value) : BindNull(index); }
  Statement& BindBlob(int index, const void* data, size_t size) { return impl_->BindBlob(index, data, size), *this; }
  Statement& BindNull(int index) { return impl_->BindNull(index), *this; }
  // Text that stays alive and unchanged until the statement is reset: no copy.
  Statement& BindStatic(int index, std::string_view text) { return impl_->BindText(index, text, false), *this; }

  // Steps once: true when a row is ready, false when done. Errors become values.
  core::Result<bool> Step() { return impl_->Step(); }
  // Steps to completion, for statements that return no rows.
  core::Result<void> Run();
  // Steps an INSERT ... RETURNING id once and gives the id (both engines; preferred to LastInsertRowId).
  core::Result<int64_t> RunReturningId();
  // Back to before the first Step, bindings cleared.
  void Reset() { impl_->Reset(); }

  int ColumnCount() const { return impl_->ColumnCount(); }
  std::string ColumnName(int column) const { return impl_->ColumnName(column); }
  ColumnType Type(int column) const { return impl_->Type(column); }
  bool IsNull(int column) const { return impl_->Type(column) == ColumnType::kNull; }
  int64_t Int(int column) const { return impl_->Int(column); }
  double Double(int column) const { return impl_->Double(column); }
  std::string Text(int column) const { return std::string(TextView(column)); }
  std::string_view TextView(int column) const { return impl_->TextView(column); }  // valid until the next Step/Reset
  std::optional<std::string> OptionalText(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Text(column);
  }
  std::optional<int64_t> OptionalInt(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Int(column);
  }
  std::string_view Blob(int column) const { return impl_->Blob(column); }

 private:
  std::unique_ptr<StatementImpl> impl_;
};

// One connection, used by one thread at a time. SQLite's is opened in WAL mode with foreign keys
// on and a busy timeout, so that readers and one writer share the file without "database is
// locked" reaching a user; PostgreSQL's reconnects when the server went away between requests.
class Database {
 public:
  // A file path (SQLite) or a postgresql:// URI (libpq's syntax; the password from the URI or
  // PGPASSFILE). No migrations: OpenCatalogue applies them.
  static core::Result<std::unique_ptr<Database>> Open(const std::string& location);
  virtual ~Database() = default;

  virtual Backend backend() const = 0;
  // Statements without parameters, several separated by ';' (migrations).
  virtual core::Result<void> Exec(std::string_view sql) = 0;
  // A prepared statement. Both engines keep prepared statements for reuse (at most
  // kMaxIdleStatements), so the same SQL prepared again is not parsed again.
  virtual core::Result<Statement> Prepare(std::string_view sql) = 0;
  static constexpr size_t kMaxIdleStatements = 64;
  virtual int64_t LastInsertRowId() = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  virtual int Changes() const = 0;
  // The path or URI it was opened with, to open another connection to the same database.
  virtual const std::string& path() const = 0;
  virtual std::string LastErrorMessage() const = 0;
  // Changes whenever any other connection commits, so caches can tell they are stale.
  virtual core::Result<int64_t> DataVersion() = 0;
  // Begins a transaction that holds the database's one write lock (see the header comment).
  virtual core::Result<void> BeginWrite() = 0;
  // A session-level lock named `job`, held until ReleaseJobLock or the connection closes (also
  // when the process dies): one outbox sender, one harvester across every node. PostgreSQL only;
  // SQLite callers use an flock beside the file (store/process_lock).
  virtual core::Result<bool> TryJobLock(const std::string& job) = 0;

  bool is_postgres() const { return backend() == Backend::kPostgres; }
};

// Opens the SQLite file or PostgreSQL database behind `location` (store/sqlite.cpp, store/postgres.cpp).
core::Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path);
core::Result<std::unique_ptr<Database>> OpenPostgres(const std::string& uri);

// BEGIN (with the write lock) ... COMMIT; rolls back when destroyed uncommitted (a crash or an
// early return).
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  core::Result<void> Commit();
  bool began() const { return began_; }
  const core::Error& begin_error() const { return begin_error_; }

 private:
  Database& db_;
  bool began_ = false;
  bool done_ = false;
  core::Error begin_error_;
};

}  // namespace paperfeed::store
