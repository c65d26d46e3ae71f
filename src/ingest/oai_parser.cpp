#include <algorithm>
#include <charconv>
#include <string>
#include <variant>

#include "core/arxiv_id.hpp"
#include "core/dates.hpp"
#include "core/text.hpp"
#include "ingest/arxiv_json_parser.hpp"
#include "ingest/parsers.hpp"
#include "ingest/xml_doc.hpp"

namespace paperfeed::ingest {
namespace {

// OAI-PMH 2.0 (http://www.openarchives.org/OAI/2.0/openarchivesprotocol.htm) and arXiv's two
// metadata formats (https://info.arxiv.org/help/oa/index.html, schemas at arxiv.org/OAI/*.xsd).
constexpr std::string_view kOaiNs = "http://www.openarchives.org/OAI/2.0/";
constexpr std::string_view kArxivNs = "http://arxiv.org/OAI/arXiv/";
constexpr std::string_view kArxivRawNs = "http://arxiv.org/OAI/arXivRaw/";
// Not an OAI-PMH error code: what ParseOaiListRecords reports for a document it cannot read, so
// that a harvester never mistakes a broken page for the end of the list.
constexpr std::string_view kMalformedResponse = "malformedResponse";

struct BadRecord {
  std::string reason;
};

int ParseVersionAttribute(std::string_view text) {
  // "v3" -> 3; anything else -> 0
  if (text.size() < 2 || text.size() > 6 || (text[0] != 'v' && text[0] != 'V')) return 0;
  int n = 0;
  auto [ptr, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), n);
  return ec == std::errc() && ptr == text.data() + text.size() ? n : 0;
}

// The authors string of arXivRaw ("A. One, B. Two and C. Three") split into names, as the
// bulk dump's "authors" field is split when authors_parsed is missing.
std::vector<std::string> SplitAuthors(std::string_view text) {
  std::vector<std::string> names;
  std::string normal = core::NormaliseWhitespace(text);
  size_t pos = 0;
  while ((pos = normal.find(" and ", pos)) != std::string::npos) normal.replace(pos, 5, ", ");
  std::string_view rest = normal;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto name = core::NormaliseWhitespace(rest.substr(0, comma));
    if (!name.empty()) names.push_back(std::move(name));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return names;
}

// Fields both arXiv formats share: id, title, categories, comments, journal-ref, doi, license, abstract.
std::optional<BadRecord> ParseCommon(pugi::xml_node meta, std::string_view ns, core::Paper& p) {
  auto raw_id = xml::TrimmedText(xml::Child(meta, ns, "id"));
  if (raw_id.empty()) return BadRecord{"<id> is missing or empty"};
  auto id = core::ParseArxivId(raw_id);
  if (!id) return BadRecord{"<id>: " + id.error().message};
  p.id = id->base;
  p.title = xml::Text(xml::Child(meta, ns, "title"));
  if (core::NormaliseWhitespace(p.title).empty()) return BadRecord{"paper " + p.id + ": <title> is missing or empty"};
  p.abstract = xml::Text(xml::Child(meta, ns, "abstract"));
  p.categories = core::SplitWhitespace(xml::Text(xml::Child(meta, ns, "categories")));
  if (p.categories.empty()) return BadRecord{"paper " + p.id + ": <categories> is missing or empty"};
  p.primary_category = p.categories.front();  // arXiv lists the primary category first
  p.comments = xml::Text(xml::Child(meta, ns, "comments"));
  p.journal_ref = xml::Text(xml::Child(meta, ns, "journal-ref"));
  p.doi = xml::TrimmedText(xml::Child(meta, ns, "doi"));
  p.license = xml::TrimmedText(xml::Child(meta, ns, "license"));
  return std::nullopt;
}

// metadataPrefix=arXiv: structured authors, dates of the first version and of the last update,
// no version numbers. Without <updated> the paper has only v1; with it the number of the newest
// version is unknown (0), and arXivRaw is the format to harvest when versions matter.
std::optional<BadRecord> ParseArxivFormat(pugi::xml_node meta, core::Paper& p) {
  if (auto error = ParseCommon(meta, kArxivNs, p)) return error;
  xml::ForEachChild(xml::Child(meta, kArxivNs, "authors"), kArxivNs, "author", [&](pugi::xml_node author) {
    auto name = AuthorDisplayName(xml::TrimmedText(xml::Child(author, kArxivNs, "keyname")),
                                  xml::TrimmedText(xml::Child(author, kArxivNs, "forenames")),
                                  xml::TrimmedText(xml::Child(author, kArxivNs, "suffix")));
    if (!name.empty()) p.authors.push_back(std::move(name));
  });
  auto created = core::NormaliseIso(xml::TrimmedText(xml::Child(meta, kArxivNs, "created")));
  if (!created) return BadRecord{"paper " + p.id + ": <created>: " + created.error().message};
  p.published = created.value();
  p.versions.push_back({1, created.value()});
  auto updated_text = xml::TrimmedText(xml::Child(meta, kArxivNs, "updated"));
  if (updated_text.empty()) {
    p.updated = p.published;
    p.latest_version = 1;
  } else {
    auto updated = core::NormaliseIso(updated_text);
    if (!updated) return BadRecord{"paper " + p.id + ": <updated>: " + updated.error().message};
    p.updated = std::move(updated.value());
    p.latest_version = 0;
  }
  return std::nullopt;
}

// metadataPrefix=arXivRaw: every version with its RFC 5322 submission date, the submitter, and
// the authors as one string.
std::optional<BadRecord> ParseArxivRawFormat(pugi::xml_node meta, core::Paper& p) {
  if (auto error = ParseCommon(meta, kArxivRawNs, p)) return error;
  p.submitter = xml::TrimmedText(xml::Child(meta, kArxivRawNs, "submitter"));
  p.authors = SplitAuthors(xml::Text(xml::Child(meta, kArxivRawNs, "authors")));
  std::optional<BadRecord> error;
  xml::ForEachChild(meta, kArxivRawNs, "version", [&](pugi::xml_node version) {
    if (error) return;
    const std::string attribute = version.attribute("version").value();
    core::PaperVersion v;
    v.number = ParseVersionAttribute(attribute);
    if (v.number <= 0) {
      error = BadRecord{"paper " + p.id + ": <version version=\"" + attribute + "\"> is not vN"};
      return;
    }
    auto date = core::Rfc5322ToIso(xml::TrimmedText(xml::Child(version, kArxivRawNs, "date")));
    if (!date) {
      error = BadRecord{"paper " + p.id + ": <version version=\"" + attribute + "\">: " + date.error().message};
      return;
    }
    v.created = std::move(date.value());
    p.versions.push_back(std::move(v));
  });
  if (error) return error;
  if (p.versions.empty()) return BadRecord{"paper " + p.id + ": no <version> elements"};
  std::stable_sort(p.versions.begin(), p.versions.end(),
                   [](const core::PaperVersion& a, const core::PaperVersion& b) { return a.number < b.number; });
  for (size_t i = 1; i < p.versions.size(); ++i) {
    if (p.versions[i].number == p.versions[i - 1].number) {
      return BadRecord{"paper " + p.id + ": version v" + std::to_string(p.versions[i].number) + " appears twice"};
    }
  }
  p.latest_version = p.versions.back().number;
  p.published = p.versions.front().created;
  p.updated = p.versions.back().created;
  return std::nullopt;
}

std::variant<IngestRecord, BadRecord> ParseRecordMetadata(pugi::xml_node metadata) {
  IngestRecord record;
  record.paper.source = core::MetadataSource::kArxiv;
  pugi::xml_node meta = metadata.find_child([](pugi::xml_node n) { return n.type() == pugi::node_element; });
  if (!meta) return BadRecord{"<metadata> is missing or empty"};
  std::optional<BadRecord> error;
  if (xml::Is(meta, kArxivNs, "arXiv")) {
    error = ParseArxivFormat(meta, record.paper);
  } else if (xml::Is(meta, kArxivRawNs, "arXivRaw")) {
    error = ParseArxivRawFormat(meta, record.paper);
  } else {
    return BadRecord{"metadata <" + std::string(meta.name()) + " xmlns=\"" + std::string(xml::NamespaceUri(meta)) +
                       "\"> is not supported; harvest with metadataPrefix=arXiv or arXivRaw"};
  }
  if (error) return *error;
  return record;
}

std::optional<int64_t> ParseInt64(std::string_view text) {
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size() || n < 0) return std::nullopt;
  return n;
}

}  // namespace

OaiPage ParseOaiListRecords(std::string_view text, const std::string& source, RecordSink& sink) {
  OaiPage page;
  auto document = xml::Document::Parse(text);
  if (!document) {
    page.error_code = std::string(kMalformedResponse);
    page.error_message = document.error().message;
    return page;
  }
  pugi::xml_node root = document->root();
  if (!xml::Is(root, kOaiNs, "OAI-PMH")) {
    page.error_code = std::string(kMalformedResponse);
    page.error_message = "not an OAI-PMH response: the root element is <" + std::string(root.name()) +
                         "> (expected <OAI-PMH xmlns=\"" + std::string(kOaiNs) + "\">)";
    return page;
  }
  page.response_date = xml::TrimmedText(xml::Child(root, kOaiNs, "responseDate"));

  // Section 3.6: errors replace the verb's element; the first one is the one to act on.
  if (pugi::xml_node error = xml::Child(root, kOaiNs, "error")) {
    page.error_code = std::string(error.attribute("code").value());
    page.error_message = xml::TrimmedText(error);
    return page;
  }

  pugi::xml_node list = xml::Child(root, kOaiNs, "ListRecords");
  if (!list) list = xml::Child(root, kOaiNs, "GetRecord");
  if (!list) {
    page.error_code = std::string(kMalformedResponse);
    page.error_message = "the OAI-PMH response holds neither <ListRecords> nor <GetRecord> nor <error>";
    return page;
  }

  int index = 0;
  xml::ForEachChild(list, kOaiNs, "record", [&](pugi::xml_node record) {
    ++index;
    pugi::xml_node header = xml::Child(record, kOaiNs, "header");
    const std::string identifier = xml::TrimmedText(xml::Child(header, kOaiNs, "identifier"));
    const std::string location = identifier.empty() ? "record " + std::to_string(index) : identifier;
    const std::string datestamp = xml::TrimmedText(xml::Child(header, kOaiNs, "datestamp"));
    // Datestamps share one granularity within a response (section 3.3.2), so strings compare as dates.
    if (!datestamp.empty() && (!page.latest_datestamp || datestamp > *page.latest_datestamp)) {
      page.latest_datestamp = datestamp;
    }
    // Section 2.5.1: a deleted record has a header and no metadata. arXiv keeps deletions
    // "persistent" but withdraws papers by new versions, so there is nothing to remove here.
    if (std::string_view(header.attribute("status").value()) == "deleted") return;
    if (!header) {
      sink.OnError({source, location, "<record> has no <header>"});
      return;
    }
    auto parsed = ParseRecordMetadata(xml::Child(record, kOaiNs, "metadata"));
    if (auto* error = std::get_if<BadRecord>(&parsed)) {
      sink.OnError({source, location, std::move(error->reason)});
      return;
    }
    auto& paper = std::get<IngestRecord>(parsed).paper;
    // The header identifier and the metadata id name the same paper; a mismatch means a broken
    // record, and guessing which one is right could overwrite an unrelated paper.
    if (!identifier.empty()) {
      auto header_id = core::ParseArxivId(identifier);
      if (header_id && header_id->base != paper.id) {
        sink.OnError({source, location, "the header identifier names " + header_id->base +
                                            " but the metadata <id> is " + paper.id});
        return;
      }
    }
    sink.OnRecord(std::move(std::get<IngestRecord>(parsed)));
  });

  // Section 3.5: an empty resumptionToken marks the last page of an incomplete list.
  if (pugi::xml_node token = xml::Child(list, kOaiNs, "resumptionToken")) {
    auto value = xml::TrimmedText(token);
    if (!value.empty()) page.resumption_token = std::move(value);
    page.complete_list_size = ParseInt64(token.attribute("completeListSize").value());
  }
  return page;
}

}  // namespace paperfeed::ingest
