// search/model/bert_encoder: BERT's forward pass on the CPU.
//
// A batch is packed rather than padded: the rows of every text are stacked into one [T, H]
// matrix, so the dense layers (nine tenths of the work at 256 tokens) run as one large sgemm
// each and waste nothing on padding; attention, the only step that mixes tokens, runs per text
// and per head on that text's rows, which gives exactly what padding plus an attention mask
// gives (a masked score is exp(-inf) = 0) without computing the masked part.
//
// Threads: OpenBLAS is held to one thread per call (search/model/blas.cpp); every dense layer is
// split by output features across the pool, attention by (text, head). So a short query uses
// every core as a batch of papers does, and no core runs two BLAS thread teams at once.
#include "search/model/bert_encoder.hpp"
#include "search/model/model_file.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "search/model/blas.hpp"
#include "search/model/safetensors.hpp"

namespace paperfeed::search::model {
namespace {

using core::ErrorCode;
using core::MakeError;

// A fixed team of threads that runs `tasks` calls of one function, the caller taking part.
class ThreadPool {
 public:
  explicit ThreadPool(int threads) {
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }
  ~ThreadPool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  void Run(int tasks, const std::function<void(int)>& fn) {
    if (tasks <= 0) return;
    if (workers_.empty() || tasks == 1) {
      for (int i = 0; i < tasks; ++i) fn(i);
      return;
    }
    std::unique_lock run_lock(run_mutex_);  // one job at a time (two searches embedding at once)
    {
      std::lock_guard lock(mutex_);
      fn_ = &fn;
      tasks_ = tasks;
      next_.store(0);
      done_ = 0;
      ++generation_;
    }
    wake_.notify_all();
    Drain();
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [&] { return done_ == tasks_; });
    fn_ = nullptr;
  }

 private:
  void Drain() {
    int finished_here = 0;
    for (int i; (i = next_.fetch_add(1)) < tasks_;) {
      (*fn_)(i);
      ++finished_here;
    }
    if (finished_here) {
      std::lock_guard lock(mutex_);
      done_ += finished_here;
      if (done_ == tasks_) finished_.notify_all();
    }
  }
  void Work() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      Drain();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex run_mutex_, mutex_;
  std::condition_variable wake_, finished_;
  const std::function<void(int)>* fn_ = nullptr;
  int tasks_ = 0, done_ = 0;
  std::atomic<int> next_{0};
  uint64_t generation_ = 0;
  bool stop_ = false;
};

void LayerNorm(float* x, int rows, int cols, const float* w, const float* b, float eps) {
  for (int r = 0; r < rows; ++r) {
    float* v = x + static_cast<size_t>(r) * cols;
    double mean = 0, var = 0;
    for (int c = 0; c < cols; ++c) mean += v[c];
    mean /= cols;
    for (int c = 0; c < cols; ++c) var += (v[c] - mean) * (v[c] - mean);
    var /= cols;
    const auto m = static_cast<float>(mean);
    const auto inv = static_cast<float>(1.0 / std::sqrt(var + eps));
    for (int c = 0; c < cols; ++c) v[c] = (v[c] - m) * inv * w[c] + b[c];
  }
}

class CpuEncoder final : public EncoderBackend {
 public:
  CpuEncoder(BertConfig config, BertWeights weights, Pooling pooling, CpuEncoderOptions options)
      : config_(std::move(config)), w_(std::move(weights)), pooling_(pooling),
        pool_(std::max(1, options.threads)) {
    tanh_gelu_ = config_.hidden_act == "gelu_new" || config_.hidden_act == "gelu_pytorch_tanh" ||
                 config_.hidden_act == "gelu_fast";
  }

  int dimension() const override { return config_.hidden_size; }

  core::Result<std::vector<float>> Encode(const std::vector<std::vector<int32_t>>& batch) const override {
    const int H = config_.hidden_size;
    std::vector<int> offset(batch.size() + 1, 0);
    for (size_t s = 0; s < batch.size(); ++s) {
      const auto& ids = batch[s];
      if (ids.empty()) return MakeError(ErrorCode::kInvalidInput, "text " + std::to_string(s) + " has no tokens");
      if (static_cast<int>(ids.size()) > config_.max_position_embeddings)
        return MakeError(ErrorCode::kInvalidInput, "text " + std::to_string(s) + " has " + std::to_string(ids.size()) +
                                                       " tokens, more than the model's " +
                                                       std::to_string(config_.max_position_embeddings) + " positions");
      for (int32_t id : ids)
        if (id < 0 || id >= config_.vocab_size)
          return MakeError(ErrorCode::kInvalidInput, "token id " + std::to_string(id) + " is outside the vocabulary");
      offset[s + 1] = offset[s] + static_cast<int>(ids.size());
    }
    const int T = offset.back();
    std::vector<float> x(static_cast<size_t>(T) * H);
    // Embeddings: word + position + token type 0 (one segment), then LayerNorm.
    for (size_t s = 0; s < batch.size(); ++s) {
      for (int p = 0; p < static_cast<int>(batch[s].size()); ++p) {
        float* row = &x[static_cast<size_t>(offset[s] + p) * H];
        const float* we = &w_.word[static_cast<size_t>(batch[s][static_cast<size_t>(p)]) * H];
        const float* pe = &w_.position[static_cast<size_t>(p) * H];
        const float* te = w_.token_type.data();
        for (int c = 0; c < H; ++c) row[c] = we[c] + pe[c] + te[c];
      }
    }
    LayerNorm(x.data(), T, H, w_.emb_ln_w.data(), w_.emb_ln_b.data(), config_.layer_norm_eps);

    const int I = config_.intermediate_size;
    const int heads = config_.num_heads;
    const int dh = H / heads;
    const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
    std::vector<float> qkv(static_cast<size_t>(T) * 3 * H), ctx(static_cast<size_t>(T) * H),
        tmp(static_cast<size_t>(T) * H), inter(static_cast<size_t>(T) * I);
    int max_len = 0;
    for (const auto& ids : batch) max_len = std::max(max_len, static_cast<int>(ids.size()));
    std::vector<std::vector<float>> scores(static_cast<size_t>(pool_.size()));

    for (const auto& L : w_.layers) {
      Linear(x.data(), T, H, L.qkv_w.data(), L.qkv_b.data(), 3 * H, qkv.data(), false);
      // Self-attention per (text, head).
      const int jobs = static_cast<int>(batch.size()) * heads;
      std::atomic<int> slot{0}, next_job{0};
      pool_.Run(std::min(jobs, pool_.size()), [&](int) {
        std::vector<float>& S = scores[static_cast<size_t>(slot.fetch_add(1))];
        S.resize(static_cast<size_t>(max_len) * max_len);
        for (int j = next_job.fetch_add(1); j < jobs; j = next_job.fetch_add(1)) {
          const int s = j / heads, h = j % heads;
          const int len = offset[static_cast<size_t>(s) + 1] - offset[static_cast<size_t>(s)];
          const float* q = &qkv[static_cast<size_t>(offset[static_cast<size_t>(s)]) * 3 * H + static_cast<size_t>(h) * dh];
          const float* k = q + H;
          const float* v = q + 2 * H;
          blas::Sgemm(false, true, len, len, dh, scale, q, 3 * H, k, 3 * H, 0.f, S.data(), len);
          for (int r = 0; r < len; ++r) {
            float* row = &S[static_cast<size_t>(r) * len];
            float mx = row[0];
            for (int c = 1; c < len; ++c) mx = std::max(mx, row[c]);
            float sum = 0;
            for (int c = 0; c < len; ++c) sum += (row[c] = std::exp(row[c] - mx));
            const float inv = 1.0f / sum;
            for (int c = 0; c < len; ++c) row[c] *= inv;
          }
          blas::Sgemm(false, false, len, dh, len, 1.f, S.data(), len, v, 3 * H, 0.f,
                      &ctx[static_cast<size_t>(offset[static_cast<size_t>(s)]) * H + static_cast<size_t>(h) * dh], H);
        }
      });
      Linear(ctx.data(), T, H, L.attn_out_w.data(), L.attn_out_b.data(), H, tmp.data(), false);
      for (size_t i = 0; i < x.size(); ++i) x[i] += tmp[i];
      LayerNorm(x.data(), T, H, L.attn_ln_w.data(), L.attn_ln_b.data(), config_.layer_norm_eps);
      Linear(x.data(), T, H, L.ffn_in_w.data(), L.ffn_in_b.data(), I, inter.data(), true);
      Linear(inter.data(), T, I, L.ffn_out_w.data(), L.ffn_out_b.data(), H, tmp.data(), false);
      for (size_t i = 0; i < x.size(); ++i) x[i] += tmp[i];
      LayerNorm(x.data(), T, H, L.ffn_ln_w.data(), L.ffn_ln_b.data(), config_.layer_norm_eps);
    }

    std::vector<float> out(batch.size() * static_cast<size_t>(H), 0.f);
    for (size_t s = 0; s < batch.size(); ++s) {
      float* o = &out[s * H];
      const float* first = &x[static_cast<size_t>(offset[s]) * H];
      if (pooling_ == Pooling::kCls) {
        std::copy(first, first + H, o);
      } else {  // mean over the text's tokens ([CLS] and [SEP] included, as sentence-transformers)
        const int len = offset[s + 1] - offset[s];
        for (int p = 0; p < len; ++p)
          for (int c = 0; c < H; ++c) o[c] += first[static_cast<size_t>(p) * H + c];
        for (int c = 0; c < H; ++c) o[c] /= static_cast<float>(len);
      }
    }
    return out;
  }

 private:
  // y[rows, n] = x[rows, k] W^T + b (W is [n, k] as torch.nn.Linear stores it), GELU when asked;
  // split by blocks of output features, one per thread.
  void Linear(const float* x, int rows, int k, const float* w, const float* b, int n, float* y, bool gelu) const {
    const int parts = pool_.size();
    const int block = ((n + parts - 1) / parts + 15) / 16 * 16;
    const int tasks = (n + block - 1) / block;
    pool_.Run(tasks, [&](int t) {
      const int j0 = t * block, j1 = std::min(n, j0 + block);
      blas::Sgemm(false, true, rows, j1 - j0, k, 1.f, x, k, w + static_cast<size_t>(j0) * k, k, 0.f, y + j0, n);
      for (int r = 0; r < rows; ++r) {
        float* row = y + static_cast<size_t>(r) * n;
        for (int j = j0; j < j1; ++j) {
          float v = row[j] + b[j];
          if (gelu) {
            v = tanh_gelu_ ? 0.5f * v * (1.f + std::tanh(0.7978845608f * (v + 0.044715f * v * v * v)))
                           : 0.5f * v * (1.f + std::erf(v * 0.70710678118f));  // Hendrycks & Gimpel 2016
          }
          row[j] = v;
        }
      }
    });
  }

  BertConfig config_;
  BertWeights w_;
  Pooling pooling_;
  bool tanh_gelu_ = false;
  mutable ThreadPool pool_;
};

}  // namespace

core::Result<BertConfig> BertConfig::Load(const std::string& path) {
  bool found = false;
  const std::string text = ReadModelFile(path, &found);
  if (!found) return MakeError(ErrorCode::kNotFound, path + " not found; a model folder needs its config.json");
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return MakeError(ErrorCode::kInvalidInput, path + " is not a JSON object; download it again");
  BertConfig c;
  c.model_type = j.value("model_type", std::string("bert"));
  c.name_or_path = j.value("_name_or_path", std::string());
  if (c.model_type != "bert")
    return MakeError(ErrorCode::kInvalidInput, path + ": model_type '" + c.model_type +
                                                   "' is not supported; paperfeed runs BERT-family encoders "
                                                   "(BERT, MiniLM, BGE, E5, GTE)");
  auto need = [&](const char* key, int& out) -> bool {
    if (!j.contains(key) || !j[key].is_number_integer() || j[key].get<int>() <= 0) return false;
    out = j[key].get<int>();
    return true;
  };
  for (auto [key, field] : {std::pair{"vocab_size", &c.vocab_size}, std::pair{"hidden_size", &c.hidden_size},
                            std::pair{"num_hidden_layers", &c.num_layers}, std::pair{"num_attention_heads", &c.num_heads},
                            std::pair{"intermediate_size", &c.intermediate_size}}) {
    if (!need(key, *field))
      return MakeError(ErrorCode::kInvalidInput, path + ": '" + key + "' is missing or not a positive integer");
  }
  need("max_position_embeddings", c.max_position_embeddings);
  if (j.contains("type_vocab_size") && j["type_vocab_size"].is_number_integer())
    c.type_vocab_size = std::max(1, j["type_vocab_size"].get<int>());
  if (j.contains("layer_norm_eps") && j["layer_norm_eps"].is_number()) c.layer_norm_eps = j["layer_norm_eps"].get<float>();
  if (j.contains("hidden_act") && j["hidden_act"].is_string()) c.hidden_act = j["hidden_act"].get<std::string>();
  if (c.hidden_act != "gelu" && c.hidden_act != "gelu_new" && c.hidden_act != "gelu_pytorch_tanh" &&
      c.hidden_act != "gelu_fast")
    return MakeError(ErrorCode::kInvalidInput, path + ": hidden_act '" + c.hidden_act + "' is not supported (gelu only)");
  if (c.hidden_size % c.num_heads != 0)
    return MakeError(ErrorCode::kInvalidInput, path + ": hidden_size " + std::to_string(c.hidden_size) +
                                                   " is not a multiple of num_attention_heads " + std::to_string(c.num_heads));
  return c;
}

core::Result<BertWeights> LoadBertWeights(const SafetensorsFile& file, const BertConfig& c) {
  // Exporters differ: BertModel saves "embeddings.…", BertFor* "bert.embeddings.…"; old
  // TensorFlow conversions name LayerNorm's parameters gamma/beta.
  std::string prefix;
  for (const char* p : {"", "bert.", "model."}) {
    if (file.Find(std::string(p) + "embeddings.word_embeddings.weight")) {
      prefix = p;
      break;
    }
  }
  core::Error error;
  bool failed = false;
  auto get = [&](const std::string& name, std::vector<int64_t> shape) -> std::vector<float> {
    if (failed) return {};
    std::string full = prefix + name;
    if (!file.Find(full)) {
      const auto dot = full.rfind('.');
      std::string alt = full.substr(0, dot) + (full.substr(dot) == ".weight" ? ".gamma" : ".beta");
      if (full.find("LayerNorm") != std::string::npos && file.Find(alt)) full = alt;
    }
    const TensorInfo* info = file.Find(full);
    if (!info) {
      failed = true;
      error = MakeError(ErrorCode::kInvalidInput, file.path() + ": no tensor '" + full +
                                                      "'; is this a BERT-family model matching its config.json?");
      return {};
    }
    if (info->shape != shape) {
      std::string want, got;
      for (auto d : shape) want += (want.empty() ? "" : ",") + std::to_string(d);
      for (auto d : info->shape) got += (got.empty() ? "" : ",") + std::to_string(d);
      failed = true;
      error = MakeError(ErrorCode::kInvalidInput, file.path() + ": tensor '" + full + "' has shape [" + got +
                                                      "], config.json implies [" + want + "]");
      return {};
    }
    auto v = file.ReadFloat(full);
    if (!v) {
      failed = true;
      error = v.error();
      return {};
    }
    return std::move(v.value());
  };
  const int64_t H = c.hidden_size, I = c.intermediate_size;
  BertWeights w;
  w.word = get("embeddings.word_embeddings.weight", {c.vocab_size, H});
  w.position = get("embeddings.position_embeddings.weight", {c.max_position_embeddings, H});
  w.token_type = get("embeddings.token_type_embeddings.weight", {c.type_vocab_size, H});
  w.emb_ln_w = get("embeddings.LayerNorm.weight", {H});
  w.emb_ln_b = get("embeddings.LayerNorm.bias", {H});
  for (int l = 0; l < c.num_layers && !failed; ++l) {
    const std::string p = "encoder.layer." + std::to_string(l) + ".";
    BertLayerWeights L;
    for (const char* part : {"query", "key", "value"}) {
      auto wt = get(p + "attention.self." + part + ".weight", {H, H});
      auto bs = get(p + "attention.self." + part + ".bias", {H});
      L.qkv_w.insert(L.qkv_w.end(), wt.begin(), wt.end());
      L.qkv_b.insert(L.qkv_b.end(), bs.begin(), bs.end());
    }
    L.attn_out_w = get(p + "attention.output.dense.weight", {H, H});
    L.attn_out_b = get(p + "attention.output.dense.bias", {H});
    L.attn_ln_w = get(p + "attention.output.LayerNorm.weight", {H});
    L.attn_ln_b = get(p + "attention.output.LayerNorm.bias", {H});
    L.ffn_in_w = get(p + "intermediate.dense.weight", {I, H});
    L.ffn_in_b = get(p + "intermediate.dense.bias", {I});
    L.ffn_out_w = get(p + "output.dense.weight", {H, I});
    L.ffn_out_b = get(p + "output.dense.bias", {H});
    L.ffn_ln_w = get(p + "output.LayerNorm.weight", {H});
    L.ffn_ln_b = get(p + "output.LayerNorm.bias", {H});
    w.layers.push_back(std::move(L));
  }
  if (failed) return error;
  return w;
}

std::unique_ptr<EncoderBackend> MakeCpuEncoder(BertConfig config, BertWeights weights, Pooling pooling,
                                               CpuEncoderOptions options) {
  return std::make_unique<CpuEncoder>(std::move(config), std::move(weights), pooling, options);
}

}  // namespace paperfeed::search::model
