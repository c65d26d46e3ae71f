#include "ingest/arxiv_json_parser.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "core/arxiv_id.hpp"
#include "core/dates.hpp"
#include "core/text.hpp"

namespace paperfeed::ingest {
namespace {

namespace od = simdjson::ondemand;
using core::ErrorCode;
using core::MakeError;

// A field's string value, or empty for JSON null.
std::string OptionalString(od::value value, std::string_view field) {
  if (value.type() == od::json_type::null) return {};
  std::string_view s;
  if (value.get_string().get(s) != simdjson::SUCCESS) {
    throw std::invalid_argument("field '" + std::string(field) + "' is not a string");
  }
  return std::string(s);
}

int ParseVersionNumber(std::string_view text) {
  // "v3" -> 3
  if (text.size() < 2 || (text[0] != 'v' && text[0] != 'V')) return 0;
  int n = 0;
  for (char c : text.substr(1)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
    if (n > 100000) return 0;
  }
  return n;
}

}  // namespace

std::string AuthorDisplayName(std::string_view keyname, std::string_view forenames, std::string_view suffix) {
  std::string name;
  if (!forenames.empty()) name += forenames;
  if (!keyname.empty()) {
    if (!name.empty()) name.push_back(' ');
    name += keyname;
  }
  if (!suffix.empty()) {
    if (!name.empty()) name.push_back(' ');
    name += suffix;
  }
  return core::NormaliseWhitespace(name);
}

struct ArxivJsonParser::Impl {
  od::parser parser;
  std::string padded;
};

ArxivJsonParser::ArxivJsonParser() : impl_(std::make_unique<Impl>()) {}
ArxivJsonParser::~ArxivJsonParser() = default;

core::Result<IngestRecord> ArxivJsonParser::Parse(std::string_view line) {
  auto& padded = impl_->padded;
  padded.assign(line);
  padded.append(simdjson::SIMDJSON_PADDING, ' ');
  IngestRecord record;
  core::Paper& p = record.paper;
  p.source = core::MetadataSource::kArxiv;
  std::string raw_id, update_date, authors_text;
  bool have_parsed_authors = false;
  std::string current_key;  // the field being read, to name it when its value is of the wrong type
  try {
    od::document doc = impl_->parser.iterate(padded.data(), line.size(), padded.size());
    od::json_type type;
    if (doc.type().get(type) != simdjson::SUCCESS || type != od::json_type::object) {
      return MakeError(ErrorCode::kInvalidInput, "not a JSON object: each line of an arXiv bulk-metadata file is "
                                                 "one paper as {\"id\": ..., \"title\": ...}; this line starts with '" +
                                                     core::Excerpt(line, 40) + "'");
    }
    od::object object = doc.get_object();
    for (auto field : object) {
      std::string_view key = field.unescaped_key();
      current_key.assign(key);
      od::value value = field.value();
      if (key == "id") {
        raw_id = OptionalString(value, key);
      } else if (key == "title") {
        p.title = OptionalString(value, key);
      } else if (key == "abstract") {
        p.abstract = OptionalString(value, key);
      } else if (key == "authors") {
        authors_text = OptionalString(value, key);
      } else if (key == "categories") {
        p.categories = core::SplitWhitespace(OptionalString(value, key));
      } else if (key == "comments") {
        p.comments = OptionalString(value, key);
      } else if (key == "journal-ref") {
        p.journal_ref = OptionalString(value, key);
      } else if (key == "doi") {
        p.doi = OptionalString(value, key);
      } else if (key == "license") {
        p.license = OptionalString(value, key);
      } else if (key == "submitter") {
        p.submitter = OptionalString(value, key);
      } else if (key == "update_date") {
        update_date = OptionalString(value, key);
      } else if (key == "versions") {
        for (auto item : value.get_array()) {
          od::object v = item.get_object();
          core::PaperVersion version;
          std::string created;
          for (auto vf : v) {
            std::string_view vkey = vf.unescaped_key();
            if (vkey == "version") {
              version.number = ParseVersionNumber(vf.value().get_string().value());
            } else if (vkey == "created") {
              created = std::string(vf.value().get_string().value());
            }
          }
          if (version.number == 0) throw std::invalid_argument("field 'versions' has an entry without 'vN'");
          auto iso = core::Rfc5322ToIso(created);
          if (!iso) throw std::invalid_argument("field 'versions': " + iso.error().message);
          version.created = std::move(iso.value());
          p.versions.push_back(std::move(version));
        }
      } else if (key == "authors_parsed") {
        if (value.type() == od::json_type::null) continue;
        for (auto item : value.get_array()) {
          std::string_view parts[3];
          size_t n = 0;
          for (auto part : item.get_array()) {
            if (n < 3) parts[n] = part.get_string().value();
            ++n;
          }
          auto name = AuthorDisplayName(parts[0], parts[1], parts[2]);
          if (!name.empty()) p.authors.push_back(std::move(name));
        }
        have_parsed_authors = true;
      }
      // Other fields (report-no, ...) are not part of the catalogue record.
    }
  } catch (const simdjson::simdjson_error& e) {
    if (e.error() == simdjson::INCORRECT_TYPE && !current_key.empty()) {
      return MakeError(ErrorCode::kInvalidInput, "field '" + current_key + "' has the wrong type (" + e.what() + ")");
    }
    return MakeError(ErrorCode::kInvalidInput, std::string("malformed JSON: ") + e.what());
  } catch (const std::invalid_argument& e) {
    return MakeError(ErrorCode::kInvalidInput, e.what());
  }

  auto id = core::ParseArxivId(raw_id);
  if (raw_id.empty()) return MakeError(ErrorCode::kInvalidInput, "field 'id' is missing");
  if (!id) return MakeError(ErrorCode::kInvalidInput, "field 'id': " + id.error().message);
  p.id = id->base;
  if (std::all_of(p.title.begin(), p.title.end(), [](unsigned char c) { return std::isspace(c) != 0; })) {
    return MakeError(ErrorCode::kInvalidInput, "paper " + p.id + ": field 'title' is missing or empty");
  }
  if (p.categories.empty()) {
    return MakeError(ErrorCode::kInvalidInput, "paper " + p.id + ": field 'categories' is missing or empty");
  }
  p.primary_category = p.categories.front();
  if (!have_parsed_authors && !authors_text.empty()) {
    // No authors_parsed: split the display string on commas and " and ".
    std::string normal = core::NormaliseWhitespace(authors_text);
    size_t pos = 0;
    while ((pos = normal.find(" and ")) != std::string::npos) normal.replace(pos, 5, ", ");
    std::string_view rest = normal;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto name = core::NormaliseWhitespace(rest.substr(0, comma));
      if (!name.empty()) p.authors.push_back(std::move(name));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  std::sort(p.versions.begin(), p.versions.end(),
            [](const core::PaperVersion& a, const core::PaperVersion& b) { return a.number < b.number; });
  if (p.versions.empty()) return MakeError(ErrorCode::kInvalidInput, "paper " + p.id + ": field 'versions' is empty");
  p.latest_version = p.versions.back().number;
  if (id->version > p.latest_version) p.latest_version = id->version;
  p.published = p.versions.front().created;
  if (!update_date.empty()) {
    auto iso = core::NormaliseIso(update_date);
    if (!iso) return MakeError(ErrorCode::kInvalidInput, "paper " + p.id + ": field 'update_date': " + iso.error().message);
    p.updated = std::move(iso.value());
  } else {
    p.updated = p.versions.back().created;
  }
  return record;
}

}  // namespace paperfeed::ingest
