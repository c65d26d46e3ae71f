// bench/bench_vector_index: HNSW build rate, recall@10 against exact search, search and
// similar-papers latency, memory — for choosing M / efConstruction / efSearch.
//
//   bench_vector_index DOCS.f32 QUERIES.f32 DIM N [M EF_CONSTRUCTION]
// DOCS.f32 / QUERIES.f32: raw float32 unit vectors (e.g. written by the embedder on a BEIR set;
// bench/eval_semantic.sh makes them). The N indexed vectors are the real document vectors,
// repeated with small Gaussian noise when N exceeds them, so the index has the real data's
// cluster structure at catalogue scale. Prints one JSON line per efSearch.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "search/vector_index.hpp"

using namespace paperfeed::search;
using Clock = std::chrono::steady_clock;

static std::vector<float> ReadF32(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> out(bytes.size() / sizeof(float));
  std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
  return out;
}

static long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// CPU seconds of this process (user + system): wall time means little on a shared machine.
static double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static double Pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s DOCS.f32 QUERIES.f32 DIM N [M EF_CONSTRUCTION]\n", argv[0]);
    return 2;
  }
  const int dim = std::stoi(argv[3]);
  const size_t n = std::stoul(argv[4]);
  VectorIndexParams params;
  params.dimension = dim;
  if (argc > 5) params.m = std::stoi(argv[5]);
  if (argc > 6) params.ef_construction = std::stoi(argv[6]);
  auto base = ReadF32(argv[1]);
  auto queries = ReadF32(argv[2]);
  const size_t nb = base.size() / dim, nq = std::min<size_t>(queries.size() / dim, 300);
  std::vector<float> data(n * dim);
  std::vector<int64_t> ids(n);
  std::mt19937_64 rng(1);
  std::normal_distribution<float> noise(0.f, 0.03f);
  for (size_t i = 0; i < n; ++i) {
    ids[i] = static_cast<int64_t>(i);
    double norm = 0;
    for (int k = 0; k < dim; ++k) {
      float x = base[(i % nb) * dim + k] + (i >= nb ? noise(rng) : 0.f);
      data[i * dim + k] = x;
      norm += x * x;
    }
    for (int k = 0; k < dim; ++k) data[i * dim + k] /= static_cast<float>(std::sqrt(norm) + 1e-12);
  }
  long rss0 = RssKb();
  auto index = VectorIndex::Create(params, n).value();
  auto t0 = Clock::now();
  const double cpu0 = CpuSeconds();
  index->AddMany(ids, data, 2);
  double build_s = std::chrono::duration<double>(Clock::now() - t0).count();
  double build_cpu_s = CpuSeconds() - cpu0;
  long rss1 = RssKb();
  data.clear();
  data.shrink_to_fit();
  std::printf("{\"n\":%zu,\"dim\":%d,\"m\":%d,\"ef_construction\":%d,\"build_s\":%.1f,\"build_cpu_s\":%.1f,\"per_cpu_s\":%.0f,\"index_rss_mb\":%.0f}\n", n,
              dim, params.m, params.ef_construction, build_s, build_cpu_s, n / build_cpu_s, (rss1 - rss0) / 1024.0);
  // Exact answers once.
  std::vector<std::set<int64_t>> truth(nq);
  for (size_t q = 0; q < nq; ++q)
    for (const auto& h : index->ExactSearch(&queries[q * dim], 10)) truth[q].insert(h.id);
  for (int ef : {32, 64, 96, 128, 192, 256}) {
    VectorIndexParams p = params;
    p.ef_search = ef;
    // Re-open with this efSearch through save/load, as the service does.
    std::string path = "/tmp/bench_vector_index.hnsw";
    (void)index->Save(path);
    auto probe = VectorIndex::Load(path, p).value();
    int found = 0;
    std::vector<double> ms, sim_ms;
    for (size_t q = 0; q < nq; ++q) {
      auto t = Clock::now();
      auto hits = probe->Search(&queries[q * dim], 10);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
      for (const auto& h : hits) found += truth[q].count(h.id);
      auto doc = static_cast<int64_t>((q * 7919) % n);
      t = Clock::now();
      auto v = probe->Get(doc);
      auto sim = probe->Search(v->data(), 11);
      sim_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
    }
    std::printf("{\"ef_search\":%d,\"recall@10\":%.4f,\"search_p50_ms\":%.3f,\"search_p99_ms\":%.3f,\"similar_p50_ms\":%.3f}\n", ef,
                found / (10.0 * nq), Pct(ms, 0.5), Pct(ms, 0.99), Pct(sim_ms, 0.5));
    std::fflush(stdout);
  }
  std::remove("/tmp/bench_vector_index.hnsw");
  return 0;
}
