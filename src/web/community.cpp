#include "web/community.hpp"

#include <algorithm>

#include "core/arxiv_id.hpp"
#include "core/text.hpp"
#include "store/daily_list.hpp"

namespace paperfeed::web {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

core::Error AdminsOnly(std::string_view what) {
  return MakeError(ErrorCode::kUnauthorized, "Only admins may " + std::string(what) + ".");
}

std::string TrimSpace(std::string_view text) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  size_t b = 0, e = text.size();
  while (b < e && space(text[b])) ++b;
  while (e > b && space(text[e - 1])) --e;
  return std::string(text.substr(b, e - b));
}

}  // namespace

Result<std::string> NormalisePaperId(std::string_view text) {
  std::string trimmed = TrimSpace(text);
  if (trimmed.empty()) return MakeError(ErrorCode::kInvalidInput, "Paper id: enter an arXiv id such as 2501.01234.");
  if (trimmed.size() > 200) return MakeError(ErrorCode::kInvalidInput, "Paper id: that is not an arXiv id.");
  auto parsed = core::ParseArxivId(trimmed);
  if (!parsed) {
    return MakeError(ErrorCode::kInvalidInput,
                     "Paper id: '" + trimmed + "' is not an arXiv id (expected e.g. 2501.01234 or hep-th/9901001).");
  }
  return parsed->base;
}

Result<bool> SetUpvote(store::AccountStore& store, const Identity& who, const std::string& paper_id, bool upvoted,
                       int64_t now) {
  return store.SetUpvote(who.user.id, paper_id, upvoted, now);
}

Result<store::CommentRecord> AddComment(store::AccountStore& store, const Identity& who, const std::string& paper_id,
                                        const std::string& body, int64_t now) {
  // The same character rule as every record (core::SanitiseText): NUL, ESC, bidi overrides and
  // ill-formed UTF-8 were stored and echoed as typed. Line breaks stay.
  std::string text = TrimSpace(core::SanitisedText(body, core::TextKind::kMultiline));
  if (text.empty()) return MakeError(ErrorCode::kInvalidInput, "Comment: write something first.");
  // Code points of the cleaned text (well-formed UTF-8 by now): every byte that is not a
  // continuation byte (10xxxxxx) starts one. Counting bytes refused 2,501 × "é" although the page
  // promises 5,000 characters.
  const size_t characters = static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  if (characters > kMaxCommentCharacters) {
    return MakeError(ErrorCode::kInvalidInput, "Comment: keep it to 5,000 characters (this one has " +
                                                   std::to_string(characters) + ").");
  }
  return store.AddComment(paper_id, who.user.id, text, now);
}

Result<store::CommentRecord> RemoveComment(store::AccountStore& store, const Identity& who, int64_t comment_id) {
  if (!who.user.is_admin) return AdminsOnly("remove comments");
  auto found = store.FindComment(comment_id);
  if (!found) return found.error();
  if (!found.value()) return MakeError(ErrorCode::kNotFound, "There is no comment " + std::to_string(comment_id) + ".");
  if (auto r = store.RemoveComment(comment_id, who.user.id); !r) return r.error();
  return *found.value();
}

Result<void> SetPaperHidden(store::AccountStore& store, const Identity& who, const std::string& paper_id,
                            bool hidden) {
  if (!who.user.is_admin) return AdminsOnly("hide papers");
  return store.SetPaperHidden(paper_id, hidden);
}

Result<SubmissionOutcome> SubmitPaper(store::Catalogue& catalogue, const Identity& who, std::string_view raw_id,
                                      const FetchMissingPaper& fetch, int64_t now) {
  auto id = NormalisePaperId(raw_id);
  if (!id) return id.error();
  SubmissionOutcome out;
  out.paper_id = id.value();
  out.day = store::NewYorkDay(now);

  auto stored = catalogue.FindPaper(out.paper_id);
  if (!stored) return stored.error();
  if (!stored.value()) {
    if (!fetch) {
      return MakeError(ErrorCode::kNotFound, "Paper " + out.paper_id +
                                                 " is not in the catalogue and this site does not fetch from arXiv.");
    }
    auto fetched = fetch(out.paper_id);
    if (!fetched) {
      return MakeError(ErrorCode::kUnavailable, "Could not ask arXiv about " + out.paper_id + ": " +
                                                    fetched.error().message + " Try again later.");
    }
    if (!fetched.value()) return MakeError(ErrorCode::kNotFound, "arXiv has no paper " + out.paper_id + ".");
    out.fetched = true;
  }

  auto entries = catalogue.DailyEntriesForPaper(out.paper_id);
  if (!entries) return entries.error();
  if (!entries->empty()) {
    return MakeError(ErrorCode::kConflict,
                     "Paper " + out.paper_id + " is already in the daily list of " + entries->front().day + ".");
  }

  // The daily entry and the submission row commit together, so a crash leaves neither.
  if (auto r = catalogue.BeginBatch(); !r) return r.error();
  core::DailyEntry entry{out.paper_id, out.day, who.user.name, who.user.display_name, 0, 0};
  auto inserted = catalogue.UpsertDailyEntry(entry);
  if (!inserted) {
    catalogue.RollbackBatch();
    return inserted.error();
  }
  store::AccountStore accounts(catalogue.database());
  if (auto r = accounts.RecordSubmission({out.paper_id, who.user.id, out.day, now}); !r) {
    catalogue.RollbackBatch();
    return r.error();
  }
  if (auto r = catalogue.CommitBatch(); !r) {
    catalogue.RollbackBatch();
    return r.error();
  }
  return out;
}

}  // namespace paperfeed::web
