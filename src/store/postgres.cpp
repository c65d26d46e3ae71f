// store/postgres: the one door to libpq (PostgreSQL's C client). Nothing outside store/ includes
// libpq-fe.h. Statements are prepared on the server once per connection and SQL text (and the
// types bound), parameters travel as text (blobs as binary bytea), results come back as text and
// are parsed on access: the same values SQLite's door hands out.
#include <libpq-fe.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace paperfeed::store {
namespace {

// Type OIDs from PostgreSQL's catalog (src/include/catalog/pg_type.dat); libpq does not export them.
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kOidOid = 26,
              kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;
// The write lock every writer takes in BeginWrite, and the first key of job locks ("pf").
constexpr int64_t kWriteLockKey = 0x70617065726665;  // "paperfe"
constexpr int kJobLockSpace = 0x7066;

// SQLite's placeholders (?, ?NNN) as PostgreSQL's ($N), outside quotes and comments. A bare ? takes
// the number after the largest so far, as in SQLite (https://sqlite.org/lang_expr.html#varparam).
struct TranslatedSql {
  std::string text;
  int parameters = 0;
};
TranslatedSql TranslatePlaceholders(std::string_view sql) {
  TranslatedSql out;
  out.text.reserve(sql.size() + 8);
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // a literal or quoted identifier; a doubled quote stays inside
      size_t end = i + 1;
      while (end < sql.size() && !(sql[end] == c && (end + 1 >= sql.size() || sql[end + 1] != c))) {
        end += sql[end] == c ? 2 : 1;
      }
      out.text.append(sql.substr(i, end + 1 - i));
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size() - 1;
      out.text.append(sql.substr(i, end + 1 - i));
      i = end;
    } else if (c == '?') {
      size_t end = i + 1;
      while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') ++end;
      int number = ++out.parameters;
      if (end > i + 1) {
        std::from_chars(sql.data() + i + 1, sql.data() + end, number);
        out.parameters = std::max(out.parameters - 1, number);
      }
      out.text += '$' + std::to_string(number);
      i = end - 1;
    } else {
      out.text += c;
    }
  }
  return out;
}

// SQLSTATE classes (https://www.postgresql.org/docs/15/errcodes-appendix.html): 23 integrity
// constraint violations are conflicts; 40 (serialization, deadlock), 55P03 (lock not available),
// 57 (operator intervention: shutdown) and 08 (connection) may pass on a retry.
core::ErrorCode KindOf(const char* state) {
  if (state == nullptr) return core::ErrorCode::kUnavailable;  // no server answer: the connection broke
  if (std::strncmp(state, "23", 2) == 0) return core::ErrorCode::kConflict;
  if (std::strncmp(state, "40", 2) == 0 || std::strncmp(state, "08", 2) == 0 || std::strncmp(state, "57", 2) == 0 ||
      std::strcmp(state, "55P03") == 0)
    return core::ErrorCode::kUnavailable;
  return core::ErrorCode::kIo;
}

std::string Trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

core::Error ResultError(const PGresult* result, PGconn* conn, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? Trimmed(PQresultErrorMessage(result)) : "";
  if (message.empty()) message = Trimmed(PQerrorMessage(conn));
  return core::MakeError(KindOf(state), std::string(what) + ": " + message);
}

// The URI without its password, for messages and path().
std::string WithoutPassword(const std::string& uri) {
  std::string out = uri;
  const size_t scheme = out.find("://");
  const size_t at = out.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme != std::string::npos && at != std::string::npos) {
    const size_t colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out.replace(colon, at - colon, ":***");
  }
  for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    size_t end = out.find('&', p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
  }
  return out;
}

class PostgresDatabase;

class PostgresStatement final : public StatementImpl {
 public:
  PostgresStatement(PostgresDatabase& db, std::string sql, int parameters)
      : db_(db), sql_(std::move(sql)), values_(parameters), nulls_(parameters, 1), formats_(parameters, 0),
        types_(parameters, 0) {}
  ~PostgresStatement() override { Clear(); }

  void BindText(int index, std::string_view text, bool /*copy*/) override {
    // Unknown type: the server infers it from where the parameter stands (a citext column, a
    // bigint comparison), as SQLite's affinity would.
    Set(index, std::string(text), 0, 0);
  }
  void BindInt(int index, int64_t value) override {
    // Small values stay untyped so that substr(x, 1, ?) and int columns resolve; large ones are
    // int8 so that they never meet an int4 operator.
    const bool small = value >= INT32_MIN && value <= INT32_MAX;
    Set(index, std::to_string(value), small ? 0 : kInt8Oid, 0);
  }
  void BindDouble(int index, double value) override {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    Set(index, buf, kFloat8Oid, 0);
  }
  void BindBlob(int index, const void* data, size_t size) override {
    Set(index, std::string(static_cast<const char*>(data), size), kByteaOid, 1);
  }
  void BindNull(int index) override {
    if (Valid(index)) nulls_[index - 1] = 1;
  }

  core::Result<bool> Step() override;
  void Reset() override {
    Clear();
    for (size_t i = 0; i < values_.size(); ++i) {
      values_[i].clear();
      nulls_[i] = 1;
      formats_[i] = 0;
      types_[i] = 0;
    }
  }

  int ColumnCount() const override { return result_ ? PQnfields(result_) : 0; }
  std::string ColumnName(int column) const override {
    const char* name = result_ ? PQfname(result_, column) : nullptr;
    return name ? name : "";
  }
  ColumnType Type(int column) const override {
    if (!HasCell(column) || PQgetisnull(result_, row_, column)) return ColumnType::kNull;
    switch (PQftype(result_, column)) {
      case kBoolOid: case kInt8Oid: case kInt2Oid: case kInt4Oid: case kOidOid: return ColumnType::kInteger;
      case kFloat4Oid: case kFloat8Oid: case kNumericOid: return ColumnType::kReal;
      case kByteaOid: return ColumnType::kBlob;
      default: return ColumnType::kText;
    }
  }
  int64_t Int(int column) const override {
    std::string_view text = TextView(column);
    if (text == "t") return 1;  // booleans (EXISTS, comparisons) read as SQLite's 1 and 0
    if (text == "f") return 0;
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end != text.data() + text.size() && *end == '.') return value;  // numeric, truncated
    if (ec != std::errc()) return static_cast<int64_t>(Double(column));
    return value;
  }
  double Double(int column) const override {
    std::string text(TextView(column));
    return text.empty() ? 0.0 : std::strtod(text.c_str(), nullptr);
  }
  std::string_view TextView(int column) const override {
    if (!HasCell(column) || PQgetisnull(result_, row_, column)) return {};
    return std::string_view(PQgetvalue(result_, row_, column), static_cast<size_t>(PQgetlength(result_, row_, column)));
  }
  // bytea arrives in the text format as "\x" and hex digits (https://www.postgresql.org/docs/15/datatype-binary.html).
  std::string_view Blob(int column) const override {
    std::string_view text = TextView(column);
    if (PQftype(result_, column) != kByteaOid || text.substr(0, 2) != "\\x") return text;
    auto& decoded = decoded_[column];
    decoded.clear();
    for (size_t i = 2; i + 1 < text.size(); i += 2) {
      unsigned byte = 0;
      std::from_chars(text.data() + i, text.data() + i + 2, byte, 16);
      decoded += static_cast<char>(byte);
    }
    return decoded;
  }

 private:
  bool Valid(int index) const { return index >= 1 && index <= static_cast<int>(values_.size()); }
  void Set(int index, std::string value, Oid type, int format) {
    if (!Valid(index)) return;
    values_[index - 1] = std::move(value);
    nulls_[index - 1] = 0;
    types_[index - 1] = type;
    formats_[index - 1] = format;
  }
  bool HasCell(int column) const {
    return result_ && row_ >= 0 && row_ < PQntuples(result_) && column >= 0 && column < PQnfields(result_);
  }
  void Clear() {
    if (result_) PQclear(result_);
    result_ = nullptr;
    row_ = -1;
    decoded_.clear();
  }

  PostgresDatabase& db_;
  std::string sql_;
  std::vector<std::string> values_;
  std::vector<char> nulls_;
  std::vector<int> formats_;
  std::vector<Oid> types_;
  PGresult* result_ = nullptr;
  int row_ = -1;
  mutable std::unordered_map<int, std::string> decoded_;
};

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(PGconn* conn, std::string uri) : conn_(conn), uri_(std::move(uri)), shown_(WithoutPassword(uri_)) {}
  ~PostgresDatabase() override { PQfinish(conn_); }

  Backend backend() const override { return Backend::kPostgres; }

  core::Result<void> Exec(std::string_view sql) override {
    if (auto r = EnsureConnected(); !r) return r;
    PGresult* result = PQexec(conn_, std::string(sql).c_str());
    const auto status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      auto err = ResultError(result, conn_, "SQL failed");
      PQclear(result);
      return err;
    }
    // COMMIT of a transaction in which a statement failed ends it as a ROLLBACK, without an error.
    const bool rolled_back = std::strcmp(PQcmdStatus(result), "ROLLBACK") == 0 && sql.rfind("COMMIT", 0) == 0;
    changes_ = std::atoi(PQcmdTuples(result));
    PQclear(result);
    if (rolled_back)
      return core::MakeError(core::ErrorCode::kConflict, "COMMIT failed: an earlier statement of the transaction failed");
    return {};
  }

  core::Result<Statement> Prepare(std::string_view sql) override {
    if (auto r = EnsureConnected(); !r) return r.error();
    auto translated = TranslatePlaceholders(sql);
    return Statement(std::make_unique<PostgresStatement>(*this, std::move(translated.text), translated.parameters));
  }

  int64_t LastInsertRowId() override {
    // lastval(): the identity sequence this session advanced last, as SQLite's rowid is the row
    // this connection inserted last. Callers prefer RETURNING id.
    PGresult* result = PQexec(conn_, "SELECT lastval()");
    int64_t id = PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1
                     ? std::strtoll(PQgetvalue(result, 0, 0), nullptr, 10)
                     : 0;
    PQclear(result);
    return id;
  }
  int Changes() const override { return changes_; }
  const std::string& path() const override { return uri_; }
  std::string LastErrorMessage() const override { return Trimmed(PQerrorMessage(conn_)); }

  // The write-ahead log's position moves with every commit of any connection to the cluster
  // (and with maintenance, which at worst empties a cache early).
  core::Result<int64_t> DataVersion() override {
    auto stmt = Prepare(
        "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END"
        " - '0/0'::pg_lsn)::bigint");
    if (!stmt) return stmt.error();
    auto row = stmt->Step();
    if (!row) return row.error();
    return row.value() ? stmt->Int(0) : -1;
  }

  core::Result<void> BeginWrite() override {
    return Exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLockKey) + ")");
  }

  core::Result<bool> TryJobLock(const std::string& job) override {
    auto stmt = Prepare("SELECT pg_try_advisory_lock(" + std::to_string(kJobLockSpace) + ", hashtext(?))");
    if (!stmt) return stmt.error();
    stmt->Bind(1, job);
    auto row = stmt->Step();
    if (!row) return row.error();
    return row.value() && stmt->Int(0) == 1;
  }

  // Runs a statement: prepared on first use per SQL text and parameter types, then reused.
  PGresult* Execute(const std::string& sql, const std::vector<std::string>& values, const std::vector<char>& nulls,
                    const std::vector<int>& formats, const std::vector<Oid>& types, core::Error* error) {
    if (auto r = EnsureConnected(); !r) {
      *error = r.error();
      return nullptr;
    }
    std::string key = sql;
    key.push_back('\0');
    for (Oid t : types) key += std::to_string(t) + ',';
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
      if (prepared_.size() >= 4 * kMaxIdleStatements) {  // a bound: statements built from user input vary
        PQclear(PQexec(conn_, "DEALLOCATE ALL"));
        prepared_.clear();
      }
      std::string name = "pf" + std::to_string(++statement_counter_);
      PGresult* prepared = PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(types.size()), types.data());
      if (PQresultStatus(prepared) != PGRES_COMMAND_OK) {
        *error = ResultError(prepared, conn_, "cannot prepare '" + sql.substr(0, 60) + "'");
        PQclear(prepared);
        return nullptr;
      }
      PQclear(prepared);
      it = prepared_.emplace(std::move(key), std::move(name)).first;
    }
    std::vector<const char*> pointers(values.size());
    std::vector<int> lengths(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      pointers[i] = nulls[i] ? nullptr : values[i].c_str();
      lengths[i] = static_cast<int>(values[i].size());
    }
    PGresult* result = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()), pointers.data(),
                                      lengths.data(), formats.data(), 0);
    const auto status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      *error = ResultError(result, conn_, "SQL step failed");
      PQclear(result);
      return nullptr;
    }
    changes_ = std::atoi(PQcmdTuples(result));
    return result;
  }

 private:
  // A server restart or a dropped connection between requests: reconnect, unless a transaction
  // was open (its work is gone; the caller hears so and retries the whole unit).
  core::Result<void> EnsureConnected() {
    if (PQstatus(conn_) == CONNECTION_OK) return {};
    PQreset(conn_);
    prepared_.clear();
    if (PQstatus(conn_) != CONNECTION_OK)
      return core::MakeError(core::ErrorCode::kUnavailable,
                             "lost the connection to PostgreSQL at " + shown_ + ": " + Trimmed(PQerrorMessage(conn_)));
    return {};
  }

  PGconn* conn_;
  std::string uri_;
  std::string shown_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL + types -> server-side statement name
  int64_t statement_counter_ = 0;
  int changes_ = 0;
};

core::Result<bool> PostgresStatement::Step() {
  if (!result_) {
    core::Error error;
    result_ = db_.Execute(sql_, values_, nulls_, formats_, types_, &error);
    if (!result_) return error;
    row_ = -1;
  }
  decoded_.clear();
  ++row_;
  return row_ < PQntuples(result_);
}

void IgnoreNotice(void*, const char*) {}  // "relation already exists, skipping" and the like

}  // namespace

core::Result<std::unique_ptr<Database>> OpenPostgres(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return core::MakeError(core::ErrorCode::kUnavailable,
                           "cannot connect to PostgreSQL at " + WithoutPassword(uri) + ": " + message +
                               " (is the server running? check the URI's host, port, user and database; a password "
                               "goes in the URI or in PGPASSFILE)");
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  auto db = std::make_unique<PostgresDatabase>(conn, uri);
  // UTC timestamps and UTF-8 text whatever the server's defaults; standard strings (a backslash is
  // a character, as in SQLite).
  if (auto r = db->Exec("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET standard_conforming_strings = on");
      !r) {
    return core::MakeError(r.error().code, "database " + WithoutPassword(uri) + ": " + r.error().message);
  }
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace paperfeed::store
