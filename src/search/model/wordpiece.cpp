// search/model/wordpiece: BERT's tokenizer (Devlin et al. 2019; Hugging Face transformers'
// BasicTokenizer/WordpieceTokenizer and tokenizers' bert normalizer, pre-tokenizer and wordpiece
// model, whose behaviour this follows step for step).
#include "search/model/wordpiece.hpp"
#include "search/model/model_file.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "search/model/unicode.hpp"

namespace paperfeed::search::model {
namespace {

using core::ErrorCode;
using core::MakeError;

// BERT's _is_whitespace: space, \t, \n, \r and category Zs.
bool IsWhitespace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || IsSpaceSeparator(c); }

// BERT's _is_control: category C* except \t, \n, \r (which count as whitespace).
bool IsControl(char32_t c) {
  if (c == U'\t' || c == U'\n' || c == U'\r') return false;
  return IsOtherCategory(c);
}

// BERT's _is_punctuation: every non-letter/number ASCII symbol ("$", "^", "`" are not Unicode
// punctuation but BERT splits them too) plus categories P*.
bool IsPunctuation(char32_t c) {
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) return true;
  return IsPunctuationCategory(c);
}

// BERT's _is_chinese_char: the CJK Unified Ideographs blocks (not Hangul, Hiragana, Katakana).
bool IsChineseChar(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

}  // namespace

core::Result<std::unique_ptr<WordPieceTokenizer>> WordPieceTokenizer::FromVocab(std::vector<std::string> vocab,
                                                                                 WordPieceOptions options) {
  auto t = std::make_unique<WordPieceTokenizer>();
  t->options_ = std::move(options);
  t->vocab_ = std::move(vocab);
  for (size_t i = 0; i < t->vocab_.size(); ++i) t->ids_.emplace(t->vocab_[i], static_cast<int32_t>(i));
  auto need = [&](const std::string& token, int32_t* id) -> core::Result<void> {
    auto it = t->ids_.find(token);
    if (it == t->ids_.end())
      return MakeError(ErrorCode::kInvalidInput, "the vocabulary has no special token '" + token + "'");
    *id = it->second;
    return {};
  };
  if (auto r = need(t->options_.unk_token, &t->unk_id_); !r) return r.error();
  if (auto r = need(t->options_.cls_token, &t->cls_id_); !r) return r.error();
  if (auto r = need(t->options_.sep_token, &t->sep_id_); !r) return r.error();
  if (t->ids_.count(t->options_.pad_token)) t->pad_id_ = t->ids_.at(t->options_.pad_token);
  if (t->options_.max_length < 2) t->options_.max_length = 2;
  return t;
}

core::Result<std::unique_ptr<WordPieceTokenizer>> WordPieceTokenizer::FromFolder(const std::string& dir,
                                                                                  int max_positions) {
  WordPieceOptions options;
  int model_max = 0;
  bool found = false;
  // tokenizer_config.json carries the special tokens and model_max_length for both layouts.
  const std::string config_path = dir + "/tokenizer_config.json";
  std::string config_text = ReadModelFile(config_path, &found);
  nlohmann::json config = found ? nlohmann::json::parse(config_text, nullptr, false) : nlohmann::json::object();
  if (config.is_discarded() || !config.is_object())
    return MakeError(ErrorCode::kInvalidInput, config_path + " is not a JSON object; download it again");
  auto str = [&](const char* key, std::string& out) {
    if (config.contains(key) && config[key].is_string()) out = config[key].get<std::string>();
    else if (config.contains(key) && config[key].is_object() && config[key].contains("content"))
      out = config[key]["content"].get<std::string>();  // AddedToken form
  };
  str("unk_token", options.unk_token);
  str("cls_token", options.cls_token);
  str("sep_token", options.sep_token);
  str("pad_token", options.pad_token);
  if (config.contains("do_lower_case") && config["do_lower_case"].is_boolean())
    options.lowercase = config["do_lower_case"].get<bool>();
  options.strip_accents = options.lowercase;
  if (config.contains("strip_accents") && config["strip_accents"].is_boolean())
    options.strip_accents = config["strip_accents"].get<bool>();
  if (config.contains("tokenize_chinese_chars") && config["tokenize_chinese_chars"].is_boolean())
    options.handle_chinese_chars = config["tokenize_chinese_chars"].get<bool>();
  // Hugging Face writes a huge sentinel (1e30) when a tokenizer sets no limit.
  if (config.contains("model_max_length") && config["model_max_length"].is_number()) {
    const double m = config["model_max_length"].get<double>();
    if (m > 0 && m < 1e9) model_max = static_cast<int>(m);
  }

  std::vector<std::string> vocab;
  const std::string tj_path = dir + "/tokenizer.json";
  std::string tj_text = ReadModelFile(tj_path, &found);
  if (found) {
    auto tj = nlohmann::json::parse(tj_text, nullptr, false);
    if (tj.is_discarded() || !tj.is_object() || !tj.contains("model") || !tj["model"].is_object())
      return MakeError(ErrorCode::kInvalidInput, tj_path + " is not a tokenizers JSON file; download it again");
    const auto& m = tj["model"];
    if (m.value("type", "") != "WordPiece" || !m.contains("vocab") || !m["vocab"].is_object())
      return MakeError(ErrorCode::kInvalidInput, tj_path + ": model type '" + m.value("type", "?") +
                                                     "' is not WordPiece; only BERT-family tokenizers are supported");
    vocab.resize(m["vocab"].size());
    for (const auto& [token, id] : m["vocab"].items()) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<size_t>() >= vocab.size())
        return MakeError(ErrorCode::kInvalidInput, tj_path + ": token '" + token + "' has a bad id");
      vocab[id.get<size_t>()] = token;
    }
    if (m.contains("unk_token") && m["unk_token"].is_string()) options.unk_token = m["unk_token"];
    if (m.contains("continuing_subword_prefix") && m["continuing_subword_prefix"].is_string())
      options.continuing_prefix = m["continuing_subword_prefix"];
    if (m.contains("max_input_chars_per_word") && m["max_input_chars_per_word"].is_number_integer())
      options.max_input_chars_per_word = m["max_input_chars_per_word"];
    // The normalizer: a BertNormalizer, alone or first in a Sequence.
    nlohmann::json norm = tj.contains("normalizer") ? tj["normalizer"] : nlohmann::json();
    if (norm.is_object() && norm.value("type", "") == "Sequence" && norm.contains("normalizers")) {
      for (const auto& n : norm["normalizers"])
        if (n.value("type", "") == "BertNormalizer") norm = n;
    }
    if (norm.is_object() && norm.value("type", "") == "BertNormalizer") {
      options.clean_text = norm.value("clean_text", true);
      options.handle_chinese_chars = norm.value("handle_chinese_chars", true);
      options.lowercase = norm.value("lowercase", true);
      options.strip_accents = norm.contains("strip_accents") && norm["strip_accents"].is_boolean()
                                  ? norm["strip_accents"].get<bool>()
                                  : options.lowercase;
    }
    if (tj.contains("truncation") && tj["truncation"].is_object() && tj["truncation"].contains("max_length"))
      model_max = model_max > 0 ? std::min(model_max, tj["truncation"]["max_length"].get<int>())
                                : tj["truncation"]["max_length"].get<int>();
  } else {
    const std::string vocab_path = dir + "/vocab.txt";
    std::ifstream in(vocab_path);
    if (!in)
      return MakeError(ErrorCode::kNotFound, dir + " has neither tokenizer.json nor vocab.txt; a BERT-family model "
                                                   "folder needs one (paperfeed model pull fetches both)");
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      vocab.push_back(line);
    }
  }
  options.max_length = 512;
  if (max_positions > 0) options.max_length = max_positions;
  if (model_max > 0) options.max_length = std::min(options.max_length, model_max);
  auto t = FromVocab(std::move(vocab), options);
  if (!t) return MakeError(t.error().code, dir + ": " + t.error().message);
  return t;
}

std::vector<std::string> WordPieceTokenizer::PreTokenize(std::string_view text) const {
  // Normalizer: clean, pad CJK ideographs.
  std::vector<char32_t> cps;
  for (char32_t c : DecodeUtf8(text)) {
    if (options_.clean_text) {
      if (c == 0 || c == 0xFFFD || IsControl(c)) continue;
      if (IsWhitespace(c)) c = U' ';
    }
    if (options_.handle_chinese_chars && IsChineseChar(c)) {
      cps.push_back(U' ');
      cps.push_back(c);
      cps.push_back(U' ');
    } else {
      cps.push_back(c);
    }
  }
  // Lower-case, then strip accents (NFD, drop Mn), as BasicTokenizer does per word.
  if (options_.lowercase || options_.strip_accents) {
    std::vector<char32_t> tmp;
    if (options_.lowercase) {
      for (char32_t c : cps) AppendLower(tmp, c);
      cps.swap(tmp);
      tmp.clear();
    }
    if (options_.strip_accents) {
      std::vector<char32_t> nfd;
      for (char32_t c : cps) AppendNfd(nfd, c);
      for (char32_t c : nfd)
        if (!IsNonspacingMark(c)) tmp.push_back(c);
      cps.swap(tmp);
    }
  }
  // Pre-tokenizer: split on whitespace; every punctuation character is a word of its own.
  std::vector<std::string> words;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  for (char32_t c : cps) {
    if (IsWhitespace(c)) {
      flush();
    } else if (IsPunctuation(c)) {
      flush();
      AppendUtf8(current, c);
      flush();
    } else {
      AppendUtf8(current, c);
    }
  }
  flush();
  return words;
}

// Greedy longest-match-first (Wu et al. 2016, as BERT's WordpieceTokenizer): a word that cannot
// be covered by vocabulary pieces, or longer than max_input_chars_per_word, is one [UNK].
void WordPieceTokenizer::WordPiece(const std::string& word, std::vector<int32_t>& ids) const {
  const std::vector<char32_t> chars = DecodeUtf8(word);
  if (static_cast<int>(chars.size()) > options_.max_input_chars_per_word) {
    ids.push_back(unk_id_);
    return;
  }
  std::vector<int32_t> pieces;
  size_t start = 0;
  while (start < chars.size()) {
    size_t end = chars.size();
    int32_t found = -1;
    while (start < end) {
      std::string sub = start > 0 ? options_.continuing_prefix : std::string();
      for (size_t i = start; i < end; ++i) AppendUtf8(sub, chars[i]);
      auto it = ids_.find(sub);
      if (it != ids_.end()) {
        found = it->second;
        break;
      }
      --end;
    }
    if (found < 0) {
      ids.push_back(unk_id_);
      return;
    }
    pieces.push_back(found);
    start = end;
  }
  ids.insert(ids.end(), pieces.begin(), pieces.end());
}

std::vector<std::string> WordPieceTokenizer::Tokenize(std::string_view text) const {
  std::vector<int32_t> ids;
  for (const auto& w : PreTokenize(text)) WordPiece(w, ids);
  std::vector<std::string> out;
  for (auto id : ids) out.push_back(vocab_[static_cast<size_t>(id)]);
  return out;
}

std::vector<int32_t> WordPieceTokenizer::Encode(std::string_view text) const {
  std::vector<int32_t> ids{cls_id_};
  const size_t limit = static_cast<size_t>(options_.max_length) - 1;  // room for [SEP]
  for (const auto& w : PreTokenize(text)) {
    WordPiece(w, ids);
    if (ids.size() >= limit) break;
  }
  if (ids.size() > limit) ids.resize(limit);
  ids.push_back(sep_id_);
  return ids;
}

}  // namespace paperfeed::search::model
