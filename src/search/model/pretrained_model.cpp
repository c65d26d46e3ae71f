// search/model/pretrained_model: reads a Hugging Face / sentence-transformers model folder and
// runs it in batches.
#include "search/model/pretrained_model.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include <nlohmann/json.hpp>

#include "search/model/safetensors.hpp"
#include "search/segment.hpp"  // WriteFileAtomically

namespace paperfeed::search::model {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;
using core::Result;

constexpr const char* kReferenceFormat = "paperfeed-pretrained-model";

std::string ToLower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A small JSON file of the folder, or a null json when it is absent; an error when it is damaged.
Result<nlohmann::json> ReadJsonIfPresent(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return nlohmann::json();
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return MakeError(ErrorCode::kInvalidInput, path + " is not valid JSON; download it again");
  return j;
}

void NormalizeRows(std::vector<float>& m, size_t dim) {
  for (size_t r = 0; r * dim < m.size(); ++r) {
    double n = 0;
    for (size_t c = 0; c < dim; ++c) n += static_cast<double>(m[r * dim + c]) * m[r * dim + c];
    if (n <= 0) continue;
    // sentence-transformers' Normalize is torch.nn.functional.normalize: x / max(|x|, 1e-12).
    const auto inv = static_cast<float>(1.0 / std::max(std::sqrt(n), 1e-12));
    for (size_t c = 0; c < dim; ++c) m[r * dim + c] *= inv;
  }
}

class PretrainedEmbedder final : public Embedder {
 public:
  PretrainedEmbedder(std::unique_ptr<PretrainedModel> model, PretrainedOptions options)
      : model_(std::move(model)), options_(std::move(options)) {}

  std::string name() const override { return "pretrained:" + model_->info().name; }
  int dimension() const override { return model_->info().dimension(); }

  std::vector<float> Embed(std::string_view text) const override {
    return Unit(model_->Embed({std::string(text)}, true));
  }
  std::vector<float> EmbedPaper(std::string_view title, std::string_view abstract) const override {
    return Unit(model_->Embed({PaperString(title, abstract)}, false));
  }
  std::vector<float> EmbedPapers(const std::vector<PaperText>& papers) const override {
    std::vector<std::string> texts;
    texts.reserve(papers.size());
    for (const auto& p : papers) texts.push_back(PaperString(p.title, p.abstract));
    auto m = model_->Embed(texts, false);
    if (!m) return std::vector<float>(papers.size() * static_cast<size_t>(dimension()), 0.f);
    NormalizeRows(m.value(), static_cast<size_t>(dimension()));
    return std::move(m.value());
  }
  bool embeds_in_batches() const override { return true; }

  core::Result<void> Save(const std::string& path) const override {
    nlohmann::json ref = {{"format", kReferenceFormat}, {"dir", fs::absolute(model_->info().dir).string()},
                          {"name", model_->info().name}, {"dimension", dimension()},
                          {"query_prefix", model_->info().query_prefix},
                          {"passage_prefix", model_->info().passage_prefix}};
    return WriteFileAtomically(path, ref.dump(2) + "\n");
  }

 private:
  // A paper as one passage: "title. abstract" (the title's sentence ends before the abstract's).
  static std::string PaperString(std::string_view title, std::string_view abstract) {
    std::string s(title);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
    if (!s.empty() && !abstract.empty()) {
      const char last = s.back();
      if (last != '.' && last != '?' && last != '!') s += '.';
      s += ' ';
    }
    s += abstract;
    return s;
  }
  std::vector<float> Unit(Result<std::vector<float>> m) const {
    if (!m) return std::vector<float>(static_cast<size_t>(dimension()), 0.f);
    NormalizeRows(m.value(), static_cast<size_t>(dimension()));
    return std::move(m.value());
  }

  std::unique_ptr<PretrainedModel> model_;
  PretrainedOptions options_;
};

}  // namespace

std::pair<std::string, std::string> KnownPrefixes(const std::string& model_name) {
  const std::string n = ToLower(model_name);
  const std::string base = n.substr(n.rfind('/') == std::string::npos ? 0 : n.rfind('/') + 1);
  // E5 (Wang et al. 2022, "Text Embeddings by Weakly-Supervised Contrastive Pre-training"): both sides marked.
  if (base.rfind("e5-", 0) == 0 || base.find("-e5-") != std::string::npos || base.rfind("e5_", 0) == 0)
    return {"query: ", "passage: "};
  // BGE (Xiao et al. 2023, C-Pack): an instruction on short queries only, as its model card says.
  if (base.rfind("bge-", 0) == 0) {
    if (base.find("-zh") != std::string::npos) return {"为这个句子生成表示以用于检索相关文章：", ""};
    if (base.find("-en") != std::string::npos) return {"Represent this sentence for searching relevant passages: ", ""};
  }
  return {"", ""};
}

Result<ModelInfo> PretrainedModel::Inspect(const std::string& dir, const PretrainedOptions& options) {
  ModelInfo info;
  info.dir = dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return MakeError(ErrorCode::kNotFound, dir + " is not a folder; give a Hugging Face model folder "
                                                 "(config.json, vocab.txt or tokenizer.json, model.safetensors)");
  auto config = BertConfig::Load(dir + "/config.json");
  if (!config) return config.error();
  info.config = config.value();
  info.name = options.name ? *options.name
              : !info.config.name_or_path.empty() && info.config.name_or_path.find('/') != 0
                  ? info.config.name_or_path
                  : fs::absolute(dir).lexically_normal().filename().string();
  if (info.name.empty()) info.name = fs::absolute(dir).lexically_normal().parent_path().filename().string();

  // sentence-transformers: modules.json lists the pipeline (Transformer, Pooling, Normalize).
  auto modules = ReadJsonIfPresent(dir + "/modules.json");
  if (!modules) return modules.error();
  std::string pooling_dir;
  if (modules->is_array()) {
    for (const auto& m : modules.value()) {
      const std::string type = m.value("type", "");
      if (type.find("Pooling") != std::string::npos) pooling_dir = m.value("path", "1_Pooling");
      else if (type.find("Normalize") != std::string::npos) info.normalize = true;
      else if (type.find("Transformer") == std::string::npos)
        return MakeError(ErrorCode::kInvalidInput, dir + "/modules.json: module '" + type +
                                                       "' is not supported (Transformer, Pooling and Normalize are)");
    }
  } else if (!modules->is_null()) {
    return MakeError(ErrorCode::kInvalidInput, dir + "/modules.json is not a JSON list");
  }
  // Without sentence-transformers files a plain BERT is mean-pooled, as sentence-transformers does.
  info.pooling = Pooling::kMean;
  if (!pooling_dir.empty()) {
    const std::string path = dir + "/" + pooling_dir + "/config.json";
    auto pool = ReadJsonIfPresent(path);
    if (!pool) return pool.error();
    if (!pool->is_object())
      return MakeError(ErrorCode::kNotFound, path + " is missing; modules.json names a Pooling module there");
    const bool cls = pool->value("pooling_mode_cls_token", false);
    const bool mean = pool->value("pooling_mode_mean_tokens", false);
    for (const char* other : {"pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens",
                              "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"}) {
      if (pool->value(other, false))
        return MakeError(ErrorCode::kInvalidInput, path + ": " + other + " is not supported (CLS or mean pooling are)");
    }
    if (cls == mean)
      return MakeError(ErrorCode::kInvalidInput, path + ": exactly one of pooling_mode_cls_token and "
                                                        "pooling_mode_mean_tokens must be true");
    info.pooling = cls ? Pooling::kCls : Pooling::kMean;
  }

  // Prefixes: the folder's own prompts, else the table of known models, else the options.
  auto [query, passage] = KnownPrefixes(info.name);
  auto st = ReadJsonIfPresent(dir + "/config_sentence_transformers.json");
  if (!st) return st.error();
  if (st->is_object() && st->contains("prompts") && (*st)["prompts"].is_object() && !(*st)["prompts"].empty()) {
    const auto& prompts = (*st)["prompts"];
    query = prompts.value("query", std::string());
    passage = prompts.contains("passage")    ? prompts.value("passage", std::string())
              : prompts.contains("document") ? prompts.value("document", std::string())
                                             : prompts.value("corpus", std::string());
  }
  info.query_prefix = options.query_prefix.value_or(query);
  info.passage_prefix = options.passage_prefix.value_or(passage);

  const std::string weights = dir + "/model.safetensors";
  if (!fs::exists(weights, ec))
    return MakeError(ErrorCode::kNotFound, weights + " is missing; paperfeed reads safetensors weights only "
                                                     "(paperfeed model pull fetches them)");
  return info;
}

Result<std::unique_ptr<PretrainedModel>> PretrainedModel::Load(const std::string& dir, const PretrainedOptions& options) {
  auto info = Inspect(dir, options);
  if (!info) return info.error();
  auto model = std::make_unique<PretrainedModel>();
  model->info_ = std::move(info.value());
  model->options_ = options;
  auto tokenizer = WordPieceTokenizer::FromFolder(dir, model->info_.config.max_position_embeddings);
  if (!tokenizer) return tokenizer.error();
  model->tokenizer_ = std::move(tokenizer.value());
  if (model->tokenizer_->vocab_size() > model->info_.config.vocab_size)
    return MakeError(ErrorCode::kInvalidInput, dir + ": the tokenizer has " + std::to_string(model->tokenizer_->vocab_size()) +
                                                   " tokens but config.json's vocab_size is " +
                                                   std::to_string(model->info_.config.vocab_size));
  model->info_.max_length = model->tokenizer_->options().max_length;
  auto file = SafetensorsFile::Open(dir + "/model.safetensors");
  if (!file) return file.error();
  auto weights = LoadBertWeights(*file.value(), model->info_.config);
  if (!weights) return weights.error();
  for (const char* p : {"embeddings.word_embeddings.weight", "bert.embeddings.word_embeddings.weight"})
    if (const auto* t = file.value()->Find(p)) model->info_.weights_dtype = t->dtype_name;
  CpuEncoderOptions cpu;
  cpu.threads = std::max(1, options.threads);
  model->backend_ = MakeCpuEncoder(model->info_.config, std::move(weights.value()), model->info_.pooling, cpu);
  return model;
}

Result<std::vector<float>> PretrainedModel::Embed(const std::vector<std::string>& texts, bool query) const {
  const std::string& prefix = query ? info_.query_prefix : info_.passage_prefix;
  std::vector<std::vector<int32_t>> ids(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) ids[i] = tokenizer_->Encode(prefix + texts[i]);
  // Longest first, so each forward pass holds texts of similar length and the token cap binds evenly.
  std::vector<size_t> order(texts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ids[a].size() > ids[b].size(); });
  const size_t dim = static_cast<size_t>(info_.dimension());
  std::vector<float> out(texts.size() * dim);
  const size_t max_texts = static_cast<size_t>(std::max(1, options_.batch_size));
  const size_t max_tokens = static_cast<size_t>(std::max(1, options_.max_batch_tokens));
  for (size_t at = 0; at < order.size();) {
    std::vector<std::vector<int32_t>> batch;
    std::vector<size_t> rows;
    size_t tokens = 0;
    while (at < order.size() && batch.size() < max_texts &&
           (batch.empty() || tokens + ids[order[at]].size() <= max_tokens)) {
      tokens += ids[order[at]].size();
      rows.push_back(order[at]);
      batch.push_back(std::move(ids[order[at]]));
      ++at;
    }
    auto pooled = backend_->Encode(batch);
    if (!pooled) return pooled.error();
    for (size_t r = 0; r < rows.size(); ++r)
      std::copy(pooled->begin() + static_cast<long>(r * dim), pooled->begin() + static_cast<long>((r + 1) * dim),
                out.begin() + static_cast<long>(rows[r] * dim));
  }
  if (info_.normalize) NormalizeRows(out, dim);
  return out;
}

Result<std::unique_ptr<Embedder>> MakePretrainedEmbedder(const std::string& dir, const PretrainedOptions& options) {
  auto model = PretrainedModel::Load(dir, options);
  if (!model) return model.error();
  return std::unique_ptr<Embedder>(std::make_unique<PretrainedEmbedder>(std::move(model.value()), options));
}

Result<std::unique_ptr<Embedder>> LoadPretrainedReference(const std::string& text, const std::string& path) {
  auto ref = nlohmann::json::parse(text, nullptr, false);
  if (ref.is_discarded() || !ref.is_object() || ref.value("format", "") != kReferenceFormat || !ref.contains("dir"))
    return MakeError(ErrorCode::kInvalidInput, path + " is not a pretrained-model reference");
  PretrainedOptions options;
  options.name = ref.value("name", std::string());
  options.query_prefix = ref.value("query_prefix", std::string());
  options.passage_prefix = ref.value("passage_prefix", std::string());
  auto e = MakePretrainedEmbedder(ref["dir"].get<std::string>(), options);
  if (!e) return MakeError(e.error().code, path + " names a model that cannot be loaded: " + e.error().message);
  return e;
}

}  // namespace paperfeed::search::model
