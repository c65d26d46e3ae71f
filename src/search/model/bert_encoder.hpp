// search/model/bert_encoder: the BERT encoder (Devlin et al. 2019) — embeddings, N post-LN
// transformer layers, pooling — from token ids to one vector per text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::search::model {

class SafetensorsFile;

// config.json of a BERT-family model (BERT, MiniLM, BGE, E5, GTE all use model_type "bert").
struct BertConfig {
  std::string model_type = "bert";
  std::string name_or_path;  // _name_or_path, when the exporter wrote it
  int vocab_size = 0;
  int hidden_size = 0;
  int num_layers = 0;
  int num_heads = 0;
  int intermediate_size = 0;
  int max_position_embeddings = 512;
  int type_vocab_size = 2;
  float layer_norm_eps = 1e-12f;
  std::string hidden_act = "gelu";  // "gelu" (erf), "gelu_new" / "gelu_pytorch_tanh" (tanh form)

  // kNotFound / kInvalidInput naming the file and the field.
  static core::Result<BertConfig> Load(const std::string& path);
};

enum class Pooling { kCls, kMean };

// The weights, float32, in Hugging Face's layout (Linear weights [out, in]).
struct BertLayerWeights {
  std::vector<float> qkv_w, qkv_b;  // query, key and value stacked: [3H, H], [3H]
  std::vector<float> attn_out_w, attn_out_b, attn_ln_w, attn_ln_b;
  std::vector<float> ffn_in_w, ffn_in_b, ffn_out_w, ffn_out_b, ffn_ln_w, ffn_ln_b;
};
struct BertWeights {
  std::vector<float> word, position, token_type, emb_ln_w, emb_ln_b;
  std::vector<BertLayerWeights> layers;
};

// Reads the weights of `config` from a safetensors file, with or without a "bert." prefix and
// with LayerNorm weight/bias or gamma/beta names; kInvalidInput names a missing or misshapen tensor.
core::Result<BertWeights> LoadBertWeights(const SafetensorsFile& file, const BertConfig& config);

// A batch of token-id sequences in, a row-major [batch, dimension] matrix of pooled embeddings
// out (before any normalisation). The seam a GPU backend takes over: everything above it
// (tokenizer, batching, prefixes, normalisation) stays as it is.
class EncoderBackend {
 public:
  virtual ~EncoderBackend() = default;
  virtual int dimension() const = 0;
  virtual core::Result<std::vector<float>> Encode(const std::vector<std::vector<int32_t>>& batch) const = 0;
};

struct CpuEncoderOptions {
  int threads = 2;  // worker threads (the caller's included) that split every matrix product
};

// The CPU backend (OpenBLAS sgemm, search/model/blas).
std::unique_ptr<EncoderBackend> MakeCpuEncoder(BertConfig config, BertWeights weights, Pooling pooling,
                                               CpuEncoderOptions options = {});

}  // namespace paperfeed::search::model
