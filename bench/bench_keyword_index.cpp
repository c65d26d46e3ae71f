// bench_keyword_index: the keyword index alone — build time from the catalogue, size, and top-10
// latency of the engine (query parsing + BM25F top-k, no titles fetched), one thread. Prints JSON.
//
//   bench_keyword_index DB QUERIES INDEX_DIR [--reuse]
//
// INDEX_DIR is rebuilt, unless --reuse is given and it already holds an index (then build_s is 0):
// for timing query changes at 2.5 M papers without a 15-minute rebuild each time.
#include <filesystem>
#include <iostream>

#include "bench/bench_common.hpp"
#include "search/keyword_index.hpp"
#include "store/catalogue.hpp"

using namespace paperfeed;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: bench_keyword_index DB QUERIES INDEX_DIR [--reuse]\n";
    return 2;
  }
  auto queries = bench::ReadLines(argv[2]);
  auto catalogue = store::OpenCatalogue(argv[1]);
  if (!catalogue) {
    std::cerr << catalogue.error().message << "\n";
    return 1;
  }
  const bool reuse = argc > 4 && std::string(argv[4]) == "--reuse" &&
                    std::filesystem::exists(std::filesystem::path(argv[3]) / "MANIFEST");
  if (!reuse) std::filesystem::remove_all(argv[3]);
  auto index = search::KeywordIndex::Open(argv[3]);
  if (!index) {
    std::cerr << index.error().message << "\n";
    return 1;
  }
  double t0 = bench::NowMs();
  if (auto r = reuse ? core::Result<void>{} : index.value()->Rebuild(*catalogue.value(), false); !r) {
    std::cerr << r.error().message << "\n";
    return 1;
  }
  const double build_s = (bench::NowMs() - t0) / 1000.0;
  const double build_rss = bench::PeakRssMb();
  bench::Latency lat;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& q : queries) {
      double w = bench::NowMs(), c = bench::ThreadCpuMs();
      auto top = index.value()->TopK(search::ParseQuery(q), 10);
      if (pass == 1) lat.Add(bench::NowMs() - w, bench::ThreadCpuMs() - c);
    }
  }
  auto stats = index.value()->Stats();
  std::printf("{\"engine\": \"paperfeed-keyword-engine\", \"docs\": %lld, \"build_s\": %.1f, \"build_peak_rss_mb\": %.0f, "
              "%s, \"index_bytes\": %lld}\n",
              static_cast<long long>(stats.live_docs), build_s, build_rss, lat.Json("keyword").c_str(),
              static_cast<long long>(stats.bytes));
  return 0;
}
