// bench_search_paperfeed: paperfeed's search latency over a catalogue — keyword, hybrid and similar
// papers, top-10, one thread — with the index's size and the process's peak memory. Prints JSON.
//
//   bench_search_paperfeed DB QUERIES [INDEX_DIR]
#include <filesystem>
#include <iostream>

#include "bench/bench_common.hpp"
#include "search/search_service.hpp"
#include "store/catalogue.hpp"

using namespace paperfeed;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bench_search_paperfeed DB QUERIES [INDEX_DIR]\n";
    return 2;
  }
  const std::string db = argv[1], index_dir = argc > 3 ? argv[3] : std::string(argv[1]) + ".index";
  auto queries = bench::ReadLines(argv[2]);
  auto catalogue = store::OpenCatalogue(db);
  if (!catalogue) {
    std::cerr << catalogue.error().message << "\n";
    return 1;
  }
  double t0 = bench::NowMs();
  auto service = search::OpenSearchService(*catalogue.value(), index_dir);
  if (!service) {
    std::cerr << service.error().message << "\n";
    return 1;
  }
  const double open_ms = bench::NowMs() - t0;

  auto run = [&](search::SearchMode mode, bench::Latency& lat, std::vector<std::string>* ids,
                 search::SearchMode* used) {
    for (int pass = 0; pass < 2; ++pass) {  // the first pass warms the page cache
      for (const auto& q : queries) {
        search::SearchOptions so;
        so.mode = mode;
        so.limit = 10;
        double w = bench::NowMs(), c = bench::ThreadCpuMs();
        auto r = service.value()->Search(q, so);
        double dw = bench::NowMs() - w, dc = bench::ThreadCpuMs() - c;
        if (!r) {
          std::cerr << "query '" << q << "': " << r.error().message << "\n";
          continue;
        }
        if (pass == 1) {
          lat.Add(dw, dc);
          if (used) *used = r->mode_used;
          if (ids && !r->hits.empty()) ids->push_back(r->hits.front().paper_id);
        }
      }
    }
  };
  bench::Latency keyword, hybrid, similar;
  std::vector<std::string> ids;
  search::SearchMode used_keyword = search::SearchMode::kKeyword, used_hybrid = search::SearchMode::kKeyword;
  run(search::SearchMode::kKeyword, keyword, &ids, &used_keyword);
  run(search::SearchMode::kHybrid, hybrid, nullptr, &used_hybrid);
  for (const auto& id : ids) {
    double w = bench::NowMs(), c = bench::ThreadCpuMs();
    auto r = service.value()->Similar(id, 10);
    if (r) similar.Add(bench::NowMs() - w, bench::ThreadCpuMs() - c);
  }
  uint64_t bytes = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(index_dir))
    if (e.is_regular_file()) bytes += e.file_size();
  std::printf("{\"engine\": \"paperfeed\", \"queries\": %zu, \"open_ms\": %.1f, %s, \"hybrid_mode_used\": \"%s\", %s, %s, "
              "\"index_bytes\": %llu, \"peak_rss_mb\": %.1f}\n",
              queries.size(), open_ms, keyword.Json("keyword").c_str(), search::SearchModeName(used_hybrid),
              hybrid.Json("hybrid").c_str(), similar.Json("similar").c_str(), static_cast<unsigned long long>(bytes),
              bench::PeakRssMb());
  return 0;
}
