#include "store/catalogue.hpp"

#include <charconv>
#include <ctime>

#include "core/dates.hpp"
#include "core/text.hpp"
#include "store/hf_details.hpp"
#include "store/migrations.hpp"
#include "store/database.hpp"

namespace paperfeed::store {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out.push_back('\n');
    out += item;
  }
  return out;
}

using core::SplitLines;

std::string EncodeVersions(const std::vector<core::PaperVersion>& versions) {
  std::string out;
  for (const auto& v : versions) {
    if (!out.empty()) out.push_back('\n');
    out += std::to_string(v.number);
    out.push_back(' ');
    out += v.created;
  }
  return out;
}

std::vector<core::PaperVersion> DecodeVersions(std::string_view text) {
  std::vector<core::PaperVersion> out;
  for (const auto& line : SplitLines(text)) {
    core::PaperVersion v;
    auto space = line.find(' ');
    std::from_chars(line.data(), line.data() + std::min(space, line.size()), v.number);
    if (space != std::string::npos) v.created = line.substr(space + 1);
    out.push_back(std::move(v));
  }
  return out;
}

std::string JoinSpaces(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out.push_back(' ');
    out += item;
  }
  return out;
}

// Which record is newer: a higher version, then a later update date. Sources with no version
// (Hugging Face) sort below every arXiv record.
int CompareFreshness(const core::Paper& incoming, int64_t stored_source, int64_t stored_version,
                     std::string_view stored_updated) {
  if (static_cast<int64_t>(incoming.source) != stored_source)
    return static_cast<int64_t>(incoming.source) < stored_source ? -1 : 1;
  if (incoming.latest_version != stored_version) return incoming.latest_version < stored_version ? -1 : 1;
  if (incoming.updated != stored_updated) return incoming.updated < stored_updated ? -1 : 1;
  return 0;
}

class SqlCatalogue final : public Catalogue {
 public:
  explicit SqlCatalogue(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  Result<void> Prepare() {
    auto prepare = [&](std::optional<Statement>& slot, std::string_view sql) -> Result<void> {
      auto s = db_->Prepare(sql);
      if (!s) return s.error();
      slot.emplace(std::move(s.value()));
      return {};
    };
    constexpr std::string_view kColumns =
        "doc_id, change_seq, id, latest_version, versions, title, abstract, authors, primary_category, "
        "categories, published, updated, comments, journal_ref, doi, license, submitter, github_repo, "
        "github_stars, project_page, metadata_source";
    for (auto r : {
             prepare(find_state_, "SELECT doc_id, metadata_source, latest_version, updated, fingerprint, github_repo, "
                                  "github_stars, project_page FROM papers WHERE id = ?"),
             prepare(insert_,
                     "INSERT INTO papers(id, latest_version, versions, title, abstract, authors, primary_category, "
                     "categories, published, updated, comments, journal_ref, doi, license, submitter, github_repo, "
                     "github_stars, project_page, metadata_source, fingerprint, change_seq) "
                     "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21)"),
             prepare(update_metadata_,
                     "UPDATE papers SET latest_version=?2, versions=?3, title=?4, abstract=?5, authors=?6, "
                     "primary_category=?7, categories=?8, published=?9, updated=?10, comments=?11, journal_ref=?12, "
                     "doi=?13, license=?14, submitter=?15, github_repo=?16, github_stars=?17, project_page=?18, "
                     "metadata_source=?19, fingerprint=?20, change_seq=?21 WHERE id=?1"),
             prepare(update_links_, "UPDATE papers SET github_repo=?2, github_stars=?3, project_page=?4, change_seq=?5 "
                                    "WHERE id=?1"),
             prepare(find_entry_, "SELECT upvotes, num_comments, submitted_by, submitted_by_fullname FROM daily_entries "
                                  "WHERE day=? AND paper_id=?"),
             prepare(insert_entry_, "INSERT INTO daily_entries(day, paper_id, submitted_by, submitted_by_fullname, "
                                    "upvotes, num_comments) VALUES (?,?,?,?,?,?)"),
             prepare(update_entry_, "UPDATE daily_entries SET submitted_by=?3, submitted_by_fullname=?4, upvotes=?5, "
                                    "num_comments=?6 WHERE day=?1 AND paper_id=?2"),
             prepare(select_paper_, "SELECT " + std::string(kColumns) + " FROM papers WHERE id = ?"),
             prepare(select_changed_, "SELECT " + std::string(kColumns) +
                                          " FROM papers WHERE change_seq > ? ORDER BY change_seq LIMIT ?"),
         }) {
      if (!r) return r;
    }
    return {};
  }

  Result<UpsertOutcome> UpsertPaper(const core::Paper& paper) override {
    return InBatch<UpsertOutcome>([&] { return UpsertPaperLocked(paper); });
  }

  Result<UpsertOutcome> UpsertDailyEntry(const core::DailyEntry& entry) override {
    return InBatch<UpsertOutcome>([&] { return UpsertDailyEntryLocked(entry); });
  }

  Result<std::optional<StoredPaper>> FindPaper(const std::string& id) override {
    auto& s = *select_paper_;
    s.Bind(1, id);
    auto row = s.Step();
    if (!row) return row.error();
    std::optional<StoredPaper> found;
    if (row.value()) found = ReadPaper(s);
    s.Reset();
    if (found) {
      auto hf = LoadHfDetails(*db_, id);
      if (!hf) return hf.error();
      found->paper.hf = std::move(hf.value());
    }
    return found;
  }

  Result<std::vector<core::DailyEntry>> DailyEntriesForPaper(const std::string& id) override {
    auto s = db_->Prepare(
        "SELECT day, submitted_by, submitted_by_fullname, upvotes, num_comments FROM daily_entries WHERE paper_id=? "
        "ORDER BY day");
    if (!s) return s.error();
    s->Bind(1, id);
    std::vector<core::DailyEntry> out;
    for (;;) {
      auto row = s->Step();
      if (!row) return row.error();
      if (!row.value()) break;
      out.push_back({id, s->Text(0), s->Text(1), s->Text(2), s->Int(3), s->Int(4)});
    }
    std::vector<std::pair<std::string, std::string>> keys;
    for (const auto& e : out) keys.emplace_back(e.day, e.paper_id);
    auto submitters = LoadHfSubmitters(*db_, keys);
    if (!submitters) return submitters.error();
    for (auto& e : out) {
      if (auto it = submitters->find({e.day, e.paper_id}); it != submitters->end()) e.submitter = it->second;
      e.submitter.user = e.submitted_by;
      e.submitter.fullname = e.submitted_by_fullname;
    }
    return out;
  }

  Result<CatalogueStats> Stats() override {
    auto s = db_->Prepare(
        "SELECT (SELECT COUNT(*) FROM papers), (SELECT COUNT(*) FROM daily_entries), "
        "(SELECT COALESCE(SUM(upvotes),0) FROM daily_entries), (SELECT COUNT(DISTINCT day) FROM daily_entries)");
    if (!s) return s.error();
    auto row = s->Step();
    if (!row) return row.error();
    return CatalogueStats{s->Int(0), s->Int(1), s->Int(2), s->Int(3)};
  }

  Result<std::string> CheckIntegrity() override {
    std::string problems;
    auto note = [&](const std::string& what) { problems += (problems.empty() ? "" : "; ") + what; };
    // SQLite checks its file and the foreign keys (which it enforces only when asked); PostgreSQL
    // enforces foreign keys always and checks its own pages.
    if (!db_->is_postgres()) {
      for (const char* sql : {"PRAGMA integrity_check", "PRAGMA foreign_key_check"}) {
        auto s = db_->Prepare(sql);
        if (!s) return s.error();
        for (;;) {
          auto row = s->Step();
          if (!row) return row.error();
          if (!row.value()) break;
          std::string line = s->Text(0);
          if (line != "ok") note(std::string(sql).substr(7) + ": " + line);
        }
      }
    }
    // Both: no paper may claim a change the counter has not reached, or the search indexes,
    // which follow the counter, would skip it.
    auto s = db_->Prepare("SELECT COUNT(*) FROM papers WHERE change_seq > (SELECT value FROM counters WHERE name = 'change_seq')");
    if (!s) return s.error();
    auto row = s->Step();
    if (!row) return row.error();
    if (row.value() && s->Int(0) > 0) note(std::to_string(s->Int(0)) + " papers are ahead of the change counter");
    return problems.empty() ? std::string("ok") : problems;
  }

  Result<std::vector<StoredPaper>> PapersChangedSince(int64_t after_seq, int limit) override {
    auto& s = *select_changed_;
    s.Bind(1, after_seq).Bind(2, limit);
    std::vector<StoredPaper> out;
    for (;;) {
      auto row = s.Step();
      if (!row) {
        s.Reset();
        return row.error();
      }
      if (!row.value()) break;
      out.push_back(ReadPaper(s));
    }
    s.Reset();
    return out;
  }

  Result<HarvestState> LoadHarvestState(const std::string& source) override {
    auto s = db_->Prepare("SELECT last_datestamp, resumption_token FROM harvest_state WHERE source = ?");
    if (!s) return s.error();
    s->Bind(1, source);
    HarvestState state{source, std::nullopt, std::nullopt};
    auto row = s->Step();
    if (!row) return row.error();
    if (row.value()) {
      state.last_datestamp = s->OptionalText(0);
      state.resumption_token = s->OptionalText(1);
    }
    return state;
  }

  Result<void> SaveHarvestState(const HarvestState& state) override {
    auto s = db_->Prepare(
        "INSERT INTO harvest_state(source, last_datestamp, resumption_token, updated_at) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(source) DO UPDATE SET "
        "last_datestamp=excluded.last_datestamp, resumption_token=excluded.resumption_token, "
        "updated_at=excluded.updated_at");
    if (!s) return s.error();
    s->Bind(1, state.source).Bind(2, state.last_datestamp).Bind(3, state.resumption_token);
    s->Bind(4, core::UnixToIso(static_cast<int64_t>(std::time(nullptr))));
    return s->Run();
  }

  Result<void> BeginBatch() override {
    if (in_batch_) return MakeError(ErrorCode::kInternal, "a catalogue batch is already open");
    if (auto r = db_->BeginWrite(); !r) return r;
    auto seq = db_->Prepare("SELECT value FROM counters WHERE name = 'change_seq'");
    if (!seq) {
      (void)db_->Exec("ROLLBACK");
      return seq.error();
    }
    auto row = seq->Step();
    if (!row || !row.value()) {
      (void)db_->Exec("ROLLBACK");
      return MakeError(ErrorCode::kInternal, "counter change_seq is missing from the catalogue");
    }
    change_seq_ = seq->Int(0);
    in_batch_ = true;
    return {};
  }

  Result<void> CommitBatch() override {
    if (!in_batch_) return MakeError(ErrorCode::kInternal, "no catalogue batch is open");
    auto save = db_->Prepare("UPDATE counters SET value = ? WHERE name = 'change_seq'");
    if (!save) return save.error();
    save->Bind(1, change_seq_);
    if (auto r = save->Run(); !r) return r;
    if (auto r = db_->Exec("COMMIT"); !r) return r;
    in_batch_ = false;
    return {};
  }

  void RollbackBatch() override {
    if (!in_batch_) return;
    (void)db_->Exec("ROLLBACK");
    in_batch_ = false;
  }

  Database& database() override { return *db_; }

 private:
  template <typename T, typename F>
  Result<T> InBatch(F&& work) {
    if (in_batch_) return work();
    if (auto r = BeginBatch(); !r) return r.error();
    auto result = work();
    if (!result) {
      RollbackBatch();
      return result;
    }
    if (auto r = CommitBatch(); !r) {
      RollbackBatch();
      return r.error();
    }
    return result;
  }

  // The encoded fields live in members until the statement has run, so text binds need no copy.
  void BindMetadata(Statement& s, const core::Paper& p, const std::optional<std::string>& github,
                    const std::optional<int64_t>& stars, const std::optional<std::string>& page,
                    uint64_t fingerprint) {
    versions_text_ = EncodeVersions(p.versions);
    authors_text_ = JoinLines(p.authors);
    categories_text_ = JoinSpaces(p.categories);
    s.BindStatic(1, p.id)
        .Bind(2, p.latest_version)
        .BindStatic(3, versions_text_)
        .BindStatic(4, p.title)
        .BindStatic(5, p.abstract)
        .BindStatic(6, authors_text_)
        .BindStatic(7, p.primary_category)
        .BindStatic(8, categories_text_)
        .BindStatic(9, p.published)
        .BindStatic(10, p.updated)
        .BindStatic(11, p.comments)
        .BindStatic(12, p.journal_ref)
        .BindStatic(13, p.doi)
        .BindStatic(14, p.license)
        .BindStatic(15, p.submitter)
        .Bind(16, github)
        .Bind(17, stars)
        .Bind(18, page)
        .Bind(19, static_cast<int64_t>(p.source))
        .Bind(20, static_cast<int64_t>(fingerprint))
        .Bind(21, ++change_seq_);
  }

  // The paper's row, then Hugging Face's additions beside it (store/hf_details).
  Result<UpsertOutcome> UpsertPaperLocked(const core::Paper& paper) {
    auto outcome = UpsertPaperRowLocked(paper);
    if (!outcome) return outcome;
    auto hf = MergeHfDetails(*db_, paper.id, paper.hf);
    if (!hf) return hf.error();
    return hf.value() && outcome.value() == UpsertOutcome::kUnchanged ? UpsertOutcome::kUpdated : outcome.value();
  }

  Result<UpsertOutcome> UpsertPaperRowLocked(const core::Paper& paper) {
    auto& find = *find_state_;
    find.Bind(1, paper.id);
    auto row = find.Step();
    if (!row) {
      find.Reset();
      return row.error();
    }
    if (!row.value()) {
      find.Reset();
      BindMetadata(*insert_, paper, paper.github_repo, paper.github_stars, paper.project_page, MetadataFingerprint(paper));
      if (auto r = insert_->Run(); !r) return r.error();
      return UpsertOutcome::kInserted;
    }
    const int64_t stored_source = find.Int(1);
    const int64_t stored_version = find.Int(2);
    const std::string stored_updated = find.Text(3);
    const auto stored_fingerprint = static_cast<uint64_t>(find.Int(4));
    std::optional<std::string> github = find.OptionalText(5);
    std::optional<int64_t> stars = find.OptionalInt(6);
    std::optional<std::string> page = find.OptionalText(7);
    find.Reset();

    // Code links: any source may add or refresh them; none removes them.
    bool links_changed = false;
    auto merge = [&](auto& stored, const auto& incoming) {
      if (incoming && incoming != stored) {
        stored = incoming;
        links_changed = true;
      }
    };
    merge(github, paper.github_repo);
    merge(stars, paper.github_stars);
    merge(page, paper.project_page);

    const int freshness = CompareFreshness(paper, stored_source, stored_version, stored_updated);
    const uint64_t fingerprint = MetadataFingerprint(paper);
    const bool metadata_wins = freshness > 0 || (freshness == 0 && fingerprint != stored_fingerprint);
    if (metadata_wins) {
      BindMetadata(*update_metadata_, paper, github, stars, page, fingerprint);
      if (auto r = update_metadata_->Run(); !r) return r.error();
      return UpsertOutcome::kUpdated;
    }
    if (links_changed) {
      update_links_->Bind(1, paper.id).Bind(2, github).Bind(3, stars).Bind(4, page).Bind(5, ++change_seq_);
      if (auto r = update_links_->Run(); !r) return r.error();
      return UpsertOutcome::kUpdated;
    }
    return UpsertOutcome::kUnchanged;
  }

  Result<UpsertOutcome> UpsertDailyEntryLocked(const core::DailyEntry& e) {
    auto outcome = UpsertDailyEntryRowLocked(e);
    if (!outcome) return outcome;
    auto hf = MergeHfSubmitter(*db_, e.day, e.paper_id, e.submitter);
    if (!hf) return hf.error();
    return hf.value() && outcome.value() == UpsertOutcome::kUnchanged ? UpsertOutcome::kUpdated : outcome.value();
  }

  Result<UpsertOutcome> UpsertDailyEntryRowLocked(const core::DailyEntry& e) {
    auto& find = *find_entry_;
    find.Bind(1, e.day).Bind(2, e.paper_id);
    auto row = find.Step();
    if (!row) {
      find.Reset();
      return row.error();
    }
    if (!row.value()) {
      find.Reset();
      insert_entry_->Bind(1, e.day)
          .Bind(2, e.paper_id)
          .Bind(3, e.submitted_by)
          .Bind(4, e.submitted_by_fullname)
          .Bind(5, e.upvotes)
          .Bind(6, e.num_comments);
      if (auto r = insert_entry_->Run(); !r) {
        return MakeError(r.error().code, "daily entry " + e.day + " " + e.paper_id + ": " + r.error().message);
      }
      return UpsertOutcome::kInserted;
    }
    const int64_t stored_upvotes = find.Int(0);
    const int64_t stored_comments = find.Int(1);
    const std::string stored_by = find.Text(2);
    const std::string stored_by_full = find.Text(3);
    find.Reset();
    const int64_t upvotes = std::max(stored_upvotes, e.upvotes);
    const int64_t comments = std::max(stored_comments, e.num_comments);
    const std::string& by = stored_by.empty() ? e.submitted_by : stored_by;
    const std::string& by_full = stored_by_full.empty() ? e.submitted_by_fullname : stored_by_full;
    if (upvotes == stored_upvotes && comments == stored_comments && by == stored_by && by_full == stored_by_full) {
      return UpsertOutcome::kUnchanged;
    }
    update_entry_->Bind(1, e.day).Bind(2, e.paper_id).Bind(3, by).Bind(4, by_full).Bind(5, upvotes).Bind(6, comments);
    if (auto r = update_entry_->Run(); !r) return r.error();
    return UpsertOutcome::kUpdated;
  }

  StoredPaper ReadPaper(const Statement& s) {
    StoredPaper out;
    out.doc_id = s.Int(0);
    out.change_seq = s.Int(1);
    core::Paper& p = out.paper;
    p.id = s.Text(2);
    p.latest_version = static_cast<int>(s.Int(3));
    p.versions = DecodeVersions(s.TextView(4));
    p.title = s.Text(5);
    p.abstract = s.Text(6);
    p.authors = SplitLines(s.TextView(7));
    p.primary_category = s.Text(8);
    p.categories = core::SplitWhitespace(s.TextView(9));
    p.published = s.Text(10);
    p.updated = s.Text(11);
    p.comments = s.Text(12);
    p.journal_ref = s.Text(13);
    p.doi = s.Text(14);
    p.license = s.Text(15);
    p.submitter = s.Text(16);
    p.github_repo = s.OptionalText(17);
    p.github_stars = s.OptionalInt(18);
    p.project_page = s.OptionalText(19);
    p.source = s.Int(20) == 1 ? core::MetadataSource::kArxiv : core::MetadataSource::kHuggingFace;
    return out;
  }

  std::unique_ptr<Database> db_;
  bool in_batch_ = false;
  int64_t change_seq_ = 0;
  std::optional<Statement> find_state_, insert_, update_metadata_, update_links_;
  std::optional<Statement> find_entry_, insert_entry_, update_entry_;
  std::optional<Statement> select_paper_, select_changed_;
  std::string versions_text_, authors_text_, categories_text_;
};

}  // namespace

uint64_t MetadataFingerprint(const core::Paper& p) {
  core::Fingerprint f;
  f.Add(static_cast<int64_t>(p.source));
  f.Add(static_cast<int64_t>(p.latest_version));
  for (const auto& v : p.versions) {
    f.Add(static_cast<int64_t>(v.number));
    f.Add(v.created);
  }
  for (auto* field : {&p.title, &p.abstract, &p.primary_category, &p.published, &p.updated, &p.comments,
                      &p.journal_ref, &p.doi, &p.license, &p.submitter})
    f.Add(*field);
  f.Add(static_cast<int64_t>(p.authors.size()));
  for (const auto& a : p.authors) f.Add(a);
  f.Add(static_cast<int64_t>(p.categories.size()));
  for (const auto& c : p.categories) f.Add(c);
  return f.value();
}

Result<std::unique_ptr<Catalogue>> OpenCatalogue(const std::string& location) {
  auto db = Database::Open(location);
  if (!db) return db.error();
  if (auto r = ApplyMigrations(*db.value()); !r) return r.error();
  auto catalogue = std::make_unique<SqlCatalogue>(std::move(db.value()));
  if (auto r = catalogue->Prepare(); !r) return r.error();
  return std::unique_ptr<Catalogue>(std::move(catalogue));
}

}  // namespace paperfeed::store
