#include "store/search_state.hpp"

#include "store/database.hpp"

namespace paperfeed::store {

core::Result<std::vector<int64_t>> UpvoteTotals(Database& db, const std::vector<std::string>& paper_ids) {
  std::vector<int64_t> out;
  out.reserve(paper_ids.size());
  auto s = db.Prepare("SELECT COALESCE(SUM(upvotes), 0) FROM daily_entries WHERE paper_id = ?");
  if (!s) return s.error();
  for (const auto& id : paper_ids) {
    s->Bind(1, id);
    auto row = s->Step();
    if (!row) return row.error();
    out.push_back(row.value() ? s->Int(0) : 0);
    s->Reset();
  }
  return out;
}

}  // namespace paperfeed::store
