#include "ingest/record_rules.hpp"

#include <algorithm>

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

}  // namespace

core::Result<void> PrepareRecord(IngestRecord& record) {
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
  if (record.daily) {
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
  return {};
}

}  // namespace paperfeed::ingest
