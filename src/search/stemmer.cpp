#include "search/stemmer.hpp"

#include <libstemmer.h>

#include <memory>
#include <unordered_map>

namespace paperfeed::search {
namespace {

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

// Words repeat with a Zipf distribution, so a per-thread cache skips most Snowball calls while
// indexing (a few hundred thousand distinct words cover nearly all tokens of arXiv abstracts).
constexpr size_t kCacheLimit = 1 << 20;

struct ThreadStemmer {
  std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer{sb_stemmer_new("english", "UTF_8")};
  std::unordered_map<std::string, std::string> cache;
};

}  // namespace

std::string StemEnglish(std::string_view word) {
  thread_local ThreadStemmer local;
  if (word.empty() || !local.stemmer) return std::string(word);
  std::string key(word);
  if (auto it = local.cache.find(key); it != local.cache.end()) return it->second;
  const sb_symbol* out = sb_stemmer_stem(local.stemmer.get(), reinterpret_cast<const sb_symbol*>(word.data()),
                                         static_cast<int>(word.size()));
  std::string stem = out ? std::string(reinterpret_cast<const char*>(out),
                                       static_cast<size_t>(sb_stemmer_length(local.stemmer.get())))
                         : key;
  if (local.cache.size() >= kCacheLimit) local.cache.clear();
  local.cache.emplace(std::move(key), stem);
  return stem;
}

}  // namespace paperfeed::search
