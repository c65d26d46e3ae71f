#include "search/tokenizer.hpp"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "search/stemmer.hpp"

namespace paperfeed::search {
namespace {

constexpr size_t kMaxWordBytes = 64;

// ASCII folding of Latin-1 Supplement letters U+00C0..U+00FF; "" marks a non-letter.
constexpr std::array<const char*, 64> kLatin1Fold = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",    // C0-CF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",    // E0-EF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};  // F0-FF

// ASCII folding of Latin Extended-A U+0100..U+017F, by ranges.
const char* FoldLatinExtendedA(uint32_t cp) {
  struct Range {
    uint32_t last;
    const char* ascii;
  };
  static constexpr Range kRanges[] = {
      {0x105, "a"}, {0x10D, "c"},  {0x111, "d"}, {0x11B, "e"}, {0x123, "g"}, {0x127, "h"},
      {0x131, "i"}, {0x133, "ij"}, {0x135, "j"}, {0x138, "k"}, {0x142, "l"}, {0x14B, "n"},
      {0x151, "o"}, {0x153, "oe"}, {0x159, "r"}, {0x161, "s"}, {0x167, "t"}, {0x173, "u"},
      {0x175, "w"}, {0x178, "y"},  {0x17E, "z"}, {0x17F, "s"}};
  for (const auto& r : kRanges)
    if (cp <= r.last) return r.ascii;
  return "";
}

// Greek letters by name, so that "\alpha", "α" and "alpha" are one term.
constexpr std::array<const char*, 25> kGreekNames = {
    "alpha", "beta", "gamma", "delta",   "epsilon", "zeta", "eta", "theta", "iota",
    "kappa", "lambda", "mu",  "nu",      "xi",      "omicron", "pi", "rho", "sigma",
    "sigma", "tau",  "upsilon", "phi",   "chi",     "psi",  "omega"};

const char* GreekName(uint32_t cp) {
  if (cp >= 0x391 && cp <= 0x3A9) return kGreekNames[cp - 0x391];
  if (cp >= 0x3B1 && cp <= 0x3C9) return kGreekNames[cp - 0x3B1];
  if (cp == 0x3D5) return "phi";
  if (cp == 0x3F5) return "epsilon";
  return nullptr;
}

// TeX commands that stand for a word a reader would search for; all other commands
// (\mathcal, \textbf, \frac, \left ...) are markup and vanish, leaving their arguments.
const std::unordered_set<std::string_view>& TexWordCommands() {
  static const std::unordered_set<std::string_view> kWords = {
      "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
      "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega", "ell", "infty",
      "nabla", "partial", "hbar"};
  return kWords;
}

std::string_view TexCommandWord(std::string_view name) {
  if (name.size() > 3 && name.substr(0, 3) == "var") name.remove_prefix(3);  // \varepsilon
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  auto it = TexWordCommands().find(lower);
  return it == TexWordCommands().end() ? std::string_view() : *it;
}

bool IsAsciiAlnum(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

// Decodes one UTF-8 code point at text[i]; sets len. Invalid bytes decode as U+FFFD, length 1.
uint32_t DecodeUtf8(std::string_view text, size_t i, size_t& len) {
  auto b = static_cast<unsigned char>(text[i]);
  auto cont = [&](size_t k) -> int {
    if (i + k >= text.size()) return -1;
    auto c = static_cast<unsigned char>(text[i + k]);
    return (c & 0xC0) == 0x80 ? (c & 0x3F) : -1;
  };
  if (b < 0x80) {
    len = 1;
    return b;
  }
  if ((b & 0xE0) == 0xC0) {
    int c1 = cont(1);
    if (c1 >= 0) {
      len = 2;
      return ((b & 0x1Fu) << 6) | static_cast<uint32_t>(c1);
    }
  } else if ((b & 0xF0) == 0xE0) {
    int c1 = cont(1), c2 = cont(2);
    if (c1 >= 0 && c2 >= 0) {
      len = 3;
      return ((b & 0x0Fu) << 12) | (static_cast<uint32_t>(c1) << 6) | static_cast<uint32_t>(c2);
    }
  } else if ((b & 0xF8) == 0xF0) {
    int c1 = cont(1), c2 = cont(2), c3 = cont(3);
    if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
      len = 4;
      return ((b & 0x07u) << 18) | (static_cast<uint32_t>(c1) << 12) | (static_cast<uint32_t>(c2) << 6) |
             static_cast<uint32_t>(c3);
    }
  }
  len = 1;
  return 0xFFFD;
}

// Whether a non-ASCII code point separates words (punctuation, symbols, spaces, math).
bool IsSeparatorCodePoint(uint32_t cp) {
  if (cp < 0xC0) return true;                     // Latin-1 punctuation, NBSP, ¿, «, ...
  if (cp == 0xD7 || cp == 0xF7) return true;      // × ÷
  if (cp >= 0x2000 && cp <= 0x2BFF) return true;  // punctuation, arrows, math operators, shapes
  if (cp >= 0x3000 && cp <= 0x303F) return true;  // CJK punctuation
  if (cp >= 0xFE30 && cp <= 0xFE4F) return true;
  if (cp >= 0xFF00 && cp <= 0xFF0F) return true;
  if (cp == 0xFFFD || cp == 0xFEFF) return true;
  if (cp >= 0x1D400 && cp <= 0x1D7FF) return true;  // mathematical alphanumerics: treat as symbols
  return false;
}

bool IsHyphenCodePoint(uint32_t cp) { return cp == '-' || cp == 0x2010 || cp == 0x2011; }

// The word scanner. Builds folded words and reports them; keeps track of hyphen compounds.
class Scanner {
 public:
  using Callback = std::function<void(std::string_view, uint32_t, uint32_t, bool)>;
  Scanner(std::string_view text, const Callback& emit) : text_(text), emit_(emit) {}

  void Run() {
    size_t i = 0;
    while (i < text_.size()) {
      auto c = static_cast<unsigned char>(text_[i]);
      if (c < 0x80) {
        if (IsAsciiAlnum(c)) {
          Append(static_cast<char>(std::tolower(c)), i, 1);
          ++i;
        } else if (c == '\\') {
          i = Tex(i);
        } else if (c == '-' ) {
          Hyphen(i, 1);
          ++i;
        } else if (c == '.' && !word_.empty() && IsDigit(static_cast<unsigned char>(word_.back())) &&
                   i + 1 < text_.size() && IsDigit(static_cast<unsigned char>(text_[i + 1]))) {
          Append('.', i, 1);  // "3.5", "1.58": a decimal stays one word
          ++i;
        } else if ((c == '\'') && !word_.empty() && i + 1 < text_.size() && (text_[i + 1] | 0x20) == 's' &&
                   (i + 2 >= text_.size() || !IsAsciiAlnum(static_cast<unsigned char>(text_[i + 2])))) {
          i += 2;  // possessive "model's": drop the "'s"
          EndWord(true);
        } else {
          EndWord(true);
          ++i;
        }
        continue;
      }
      size_t len = 1;
      uint32_t cp = DecodeUtf8(text_, i, len);
      if (cp >= 0xC0 && cp <= 0xFF && kLatin1Fold[cp - 0xC0][0] != '\0') {
        AppendString(kLatin1Fold[cp - 0xC0], i, len);
      } else if (cp >= 0x100 && cp <= 0x17F) {
        AppendString(FoldLatinExtendedA(cp), i, len);
      } else if (const char* greek = GreekName(cp)) {
        EndWord(true);
        AppendString(greek, i, len);
        EndWord(true);
      } else if (IsHyphenCodePoint(cp)) {
        Hyphen(i, len);
      } else if (cp == 0x2019 && !word_.empty() && i + len < text_.size() && (text_[i + len] | 0x20) == 's' &&
                 (i + len + 1 >= text_.size() || !IsAsciiAlnum(static_cast<unsigned char>(text_[i + len + 1])))) {
        i += len + 1;
        EndWord(true);
        continue;
      } else if (IsSeparatorCodePoint(cp)) {
        EndWord(true);
      } else {
        // Another script's letter (CJK, Cyrillic, ...): kept as it is, part of the word.
        AppendRaw(text_.substr(i, len), i, len);
      }
      i += len;
    }
    EndWord(true);
  }

 private:
  // Handles a backslash at i; returns the index after what it consumed.
  size_t Tex(size_t i) {
    size_t j = i + 1;
    if (j >= text_.size()) {
      EndWord(true);
      return j;
    }
    auto c = static_cast<unsigned char>(text_[j]);
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
      size_t k = j;
      while (k < text_.size() && (((static_cast<unsigned char>(text_[k]) | 0x20) >= 'a' &&
                                   (static_cast<unsigned char>(text_[k]) | 0x20) <= 'z')))
        ++k;
      std::string_view name = text_.substr(j, k - j);
      // Accent commands with a letter argument: \v{c}, \c{c}, \u{a}, \H{o}; the word goes on.
      if (name.size() == 1 && std::string_view("vcuHdbkr").find(name[0]) != std::string_view::npos &&
          k < text_.size() && text_[k] == '{') {
        return AccentArgument(i, k);
      }
      if (auto word = TexCommandWord(name); !word.empty()) {
        EndWord(true);
        AppendString(std::string(word).c_str(), i, k - i);
        EndWord(true);
      } else {
        EndWord(true);  // markup: \mathcal, \textbf, \frac — the arguments that follow remain
      }
      return k;
    }
    // Accents \'e \"o \`a \^o \~n \=a \.z: the letter stays inside the word.
    if (std::string_view("'\"`^~=.").find(static_cast<char>(c)) != std::string_view::npos) {
      return AccentArgument(i, j + 1);
    }
    EndWord(true);  // \\, \{, \%, \$ ...
    return j + 1;
  }

  // Reads an accent's argument ("e" or "{e}") starting at k, appending the letter to the word.
  size_t AccentArgument(size_t start, size_t k) {
    if (k < text_.size() && text_[k] == '{') {
      if (k + 2 < text_.size() && IsAsciiAlnum(static_cast<unsigned char>(text_[k + 1])) && text_[k + 2] == '}') {
        Append(static_cast<char>(std::tolower(static_cast<unsigned char>(text_[k + 1]))), start, k + 3 - start);
        return k + 3;
      }
      return k;  // "{" alone: let the main loop treat it as a separator
    }
    if (k < text_.size() && IsAsciiAlnum(static_cast<unsigned char>(text_[k]))) {
      Append(static_cast<char>(std::tolower(static_cast<unsigned char>(text_[k]))), start, k + 1 - start);
      return k + 1;
    }
    return k;
  }

  void Append(char c, size_t at, size_t len) {
    if (word_.empty()) begin_ = static_cast<uint32_t>(at);
    word_.push_back(c);
    end_ = static_cast<uint32_t>(at + len);
  }
  void AppendString(const char* s, size_t at, size_t len) {
    if (word_.empty()) begin_ = static_cast<uint32_t>(at);
    word_ += s;
    end_ = static_cast<uint32_t>(at + len);
  }
  void AppendRaw(std::string_view bytes, size_t at, size_t len) {
    if (word_.empty()) begin_ = static_cast<uint32_t>(at);
    word_.append(bytes);
    end_ = static_cast<uint32_t>(at + len);
  }

  // A hyphen between two word characters links a compound; anywhere else it separates.
  void Hyphen(size_t at, size_t len) {
    bool next_is_word = false;
    if (at + len < text_.size()) {
      auto n = static_cast<unsigned char>(text_[at + len]);
      next_is_word = IsAsciiAlnum(n) || n >= 0xC0 || n == '\\';
    }
    if (!word_.empty() && next_is_word) {
      EmitPart();
      in_compound_ = true;
      return;
    }
    EndWord(true);
  }

  void EmitPart() {
    if (word_.empty()) return;
    if (word_.size() <= kMaxWordBytes) {
      emit_(word_, begin_, end_, false);
      if (compound_.empty()) compound_begin_ = begin_;
      compound_ += word_;
      ++compound_parts_;
    }
    word_.clear();
  }

  void EndWord(bool end_compound) {
    EmitPart();
    if (end_compound && in_compound_) {
      if (compound_parts_ >= 2 && compound_.size() <= kMaxWordBytes) emit_(compound_, compound_begin_, end_, true);
    }
    if (end_compound) {
      in_compound_ = false;
      compound_.clear();
      compound_parts_ = 0;
    }
  }

  std::string_view text_;
  const Callback& emit_;
  std::string word_;
  uint32_t begin_ = 0, end_ = 0;
  bool in_compound_ = false;
  std::string compound_;
  uint32_t compound_begin_ = 0;
  int compound_parts_ = 0;
};

}  // namespace

void ForEachWord(std::string_view text,
                 const std::function<void(std::string_view, uint32_t, uint32_t, bool)>& word) {
  Scanner(text, word).Run();
}

bool IsStopword(std::string_view folded) {
  // Lucene's English stop set plus the question words of typed queries ("how does ... work").
  // Kept short on purpose: scientific words ("can", "model", "using") stay searchable.
  static const std::unordered_set<std::string_view> kStop = {
      "a",    "an",   "and",  "are",   "as",    "at",   "be",    "but",   "by",   "for",  "if",    "in",
      "into", "is",   "it",   "no",    "not",   "of",   "on",    "or",    "such", "that", "the",   "their",
      "then", "there", "these", "they", "this", "to",   "was",   "will",  "with", "s",    "how",   "what",
      "which", "who", "why",  "when",  "where", "does", "do",    "did",   "we",   "our",  "its",   "from",
      "has",  "have", "had",  "were",  "been",  "than", "i",     "you",   "can"};
  return kStop.count(folded) > 0;
}

std::vector<Token> Tokenize(std::string_view text, bool stem, uint32_t first_position) {
  std::vector<Token> out;
  uint32_t position = first_position;
  ForEachWord(text, [&](std::string_view folded, uint32_t begin, uint32_t end, bool joined) {
    Token t;
    t.stopword = IsStopword(folded);
    t.term = stem ? StemEnglish(folded) : std::string(folded);
    t.begin = begin;
    t.end = end;
    t.joined = joined;
    t.position = joined ? (position == 0 ? 0 : position - 1) : position++;
    out.push_back(std::move(t));
  });
  return out;
}

std::vector<std::string> IndexTerms(std::string_view text) {
  std::vector<std::string> out;
  ForEachWord(text, [&](std::string_view folded, uint32_t, uint32_t, bool) {
    if (!IsStopword(folded)) out.push_back(StemEnglish(folded));
  });
  return out;
}

std::string FoldWord(std::string_view text) {
  std::string out;
  ForEachWord(text, [&](std::string_view folded, uint32_t, uint32_t, bool joined) {
    if (!joined) out += folded;
  });
  return out;
}

}  // namespace paperfeed::search
