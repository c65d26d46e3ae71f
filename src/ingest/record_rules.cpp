#include "ingest/record_rules.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/text.hpp"

namespace paperfeed::ingest {
namespace {

using core::TextKind;

void Line(std::string& field) { core::SanitiseText(field, TextKind::kLine); }
void Line(std::optional<std::string>& field) {
  if (field) Line(*field);
}

// Lists (authors, categories) lose the items that cleaning leaves blank.
void Lines(std::vector<std::string>& items) {
  for (auto& item : items) Line(item);
  std::erase_if(items, [](const std::string& item) {
    return std::all_of(item.begin(), item.end(), [](char c) { return c == ' '; });
  });
}

core::Error TooLarge(std::string_view field, size_t size, size_t limit, std::string_view unit = "bytes") {
  return core::MakeError(core::ErrorCode::kInvalidInput,
                         "field '" + std::string(field) + "' has " + std::to_string(size) + " " + std::string(unit) +
                             ", over the limit of " + std::to_string(limit) + "; the record is not stored");
}

core::Result<void> CheckLimits(const IngestRecord& record, const RecordLimits& limits) {
  const core::Paper& p = record.paper;
  if (p.title.size() > limits.max_title_bytes) return TooLarge("title", p.title.size(), limits.max_title_bytes);
  if (p.abstract.size() > limits.max_abstract_bytes)
    return TooLarge("abstract", p.abstract.size(), limits.max_abstract_bytes);
  if (p.authors.size() > limits.max_authors) return TooLarge("authors", p.authors.size(), limits.max_authors, "names");
  for (size_t i = 0; i < p.authors.size(); ++i) {
    if (p.authors[i].size() > limits.max_name_bytes)
      return TooLarge("authors[" + std::to_string(i) + "]", p.authors[i].size(), limits.max_name_bytes);
  }
  if (p.categories.size() > limits.max_categories)
    return TooLarge("categories", p.categories.size(), limits.max_categories, "entries");
  std::vector<std::pair<std::string_view, const std::string*>> names = {{"submitter", &p.submitter}};
  if (record.daily) {
    names.push_back({"submitted_by", &record.daily->submitted_by});
    names.push_back({"submitted_by_fullname", &record.daily->submitted_by_fullname});
  }
  for (const auto& [field, value] : names) {
    if (value->size() > limits.max_name_bytes) return TooLarge(field, value->size(), limits.max_name_bytes);
  }
  std::vector<std::pair<std::string_view, const std::string*>> fields = {
      {"id", &p.id},           {"primary_category", &p.primary_category}, {"published", &p.published},
      {"updated", &p.updated}, {"comments", &p.comments},                 {"journal_ref", &p.journal_ref},
      {"doi", &p.doi},         {"license", &p.license}};
  if (p.github_repo) fields.push_back({"github_repo", &*p.github_repo});
  if (p.project_page) fields.push_back({"project_page", &*p.project_page});
  for (const auto& c : p.categories) fields.push_back({"categories", &c});
  // Hugging Face's additions: the summary is held to the abstract's limit, lists to the
  // categories' count, every other string to the field limit.
  const core::HfPaperDetails& hf = p.hf;
  if (hf.ai_summary.size() > limits.max_abstract_bytes)
    return TooLarge("ai_summary", hf.ai_summary.size(), limits.max_abstract_bytes);
  if (hf.ai_keywords.size() > limits.max_categories)
    return TooLarge("ai_keywords", hf.ai_keywords.size(), limits.max_categories, "entries");
  if (hf.media_urls.size() > limits.max_categories)
    return TooLarge("mediaUrls", hf.media_urls.size(), limits.max_categories, "entries");
  if (hf.authors.size() > limits.max_authors) return TooLarge("authors", hf.authors.size(), limits.max_authors, "names");
  for (const auto& k : hf.ai_keywords) fields.push_back({"ai_keywords", &k});
  for (const auto& m : hf.media_urls) fields.push_back({"mediaUrls", &m});
  fields.push_back({"thumbnail", &hf.thumbnail});
  fields.push_back({"discussionId", &hf.discussion_id});
  auto user_fields = [&](const core::HfUser& u) {
    for (const auto* f : {&u.id, &u.user, &u.fullname, &u.avatar_url, &u.type}) fields.push_back({"user", f});
  };
  if (hf.organization) {
    for (const auto* f : {&hf.organization->id, &hf.organization->name, &hf.organization->fullname,
                          &hf.organization->avatar})
      fields.push_back({"organization", f});
  }
  for (const auto& a : hf.authors) {
    fields.push_back({"authors._id", &a.id});
    if (a.name.size() > limits.max_name_bytes) return TooLarge("authors.name", a.name.size(), limits.max_name_bytes);
    if (a.user) user_fields(*a.user);
  }
  if (record.daily) user_fields(record.daily->submitter);
  for (const auto& [field, value] : fields) {
    if (value->size() > limits.max_field_bytes) return TooLarge(field, value->size(), limits.max_field_bytes);
  }
  return {};
}

}  // namespace

core::Result<void> PrepareRecord(IngestRecord& record, const RecordLimits& limits) {
  core::Paper& p = record.paper;
  // One line each: a control character or a bidi override in a title, name or category reaches
  // pages, feeds and mail subjects (a NUL in a title once stopped every digest).
  Line(p.id);
  Line(p.title);
  core::SanitiseText(p.abstract, TextKind::kMultiline);
  Lines(p.authors);
  Line(p.primary_category);
  Lines(p.categories);
  Line(p.published);
  Line(p.updated);
  for (auto& v : p.versions) Line(v.created);
  Line(p.comments);
  Line(p.journal_ref);
  Line(p.doi);
  Line(p.license);
  Line(p.submitter);
  Line(p.github_repo);
  Line(p.project_page);
  core::HfPaperDetails& hf = p.hf;
  Line(hf.ai_summary);
  Lines(hf.ai_keywords);
  Line(hf.thumbnail);
  Lines(hf.media_urls);
  Line(hf.discussion_id);
  auto clean_user = [](core::HfUser& u) {
    for (auto* f : {&u.id, &u.user, &u.fullname, &u.avatar_url, &u.type}) Line(*f);
  };
  if (hf.organization) {
    for (auto* f : {&hf.organization->id, &hf.organization->name, &hf.organization->fullname, &hf.organization->avatar})
      Line(*f);
  }
  for (auto& a : hf.authors) {
    Line(a.name);
    Line(a.id);
    if (a.user) clean_user(*a.user);
  }
  if (record.daily) {
    clean_user(record.daily->submitter);
    Line(record.daily->paper_id);
    Line(record.daily->day);
    Line(record.daily->submitted_by);
    Line(record.daily->submitted_by_fullname);
  }
  if (core::NormaliseWhitespace(p.id).empty()) return core::MakeError(core::ErrorCode::kInvalidInput, "the id is empty");
  if (core::NormaliseWhitespace(p.title).empty()) {
    return core::MakeError(core::ErrorCode::kInvalidInput,
                           "the title is empty once control characters are removed");
  }
  return CheckLimits(record, limits);
}

}  // namespace paperfeed::ingest
