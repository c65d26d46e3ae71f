#include "store/refresh_log.hpp"

#include "store/database.hpp"

namespace paperfeed::store {

core::Result<void> RecordRefresh(Database& db, const std::string& source, int64_t at, bool ok, int64_t papers,
                                 const std::optional<std::string>& problem) {
  // One statement, so two processes recording at once cannot interleave a read and a write.
  auto upsert = db.Prepare(
      "INSERT INTO source_refreshes(source, last_attempt_at, last_success_at, last_papers, problem, "
      "consecutive_failures) VALUES (?1, ?2, CASE WHEN ?3 THEN ?2 END, CASE WHEN ?3 THEN ?4 ELSE 0 END, ?5, "
      "CASE WHEN ?3 THEN 0 ELSE 1 END) "
      "ON CONFLICT(source) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, "
      "last_success_at = CASE WHEN ?3 THEN ?2 ELSE source_refreshes.last_success_at END, "
      "last_papers = CASE WHEN ?3 THEN ?4 ELSE source_refreshes.last_papers END, problem = ?5, "
      "consecutive_failures = CASE WHEN ?3 THEN 0 ELSE source_refreshes.consecutive_failures + 1 END");
  if (!upsert) return upsert.error();
  upsert->Bind(1, source).Bind(2, at).Bind(3, static_cast<int64_t>(ok ? 1 : 0)).Bind(4, papers);
  if (problem) upsert->Bind(5, *problem);
  else upsert->BindNull(5);
  return upsert->Run();
}

core::Result<std::vector<SourceRefresh>> ListRefreshes(Database& db) {
  auto query = db.Prepare(
      "SELECT source, last_attempt_at, last_success_at, last_papers, problem, consecutive_failures "
      "FROM source_refreshes ORDER BY source");
  if (!query) return query.error();
  std::vector<SourceRefresh> out;
  for (;;) {
    auto row = query->Step();
    if (!row) return row.error();
    if (!*row) break;
    SourceRefresh r;
    r.source = query->Text(0);
    r.last_attempt_at = query->Int(1);
    if (!query->IsNull(2)) r.last_success_at = query->Int(2);
    r.last_papers = query->Int(3);
    r.problem = query->OptionalText(4);
    r.consecutive_failures = static_cast<int>(query->Int(5));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace paperfeed::store
