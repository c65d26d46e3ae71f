#include "store/database.hpp"

namespace paperfeed::store {

bool IsPostgresUri(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

core::Result<std::unique_ptr<Database>> Database::Open(const std::string& location) {
  return IsPostgresUri(location) ? OpenPostgres(location) : OpenSqlite(location);
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

core::Result<int64_t> Statement::RunReturningId() {
  auto row = Step();
  if (!row) return row.error();
  if (!row.value()) return core::MakeError(core::ErrorCode::kInternal, "INSERT ... RETURNING gave no row");
  const int64_t id = Int(0);
  Reset();
  return id;
}

Transaction::Transaction(Database& db) : db_(db) {
  auto r = db_.BeginWrite();
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
