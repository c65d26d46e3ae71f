// Helpers for the keyword-search tests: papers made to order and the 200-record bulk-dump fixture.
#pragma once

#include <string>
#include <vector>

#include "core/paper.hpp"
#include "ingest/ingester.hpp"
#include "store/catalogue.hpp"
#include "test_support.hpp"

namespace paperfeed::testing {

inline core::Paper MakePaper(const std::string& id, const std::string& title, const std::string& abstract,
                             std::vector<std::string> authors = {"Ada Lovelace"},
                             std::vector<std::string> categories = {"cs.LG"},
                             const std::string& published = "2025-01-10T00:00:00Z", int version = 1) {
  core::Paper p;
  p.id = id;
  p.title = title;
  p.abstract = abstract;
  p.authors = std::move(authors);
  p.categories = std::move(categories);
  p.primary_category = p.categories.empty() ? "" : p.categories.front();
  p.latest_version = version;
  for (int v = 1; v <= version; ++v) p.versions.push_back({v, published});
  p.published = published;
  p.updated = published;
  return p;
}

// Loads the 200 real records of the bulk-dump fixture (tests/fixtures/arxiv) through the real ingester.
inline void IngestFixture(store::Catalogue& catalogue) {
  ingest::IngestOptions options;
  options.progress = false;
  ingest::Ingester ingester(catalogue, options);
  auto r = ingester.IngestPaths({Fixture("arxiv/arxiv-bulk-snapshot-200.jsonl")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(ingester.summary().rejected, 0);
}

}  // namespace paperfeed::testing
