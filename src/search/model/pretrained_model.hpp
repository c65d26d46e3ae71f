// search/model/pretrained_model: a sentence-embedding model from a Hugging Face model folder —
// its config, tokenizer, weights, sentence-transformers pooling and normalisation, and its query
// and passage prefixes — and the search Embedder over it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "search/embedder.hpp"
#include "search/model/bert_encoder.hpp"
#include "search/model/wordpiece.hpp"

namespace paperfeed::search::model {

struct PretrainedOptions {
  // Replace the prefixes the model folder or the table of known models gives.
  std::optional<std::string> query_prefix;
  std::optional<std::string> passage_prefix;
  std::optional<std::string> name;  // default: config's _name_or_path, else the folder's name
  int threads = 2;                  // CPU threads of the encoder
  int batch_size = 32;              // texts per forward pass
  // Tokens per forward pass (with batch_size, what bounds memory: about (7H + 4·I) floats a token
  // plus one L×L score matrix per thread; 16384 tokens of bge-small is ~200 MB).
  int max_batch_tokens = 16384;
};

// What a model folder says about itself.
struct ModelInfo {
  std::string dir;
  std::string name;
  BertConfig config;
  Pooling pooling = Pooling::kMean;
  bool normalize = false;        // a Normalize module in modules.json
  std::string query_prefix;
  std::string passage_prefix;
  int max_length = 512;          // tokens per text, [CLS] and [SEP] included
  std::string weights_dtype;     // of the word embeddings: "F32", "F16", ...
  int dimension() const { return config.hidden_size; }
};

// The prefixes a known model family expects (E5: "query: " / "passage: "; BGE English v1.5:
// its retrieval instruction for queries). Empty for others.
std::pair<std::string, std::string> KnownPrefixes(const std::string& model_name);

class PretrainedModel {
 public:
  // Reads and checks the folder: config.json, tokenizer.json or vocab.txt (+ tokenizer_config.json),
  // model.safetensors, and if present modules.json, 1_Pooling/config.json,
  // config_sentence_transformers.json. Errors name the file and what to do.
  static core::Result<std::unique_ptr<PretrainedModel>> Load(const std::string& dir, const PretrainedOptions& options = {});
  // Only what Load reads from the small files (no weights): for `model add` and `model list`.
  static core::Result<ModelInfo> Inspect(const std::string& dir, const PretrainedOptions& options = {});

  const ModelInfo& info() const { return info_; }
  const WordPieceTokenizer& tokenizer() const { return *tokenizer_; }

  // The sentence embeddings of `texts` (row-major, [texts, dimension]) as the model defines them:
  // pooled, then L2-normalised when the model has a Normalize module. With `query` the query
  // prefix is prepended to each text, else the passage prefix.
  core::Result<std::vector<float>> Embed(const std::vector<std::string>& texts, bool query) const;

 private:
  ModelInfo info_;
  PretrainedOptions options_;
  std::unique_ptr<WordPieceTokenizer> tokenizer_;
  std::unique_ptr<EncoderBackend> backend_;
};

// The search Embedder over a pretrained model: unit vectors (cosine search), queries with the
// query prefix, papers ("title. abstract") with the passage prefix. Save writes a small JSON
// file naming the folder, which LoadEmbedder reads back.
core::Result<std::unique_ptr<Embedder>> MakePretrainedEmbedder(const std::string& dir,
                                                               const PretrainedOptions& options = {});
// Reads what the pretrained Embedder's Save wrote; kInvalidInput when `text` is not one.
core::Result<std::unique_ptr<Embedder>> LoadPretrainedReference(const std::string& text, const std::string& path);

}  // namespace paperfeed::search::model
