#include <simdjson.h>

#include <optional>
#include <string>

#include "core/arxiv_id.hpp"
#include "core/dates.hpp"
#include "core/text.hpp"
#include "ingest/hf_python_repr.hpp"
#include "ingest/parsers.hpp"

namespace paperfeed::ingest {
namespace {

namespace dom = simdjson::dom;

// Why one entry was rejected; the caller adds the source and "record N".
struct BadEntry {
  std::string reason;
};

const char* TypeName(dom::element_type type) {
  switch (type) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: return "a number";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "a boolean";
    case dom::element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

// Typed, optional field access that records the first type error by the field's dotted path.
class Fields {
 public:
  Fields(dom::object object, std::string path, std::optional<BadEntry>& error)
      : object_(object), path_(std::move(path)), error_(error) {}

  // Absent or null -> nullopt; present with another type -> an error.
  std::optional<std::string_view> String(std::string_view key) {
    dom::element value;
    if (!Find(key, value)) return std::nullopt;
    std::string_view s;
    if (value.get(s) != simdjson::SUCCESS) return Mistyped(key, "a string", value);
    return s;
  }
  std::optional<int64_t> Integer(std::string_view key) {
    dom::element value;
    if (!Find(key, value)) return std::nullopt;
    int64_t n = 0;
    if (value.get(n) != simdjson::SUCCESS) return Mistyped(key, "an integer", value);
    return n;
  }
  std::optional<dom::object> Object(std::string_view key) {
    dom::element value;
    if (!Find(key, value)) return std::nullopt;
    dom::object o;
    if (value.get(o) != simdjson::SUCCESS) return Mistyped(key, "an object", value);
    return o;
  }
  std::optional<bool> Bool(std::string_view key) {
    dom::element value;
    if (!Find(key, value)) return std::nullopt;
    bool b = false;
    if (value.get(b) != simdjson::SUCCESS) return Mistyped(key, "a boolean", value);
    return b;
  }
  // An array of strings; a non-string item is an error naming its index.
  std::optional<std::vector<std::string>> Strings(std::string_view key) {
    auto array = Array(key);
    if (!array) return std::nullopt;
    std::vector<std::string> out;
    size_t index = 0;
    for (dom::element item : *array) {
      std::string_view s;
      if (item.get(s) != simdjson::SUCCESS) {
        if (!error_)
          error_ = BadEntry{"field '" + Path(key) + "[" + std::to_string(index) + "]' is " + TypeName(item.type()) +
                            ", not a string"};
        return std::nullopt;
      }
      out.emplace_back(s);
      ++index;
    }
    return out;
  }
  std::optional<dom::array> Array(std::string_view key) {
    dom::element value;
    if (!Find(key, value)) return std::nullopt;
    dom::array a;
    if (value.get(a) != simdjson::SUCCESS) return Mistyped(key, "an array", value);
    return a;
  }
  std::string Path(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }

 private:
  bool Find(std::string_view key, dom::element& value) {
    if (object_[key].get(value) != simdjson::SUCCESS) return false;
    return !value.is_null();
  }
  std::nullopt_t Mistyped(std::string_view key, const char* expected, dom::element value) {
    if (!error_) error_ = BadEntry{"field '" + Path(key) + "' is " + TypeName(value.type()) + ", not " + expected};
    return std::nullopt;
  }

  dom::object object_;
  std::string path_;
  std::optional<BadEntry>& error_;
};

// A Hugging Face account object ({_id, user|name, fullname, avatarUrl, type, isPro}).
core::HfUser ParseUser(Fields& fields) {
  core::HfUser user;
  if (auto v = fields.String("_id")) user.id = std::string(*v);
  auto name = fields.String("user");
  if (!name) name = fields.String("name");
  if (name) user.user = std::string(*name);
  if (auto v = fields.String("fullname")) user.fullname = std::string(*v);
  if (auto v = fields.String("avatarUrl")) user.avatar_url = std::string(*v);
  if (auto v = fields.String("type")) user.type = std::string(*v);
  user.is_pro = fields.Bool("isPro");
  return user;
}

// The day a response was fetched for, when its name says: ".../2025-01-31.json[.gz]" (how
// archives name the days) or "...daily_papers?date=2025-01-31" (the API URL).
std::optional<std::string> DayFromSource(std::string_view source) {
  if (auto q = source.find("date="); q != std::string_view::npos) {
    auto day = source.substr(q + 5, 10);
    if (core::IsIsoDay(day)) return std::string(day);
  }
  auto slash = source.find_last_of("/\\");
  auto name = slash == std::string_view::npos ? source : source.substr(slash + 1);
  if (core::EndsWith(name, ".gz")) name.remove_suffix(3);
  if (core::EndsWith(name, ".json")) name.remove_suffix(5);
  if (core::IsIsoDay(name)) return std::string(name);
  return std::nullopt;
}

// The UTC calendar day of an ISO timestamp. Hugging Face dates its list in UTC: in the 580 real
// days of ../shared/data/hf-daily-papers, the UTC date of submittedOnDailyAt equals the day of the
// file for 7,077 of 7,077 entries, while its America/New_York date does for only 860 (a list day
// starts at 00:00Z, which is the previous evening in New York).
std::optional<std::string> UtcDay(std::string_view timestamp) {
  auto iso = core::NormaliseIso(timestamp);
  if (!iso) return std::nullopt;
  return iso->substr(0, 10);
}

std::variant<IngestRecord, BadEntry> ParseEntry(dom::element element, const std::optional<std::string>& source_day) {
  std::optional<BadEntry> error;
  dom::object entry_object;
  if (element.get(entry_object) != simdjson::SUCCESS) {
    return BadEntry{std::string("the entry is ") + TypeName(element.type()) + ", not an object"};
  }
  Fields entry(entry_object, "", error);
  auto paper_object = entry.Object("paper");
  if (error) return *error;
  if (!paper_object) return BadEntry{"field 'paper' is missing"};
  Fields paper(*paper_object, "paper", error);

  IngestRecord record;
  core::Paper& p = record.paper;
  p.source = core::MetadataSource::kHuggingFace;

  auto raw_id = paper.String("id");
  if (error) return *error;
  if (!raw_id || raw_id->empty()) return BadEntry{"field 'paper.id' is missing or empty"};
  auto id = core::ParseArxivId(*raw_id);
  if (!id) return BadEntry{"field 'paper.id': " + id.error().message};
  p.id = id->base;

  auto title = paper.String("title");
  if (!title) title = entry.String("title");
  if (error) return *error;
  if (!title || core::NormaliseWhitespace(*title).empty()) {
    return BadEntry{"paper " + p.id + ": field 'paper.title' is missing or empty"};
  }
  p.title = std::string(*title);
  if (auto summary = paper.String("summary")) p.abstract = std::string(*summary);

  if (auto authors = paper.Array("authors")) {
    size_t index = 0;
    for (dom::element author : *authors) {
      dom::object author_object;
      if (author.get(author_object) != simdjson::SUCCESS) {
        return BadEntry{"paper " + p.id + ": field 'paper.authors[" + std::to_string(index) + "]' is not an object"};
      }
      Fields fields(author_object, "paper.authors[" + std::to_string(index) + "]", error);
      core::HfAuthor hf_author;
      if (auto name = fields.String("name")) {
        auto normal = core::NormaliseWhitespace(*name);
        hf_author.name = normal;
        if (!normal.empty()) p.authors.push_back(std::move(normal));
      }
      if (auto v = fields.String("_id")) hf_author.id = std::string(*v);
      hf_author.hidden = fields.Bool("hidden");
      if (auto user = fields.Object("user")) {
        Fields user_fields(*user, fields.Path("user"), error);
        hf_author.user = ParseUser(user_fields);
      }
      if (!hf_author.name.empty()) p.hf.authors.push_back(std::move(hf_author));
      ++index;
    }
  }

  if (auto published = paper.String("publishedAt")) {
    auto iso = core::NormaliseIso(*published);
    if (!iso) return BadEntry{"paper " + p.id + ": field 'paper.publishedAt': " + iso.error().message};
    p.published = iso.value();
    p.updated = std::move(iso.value());
  }
  if (auto repo = paper.String("githubRepo"); repo && !core::NormaliseWhitespace(*repo).empty()) {
    p.github_repo = std::string(*repo);
  }
  p.github_stars = paper.Integer("githubStars");
  if (auto page = paper.String("projectPage"); page && !core::NormaliseWhitespace(*page).empty()) {
    p.project_page = std::string(*page);
  }

  // Hugging Face's additions. The daily list carries ai_summary and ai_keywords inside `paper`,
  // thumbnail at the top level, mediaUrls and organization at both (paper first).
  auto either_string = [&](std::string_view key) {
    auto v = paper.String(key);
    return v ? v : entry.String(key);
  };
  if (auto v = either_string("ai_summary")) p.hf.ai_summary = std::string(*v);
  if (auto v = paper.Strings("ai_keywords")) p.hf.ai_keywords = std::move(*v);
  else if (auto w = entry.Strings("ai_keywords")) p.hf.ai_keywords = std::move(*w);
  if (auto v = either_string("thumbnail")) p.hf.thumbnail = std::string(*v);
  if (auto v = paper.Strings("mediaUrls")) p.hf.media_urls = std::move(*v);
  else if (auto w = entry.Strings("mediaUrls")) p.hf.media_urls = std::move(*w);
  if (auto v = paper.String("discussionId")) p.hf.discussion_id = std::string(*v);
  {
    auto org = paper.Object("organization");
    std::string org_path = "paper.organization";
    if (!org) {
      org = entry.Object("organization");
      org_path = "organization";
    }
    if (org) {
      Fields fields(*org, org_path, error);
      core::HfOrganization o;
      if (auto v = fields.String("_id")) o.id = std::string(*v);
      if (auto v = fields.String("name")) o.name = std::string(*v);
      if (auto v = fields.String("fullname")) o.fullname = std::string(*v);
      if (auto v = fields.String("avatar")) o.avatar = std::string(*v);
      if (!o.name.empty() || !o.id.empty()) p.hf.organization = std::move(o);
    }
  }
  if (error) return *error;

  core::DailyEntry daily;
  daily.paper_id = p.id;
  auto submitted_at = paper.String("submittedOnDailyAt");
  auto listed_at = entry.String("publishedAt");
  if (error) return *error;
  std::optional<std::string> day = source_day;
  if (!day && submitted_at) day = UtcDay(*submitted_at);
  if (!day && listed_at) day = UtcDay(*listed_at);
  if (!day) {
    return BadEntry{"paper " + p.id +
                    ": cannot tell the day it entered the list (no valid 'paper.submittedOnDailyAt' or 'publishedAt', "
                    "and the source is not named after a day)"};
  }
  daily.day = std::move(*day);

  // Who put it on the list: paper.submittedOnDailyBy {user, fullname} in newer responses,
  // top-level submittedBy {name, fullname} in older ones.
  if (auto by = paper.Object("submittedOnDailyBy")) {
    Fields fields(*by, "paper.submittedOnDailyBy", error);
    daily.submitter = ParseUser(fields);
  } else if (auto by = entry.Object("submittedBy")) {
    Fields fields(*by, "submittedBy", error);
    daily.submitter = ParseUser(fields);
  }
  daily.submitted_by = daily.submitter.user;
  daily.submitted_by_fullname = daily.submitter.fullname;
  daily.upvotes = paper.Integer("upvotes").value_or(0);
  daily.num_comments = entry.Integer("numComments").value_or(0);
  if (error) return *error;
  if (daily.upvotes < 0 || daily.num_comments < 0) return BadEntry{"paper " + p.id + ": a negative count"};
  record.daily = std::move(daily);
  return record;
}

}  // namespace

void ParseHfDaily(std::string_view json, const std::string& source, RecordSink& sink) {
  ParseHfDaily(json, source, sink, HfDailyOptions{});
}

void ParseHfDaily(std::string_view json, const std::string& source, RecordSink& sink, const HfDailyOptions& options) {
  dom::parser parser;
  dom::element root;
  if (auto error = parser.parse(json.data(), json.size()).get(root); error != simdjson::SUCCESS) {
    sink.OnError({source, "", std::string("not valid JSON: ") + simdjson::error_message(error)});
    return;
  }
  std::optional<std::string> day = DayFromSource(source);
  dom::array entries;
  std::string_view form = "array";
  if (root.get(entries) != simdjson::SUCCESS) {
    dom::object object;
    dom::array data;
    if (root.get(object) == simdjson::SUCCESS && object["data"].get(data) == simdjson::SUCCESS) {
      // {status, date, count, data}: how some archivers wrap the API's array.
      entries = data;
      form = "{status, date, count, data} wrapper";
      std::string_view date;
      if (!day && object["date"].get(date) == simdjson::SUCCESS && core::IsIsoDay(date)) day = std::string(date);
    } else if (std::string_view message; root.get(object) == simdjson::SUCCESS &&
                                         object["error"].get(message) == simdjson::SUCCESS) {
      sink.OnError({source, "", "the Hugging Face API answered with an error: " + std::string(message)});
      return;
    } else {
      sink.OnError({source, "", std::string("expected a JSON array of daily_papers entries, found ") +
                                    TypeName(root.type())});
      return;
    }
  }

  size_t total = 0, strings = 0;
  for (dom::element element : entries) {
    ++total;
    if (element.type() == dom::element_type::STRING) ++strings;
  }
  // Every entry a string: the file was written from Python objects with str() instead of
  // json.dumps (22 real days in the shared archive). One message for the file, not one per entry.
  const bool repr_file = total > 0 && strings == total;
  if (repr_file && !options.salvage_python_repr) {
    sink.OnError({source, "",
                  "entries are Python repr() strings, not JSON objects (" + std::to_string(strings) + " of " +
                      std::to_string(total) + " in the " + std::string(form) +
                      "); the file was saved from Python objects instead of the API's JSON: re-fetch this day "
                      "from the API"});
    return;
  }

  dom::parser inner_parser;  // for salvaged entries, while `parser` still holds the file
  size_t index = 0;
  for (dom::element element : entries) {
    ++index;
    const std::string location = "record " + std::to_string(index);
    if (repr_file) {
      std::string_view text;
      if (element.get(text) != simdjson::SUCCESS) text = {};
      auto converted = PythonLiteralToJson(text);
      if (!converted) {
        sink.OnError({source, location, "entry is a Python repr() string that cannot be converted: " +
                                            converted.error().message});
        continue;
      }
      if (auto error = inner_parser.parse(converted.value()).get(element); error != simdjson::SUCCESS) {
        sink.OnError({source, location, std::string("entry converted from Python repr() is not valid JSON: ") +
                                            simdjson::error_message(error)});
        continue;
      }
    }
    auto parsed = ParseEntry(element, day);
    if (auto* bad = std::get_if<BadEntry>(&parsed)) {
      sink.OnError({source, location, std::move(bad->reason)});
    } else {
      sink.OnRecord(std::move(std::get<IngestRecord>(parsed)));
    }
  }
}

}  // namespace paperfeed::ingest
