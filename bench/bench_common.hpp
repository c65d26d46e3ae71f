// bench/bench_common: timing, percentiles and query loading shared by the search benchmark drivers.
#pragma once

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace bench {

inline double NowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU time of this thread: unlike wall time, not inflated when other processes share the cores.
inline double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

inline double PeakRssMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

inline std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// The words of a query for the peers, which get it "as OR of its terms": ASCII letters and digits,
// lowercased; everything else separates.
inline std::vector<std::string> Words(const std::string& query) {
  std::vector<std::string> out;
  std::string w;
  for (char c : query) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      out.push_back(w);
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(w);
  return out;
}

// The command line of a peer driver: DB QUERIES OUT [PASSES]. PASSES (default 2) is how many
// times the queries run; only the last pass is timed, the others warm the caches.
struct PeerArgs {
  std::string db, out;
  std::vector<std::string> queries;
  int passes = 2;
};

inline bool ParsePeerArgs(int argc, char** argv, const char* usage, PeerArgs& args) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s\n", usage);
    return false;
  }
  args.db = argv[1];
  args.queries = ReadLines(argv[2]);
  args.out = argv[3];
  if (argc > 4) args.passes = std::max(1, std::atoi(argv[4]));
  return true;
}

struct Latency {
  std::vector<double> wall, cpu;
  void Add(double wall_ms, double cpu_ms) {
    wall.push_back(wall_ms);
    cpu.push_back(cpu_ms);
  }
  static double Pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
    return v[i];
  }
  static double Mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0 : s / static_cast<double>(v.size());
  }
  // "name": {"p50_ms", "p99_ms", "mean_ms", "cpu_p50_ms", "cpu_p99_ms"}
  std::string Json(const char* name) const {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "\"%s\": {\"n\": %zu, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"mean_ms\": %.3f, \"cpu_p50_ms\": %.3f, "
                  "\"cpu_p99_ms\": %.3f}",
                  name, wall.size(), Pct(wall, 50), Pct(wall, 99), Mean(wall), Pct(cpu, 50), Pct(cpu, 99));
    return buf;
  }
};

}  // namespace bench
