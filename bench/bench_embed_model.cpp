// Pretrained-model embedding benchmark (make bench-embed-model): bge-small-en-v1.5's shapes
// (12 layers, hidden 384, 12 heads, intermediate 1536, vocab 30522) with random weights, papers
// of 256 tokens. Prints papers/s, single-query latency p50/p99, OpenBLAS's own sgemm rate on the
// dominant shape measured in the same run (and the fraction of it the encoder reaches), and the
// load average. Never fails on time.
//   bench_embed_model [--threads 2] [--papers 64] [--batch 32] [--queries 200]
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "search/model/bert_encoder.hpp"
#include "search/model/blas.hpp"

using namespace paperfeed::search::model;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<float> Random(size_t n, std::mt19937& rng, float scale, float mean = 0.f) {
  std::normal_distribution<float> d(mean, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

void PrintLoad(const char* when) {
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf("load average %s: %.2f %.2f %.2f (%u CPUs)\n", when, load[0], load[1], load[2],
              std::thread::hardware_concurrency());
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2, papers = 64, batch = 32, queries = 200, tokens = 256;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (a == "--threads") threads = v;
    else if (a == "--papers") papers = v;
    else if (a == "--batch") batch = v;
    else if (a == "--queries") queries = v;
    else if (a == "--tokens") tokens = v;
  }
  PrintLoad("at start");
  std::printf("OpenBLAS: %s\n", blas::Describe());
  BertConfig c;
  c.vocab_size = 30522;
  c.hidden_size = 384;
  c.num_layers = 12;
  c.num_heads = 12;
  c.intermediate_size = 1536;
  c.max_position_embeddings = 512;
  const size_t H = 384, I = 1536;
  std::mt19937 rng(1);
  BertWeights w;
  w.word = Random(c.vocab_size * H, rng, 0.02f);
  w.position = Random(512 * H, rng, 0.02f);
  w.token_type = Random(2 * H, rng, 0.02f);
  w.emb_ln_w = Random(H, rng, 0.02f, 1.f);
  w.emb_ln_b = Random(H, rng, 0.02f);
  for (int l = 0; l < c.num_layers; ++l) {
    BertLayerWeights L;
    L.qkv_w = Random(3 * H * H, rng, 0.02f);
    L.qkv_b = Random(3 * H, rng, 0.02f);
    L.attn_out_w = Random(H * H, rng, 0.02f);
    L.attn_out_b = Random(H, rng, 0.02f);
    L.attn_ln_w = Random(H, rng, 0.02f, 1.f);
    L.attn_ln_b = Random(H, rng, 0.02f);
    L.ffn_in_w = Random(I * H, rng, 0.02f);
    L.ffn_in_b = Random(I, rng, 0.02f);
    L.ffn_out_w = Random(H * I, rng, 0.02f);
    L.ffn_out_b = Random(H, rng, 0.02f);
    L.ffn_ln_w = Random(H, rng, 0.02f, 1.f);
    L.ffn_ln_b = Random(H, rng, 0.02f);
    w.layers.push_back(std::move(L));
  }
  CpuEncoderOptions options;
  options.threads = threads;
  auto encoder = MakeCpuEncoder(c, std::move(w), Pooling::kCls, options);
  std::uniform_int_distribution<int> id(1000, c.vocab_size - 1);
  auto sequence = [&](int len) {
    std::vector<int32_t> s(static_cast<size_t>(len));
    for (auto& x : s) x = id(rng);
    s.front() = 101;
    s.back() = 102;
    return s;
  };

  // 1. OpenBLAS's own rate on the dominant shape: the FFN's first product, [batch*256, 384] x
  // [384, 1536], split by output features over the threads exactly as the encoder does.
  {
    const int M = batch * tokens, N = static_cast<int>(I), K = static_cast<int>(H);
    std::vector<float> A = Random(static_cast<size_t>(M) * K, rng, 1.f), B = Random(static_cast<size_t>(N) * K, rng, 1.f),
                       C(static_cast<size_t>(M) * N);
    auto run = [&] {
      std::vector<std::thread> team;
      const int block = N / threads;
      for (int t = 0; t < threads; ++t)
        team.emplace_back([&, t] {
          const int j0 = t * block, j1 = t == threads - 1 ? N : j0 + block;
          blas::Sgemm(false, true, M, j1 - j0, K, 1.f, A.data(), K, B.data() + static_cast<size_t>(j0) * K, K, 0.f,
                      C.data() + j0, N);
        });
      for (auto& t : team) t.join();
    };
    run();  // warm
    const int reps = 5;
    auto t0 = Clock::now();
    for (int r = 0; r < reps; ++r) run();
    const double s = Seconds(t0, Clock::now());
    const double gflops = 2.0 * M * N * K * reps / s / 1e9;
    std::printf("sgemm %dx%dx%d on %d threads: %.1f GFLOP/s\n", M, N, K, threads, gflops);

    // 2. Papers of `tokens` tokens, in batches of `batch`.
    std::vector<std::vector<int32_t>> docs;
    for (int i = 0; i < papers; ++i) docs.push_back(sequence(tokens));
    (void)encoder->Encode({docs[0]});  // warm
    auto p0 = Clock::now();
    for (int at = 0; at < papers; at += batch) {
      std::vector<std::vector<int32_t>> b(docs.begin() + at, docs.begin() + std::min(papers, at + batch));
      auto r = encoder->Encode(b);
      if (!r) {
        std::fprintf(stderr, "encode failed: %s\n", r.error().message.c_str());
        return 1;
      }
    }
    const double ps = Seconds(p0, Clock::now());
    // FLOPs per paper: 24·H² per token per layer for the dense layers + 4·L·H for attention.
    const double flop = static_cast<double>(c.num_layers) * tokens * (24.0 * H * H + 4.0 * tokens * H);
    const double model_gflops = flop * papers / ps / 1e9;
    std::printf("papers (%d tokens, batch %d, %d threads): %.2f papers/s, %.1f GFLOP/s = %.0f %% of sgemm\n", tokens,
                batch, threads, papers / ps, model_gflops, 100.0 * model_gflops / gflops);
    std::printf("  75k papers: %.1f h; 2.5 M papers: %.1f days (at this rate)\n", 75000.0 / (papers / ps) / 3600,
                2.5e6 / (papers / ps) / 86400);
  }

  // 3. Single short queries (8 to 16 tokens), one at a time.
  std::vector<double> ms;
  std::uniform_int_distribution<int> qlen(8, 16);
  for (int q = 0; q < queries; ++q) {
    auto s = sequence(qlen(rng));
    auto t0 = Clock::now();
    auto r = encoder->Encode({s});
    ms.push_back(Seconds(t0, Clock::now()) * 1e3);
    if (!r) return 1;
  }
  std::sort(ms.begin(), ms.end());
  std::printf("query latency (8-16 tokens, %d queries): p50 %.2f ms, p99 %.2f ms\n", queries, ms[ms.size() / 2],
              ms[std::min(ms.size() - 1, ms.size() * 99 / 100)]);
  PrintLoad("at end");
  return 0;
}
