// store/catalogue: the papers and the daily list, behind an interface a PostgreSQL backend can also fill.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/paper.hpp"
#include "core/result.hpp"

namespace paperfeed::store {

class Database;

enum class UpsertOutcome { kInserted, kUpdated, kUnchanged };

struct CatalogueStats {
  int64_t papers = 0;
  int64_t daily_entries = 0;
  int64_t upvotes = 0;
  int64_t days = 0;
};

struct HarvestState {
  std::string source;
  std::optional<std::string> last_datestamp;
  std::optional<std::string> resumption_token;
};

// A paper as stored, with the integer id the search index uses.
struct StoredPaper {
  int64_t doc_id = 0;
  int64_t change_seq = 0;
  core::Paper paper;
};

class Catalogue {
 public:
  virtual ~Catalogue() = default;

  // Merges one paper. arXiv metadata replaces Hugging Face metadata; a newer arXiv version
  // replaces an older one and an older never overwrites a newer; identical data is kUnchanged.
  // Code links (github, project page) from any source are added, never removed.
  virtual core::Result<UpsertOutcome> UpsertPaper(const core::Paper& paper) = 0;

  // Merges one daily-list entry; the paper must exist. Upvotes and comment counts only grow, so
  // re-importing an older file never lowers them.
  virtual core::Result<UpsertOutcome> UpsertDailyEntry(const core::DailyEntry& entry) = 0;

  virtual core::Result<std::optional<StoredPaper>> FindPaper(const std::string& id) = 0;
  virtual core::Result<std::vector<core::DailyEntry>> DailyEntriesForPaper(const std::string& id) = 0;
  virtual core::Result<CatalogueStats> Stats() = 0;
  // "ok", or what the engine's integrity and foreign-key checks and the change counter found wrong.
  virtual core::Result<std::string> CheckIntegrity() = 0;

  // Papers changed after `after_seq`, ascending by change_seq, at most `limit`.
  virtual core::Result<std::vector<StoredPaper>> PapersChangedSince(int64_t after_seq, int limit) = 0;

  virtual core::Result<HarvestState> LoadHarvestState(const std::string& source) = 0;
  virtual core::Result<void> SaveHarvestState(const HarvestState& state) = 0;

  // Groups writes into one transaction (one per ingest batch): all or nothing on a crash.
  virtual core::Result<void> BeginBatch() = 0;
  virtual core::Result<void> CommitBatch() = 0;
  virtual void RollbackBatch() = 0;

  // The connection, for modules of store/ that keep their own tables beside the catalogue.
  virtual Database& database() = 0;
};

// Opens (creating if needed) the catalogue at `location` (a SQLite file path, or a postgresql://
// URI: store/database.hpp) and applies pending migrations.
core::Result<std::unique_ptr<Catalogue>> OpenCatalogue(const std::string& location);

// The fingerprint of the metadata fields (not code links), to detect identical records.
uint64_t MetadataFingerprint(const core::Paper& paper);

}  // namespace paperfeed::store
