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

namespace {

// Code points of well-formed UTF-8 (SanitiseText has made it so): every byte but continuation bytes.
size_t CharacterCount(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// A comment body as stored: the same character rule as every record (core::SanitiseText: NUL, ESC,
// bidi overrides and ill-formed UTF-8 were stored and echoed as typed), line breaks kept, trimmed,
// 1 to kMaxCommentCharacters characters.
Result<std::string> CommentText(const std::string& body) {
  std::string text = TrimSpace(core::SanitisedText(body, core::TextKind::kMultiline));
  if (text.empty()) return MakeError(ErrorCode::kInvalidInput, "Comment: write something first.");
  if (size_t n = CharacterCount(text); n > kMaxCommentCharacters) {
    return MakeError(ErrorCode::kInvalidInput, "Comment: keep it under " + std::to_string(kMaxCommentCharacters) +
                                                   " characters (this one has " + std::to_string(n) + ").");
  }
  return text;
}

// The author's own visible comment, or why not.
Result<store::CommentRecord> OwnComment(store::AccountStore& store, const Identity& who, int64_t comment_id,
                                        std::string_view what) {
  auto found = store.FindComment(comment_id);
  if (!found) return found.error();
  if (!found.value() || !found.value()->visible())
    return MakeError(ErrorCode::kNotFound, "There is no comment " + std::to_string(comment_id) + ".");
  if (found.value()->user_id != who.user.id)
    return MakeError(ErrorCode::kUnauthorized, "Only its author may " + std::string(what) + " a comment.");
  return *found.value();
}

}  // namespace

Result<store::CommentRecord> AddComment(store::AccountStore& store, const Identity& who, const std::string& paper_id,
                                        const std::string& body, int64_t now, std::optional<int64_t> reply_to) {
  auto text = CommentText(body);
  if (!text) return text.error();
  std::optional<int64_t> parent;
  if (reply_to) {
    auto found = store.FindComment(*reply_to);
    if (!found) return found.error();
    if (!found.value() || found.value()->paper_id != paper_id || !found.value()->visible())
      return MakeError(ErrorCode::kNotFound, "There is no comment " + std::to_string(*reply_to) + " to reply to.");
    parent = found.value()->parent_id.value_or(found.value()->id);
  }
  return store.AddComment(paper_id, who.user.id, text.value(), now, parent);
}

Result<store::CommentRecord> EditComment(store::AccountStore& store, const Identity& who, int64_t comment_id,
                                         const std::string& body, int64_t now) {
  auto own = OwnComment(store, who, comment_id, "edit");
  if (!own) return own.error();
  auto text = CommentText(body);
  if (!text) return text.error();
  if (auto r = store.EditComment(comment_id, text.value(), now); !r) return r.error();
  own->body = text.value();
  own->edited_at = now;
  return own;
}

Result<store::CommentRecord> DeleteComment(store::AccountStore& store, const Identity& who, int64_t comment_id,
                                           int64_t now) {
  auto own = OwnComment(store, who, comment_id, "delete");
  if (!own) return own.error();
  if (auto r = store.DeleteComment(comment_id, now); !r) return r.error();
  own->deleted_at = now;
  return own;
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
