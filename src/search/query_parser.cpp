#include "search/query_parser.hpp"

#include <algorithm>
#include <charconv>

#include "core/calendar.hpp"
#include "core/dates.hpp"
#include "core/text.hpp"
#include "search/tokenizer.hpp"

namespace paperfeed::search {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::optional<int> ParseInt(std::string_view s) {
  int value = 0;
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  ParsedQuery Run() {
    while (pos_ < text_.size()) {
      if (IsSpace(text_[pos_])) {
        ++pos_;
        continue;
      }
      char c = text_[pos_];
      if ((c == '-' || c == '+') && pos_ + 1 < text_.size() && !IsSpace(text_[pos_ + 1]) &&
          text_[pos_ + 1] != '-' && text_[pos_ + 1] != '+') {
        ++pos_;
        if (text_[pos_] == '"') {
          auto words = ReadQuoted();
          if (c == '-') ExcludePhrase(words);
          else AddPhrase(words, true);
        } else {
          auto word = ReadBare();
          if (c == '-') Exclude(word);
          else AddWords(word, true);
        }
        continue;
      }
      if (c == '"') {
        AddPhrase(ReadQuoted(), true);
        continue;
      }
      std::string_view word = ReadBare();
      auto colon = word.find(':');
      if (colon != std::string_view::npos && colon > 0 && Field(word.substr(0, colon), word.substr(colon + 1))) {
        continue;
      }
      AddWords(word, false);
    }
    return std::move(q_);
  }

 private:
  // Reads up to the next white space or quote.
  std::string_view ReadBare() {
    size_t start = pos_;
    while (pos_ < text_.size() && !IsSpace(text_[pos_]) && text_[pos_] != '"') ++pos_;
    return text_.substr(start, pos_ - start);
  }

  // Reads "…" from the opening quote at pos_; an unmatched quote runs to the end of the query.
  std::string_view ReadQuoted() {
    size_t start = ++pos_;
    size_t close = text_.find('"', start);
    if (close == std::string_view::npos) {
      pos_ = text_.size();
      unmatched_quote_ = true;
      return text_.substr(start);
    }
    pos_ = close + 1;
    return text_.substr(start, close - start);
  }

  // Handles "name:value" when name is a known field; false when it is not one (plain words then).
  bool Field(std::string_view name, std::string_view value) {
    std::string field = core::ToLowerAscii(name);
    size_t field_start = pos_;
    if (value.empty() && pos_ < text_.size() && text_[pos_] == '"') value = ReadQuoted();
    if (field == "author" || field == "au") {
      bool any = false;
      ForEachWord(value, [&](std::string_view folded, uint32_t, uint32_t, bool joined) {
        if (joined) return;
        q_.authors.emplace_back(folded);
        any = true;
      });
      if (any) q_.notes.push_back("author: " + std::string(value));
      return any || value.empty();
    }
    if (field == "cat" || field == "category") {
      if (value.empty()) return true;
      q_.categories.push_back(core::ToLowerAscii(value));
      q_.notes.push_back("category: " + std::string(value));
      return true;
    }
    if (field == "after" || field == "since" || field == "from") {
      auto span = ParseDaySpan(value);
      if (!span) return Restore(field_start);
      q_.day_from = q_.day_from ? std::max(*q_.day_from, span->first) : span->first;
      q_.notes.push_back("on or after " + std::string(value));
      return true;
    }
    if (field == "before" || field == "until") {
      auto span = ParseDaySpan(value);
      if (!span) return Restore(field_start);
      q_.day_to = q_.day_to ? std::min(*q_.day_to, span->first - 1) : span->first - 1;
      q_.notes.push_back("before " + std::string(value));
      return true;
    }
    if (field == "date" || field == "year") {
      auto dots = value.find("..");
      std::optional<std::pair<int32_t, int32_t>> from, to;
      if (dots == std::string_view::npos) {
        from = to = ParseDaySpan(value);
        if (!from) return Restore(field_start);
      } else {
        auto a = value.substr(0, dots), b = value.substr(dots + 2);
        if (!a.empty() && !(from = ParseDaySpan(a))) return Restore(field_start);
        if (!b.empty() && !(to = ParseDaySpan(b))) return Restore(field_start);
        if (!from && !to) return Restore(field_start);
      }
      if (from) q_.day_from = q_.day_from ? std::max(*q_.day_from, from->first) : from->first;
      if (to) q_.day_to = q_.day_to ? std::min(*q_.day_to, to->second) : to->second;
      q_.notes.push_back("date " + std::string(value));
      return true;
    }
    return Restore(field_start);
  }

  // Not a field after all: read "name:value" again as plain words.
  bool Restore(size_t field_start) {
    pos_ = field_start;
    unmatched_quote_ = false;
    return false;
  }

  void AddWords(std::string_view text, bool required) {
    for (const auto& token : Tokenize(text)) {
      if (token.stopword) continue;
      if (token.joined) {
        q_.joined_terms.push_back(token.term);
        continue;
      }
      q_.terms.push_back(token.term);
      if (required && !token.joined) q_.required.push_back(token.term);
    }
  }

  void AddPhrase(std::string_view text, bool as_phrase) {
    auto tokens = Tokenize(text);
    std::vector<std::string> words;
    int content = 0;
    for (const auto& t : tokens) {
      if (t.joined) continue;
      words.push_back(t.term);
      if (!t.stopword) ++content;
    }
    for (const auto& t : tokens) {
      if (t.stopword) continue;
      if (t.joined) {
        q_.joined_terms.push_back(t.term);
        continue;
      }
      q_.terms.push_back(t.term);
      if (as_phrase && !unmatched_quote_ && !t.joined) q_.required.push_back(t.term);
    }
    if (as_phrase && !unmatched_quote_ && words.size() >= 2 && content >= 1) {
      q_.phrases.push_back(words);
      q_.notes.push_back("phrase \"" + JoinWords(words) + "\"");
    }
  }

  void Exclude(std::string_view text) {
    for (const auto& token : Tokenize(text)) {
      if (token.stopword || token.joined) continue;
      q_.excluded.push_back(token.term);
      q_.notes.push_back("not " + token.term);
    }
  }

  void ExcludePhrase(std::string_view text) {
    auto tokens = Tokenize(text);
    std::vector<std::string> words;
    for (const auto& t : tokens)
      if (!t.joined) words.push_back(t.term);
    if (words.size() == 1 && !tokens.front().stopword) {
      q_.excluded.push_back(words.front());
      q_.notes.push_back("not " + words.front());
    } else if (words.size() >= 2) {
      q_.excluded_phrases.push_back(words);
      q_.notes.push_back("not \"" + JoinWords(words) + "\"");
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  bool unmatched_quote_ = false;
  ParsedQuery q_;
};

}  // namespace

std::optional<std::pair<int32_t, int32_t>> ParseDaySpan(std::string_view text) {
  if (text.size() != 4 && text.size() != 7 && text.size() != 10) return std::nullopt;
  auto year = ParseInt(text.substr(0, 4));
  if (!year || *year < 1000) return std::nullopt;
  int m_from = 1, m_to = 12, d_from = 1, d_to = 31;
  if (text.size() >= 7) {
    if (text[4] != '-') return std::nullopt;
    auto month = ParseInt(text.substr(5, 2));
    if (!month || *month < 1 || *month > 12) return std::nullopt;
    m_from = m_to = *month;
    d_to = static_cast<int>(core::DaysInMonth(*year, static_cast<unsigned>(*month)));
  }
  if (text.size() == 10) {
    if (text[7] != '-') return std::nullopt;
    auto day = ParseInt(text.substr(8, 2));
    if (!day || *day < 1 || *day > static_cast<int>(core::DaysInMonth(*year, static_cast<unsigned>(m_from))))
      return std::nullopt;
    d_from = d_to = *day;
  }
  return std::pair<int32_t, int32_t>{
      static_cast<int32_t>(core::DaysFromCivil(*year, static_cast<unsigned>(m_from), static_cast<unsigned>(d_from))),
      static_cast<int32_t>(core::DaysFromCivil(*year, static_cast<unsigned>(m_to), static_cast<unsigned>(d_to)))};
}

std::optional<int32_t> IsoToDays(std::string_view iso) {
  if (iso.size() < 10) return std::nullopt;
  auto span = ParseDaySpan(iso.substr(0, 10));
  if (!span) return std::nullopt;
  return span->first;
}

std::string ParsedQuery::Describe() const {
  std::string out;
  if (!terms.empty()) out = "words: " + JoinWords(terms);
  for (const auto& note : notes) {
    if (!out.empty()) out += " | ";
    out += note;
  }
  return out;
}

ParsedQuery ParseQuery(std::string_view text) { return Parser(text).Run(); }

}  // namespace paperfeed::search
