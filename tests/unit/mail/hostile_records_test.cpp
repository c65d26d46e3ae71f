// A property test over random hostile records (fixed seed): whatever a stored record holds —
// random bytes, control characters, deep TeX, bidi overrides, ill-formed UTF-8, script URLs, in
// titles, abstracts, authors and githubRepo — feeds are well-formed XML, JSON documents parse,
// page fragments parse as markup, and every subscriber's digest message builds.
#include <gtest/gtest.h>

#include <random>

#include "api/paper_json.hpp"
#include "core/url.hpp"
#include "mail/digest.hpp"
#include "mail/digest_run.hpp"
#include "mail_fixture.hpp"
#include "unit/web/well_formed.hpp"
#include "web/cards.hpp"
#include "web/feeds.hpp"
#include "web/html.hpp"
#include "web/http.hpp"

namespace paperfeed::mail {
namespace {

class HostileText {
 public:
  explicit HostileText(uint32_t seed) : rng_(seed) {}

  // One to eight pieces, each hostile in its own way.
  std::string Next() {
    std::string out;
    for (int n = Uniform(1, 8); n > 0; --n) out += Piece();
    return out;
  }
  std::string Url() {
    static const char* kUrls[] = {"javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
                                  "//evil.example/x",    " \x01javascript:x",   "data:text/html,<b>",
                                  "https://github.com/a/b", "http://x.example/\xFF\"><script>"};
    return Uniform(0, 2) == 0 ? Next() : kUrls[Uniform(0, 7)];
  }
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

 private:
  std::string Piece() {
    switch (Uniform(0, 9)) {
      case 0: {  // random bytes
        std::string s;
        for (int n = Uniform(0, 40); n > 0; --n) s.push_back(static_cast<char>(Uniform(0, 255)));
        return s;
      }
      case 1: return std::string(1, static_cast<char>(Uniform(0, 31))) + "\x7F\xC2\x85\xC2\x9B";  // C0, DEL, C1
      case 2: {  // bidi embeddings, overrides and isolates
        static const char* kBidi[] = {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD",
                                      "\xE2\x80\xAE", "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"};
        return std::string(kBidi[Uniform(0, 8)]) + "gpj.exe";
      }
      case 3: {  // ill-formed UTF-8
        static const char* kBad[] = {"\xFF", "\xC0\xAF", "\xED\xA0\x80", "\xE2\x89", "\xF4\x90\x80\x80",
                                     "\xEF\xBF\xBE", "\x80\x80", "\xF0\x9F\x98"};
        return kBad[Uniform(0, 7)];
      }
      case 4: {  // deep TeX
        int depth = Uniform(1, 3000);
        std::string open = Uniform(0, 1) ? "^{" : "\\textbf{";
        std::string s = "$";
        for (int i = 0; i < depth; ++i) s += open;
        s += "x";
        if (Uniform(0, 1)) s.append(depth, '}');
        return s + (Uniform(0, 1) ? "$" : "");
      }
      case 5: return "<script>alert(1)</script>&amp;\"'";
      case 6: return "]]><![CDATA[ <!-- -->";
      case 7: return std::string("\r\nSubject: injected\r\n\0", 22);
      case 8: return "\\( $$ \\frac{a}{ \\sqrt ^_~ \\\\";
      default: return " Attention is all you need ";
    }
  }
  std::mt19937 rng_;
};

class HostileRecordsTest : public testing::MailTest {};

TEST_F(HostileRecordsTest, PagesFeedsJsonAndDigestsStayWellFormed) {
  PAPERFEED_NOT_YET_ON_POSTGRES("a hostile record fails to store on PostgreSQL (investigate)");
  HostileText hostile(20260821);
  constexpr int kPapers = 150;
  std::vector<core::Paper> papers;
  for (int i = 0; i < kPapers; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "2608.%05d", 100 + i);
    core::Paper p = testing::MakePaper(id, hostile.Next(), kDay, "cs.LG", {hostile.Next(), hostile.Next()});
    p.abstract = hostile.Next() + "\n" + hostile.Next();
    p.github_repo = hostile.Url();
    p.project_page = hostile.Url();
    // Stored as is, as by a version before ingest cleaned text: the worst case for every output.
    ASSERT_TRUE(catalogue_->UpsertPaper(p).ok());
    ASSERT_TRUE(catalogue_->UpsertDailyEntry({p.id, kDay, hostile.Next(), hostile.Next(), 1000 + i, 0}).ok());
    papers.push_back(std::move(p));
  }

  std::vector<web::FeedItem> items;
  for (const auto& p : papers) {
    SCOPED_TRACE(p.id);
    // Page fragments: the card links and the TeX of title and abstract parse as markup, with no
    // script link.
    std::string fragment = "<div>" + web::RenderPaperLinks(p).str() + web::RenderTex(p.title).str() +
                           web::RenderTex(p.abstract).str() + web::TextParagraphs(p.abstract).str() + "</div>";
    // <br> is HTML's void element; written as XML it parses the same.
    for (size_t at = fragment.find("<br>"); at != std::string::npos; at = fragment.find("<br>", at)) {
      fragment.replace(at, 4, "<br/>");
    }
    pugi::xml_document page;
    auto parsed_page = page.load_buffer(fragment.data(), fragment.size());
    EXPECT_TRUE(parsed_page) << parsed_page.description() << " at byte " << parsed_page.offset << ": "
                             << fragment.substr(parsed_page.offset > 80 ? parsed_page.offset - 80 : 0, 160);
    EXPECT_EQ(fragment.find("script:"), std::string::npos);
    // The JSON API, as the server sends it.
    web::Response res;
    res.SetJson(api::PaperToJson(p, {}));
    EXPECT_FALSE(nlohmann::json::parse(res.body, nullptr, false).is_discarded());
    items.push_back({&p, "2026-08-20T00:00:00Z", 1, kDay});
  }

  // Feeds of every paper, under a hostile query.
  std::string query = hostile.Next();
  web::FeedMeta meta{"Search: " + query, "/feeds/search.atom?q=" + core::PercentEncode(query), "/search", query};
  std::string atom = web::AtomFeed({"https://papers.example.org", "paperfeed"}, meta, items);
  std::string why;
  EXPECT_TRUE(testing::IsWellFormedXml(atom, &why)) << why;
  pugi::xml_document feed;
  ASSERT_TRUE(feed.load_buffer(atom.data(), atom.size()));
  size_t entries = 0;
  for (auto e = feed.child("feed").child("entry"); e; e = e.next_sibling("entry")) ++entries;
  EXPECT_EQ(entries, papers.size());
  web::Response json_feed;
  json_feed.SetJson(web::JsonFeed({"https://papers.example.org", "paperfeed"}, meta, items));
  auto parsed = nlohmann::json::parse(json_feed.body, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_EQ(parsed["items"].size(), papers.size());

  // Digests: subscribers whose trending lists lead with hostile titles all get a message.
  for (int i = 0; i < 5; ++i) AddSubscriber("s" + std::to_string(i) + "@example.org", {.top_n = 10 + 20 * i});
  auto source = MakeCatalogueDigestSource(*catalogue_, nullptr);
  auto day = PeriodFor(store::DigestPeriod::kDaily, std::string(kDay), *zone_, 0).value();
  auto report = RenderDigests(*catalogue_, *source, Service(), *zone_, day, 2000);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->rendered, 5);
  EXPECT_EQ(report->failed, 0) << ::testing::PrintToString(report->warnings);
}

}  // namespace
}  // namespace paperfeed::mail
