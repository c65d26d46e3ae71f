// store/sqlite: the one door to the SQLite C API. Nothing outside store/ includes sqlite3.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace paperfeed::store {

class Statement;
struct StatementCache;

// One connection. Opened in WAL mode with foreign keys on and a busy timeout, so that readers
// and one writer share the file without "database is locked" reaching a user.
class Database {
 public:
  static core::Result<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  core::Result<void> Exec(std::string_view sql);
  // A prepared statement. Statements are kept for reuse when they are destroyed (reset, bindings
  // cleared; at most kMaxIdleStatements), so the same SQL prepared again is not parsed again.
  core::Result<Statement> Prepare(std::string_view sql);
  static constexpr size_t kMaxIdleStatements = 64;
  int64_t LastInsertRowId() const;
  int Changes() const;
  const std::string& path() const { return path_; }
  std::string LastErrorMessage() const;

 private:
  Database(sqlite3* db, std::string path);
  sqlite3* db_;
  std::string path_;
  std::shared_ptr<StatementCache> statements_;  // idle statements by SQL text
};

// A prepared statement. Bind indexes start at 1, column indexes at 0 (as in SQLite).
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, const std::optional<std::string>& text);
  Statement& Bind(int index, const std::optional<int64_t>& value);
  Statement& BindBlob(int index, const void* data, size_t size);
  Statement& BindNull(int index);
  // Text that stays alive and unchanged until the statement is reset: no copy.
  Statement& BindStatic(int index, std::string_view text);

  // Steps once: true when a row is ready, false when done. Errors become values.
  core::Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  core::Result<void> Run();
  void Reset();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  std::string_view TextView(int column) const;  // valid until the next Step/Reset
  std::optional<std::string> OptionalText(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;
  std::string_view Blob(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::weak_ptr<StatementCache> cache)
      : db_(db), stmt_(stmt), cache_(std::move(cache)) {}
  void Release();  // back to the connection's cache, or finalized
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::weak_ptr<StatementCache> cache_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted (a crash or an early return).
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
