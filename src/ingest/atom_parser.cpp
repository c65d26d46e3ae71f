#include <string>
#include <variant>

#include "core/arxiv_id.hpp"
#include "core/dates.hpp"
#include "core/text.hpp"
#include "ingest/parsers.hpp"
#include "ingest/xml_doc.hpp"

namespace paperfeed::ingest {
namespace {

// Namespaces of an arXiv API response (https://info.arxiv.org/help/api/user-manual.html, 5.1).
constexpr std::string_view kAtomNs = "http://www.w3.org/2005/Atom";
constexpr std::string_view kArxivNs = "http://arxiv.org/schemas/atom";
// The API reports a bad query as a feed with one entry whose id points here (user manual, 3.4).
constexpr std::string_view kApiErrorPrefix = "http://arxiv.org/api/errors";

constexpr int kMaxVersion = 999;

// Why an entry was rejected; the caller adds source and location.
struct EntryError {
  std::string reason;
};

// One <entry> -> a paper, or the reason it cannot be one.
std::variant<IngestRecord, EntryError> ParseEntry(pugi::xml_node entry, const std::string& raw_id) {
  IngestRecord record;
  core::Paper& p = record.paper;
  p.source = core::MetadataSource::kArxiv;

  if (raw_id.empty()) return EntryError{"<id> is missing or empty"};
  auto id = core::ParseArxivId(raw_id);
  if (!id) return EntryError{"<id>: " + id.error().message};
  p.id = id->base;
  // arXiv papers have a few versions, the most ever a few dozen; a huge number is a broken id and
  // would make us list that many undated versions.
  if (id->version > kMaxVersion) return EntryError{"<id>: version v" + std::to_string(id->version) + " is not plausible"};

  p.title = xml::Text(xml::Child(entry, kAtomNs, "title"));
  if (core::NormaliseWhitespace(p.title).empty()) return EntryError{"paper " + p.id + ": <title> is missing or empty"};
  p.abstract = xml::Text(xml::Child(entry, kAtomNs, "summary"));

  xml::ForEachChild(entry, kAtomNs, "author", [&](pugi::xml_node author) {
    auto name = xml::TrimmedText(xml::Child(author, kAtomNs, "name"));
    if (!name.empty()) p.authors.push_back(std::move(name));
  });

  // Primary first, then the other <category term> in document order, each once.
  if (auto primary = xml::Child(entry, kArxivNs, "primary_category")) {
    p.primary_category = core::NormaliseWhitespace(primary.attribute("term").value());
  }
  if (!p.primary_category.empty()) p.categories.push_back(p.primary_category);
  xml::ForEachChild(entry, kAtomNs, "category", [&](pugi::xml_node category) {
    auto term = core::NormaliseWhitespace(category.attribute("term").value());
    if (term.empty()) return;
    for (const auto& c : p.categories)
      if (c == term) return;
    p.categories.push_back(std::move(term));
  });
  if (p.categories.empty()) return EntryError{"paper " + p.id + ": no <category> or <arxiv:primary_category>"};
  if (p.primary_category.empty()) p.primary_category = p.categories.front();

  p.comments = xml::Text(xml::Child(entry, kArxivNs, "comment"));
  p.journal_ref = xml::Text(xml::Child(entry, kArxivNs, "journal_ref"));
  p.doi = xml::TrimmedText(xml::Child(entry, kArxivNs, "doi"));

  auto published_text = xml::TrimmedText(xml::Child(entry, kAtomNs, "published"));
  auto published = core::NormaliseIso(published_text);
  if (!published) return EntryError{"paper " + p.id + ": <published>: " + published.error().message};
  p.published = std::move(published.value());
  auto updated_text = xml::TrimmedText(xml::Child(entry, kAtomNs, "updated"));
  if (updated_text.empty()) {
    p.updated = p.published;
  } else {
    auto updated = core::NormaliseIso(updated_text);
    if (!updated) return EntryError{"paper " + p.id + ": <updated>: " + updated.error().message};
    p.updated = std::move(updated.value());
  }

  // The id names the newest version; the feed dates only v1 (<published>) and that newest one
  // (<updated>). Versions in between are listed without a date rather than guessed.
  p.latest_version = id->version;
  for (int n = 1; n <= id->version; ++n) {
    core::PaperVersion v;
    v.number = n;
    if (n == 1) v.created = p.published;
    else if (n == id->version) v.created = p.updated;
    p.versions.push_back(std::move(v));
  }
  return record;
}

}  // namespace

void ParseArxivAtom(std::string_view text, const std::string& source, RecordSink& sink) {
  auto document = xml::Document::Parse(text);
  if (!document) {
    sink.OnError({source, "", document.error().message});
    return;
  }
  pugi::xml_node feed = document->root();
  if (!xml::Is(feed, kAtomNs, "feed")) {
    sink.OnError({source, "", "not an Atom feed: the root element is <" + std::string(feed.name()) +
                                  "> (expected <feed xmlns=\"http://www.w3.org/2005/Atom\">)"});
    return;
  }
  int index = 0;
  xml::ForEachChild(feed, kAtomNs, "entry", [&](pugi::xml_node entry) {
    ++index;
    const std::string raw_id = xml::TrimmedText(xml::Child(entry, kAtomNs, "id"));
    const std::string location =
        "entry " + std::to_string(index) + (raw_id.empty() ? std::string() : " (" + raw_id + ")");
    if (core::StartsWith(raw_id, kApiErrorPrefix)) {
      auto message = xml::TrimmedText(xml::Child(entry, kAtomNs, "summary"));
      if (message.empty()) message = raw_id.substr(raw_id.find('#') == std::string::npos ? 0 : raw_id.find('#') + 1);
      sink.OnError({source, "", "the arXiv API answered with an error: " + message + " (" + raw_id +
                                    "); fix the query or id list and fetch again"});
      return;
    }
    auto parsed = ParseEntry(entry, raw_id);
    if (auto* error = std::get_if<EntryError>(&parsed)) {
      sink.OnError({source, location, std::move(error->reason)});
    } else {
      sink.OnRecord(std::move(std::get<IngestRecord>(parsed)));
    }
  });
}

}  // namespace paperfeed::ingest
