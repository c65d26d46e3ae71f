// search/tokenizer: turns titles, abstracts, author names and queries into index terms.
//
// Words are lowercased and folded to ASCII where Latin letters carry accents ("Gödel", "G\"odel"
// and "Godel" all give "godel"); TeX is read the way a reader sees it ("$\mathcal{O}(n)$" gives
// "o" and "n", "\alpha" and "α" give "alpha"); a hyphenated compound gives its parts and the
// joined form ("pre-training" gives "pre", "training" and "pretraining"). Terms are then
// stemmed with Snowball English, so "networks" and "network" meet.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace paperfeed::search {

struct Token {
  std::string term;      // folded and (unless asked otherwise) stemmed
  uint32_t position = 0; // word position; the joined form of a compound shares its last part's
  uint32_t begin = 0;    // byte offsets of the word in the input, for snippets
  uint32_t end = 0;
  bool stopword = false; // a function word ("the", "of"): kept for phrases, not scored
  bool joined = false;   // the joined form of a hyphenated compound
};

// Calls `word(folded, begin, end, joined)` for every word of `text`, in order, before stemming.
// Joined compound forms come right after their last part.
void ForEachWord(std::string_view text,
                 const std::function<void(std::string_view folded, uint32_t begin, uint32_t end, bool joined)>& word);

// Tokens of `text`, stemmed when `stem` is true; positions start at `first_position`.
std::vector<Token> Tokenize(std::string_view text, bool stem = true, uint32_t first_position = 0);

// The index terms of `text` (stemmed, stopwords left out), in order, with repeats.
std::vector<std::string> IndexTerms(std::string_view text);

// Whether a folded, unstemmed word is an English function word left out of scoring.
bool IsStopword(std::string_view folded);

// The folded, unstemmed form of a name part or category, as author:/cat: filters store them.
std::string FoldWord(std::string_view text);

}  // namespace paperfeed::search
