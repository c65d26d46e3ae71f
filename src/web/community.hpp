// web/community: what signed-in people do to papers — upvote, comment, submit — and what admins
// do about it (hide a paper from the daily list, remove a comment). The rules live here; the
// handlers in account_handlers.cpp only parse and render.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "store/accounts.hpp"
#include "store/catalogue.hpp"
#include "web/auth.hpp"

namespace paperfeed::web {

// What the comment box promises: 5,000 characters (Unicode code points, not bytes: 5,000 × "é" is
// 10,000 bytes and fits).
inline constexpr size_t kMaxCommentCharacters = 5000;

// Brings a paper the catalogue lacks into it (the arXiv API, by id). True when it is there after
// the call, false when the source has no such paper; an error when the source could not be asked.
using FetchMissingPaper = std::function<core::Result<bool>(const std::string& arxiv_id)>;

// The paper id of a path segment or form field ("2501.01234", "2501.01234v2", "arXiv:2501.01234"),
// without version; kInvalidInput naming the text otherwise.
core::Result<std::string> NormalisePaperId(std::string_view text);

// Upvotes (true) or withdraws an upvote (false); true when something changed. Idempotent.
core::Result<bool> SetUpvote(store::AccountStore& store, const Identity& who, const std::string& paper_id,
                             bool upvoted, int64_t now);

// Adds a comment of 1 to kMaxCommentCharacters characters (cleaned with core::SanitiseText, line breaks
// kept, and trimmed; Markdown, rendered by web/markdown) to an existing paper. With `reply_to` it
// answers that comment; a reply to a reply joins the same top-level comment (one level of
// replies). kNotFound when `reply_to` is not a visible comment of the paper.
core::Result<store::CommentRecord> AddComment(store::AccountStore& store, const Identity& who,
                                              const std::string& paper_id, const std::string& body, int64_t now,
                                              std::optional<int64_t> reply_to = std::nullopt);
// The author replaces the text of their own visible comment (the page marks it edited).
// kUnauthorized for anyone else's, kNotFound for an unknown or deleted one.
core::Result<store::CommentRecord> EditComment(store::AccountStore& store, const Identity& who, int64_t comment_id,
                                               const std::string& body, int64_t now);
// The author deletes their own comment (admins remove others' with RemoveComment).
core::Result<store::CommentRecord> DeleteComment(store::AccountStore& store, const Identity& who, int64_t comment_id,
                                                 int64_t now);

// Admin only (kUnauthorized otherwise, which web/ turns into 403 for a signed-in user).
core::Result<store::CommentRecord> RemoveComment(store::AccountStore& store, const Identity& who, int64_t comment_id);
core::Result<void> SetPaperHidden(store::AccountStore& store, const Identity& who, const std::string& paper_id,
                                  bool hidden);

struct SubmissionOutcome {
  std::string paper_id;
  std::string day;      // the America/New_York day whose list it joined
  bool fetched = false;  // its metadata had to be fetched from arXiv
};

// Puts a paper into today's (America/New_York) daily list with `who` as submitter. Fetches the
// metadata with `fetch` when the catalogue lacks the paper. kConflict when the paper is already in
// a daily list (it names the day); kNotFound when arXiv has no such paper.
core::Result<SubmissionOutcome> SubmitPaper(store::Catalogue& catalogue, const Identity& who, std::string_view raw_id,
                                            const FetchMissingPaper& fetch, int64_t now);

}  // namespace paperfeed::web
