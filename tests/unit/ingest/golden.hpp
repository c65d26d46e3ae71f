// Golden-file helpers for the parser tests: a sink that keeps everything, a stable JSON form of
// what a parser produced, and a comparison against <input>.expected.json beside the input.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ingest/parsers.hpp"
#include "test_support.hpp"

namespace paperfeed::testing {

// Keeps every record and error in input order.
class CollectingSink final : public ingest::RecordSink {
 public:
  void OnRecord(ingest::IngestRecord&& record) override { records.push_back(std::move(record)); }
  void OnError(ingest::RecordError&& error) override { errors.push_back(std::move(error)); }
  std::vector<ingest::IngestRecord> records;
  std::vector<ingest::RecordError> errors;
};

inline nlohmann::ordered_json UserToJson(const core::HfUser& u) {
  return {{"_id", u.id},
          {"user", u.user},
          {"fullname", u.fullname},
          {"avatarUrl", u.avatar_url},
          {"type", u.type},
          {"isPro", u.is_pro ? nlohmann::ordered_json(*u.is_pro) : nlohmann::ordered_json()}};
}

inline nlohmann::ordered_json HfToJson(const core::HfPaperDetails& d) {
  nlohmann::ordered_json j;
  j["ai_summary"] = d.ai_summary;
  j["ai_keywords"] = d.ai_keywords;
  j["thumbnail"] = d.thumbnail;
  j["media_urls"] = d.media_urls;
  j["organization"] = d.organization ? nlohmann::ordered_json{{"_id", d.organization->id},
                                                              {"name", d.organization->name},
                                                              {"fullname", d.organization->fullname},
                                                              {"avatar", d.organization->avatar}}
                                     : nlohmann::ordered_json();
  auto authors = nlohmann::ordered_json::array();
  for (const auto& a : d.authors) {
    authors.push_back({{"name", a.name},
                       {"_id", a.id},
                       {"hidden", a.hidden ? nlohmann::ordered_json(*a.hidden) : nlohmann::ordered_json()},
                       {"user", a.user ? UserToJson(*a.user) : nlohmann::ordered_json()}});
  }
  j["authors"] = authors;
  j["discussion_id"] = d.discussion_id;
  return j;
}

inline nlohmann::ordered_json PaperToJson(const core::Paper& p) {
  nlohmann::ordered_json j;
  j["id"] = p.id;
  j["source"] = p.source == core::MetadataSource::kArxiv ? "arxiv" : "huggingface";
  j["latest_version"] = p.latest_version;
  auto versions = nlohmann::ordered_json::array();
  for (const auto& v : p.versions) versions.push_back({{"number", v.number}, {"created", v.created}});
  j["versions"] = versions;
  j["title"] = p.title;
  j["abstract"] = p.abstract;
  j["authors"] = p.authors;
  j["primary_category"] = p.primary_category;
  j["categories"] = p.categories;
  j["published"] = p.published;
  j["updated"] = p.updated;
  j["comments"] = p.comments;
  j["journal_ref"] = p.journal_ref;
  j["doi"] = p.doi;
  j["license"] = p.license;
  j["submitter"] = p.submitter;
  j["github_repo"] = p.github_repo ? nlohmann::ordered_json(*p.github_repo) : nlohmann::ordered_json();
  j["github_stars"] = p.github_stars ? nlohmann::ordered_json(*p.github_stars) : nlohmann::ordered_json();
  j["project_page"] = p.project_page ? nlohmann::ordered_json(*p.project_page) : nlohmann::ordered_json();
  if (!p.hf.empty()) j["hf"] = HfToJson(p.hf);
  return j;
}

inline nlohmann::ordered_json SinkToJson(const CollectingSink& sink) {
  nlohmann::ordered_json out;
  auto records = nlohmann::ordered_json::array();
  for (const auto& r : sink.records) {
    nlohmann::ordered_json j;
    j["paper"] = PaperToJson(r.paper);
    if (r.daily) {
      j["daily"] = {{"paper_id", r.daily->paper_id},
                    {"day", r.daily->day},
                    {"submitted_by", r.daily->submitted_by},
                    {"submitted_by_fullname", r.daily->submitted_by_fullname},
                    {"upvotes", r.daily->upvotes},
                    {"num_comments", r.daily->num_comments},
                    {"submitter", UserToJson(r.daily->submitter)}};
    }
    records.push_back(j);
  }
  out["records"] = records;
  auto errors = nlohmann::ordered_json::array();
  for (const auto& e : sink.errors) errors.push_back({{"source", e.source}, {"location", e.location}, {"reason", e.reason}});
  out["errors"] = errors;
  return out;
}

inline nlohmann::ordered_json PageToJson(const ingest::OaiPage& page) {
  auto opt = [](const auto& o) { return o ? nlohmann::ordered_json(*o) : nlohmann::ordered_json(); };
  return {{"resumption_token", opt(page.resumption_token)},
          {"error_code", opt(page.error_code)},
          {"error_message", page.error_message},
          {"response_date", page.response_date},
          {"latest_datestamp", opt(page.latest_datestamp)},
          {"complete_list_size", opt(page.complete_list_size)}};
}

// Compares `actual` with the golden file tests/fixtures/<relative>. Run the tests with
// PAPERFEED_UPDATE_GOLDEN=1 to (re)write the golden files, then review the diff in git.
inline void ExpectMatchesGolden(const nlohmann::ordered_json& actual, const std::string& relative) {
  const std::string path = SourceFile("tests/fixtures/" + relative);
  const std::string text = actual.dump(2) + "\n";
  if (const char* update = std::getenv("PAPERFEED_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << text;
    return;
  }
  const std::string expected = ReadFile(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing; run with PAPERFEED_UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(text, expected) << "parser output differs from " << path
                            << " (if the change is intended, rerun with PAPERFEED_UPDATE_GOLDEN=1 and review the diff)";
}

}  // namespace paperfeed::testing
