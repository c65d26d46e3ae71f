// store/hf_details: what Hugging Face adds to papers and daily-list entries (AI summary and
// keywords, thumbnail, media, organisation, authors' ids and accounts, submitter details), kept
// beside the catalogue in paper_hf and daily_entry_hf (migrations 7 and 8).
//
// Merging is order-independent: field by field, a value replaces the stored one only when it ranks
// higher — any value over none, then the longer, then the greater text — so importing the same
// archive in any order, or twice, leaves the same rows.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/paper.hpp"
#include "core/result.hpp"

namespace paperfeed::store {

class Database;

// Merges `details` into the paper's row; true when anything changed. Empty details touch nothing.
core::Result<bool> MergeHfDetails(Database& db, const std::string& paper_id, const core::HfPaperDetails& details);
// The stored details of one paper (empty when none).
core::Result<core::HfPaperDetails> LoadHfDetails(Database& db, const std::string& paper_id);
// The stored details of each of `paper_ids` that has any.
core::Result<std::unordered_map<std::string, core::HfPaperDetails>> LoadHfDetails(
    Database& db, const std::vector<std::string>& paper_ids);

// The same for a daily-list entry's submitter (_id, avatarUrl, type, isPro); the entry must exist.
core::Result<bool> MergeHfSubmitter(Database& db, const std::string& day, const std::string& paper_id,
                                    const core::HfUser& submitter);
// Submitter details by (day, paper id), for the entries that have any.
core::Result<std::map<std::pair<std::string, std::string>, core::HfUser>> LoadHfSubmitters(
    Database& db, const std::vector<std::pair<std::string, std::string>>& entries);

}  // namespace paperfeed::store
