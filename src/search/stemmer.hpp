// search/stemmer: the one door to libstemmer (Snowball's English stemmer, "Porter 2").
#pragma once

#include <string>
#include <string_view>

namespace paperfeed::search {

// Stems one lowercase UTF-8 word with Snowball's English algorithm. Thread-safe: each thread
// keeps its own stemmer (libstemmer instances are not re-entrant) and a cache of recent words.
std::string StemEnglish(std::string_view word);

}  // namespace paperfeed::search
