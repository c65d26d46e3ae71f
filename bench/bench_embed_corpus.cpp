// bench/bench_embed_corpus: trains the default embedder on a BEIR-layout corpus exactly as eval-ir
// does, and writes the document and query vectors as raw float32 (OUT/docs.f32, OUT/queries.f32)
// for bench_vector_index. Prints training and embedding times.
//
//   bench_embed_corpus BEIR_DIR OUT_PREFIX [DIMENSION]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "search/embedder.hpp"

using namespace paperfeed::search;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s BEIR_DIR OUT_PREFIX [DIMENSION]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1], out = argv[2];
  EmbedderTrainOptions options;
  options.dimension = argc > 3 ? std::stoi(argv[3]) : 128;
  std::vector<TrainingDoc> docs;
  std::ifstream in(dir + "/corpus.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    docs.push_back({j.value("title", ""), j.value("text", "")});
  }
  size_t at = 0;
  auto t0 = std::chrono::steady_clock::now();
  auto model = TrainDefaultEmbedder(
      [&](TrainingDoc& d) {
        if (at >= docs.size()) return false;
        d = docs[at++];
        return true;
      },
      options);
  if (!model) {
    std::fprintf(stderr, "%s\n", model.error().message.c_str());
    return 1;
  }
  auto t1 = std::chrono::steady_clock::now();
  std::ofstream dv(out + "docs.f32", std::ios::binary);
  for (const auto& d : docs) {
    auto v = (*model)->EmbedPaper(d.title, d.abstract);
    dv.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
  }
  auto t2 = std::chrono::steady_clock::now();
  std::ifstream qi(dir + "/queries.jsonl");
  std::ofstream qv(out + "queries.f32", std::ios::binary);
  for (std::string line; std::getline(qi, line);) {
    auto v = (*model)->Embed(nlohmann::json::parse(line)["text"].get<std::string>());
    qv.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
  }
  std::printf("{\"docs\":%zu,\"train_s\":%.1f,\"embed_s\":%.1f,\"docs_per_s\":%.0f}\n", docs.size(),
              std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count(),
              docs.size() / std::chrono::duration<double>(t2 - t1).count());
  return 0;
}
