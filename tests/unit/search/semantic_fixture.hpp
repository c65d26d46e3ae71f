// Test corpus for the semantic half: the 200 real arXiv records of tests/fixtures/arxiv as papers.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/paper.hpp"
#include "search/embedder.hpp"
#include "test_support.hpp"

namespace paperfeed::testing {

inline std::vector<core::Paper> FixturePapers() {
  std::vector<core::Paper> papers;
  std::ifstream in(Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    core::Paper p;
    p.id = j["id"].get<std::string>();
    p.title = j["title"].get<std::string>();
    p.abstract = j["abstract"].get<std::string>();
    std::string cats = j["categories"].get<std::string>();
    for (size_t at = 0; at < cats.size();) {
      size_t end = cats.find(' ', at);
      if (end == std::string::npos) end = cats.size();
      if (end > at) p.categories.push_back(cats.substr(at, end - at));
      at = end + 1;
    }
    p.primary_category = p.categories.empty() ? "" : p.categories[0];
    p.authors = {"A. Author"};
    p.latest_version = 1;
    p.versions = {{1, "2007-04-02T19:18:42Z"}};
    p.published = "2007-04-02T19:18:42Z";
    p.updated = p.published;
    papers.push_back(std::move(p));
  }
  return papers;
}

// Training options small enough for the fixture: batches of 32 so that ICT has negatives.
inline search::EmbedderTrainOptions SmallTrainOptions() {
  search::EmbedderTrainOptions o;
  o.dimension = 64;
  o.batch = 32;
  o.epochs = 3;
  o.min_count = 1;
  return o;
}

inline search::TrainingSource SourceOf(const std::vector<core::Paper>& papers) {
  auto at = std::make_shared<size_t>(0);
  return [&papers, at](search::TrainingDoc& doc) {
    if (*at >= papers.size()) return false;
    doc.title = papers[*at].title;
    doc.abstract = papers[*at].abstract;
    ++*at;
    return true;
  };
}

}  // namespace paperfeed::testing
