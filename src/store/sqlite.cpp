#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <unordered_map>
#include <utility>

namespace paperfeed::store {
namespace {

core::Error SqlError(sqlite3* db, std::string_view what) {
  int code = sqlite3_errcode(db);
  auto kind = (code == SQLITE_BUSY || code == SQLITE_LOCKED) ? core::ErrorCode::kUnavailable
              : code == SQLITE_CONSTRAINT                       ? core::ErrorCode::kConflict
                                                                : core::ErrorCode::kIo;
  return core::MakeError(kind, std::string(what) + ": " + sqlite3_errmsg(db));
}

}  // namespace

// Idle statements of one connection, by their SQL. Used by one thread at a time, as the
// connection is. Preparing is most of the cost of a small query (the signed-in page profile in
// docs/benchmarks.md: sqlite3Parser among the top entries), and a page asks the same few.
struct StatementCache {
  std::unordered_multimap<std::string, sqlite3_stmt*> idle;
};

Database::Database(sqlite3* db, std::string path)
    : db_(db), path_(std::move(path)), statements_(std::make_shared<StatementCache>()) {}

core::Result<std::unique_ptr<Database>> Database::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return core::MakeError(core::ErrorCode::kIo, "cannot open database '" + path + "': " + message +
                                                     " (check the path and its permissions, or pass --db)");
  }
  auto db = std::unique_ptr<Database>(new Database(raw, path));
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
  return db;
}

Database::~Database() {
  for (auto& [sql, stmt] : statements_->idle) sqlite3_finalize(stmt);
  statements_.reset();  // statements still alive finalize themselves
  sqlite3_close_v2(db_);
}

core::Result<void> Database::Exec(std::string_view sql) {
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

core::Result<Statement> Database::Prepare(std::string_view sql) {
  if (auto it = statements_->idle.find(std::string(sql)); it != statements_->idle.end()) {
    sqlite3_stmt* reused = it->second;
    statements_->idle.erase(it);
    return Statement(db_, reused, statements_);
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                         nullptr) != SQLITE_OK) {
    return SqlError(db_, "cannot prepare '" + std::string(sql.substr(0, 60)) + "'");
  }
  return Statement(db_, stmt, statements_);
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Database::Changes() const { return sqlite3_changes(db_); }
std::string Database::LastErrorMessage() const { return sqlite3_errmsg(db_); }

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      cache_(std::move(other.cache_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
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

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, const std::optional<std::string>& text) {
  return text ? Bind(index, std::string_view(*text)) : BindNull(index);
}
Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}
Statement& Statement::BindBlob(int index, const void* data, size_t size) {
  sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindStatic(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

core::Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  auto err = SqlError(db_, "SQL step failed");
  sqlite3_reset(stmt_);
  return err;
}

core::Result<void> Statement::Run() {
  for (;;) {
    auto row = Step();
    if (!row) return row.error();
    if (!row.value()) break;
  }
  Reset();
  return {};
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::Double(int column) const { return sqlite3_column_double(stmt_, column); }
std::string Statement::Text(int column) const { return std::string(TextView(column)); }
std::string_view Statement::TextView(int column) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string_view{};
}
std::optional<std::string> Statement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}
std::optional<int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}
std::string_view Statement::Blob(int column) const {
  auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string_view{};
}

Transaction::Transaction(Database& db) : db_(db) {
  auto r = db_.Exec("BEGIN IMMEDIATE");
  began_ = r.ok();
  if (!began_) begin_error_ = r.error();
}

Transaction::~Transaction() {
  if (began_ && !done_) (void)db_.Exec("ROLLBACK");
}

core::Result<void> Transaction::Commit() {
  if (!began_) return begin_error_;
  auto r = db_.Exec("COMMIT");
  if (r) done_ = true;
  return r;
}

}  // namespace paperfeed::store
