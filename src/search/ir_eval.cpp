#include "search/ir_eval.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/progress.hpp"

namespace paperfeed::search {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;
using core::Result;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// A JSON value as an id string: BEIR ids are strings, but some files write them as numbers.
std::string IdString(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return v.dump();
}

// Benchmark queries are natural language: query syntax characters become spaces so that a
// claim with a quote or a leading hyphen is read as the words it is.
std::string PlainWords(const std::string& text) {
  std::string out = text;
  for (size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (c == '"' || c == ':') out[i] = ' ';
    if ((c == '-' || c == '+') && (i == 0 || out[i - 1] == ' ')) out[i] = ' ';
  }
  return out;
}

// Removes a temporary directory on every exit path.
struct TempTree {
  fs::path path;
  ~TempTree() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

}  // namespace

double NdcgAt(const std::vector<std::string>& ranked, const Judgements& judged, size_t k) {
  double dcg = 0;
  for (size_t i = 0; i < ranked.size() && i < k; ++i) {
    auto it = judged.find(ranked[i]);
    if (it != judged.end() && it->second > 0) dcg += it->second / std::log2(static_cast<double>(i) + 2.0);
  }
  std::vector<int> ideal;
  for (const auto& [id, rel] : judged)
    if (rel > 0) ideal.push_back(rel);
  std::sort(ideal.rbegin(), ideal.rend());
  double idcg = 0;
  for (size_t i = 0; i < ideal.size() && i < k; ++i) idcg += ideal[i] / std::log2(static_cast<double>(i) + 2.0);
  return idcg > 0 ? dcg / idcg : 0;
}

double RecallAt(const std::vector<std::string>& ranked, const Judgements& judged, size_t k) {
  size_t relevant = 0, found = 0;
  for (const auto& [id, rel] : judged) relevant += rel > 0;
  if (relevant == 0) return 0;
  for (size_t i = 0; i < ranked.size() && i < k; ++i) {
    auto it = judged.find(ranked[i]);
    found += it != judged.end() && it->second > 0;
  }
  return static_cast<double>(found) / static_cast<double>(relevant);
}

double ReciprocalRankAt(const std::vector<std::string>& ranked, const Judgements& judged, size_t k) {
  for (size_t i = 0; i < ranked.size() && i < k; ++i) {
    auto it = judged.find(ranked[i]);
    if (it != judged.end() && it->second > 0) return 1.0 / static_cast<double>(i + 1);
  }
  return 0;
}

Result<IrEvalReport> RunIrEval(const IrEvalOptions& options) {
  IrEvalReport report;
  const fs::path dir(options.dir);
  const fs::path corpus_path = dir / "corpus.jsonl", queries_path = dir / "queries.jsonl";
  fs::path qrels_path = dir / "qrels.tsv";
  if (!fs::exists(qrels_path) && fs::exists(dir / "qrels" / "test.tsv")) qrels_path = dir / "qrels" / "test.tsv";
  for (const auto& p : {corpus_path, queries_path, qrels_path}) {
    if (!fs::exists(p))
      return MakeError(ErrorCode::kNotFound, p.string() + " is missing: eval-ir needs a BEIR-layout directory "
                                                          "(corpus.jsonl, queries.jsonl, qrels.tsv)");
  }
  auto start = Clock::now();

  // Judgements: "query-id corpus-id score" after a header line.
  std::unordered_map<std::string, Judgements> qrels;
  std::vector<std::string> query_order;
  {
    std::ifstream in(qrels_path);
    std::string line;
    int64_t line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      std::istringstream fields(line);
      std::string qid, docid, score_text;
      fields >> qid >> docid >> score_text;
      char* end = nullptr;
      long score = std::strtol(score_text.c_str(), &end, 10);
      if (score_text.empty() || *end != '\0') {
        if (line_no == 1) continue;  // the header
        return MakeError(ErrorCode::kInvalidInput, qrels_path.string() + ":" + std::to_string(line_no) +
                                                       ": expected 'query-id corpus-id score'");
      }
      if (!qrels.count(qid)) query_order.push_back(qid);
      qrels[qid][docid] = static_cast<int>(score);
    }
  }

  // Queries.
  std::unordered_map<std::string, std::string> queries;
  {
    std::ifstream in(queries_path);
    std::string line;
    int64_t line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.contains("_id"))
        return MakeError(ErrorCode::kInvalidInput, queries_path.string() + ":" + std::to_string(line_no) +
                                                       ": not a JSON object with _id and text");
      queries[IdString(j["_id"])] = j.value("text", "");
    }
  }

  // A fresh catalogue and index in a temporary directory.
  TempTree tmp;
  {
    std::string pattern = (fs::temp_directory_path() / "paperfeed-eval-XXXXXX").string();
    if (!mkdtemp(pattern.data())) return MakeError(ErrorCode::kIo, "cannot create a temporary directory");
    tmp.path = pattern;
  }
  auto catalogue = store::OpenCatalogue((tmp.path / "catalogue.db").string());
  if (!catalogue) return catalogue.error();
  auto service = OpenSearchService(*catalogue.value(), (tmp.path / "index").string(), true, options.semantic);
  if (!service) return service.error();
  {
    std::ifstream in(corpus_path);
    std::string line;
    int64_t line_no = 0;
    if (auto r = catalogue.value()->BeginBatch(); !r) return r.error();
    while (std::getline(in, line)) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.contains("_id"))
        return MakeError(ErrorCode::kInvalidInput, corpus_path.string() + ":" + std::to_string(line_no) +
                                                       ": not a JSON object with _id, title and text");
      core::Paper p;
      p.id = IdString(j["_id"]);
      p.title = j.value("title", "");
      p.abstract = j.value("text", "");
      p.latest_version = 1;
      p.versions = {{1, "2000-01-01T00:00:00Z"}};
      p.published = p.updated = "2000-01-01T00:00:00Z";
      if (auto r = catalogue.value()->UpsertPaper(p); !r) {
        return MakeError(r.error().code, corpus_path.string() + ":" + std::to_string(line_no) + ": " +
                                             r.error().message);
      }
      ++report.docs;
      if (report.docs % 20000 == 0) {
        if (auto r = catalogue.value()->CommitBatch(); !r) return r.error();
        if (auto r = catalogue.value()->BeginBatch(); !r) return r.error();
      }
    }
    if (auto r = catalogue.value()->CommitBatch(); !r) return r.error();
  }
  report.load_seconds = Seconds(start);

  start = Clock::now();
  if (auto r = service.value()->Rebuild(options.progress); !r) return r.error();
  report.index_seconds = Seconds(start);

  std::FILE* run = nullptr;
  if (!options.run_path.empty()) {
    run = std::fopen(options.run_path.c_str(), "w");
    if (!run) return MakeError(ErrorCode::kIo, "cannot write the run file " + options.run_path);
  }
  const std::string tag = std::string("paperfeed-") + SearchModeName(options.mode);
  std::vector<double> latencies;
  double ndcg = 0, recall = 0, mrr = 0;
  start = Clock::now();
  core::ProgressBar bar("queries", query_order.size(), " queries");
  bar.set_enabled(options.progress && bar.enabled());
  for (const auto& qid : query_order) {
    auto q = queries.find(qid);
    if (q == queries.end()) continue;
    SearchOptions so;
    so.mode = options.mode;
    so.limit = options.depth;
    auto t0 = Clock::now();
    auto results = service.value()->Search(PlainWords(q->second), so);
    latencies.push_back(Seconds(t0) * 1000.0);
    if (!results) {
      if (run) std::fclose(run);
      return MakeError(results.error().code, "query " + qid + ": " + results.error().message);
    }
    report.mode_used = results->mode_used;
    std::vector<std::string> ranked;
    for (const auto& hit : results->hits) {
      ranked.push_back(hit.paper_id);
      if (run)
        std::fprintf(run, "%s Q0 %s %zu %.6f %s\n", qid.c_str(), hit.paper_id.c_str(), ranked.size(), hit.score,
                     tag.c_str());
    }
    const auto& judged = qrels[qid];
    ndcg += NdcgAt(ranked, judged, 10);
    recall += RecallAt(ranked, judged, 100);
    mrr += ReciprocalRankAt(ranked, judged, 10);
    ++report.queries;
    bar.Update(static_cast<uint64_t>(report.queries));
  }
  bar.Finish();
  report.search_seconds = Seconds(start);
  if (run && std::fclose(run) != 0) return MakeError(ErrorCode::kIo, "cannot write the run file " + options.run_path);
  if (report.queries > 0) {
    const auto n = static_cast<double>(report.queries);
    report.ndcg10 = ndcg / n;
    report.recall100 = recall / n;
    report.mrr10 = mrr / n;
    std::sort(latencies.begin(), latencies.end());
    double sum = 0;
    for (double l : latencies) sum += l;
    report.ms_per_query = sum / n;
    report.p50_ms = latencies[latencies.size() / 2];
    report.p99_ms = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  }
  return report;
}

}  // namespace paperfeed::search
