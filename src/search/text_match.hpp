// search/text_match: work on a paper's own text at query time — phrase checks and snippets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace paperfeed::search {

// Whether `text` holds the stemmed word sequence `words` (stopwords included, as the query
// parser keeps them), e.g. {"neural", "network"} in "Neural Networks for ...".
bool ContainsPhrase(std::string_view text, const std::vector<std::string>& words);

// Text with &, <, >, " and ' escaped for HTML.
std::string HtmlEscape(std::string_view text);

// The passage of about `max_words` words of `text` holding the most distinct query terms,
// HTML-escaped, matched words wrapped in <mark>…</mark>, "…" where it was cut.
std::string MakeSnippet(std::string_view text, const std::vector<std::string>& query_terms, size_t max_words = 40);

}  // namespace paperfeed::search
