// web/feeds: Atom and JSON Feed documents stay well-formed whatever the records and the echoed
// query hold.
#include "web/feeds.hpp"

#include <gtest/gtest.h>

#include "web/http.hpp"
#include "web/params.hpp"
#include "well_formed.hpp"

namespace paperfeed::web {
namespace {

// A paper as it may sit in a catalogue filled before ingest cleaned records.
core::Paper HostilePaper() {
  core::Paper p;
  p.id = "2501.00001";
  static constexpr char kTitle[] = "Bad \xFF byte, NUL \0, ESC \x1B, U+FFFE \xEF\xBF\xBE, overlong \xC0\xAF";
  p.title = std::string(kTitle, sizeof kTitle - 1);
  p.abstract = "Surrogate \xED\xA0\x80 and truncated \xE2\x89 and $x^{\x01}$ <b>&";
  p.authors = {"Eve \x02", "\xE2\x80\xAE" "Mallory"};
  p.categories = {"cs.LG\x7F"};
  p.github_repo = "java\tscript:alert(1)";
  p.published = "2025-01-06T00:00:00Z";
  return p;
}

TEST(FeedsTest, AtomFromHostileRecordsAndQueryIsWellFormedXml) {
  core::Paper p = HostilePaper();
  std::vector<FeedItem> items = {{&p, "2025-01-06T00:00:00Z", 3, "2025-01-06"}};
  FeedMeta meta{"Search: caf\xC3 \xFF", "/feeds/search.atom?q=%FF", "/search?q=%FF", "Papers matching \x01"};
  std::string atom = AtomFeed({"https://papers.example.org", "paperfeed"}, meta, items);
  std::string why;
  EXPECT_TRUE(testing::IsWellFormedXml(atom, &why)) << why;
  EXPECT_EQ(atom.find("script:"), std::string::npos) << "an unsafe code link is left out";
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(atom.c_str()));
  EXPECT_EQ(std::string(doc.child("feed").child("entry").child("id").text().get()), "https://arxiv.org/abs/2501.00001");
}

TEST(FeedsTest, JsonFeedFromHostileRecordsParses) {
  core::Paper p = HostilePaper();
  std::vector<FeedItem> items = {{&p, "2025-01-06T00:00:00Z", 3, "2025-01-06"}};
  Response res;
  res.SetJson(JsonFeed({"https://papers.example.org", "paperfeed"}, {"Search: \xFF", "/feeds/search.json", "/", ""}, items));
  auto parsed = nlohmann::json::parse(res.body, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_EQ(parsed["items"].size(), 1u);
}

TEST(FeedsTest, QueriesAreCleanedWhereTheyAreRead) {
  EXPECT_EQ(CleanQuery("caf\xC3"), "caf\xEF\xBF\xBD");
  EXPECT_EQ(CleanQuery(" \x01" "attention\xE2\x80\xAE is\tall "), "attention is all");
}

}  // namespace
}  // namespace paperfeed::web
