// search/model/wordpiece: the tokenizer of BERT-family encoders, as Hugging Face's BertTokenizer
// and tokenizers' BertNormalizer + BertPreTokenizer + WordPiece + the [CLS] … [SEP] template.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::search::model {

struct WordPieceOptions {
  bool clean_text = true;            // drop control characters, map whitespace to ' '
  bool handle_chinese_chars = true;  // a space either side of every CJK ideograph
  bool lowercase = true;             // do_lower_case
  bool strip_accents = true;         // NFD, then drop Mn; BERT's default follows lowercase
  std::string continuing_prefix = "##";
  int max_input_chars_per_word = 100;
  std::string unk_token = "[UNK]";
  std::string cls_token = "[CLS]";
  std::string sep_token = "[SEP]";
  std::string pad_token = "[PAD]";
  int max_length = 512;  // tokens with [CLS] and [SEP]; longer texts are truncated
};

class WordPieceTokenizer {
 public:
  // From `vocab` (one token per line, its id its line number, as vocab.txt).
  static core::Result<std::unique_ptr<WordPieceTokenizer>> FromVocab(std::vector<std::string> vocab,
                                                                    WordPieceOptions options);
  // From a model folder: tokenizer.json (a BertNormalizer/WordPiece one), else vocab.txt with
  // tokenizer_config.json. `max_positions` (config.json's max_position_embeddings) caps max_length.
  static core::Result<std::unique_ptr<WordPieceTokenizer>> FromFolder(const std::string& dir, int max_positions);

  // The words BertNormalizer + BertPreTokenizer make of `text` (before WordPiece).
  std::vector<std::string> PreTokenize(std::string_view text) const;
  // WordPiece pieces of `text`, without special tokens and without truncation.
  std::vector<std::string> Tokenize(std::string_view text) const;
  // [CLS] pieces… [SEP] as ids, truncated to max_length.
  std::vector<int32_t> Encode(std::string_view text) const;

  int32_t pad_id() const { return pad_id_; }
  int vocab_size() const { return static_cast<int>(vocab_.size()); }
  const WordPieceOptions& options() const { return options_; }
  const std::string& token(int32_t id) const { return vocab_.at(static_cast<size_t>(id)); }

 private:
  void WordPiece(const std::string& word, std::vector<int32_t>& ids) const;

  WordPieceOptions options_;
  std::vector<std::string> vocab_;
  std::unordered_map<std::string, int32_t> ids_;
  int32_t unk_id_ = 0, cls_id_ = 0, sep_id_ = 0, pad_id_ = 0;
};

}  // namespace paperfeed::search::model
