// search/query_parser: reads what a user types into terms, phrases, filters and exclusions.
//
// Syntax (documented in `paperfeed search --help`):
//   words                 ranked by BM25F; any of them may match
//   "exact phrase"        the words in this order (checked against the text)
//   +word                 must appear;  -word / -"a phrase"  must not appear
//   author:hinton  author:"geoffrey hinton"   every name part must be in the author list
//   cat:cs.LG  cat:cs     the category or archive, cross-lists included (several cat: = any of)
//   after:2025-01-01      published on or after;   before:2025-03-01  published strictly before
//   date:2025-01..2025-03 inclusive range; a year or month stands for its whole span; date:2025-02
// Nothing here ever fails: an unmatched quote, a stray bracket, colon or unknown field falls back
// to plain words.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paperfeed::search {

struct ParsedQuery {
  std::vector<std::string> terms;                      // scoring terms, stemmed; repeats weigh more
  // Joined forms of hyphenated query words ("pre-training" -> "pretrain"): they find papers that
  // write the compound as one word, at a reduced weight so the parts are not counted twice.
  std::vector<std::string> joined_terms;
  std::vector<std::string> required;                   // every result contains each of these terms
  std::vector<std::vector<std::string>> phrases;       // stemmed word sequences (stopwords kept)
  std::vector<std::string> excluded;                   // no result contains any of these terms
  std::vector<std::vector<std::string>> excluded_phrases;
  std::vector<std::string> authors;                    // folded name parts, all required
  std::vector<std::string> categories;                 // lowercase; any of them
  std::optional<int32_t> day_from;                     // days since 1970-01-01, inclusive
  std::optional<int32_t> day_to;                       // inclusive
  std::vector<std::string> notes;                      // what was read, for display

  bool HasScoringTerms() const { return !terms.empty() || !joined_terms.empty(); }
  bool HasFilters() const {
    return !required.empty() || !phrases.empty() || !excluded.empty() || !excluded_phrases.empty() ||
           !authors.empty() || !categories.empty() || day_from || day_to;
  }
  // How the query was understood, e.g. `words: sparse attent | author: hinton | after 2025-01-01`.
  std::string Describe() const;
};

ParsedQuery ParseQuery(std::string_view text);

// "2025", "2025-03" or "2025-03-14" as the first and last day (days since 1970-01-01) it covers.
std::optional<std::pair<int32_t, int32_t>> ParseDaySpan(std::string_view text);

// Days since 1970-01-01 of an ISO 8601 date or timestamp's date part; nullopt when unreadable.
std::optional<int32_t> IsoToDays(std::string_view iso);

}  // namespace paperfeed::search
