#include "search/text_match.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/text.hpp"
#include "search/tokenizer.hpp"

namespace paperfeed::search {

bool ContainsPhrase(std::string_view text, const std::vector<std::string>& words) {
  if (words.empty()) return true;
  std::vector<std::string> seq;
  for (auto& t : Tokenize(text))
    if (!t.joined) seq.push_back(std::move(t.term));
  if (seq.size() < words.size()) return false;
  return std::search(seq.begin(), seq.end(), words.begin(), words.end()) != seq.end();
}

std::string HtmlEscape(std::string_view text) {
  // Snippets are one line: line breaks and tabs become spaces before core's escaping.
  std::string flat(text);
  std::replace_if(flat.begin(), flat.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  std::string out;
  out.reserve(flat.size() + flat.size() / 8);
  core::AppendHtmlEscaped(out, flat);
  return out;
}

std::string MakeSnippet(std::string_view text, const std::vector<std::string>& query_terms, size_t max_words) {
  std::unordered_set<std::string> wanted(query_terms.begin(), query_terms.end());
  std::vector<Token> tokens;
  for (auto& t : Tokenize(text))
    if (!t.joined) tokens.push_back(std::move(t));
  if (tokens.empty()) return HtmlEscape(text.substr(0, 300));
  std::vector<bool> hit(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) hit[i] = !tokens[i].stopword && wanted.count(tokens[i].term) > 0;

  // Slide a window of max_words tokens; keep the one with the most distinct terms, then most hits.
  const size_t w = std::min(max_words, tokens.size());
  size_t best = 0;
  std::pair<size_t, size_t> best_score{0, 0};
  std::unordered_map<std::string, int> in_window;
  size_t hits = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (hit[i]) {
      ++in_window[tokens[i].term];
      ++hits;
    }
    if (i >= w && hit[i - w]) {
      if (--in_window[tokens[i - w].term] == 0) in_window.erase(tokens[i - w].term);
      --hits;
    }
    if (i + 1 >= w) {
      std::pair<size_t, size_t> score{in_window.size(), hits};
      if (score > best_score) {
        best_score = score;
        best = i + 1 - w;
      }
    }
  }
  // Start a little before the first hit, so the passage does not open on the match itself.
  size_t first = best;
  while (first < best + w && !hit[first]) ++first;
  if (first < best + w && first > best + 5) best = std::min(first - 5, tokens.size() - w);

  const size_t end_token = best + w;
  std::string out;
  if (best > 0) out += "… ";
  size_t at = tokens[best].begin;
  for (size_t i = best; i < end_token; ++i) {
    out += HtmlEscape(text.substr(at, tokens[i].begin - at));
    std::string word = HtmlEscape(text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin));
    if (hit[i]) out += "<mark>" + word + "</mark>";
    else out += word;
    at = tokens[i].end;
  }
  if (end_token < tokens.size()) out += " …";
  else out += HtmlEscape(text.substr(at));
  // Collapse the runs of spaces that line breaks leave.
  std::string collapsed;
  for (char c : out)
    if (!(c == ' ' && !collapsed.empty() && collapsed.back() == ' ')) collapsed += c;
  return collapsed;
}

}  // namespace paperfeed::search
