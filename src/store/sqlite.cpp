// store/sqlite: the one door to the SQLite C API. Nothing outside store/ includes sqlite3.h.
#include <sqlite3.h>

#include <unordered_map>
#include <utility>

#include "store/database.hpp"

namespace paperfeed::store {
namespace {

core::Error SqlError(sqlite3* db, std::string_view what) {
  int code = sqlite3_errcode(db);
  auto kind = (code == SQLITE_BUSY || code == SQLITE_LOCKED) ? core::ErrorCode::kUnavailable
              : code == SQLITE_CONSTRAINT                       ? core::ErrorCode::kConflict
                                                                : core::ErrorCode::kIo;
  return core::MakeError(kind, std::string(what) + ": " + sqlite3_errmsg(db));
}

// Idle statements of one connection, by their SQL. Used by one thread at a time, as the
// connection is. Preparing is most of the cost of a small query (the signed-in page profile in
// docs/benchmarks.md: sqlite3Parser among the top entries), and a page asks the same few.
struct StatementCache {
  std::unordered_multimap<std::string, sqlite3_stmt*> idle;
};

class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::weak_ptr<StatementCache> cache)
      : db_(db), stmt_(stmt), cache_(std::move(cache)) {}
  ~SqliteStatement() override { Release(); }

  void BindText(int index, std::string_view text, bool copy) override {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
  }
  void BindInt(int index, int64_t value) override { sqlite3_bind_int64(stmt_, index, value); }
  void BindDouble(int index, double value) override { sqlite3_bind_double(stmt_, index, value); }
  void BindBlob(int index, const void* data, size_t size) override {
    sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT);
  }
  void BindNull(int index) override { sqlite3_bind_null(stmt_, index); }

  core::Result<bool> Step() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    auto err = SqlError(db_, "SQL step failed");
    sqlite3_reset(stmt_);
    return err;
  }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int ColumnCount() const override { return sqlite3_column_count(stmt_); }
  std::string ColumnName(int column) const override {
    const char* name = sqlite3_column_name(stmt_, column);
    return name ? name : "";
  }
  ColumnType Type(int column) const override {
    switch (sqlite3_column_type(stmt_, column)) {
      case SQLITE_NULL: return ColumnType::kNull;
      case SQLITE_INTEGER: return ColumnType::kInteger;
      case SQLITE_FLOAT: return ColumnType::kReal;
      case SQLITE_BLOB: return ColumnType::kBlob;
      default: return ColumnType::kText;
    }
  }
  int64_t Int(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string_view TextView(int column) const override {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string_view{};
  }
  std::string_view Blob(int column) const override {
    auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string_view{};
  }

 private:
  // Back to the connection's cache, or finalized.
  void Release() {
    if (!stmt_) return;
    auto cache = cache_.lock();
    const char* sql = sqlite3_sql(stmt_);
    if (cache && sql && cache->idle.size() < Database::kMaxIdleStatements) {
      // Reset ends the statement's read transaction: an idle statement must hold no lock.
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
      cache->idle.emplace(sql, stmt_);
    } else {
      sqlite3_finalize(stmt_);
    }
    stmt_ = nullptr;
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::weak_ptr<StatementCache> cache_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(sqlite3* db, std::string path)
      : db_(db), path_(std::move(path)), statements_(std::make_shared<StatementCache>()) {}
  ~SqliteDatabase() override {
    data_version_.reset();
    for (auto& [sql, stmt] : statements_->idle) sqlite3_finalize(stmt);
    statements_.reset();  // statements still alive finalize themselves
    sqlite3_close_v2(db_);
  }

  Backend backend() const override { return Backend::kSqlite; }

  core::Result<void> Exec(std::string_view sql) override {
    char* message = nullptr;
    std::string owned(sql);
    if (sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : "unknown error";
      sqlite3_free(message);
      auto err = SqlError(db_, "SQL failed");
      err.message = "SQL failed: " + text;
      return err;
    }
    return {};
  }

  core::Result<Statement> Prepare(std::string_view sql) override {
    if (auto it = statements_->idle.find(std::string(sql)); it != statements_->idle.end()) {
      sqlite3_stmt* reused = it->second;
      statements_->idle.erase(it);
      return Statement(std::make_unique<SqliteStatement>(db_, reused, statements_));
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                           nullptr) != SQLITE_OK) {
      return SqlError(db_, "cannot prepare '" + std::string(sql.substr(0, 60)) + "'");
    }
    return Statement(std::make_unique<SqliteStatement>(db_, stmt, statements_));
  }

  int64_t LastInsertRowId() override { return sqlite3_last_insert_rowid(db_); }
  int Changes() const override { return sqlite3_changes(db_); }
  const std::string& path() const override { return path_; }
  std::string LastErrorMessage() const override { return sqlite3_errmsg(db_); }

  // PRAGMA data_version changes when another connection commits (https://sqlite.org/pragma.html#pragma_data_version).
  core::Result<int64_t> DataVersion() override {
    if (!data_version_) {
      auto stmt = Prepare("PRAGMA data_version");
      if (!stmt) return stmt.error();
      data_version_.emplace(std::move(stmt.value()));
    }
    auto row = data_version_->Step();
    if (!row) return row.error();
    int64_t version = row.value() ? data_version_->Int(0) : -1;
    data_version_->Reset();
    return version;
  }

  // BEGIN IMMEDIATE takes the write lock at once, so a read-then-write inside cannot be overtaken.
  core::Result<void> BeginWrite() override { return Exec("BEGIN IMMEDIATE"); }

  core::Result<bool> TryJobLock(const std::string& job) override {
    return core::MakeError(core::ErrorCode::kInternal, "job lock '" + job + "': SQLite uses store/process_lock");
  }

 private:
  sqlite3* db_;
  std::string path_;
  std::shared_ptr<StatementCache> statements_;  // idle statements by SQL text
  std::optional<Statement> data_version_;
};

}  // namespace

core::Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return core::MakeError(core::ErrorCode::kIo, "cannot open database '" + path + "': " + message +
                                                     " (check the path and its permissions, or pass --db)");
  }
  auto db = std::make_unique<SqliteDatabase>(raw, path);
  // A writer holds the lock for one short batch; readers wait up to 10 s rather than fail.
  sqlite3_busy_timeout(raw, 10000);
  // WAL lets readers run beside the writer; NORMAL sync is durable at each checkpoint and never
  // corrupts on a crash (https://sqlite.org/wal.html#performance_considerations).
  // 16 KiB pages for a new file (a no-op on an existing one): rows are ~2 KB of text, and bigger
  // pages mean 4x fewer page writes, WAL frames and B-tree splits on bulk loads
  // (https://sqlite.org/pragma.html#pragma_page_size; must precede journal_mode=WAL).
  if (auto r = db->Exec("PRAGMA page_size=16384"); !r) {
    return core::MakeError(r.error().code, "database '" + path + "': " + r.error().message);
  }
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
                             "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-65536"}) {
    if (auto r = db->Exec(pragma); !r) {
      return core::MakeError(r.error().code, "database '" + path + "': " + r.error().message);
    }
  }
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace paperfeed::store
