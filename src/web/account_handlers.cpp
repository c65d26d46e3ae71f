#include "web/account_handlers.hpp"

#include <charconv>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/url.hpp"
#include "core/dates.hpp"
#include "core/text.hpp"
#include "ingest/fetchers.hpp"
#include "ingest/ingester.hpp"
#include "store/accounts.hpp"
#include "store/catalogue.hpp"
#include "web/community.hpp"
#include "web/context.hpp"
#include "web/layout.hpp"
#include "web/markdown.hpp"
#include "web/page_template.hpp"
#include "web/routes.hpp"

namespace paperfeed::web {
namespace {

// A numeric id in the path ("/account/tokens/{token}/revoke"); nullopt when it is not a number.
std::optional<int64_t> IdPathParam(const Request& req, std::string_view name) {
  const std::string text = req.PathParam(name);
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return id;
}

using core::ErrorCode;

// Anonymous forms (log in, sign up) have no session to hold a CSRF token, so they use a
// double-submit cookie: the form's hidden field must equal this cookie (OWASP CSRF cheat sheet,
// "Signed double-submit cookie"; SameSite=Strict keeps it off cross-site requests as well).
constexpr const char* kFormCookie = "paperfeed_form";

// Everything the handlers share. Immutable after registration except the arXiv pacing clock.
struct AccountState {
  AccountOptions options;
  Auth auth;
  std::mutex arxiv_mutex;
  std::chrono::steady_clock::time_point arxiv_last{};

  explicit AccountState(const AccountOptions& o) : options(o), auth(o.auth) {}
};
using StatePtr = std::shared_ptr<AccountState>;

// ---- small helpers ----

bool SecureSite(const AccountState& state, Context& ctx) {
  return state.options.auth.secure_cookies || ctx.site().secure_cookies;
}

// A redirect target that stays on this site: "/path?query", never "//host" or "/\host".
std::string LocalTarget(std::string_view next, std::string_view fallback = "/") {
  if (next.empty() || next.size() > 2000 || next[0] != '/') return std::string(fallback);
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return std::string(fallback);
  for (unsigned char c : next) {
    if (c < 0x20 || c == 0x7f || c == '\\') return std::string(fallback);
  }
  return std::string(next);
}

// The client's address for rate limits. The server has already taken it from X-Forwarded-For
// when, and only when, the connection came from one of its trusted proxies
// (ServerOptions::trusted_proxies); trusting the header from anyone would let a client pick a
// fresh address for every guess.
std::string ClientIp(const Request& req) { return req.remote_addr.empty() ? "unknown" : req.remote_addr; }

// The paper id of a route: "{id}" or "{archive}/{number}" (old-style ids have a slash).
core::Result<std::string> RoutePaperId(const Request& req) {
  std::string archive = req.PathParam("archive");
  std::string raw = archive.empty() ? req.PathParam("id") : archive + "/" + req.PathParam("number");
  auto id = NormalisePaperId(raw);
  // A path that names no valid id names no paper.
  if (!id) return core::MakeError(ErrorCode::kNotFound, "There is no paper '" + raw + "'.");
  return id;
}

bool SignedInWithApiToken(const Viewer& viewer) { return viewer.signed_in && viewer.csrf_token.empty(); }

// Form POSTs need a session (never an API token: a leaked token must not manage tokens or the
// account) and must carry the session's CSRF token in the hidden field "csrf".
bool FormCsrfOk(const Viewer& viewer, const Request& req) {
  if (!viewer.signed_in || SignedInWithApiToken(viewer)) return false;
  return ConstantTimeEquals(viewer.csrf_token, req.Param(kCsrfField));
}

// Anonymous form POSTs: the hidden field must match the double-submit cookie.
bool AnonymousFormCsrfOk(const Request& req) {
  auto cookie = req.Cookie(kFormCookie);
  return cookie && ConstantTimeEquals(*cookie, req.Param(kCsrfField));
}

// The double-submit token for an anonymous form, setting the cookie when the browser has none.
std::string AnonymousFormToken(const AccountState& state, const Request& req, Response& res, Context& ctx) {
  if (auto cookie = req.Cookie(kFormCookie); cookie && cookie->size() == 43) return *cookie;
  std::string token = RandomToken();
  std::string cookie = std::string(kFormCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
  if (SecureSite(state, ctx)) cookie += "; Secure";
  res.AddHeader("Set-Cookie", cookie);
  return token;
}

void ForbiddenPage(Response& res, Context& ctx) {
  SendErrorPage(res, ctx, 403, "Forbidden",
                "This form has expired or did not come from this site. Go back, reload the page and try again.");
}

// A page error from a rule: a signed-in user refused by an admin-only rule gets 403, not 401.
void SendRuleError(Response& res, Context& ctx, const core::Error& error) {
  if (error.code == ErrorCode::kUnauthorized && ctx.viewer().signed_in) {
    SendErrorPage(res, ctx, 403, "Forbidden", error.message);
    return;
  }
  if (error.code == ErrorCode::kInvalidInput) {
    SendErrorPage(res, ctx, 422, "Please check your input", error.message);
    return;
  }
  SendErrorPage(res, ctx, error);
}

// The JSON error for a rule's failure: 401/403/404/409/422/429/503 by kind.
void SendApiError(Response& res, const Viewer& viewer, const core::Error& error) {
  res.cache = CachePolicy::kNoStore;
  if (error.code == ErrorCode::kUnauthorized && viewer.signed_in) {
    SetJsonError(res, 403, "forbidden", error.message);
  } else if (error.code == ErrorCode::kInvalidInput) {
    SetJsonError(res, 422, "invalid_input", error.message);
  } else {
    SetJsonError(res, error);
  }
}

Identity IdentityOf(const Viewer& viewer) {
  Identity id;
  id.user.id = viewer.user_id;
  id.user.name = viewer.name;
  id.user.display_name = viewer.display_name;
  id.user.is_admin = viewer.is_admin;
  id.via = SignedInWithApiToken(viewer) ? Identity::Via::kApiToken : Identity::Via::kSession;
  id.csrf_token = viewer.csrf_token;
  id.scopes = viewer.scopes;
  return id;
}

Viewer ViewerOf(const Identity& id) {
  Viewer v;
  v.signed_in = true;
  v.user_id = id.user.id;
  v.name = id.user.name;
  v.display_name = id.user.display_name;
  v.is_admin = id.user.is_admin;
  v.csrf_token = id.csrf_token;
  v.scopes = id.scopes;
  return v;
}

// Hugging Face's upvotes (the largest over the paper's daily entries) plus local ones.
int64_t TotalUpvotes(Context& ctx, const std::string& paper_id) {
  int64_t total = 0;
  if (auto entries = ctx.catalogue().DailyEntriesForPaper(paper_id)) {
    for (const auto& e : entries.value()) total = std::max(total, e.upvotes);
  }
  store::AccountStore accounts(ctx.database());
  if (auto local = accounts.LocalUpvoteCounts({paper_id})) {
    auto it = local->find(paper_id);
    if (it != local->end()) total += it->second;
  }
  return total;
}

std::string PaperPath(const std::string& paper_id) { return "/papers/" + paper_id; }

std::string FormatTime(int64_t unix_seconds) { return core::UnixToIso(unix_seconds); }

// Comment text as Markdown (web/markdown: raw HTML shown as text, links nofollow ugc, TeX readable).
Html CommentBody(const std::string& body) { return RenderCommentMarkdown(body); }

Html ErrorNote(const std::string& message) {
  if (message.empty()) return Html();
  return Render("<p class=\"note error-note\" role=\"alert\" id=\"form-error\">{}</p>", message);
}

// ---- arXiv fetching for submissions ----

FetchMissingPaper MakeFetcher(const StatePtr& state, store::Catalogue& catalogue) {
  if (state->options.arxiv_api_url.empty()) return {};
  return [state, &catalogue](const std::string& id) -> core::Result<bool> {
    // One request at a time, spaced as arXiv asks, however many people submit at once.
    std::lock_guard lock(state->arxiv_mutex);
    auto wait = state->arxiv_last + state->options.arxiv_min_interval - std::chrono::steady_clock::now();
    if (state->arxiv_last.time_since_epoch().count() != 0 && wait > std::chrono::steady_clock::duration::zero()) {
      std::this_thread::sleep_for(wait);
    }
    ingest::IngestOptions ingest_options;
    ingest_options.progress = false;
    ingest::Ingester ingester(catalogue, ingest_options);
    ingest::ArxivFetchOptions fetch;
    fetch.base_url = state->options.arxiv_api_url;
    fetch.delay = std::chrono::milliseconds(0);
    fetch.http.max_attempts = state->options.arxiv_max_attempts;
    fetch.http.initial_backoff = std::chrono::milliseconds(500);
    fetch.http.total_timeout = std::chrono::milliseconds(30'000);
    auto report = ingest::FetchArxivIds({id}, ingester, fetch);
    state->arxiv_last = std::chrono::steady_clock::now();
    if (!report) return report.error();
    auto stored = catalogue.FindPaper(id);
    if (!stored) return stored.error();
    return stored.value().has_value();
  };
}

// ---- hooks for the read side ----

Viewer ResolveViewer(const AccountState& state, const Request& req, Context& ctx) {
  store::AccountStore accounts(ctx.database());
  std::string authorization = req.Header("Authorization");
  core::Result<std::optional<Identity>> found = std::optional<Identity>{};
  if (!authorization.empty()) {
    // API tokens are for the JSON API and the MCP server (whose tools run API routes) only:
    // pages, forms, the account page and token management need a signed-in session.
    if (!core::StartsWith(req.path, "/api/") && req.path != "/mcp") return Viewer{};
    auto token = BearerToken(authorization);
    if (!token) return Viewer{};
    found = state.auth.FromApiToken(accounts, *token);
    // Without the read scope, API reads are anonymous.
    if (found && found.value() && (req.method == "GET" || req.method == "HEAD") &&
        !HasScope(found.value()->scopes, Scope::kRead)) {
      return Viewer{};
    }
  } else if (auto cookie = req.Cookie(kSessionCookie)) {
    found = state.auth.FromSession(accounts, *cookie);
  }
  if (!found || !found.value()) return Viewer{};
  return ViewerOf(*found.value());
}

Html UpvoteButton(const Request& req, Context& ctx, const std::string& paper_id, int64_t upvotes) {
  const Viewer& viewer = ctx.viewer();
  if (!viewer.signed_in) {
    return Render(
        "<a class=\"count upvote-login\" href=\"/login?next={}\" title=\"Log in to upvote\" "
        "aria-label=\"{} upvotes; log in to upvote\">{}</a>",
        core::PercentEncode(LocalTarget(req.Target())), upvotes, upvotes);
  }
  // The form works without script (a POST and a redirect back); app.js sends the same toggle to
  // the JSON API with the X-CSRF-Token header and updates the button in place.
  if (ctx.page_template()) {
    // A shared template: each piece that depends on the viewer's vote is a choice the splice makes.
    auto pick = [&](std::string_view yes, std::string_view no) {
      return TemplateMarker("upvoted?", paper_id + "|" + std::string(yes) + "|" + std::string(no));
    };
    return Render(
        "<form method=\"post\" action=\"{}/upvote\" class=\"upvote inline\" data-paper-id=\"{}\">"
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"next\" value=\"{}\">"
        "<input type=\"hidden\" name=\"state\" value=\"{}\">"
        "<button type=\"submit\" class=\"count upvote-button{}\" aria-pressed=\"{}\" title=\"{}\" "
        "aria-label=\"{} upvotes; {}\"><span class=\"n\">{}</span></button></form>",
        PaperPath(paper_id), paper_id, viewer.csrf_token, LocalTarget(req.Target()), pick("off", "on"),
        pick(" upvoted", ""), pick("true", "false"), pick("Withdraw your upvote", "Upvote"), upvotes,
        pick("withdraw your upvote", "upvote"), upvotes);
  }
  const bool mine = ctx.ViewerUpvoted(paper_id);
  return Render(
      "<form method=\"post\" action=\"{}/upvote\" class=\"upvote inline\" data-paper-id=\"{}\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"next\" value=\"{}\">"
      "<input type=\"hidden\" name=\"state\" value=\"{}\">"
      "<button type=\"submit\" class=\"count upvote-button{}\" aria-pressed=\"{}\" title=\"{}\" "
      "aria-label=\"{} upvotes; {}\"><span class=\"n\">{}</span></button></form>",
      PaperPath(paper_id), paper_id, viewer.csrf_token, LocalTarget(req.Target()), mine ? "off" : "on",
      mine ? " upvoted" : "", mine ? "true" : "false", mine ? "Withdraw your upvote" : "Upvote", upvotes,
      mine ? "withdraw your upvote" : "upvote", upvotes);
}

// One comment: who, when, "edited", the Markdown body, and what the viewer may do with it (reply to
// a top-level comment, edit or delete their own, remove as an admin). A removed or deleted comment
// that has replies stays as a placeholder so the replies keep their context.
Html RenderComment(Context& ctx, const store::CommentRecord& c, bool top_level) {
  const Viewer& viewer = ctx.viewer();
  const std::string& who = c.user_display_name.empty() ? c.user_name : c.user_display_name;
  if (!c.visible() && !(viewer.is_admin && c.removed_by && !c.deleted_at)) {
    return Render("<p class=\"meta comment-gone\">{}</p>",
                  c.deleted_at ? "This comment was deleted by its author." : "This comment was removed by an admin.");
  }
  Html edited = c.edited_at ? Render(" <span class=\"edited\" title=\"{}\">(edited)</span>", FormatTime(*c.edited_at))
                            : Html();
  Html removed = c.removed_by ? Render(" <span class=\"badge\">removed</span>") : Html();
  Html actions;
  if (viewer.signed_in && !SignedInWithApiToken(viewer) && c.visible()) {
    if (top_level) {
      actions += Render(
          "<details class=\"reply\"><summary>Reply</summary>"
          "<form method=\"post\" action=\"{}/comments\" class=\"comment-form reply-form\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"reply_to\" value=\"{}\">"
          "<label for=\"reply-{}\">Your reply</label>"
          "<textarea id=\"reply-{}\" name=\"body\" rows=\"3\" maxlength=\"{}\" required></textarea>"
          "<button type=\"submit\">Reply</button></form></details>",
          PaperPath(c.paper_id), viewer.csrf_token, c.id, c.id, c.id, static_cast<int64_t>(kMaxCommentCharacters));
    }
    if (c.user_id == viewer.user_id) {
      actions += Render(
          "<details class=\"edit\"><summary>Edit</summary>"
          "<form method=\"post\" action=\"/comments/{}/edit\" class=\"comment-form edit-form\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
          "<label for=\"edit-{}\">Your comment</label>"
          "<textarea id=\"edit-{}\" name=\"body\" rows=\"4\" maxlength=\"{}\" required>{}</textarea>"
          "<button type=\"submit\">Save</button></form></details>"
          "<form method=\"post\" action=\"/comments/{}/delete\" class=\"inline delete-form\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
          "<button type=\"submit\" class=\"linklike delete-comment\">Delete</button></form>",
          c.id, viewer.csrf_token, c.id, c.id, static_cast<int64_t>(kMaxCommentCharacters), c.body, c.id,
          viewer.csrf_token);
    }
    if (viewer.is_admin && !c.removed_by) {
      actions += Render(
          "<form method=\"post\" action=\"/admin/comments/{}/remove\" class=\"inline\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
          "<button type=\"submit\" class=\"linklike remove-comment\">Remove</button></form>",
          c.id, viewer.csrf_token);
    }
  }
  return Render(
      "<p class=\"meta\"><strong title=\"{}\">{}</strong> · <a href=\"#comment-{}\"><time datetime=\"{}\">{}</time></a>{}{}</p>"
      "<div class=\"comment-body\">{}</div><div class=\"comment-actions\">{}</div>",
      c.user_name, who, c.id, FormatTime(c.created_at), FormatTime(c.created_at).substr(0, 10), edited, removed,
      CommentBody(c.body), actions);
}

Html CommentsSection(const Request& req, Context& ctx, const std::string& paper_id) {
  const Viewer& viewer = ctx.viewer();
  store::AccountStore accounts(ctx.database());
  auto comments = accounts.CommentsForPaper(paper_id, true);
  Html items;
  int64_t visible = 0;
  if (comments) {
    // Top-level comments in order, each with its replies (one level).
    std::vector<const store::CommentRecord*> top;
    std::unordered_map<int64_t, std::vector<const store::CommentRecord*>> replies;
    for (const auto& c : comments.value()) {
      if (c.visible()) ++visible;
      if (c.parent_id) replies[*c.parent_id].push_back(&c);
      else top.push_back(&c);
    }
    auto shown = [&](const store::CommentRecord& c) { return c.visible() || (viewer.is_admin && c.removed_by); };
    for (const auto* c : top) {
      Html answers;
      for (const auto* r : replies[c->id]) {
        if (!shown(*r)) continue;
        answers += Render("<li class=\"comment reply\" id=\"comment-{}\">{}</li>\n", r->id, RenderComment(ctx, *r, false));
      }
      if (!shown(*c) && answers.empty()) continue;
      Html nested = answers.empty() ? Html() : Render("<ol class=\"replies\">{}</ol>", answers);
      items += Render("<li class=\"comment\" id=\"comment-{}\">{}{}</li>\n", c->id, RenderComment(ctx, *c, true), nested);
    }
  }
  Html list = items.empty() ? Render("<p class=\"empty-comments\">No comments yet.</p>")
                            : Render("<ol class=\"comments\">{}</ol>", items);
  Html form;
  if (viewer.signed_in) {
    form = Render(
        "<form method=\"post\" action=\"{}/comments\" class=\"comment-form\" id=\"comment-form\">"
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
        "<label for=\"comment-body\">Add a comment</label>"
        "<textarea id=\"comment-body\" name=\"body\" rows=\"4\" maxlength=\"{}\" required></textarea>"
        "<p class=\"meta\">Markdown: <code>*emphasis*</code>, <code>**bold**</code>, <code>[links](https://…)</code>, "
        "<code>`code`</code>, lists, quotes; TeX as <code>$x^2$</code>.</p>"
        "<button type=\"submit\">Comment</button></form>",
        PaperPath(paper_id), viewer.csrf_token, static_cast<int64_t>(kMaxCommentCharacters));
  } else {
    form = Render("<p><a href=\"/login?next={}\">Log in</a> to comment.</p>",
                  core::PercentEncode(LocalTarget(req.Target())));
  }
  // The paper page wraps this in its own <section id="comments"> with the heading.
  return Render("<p class=\"meta comment-count\" id=\"comment-count\">{} {}</p>{}{}", visible,
                visible == 1 ? "comment" : "comments", list, form);
}

Html AdminControls(const Request&, Context& ctx, const std::string& paper_id) {
  const Viewer& viewer = ctx.viewer();
  if (!viewer.is_admin) return Html();
  store::AccountStore accounts(ctx.database());
  auto hidden = accounts.IsPaperHidden(paper_id);
  if (!hidden || !hidden.value()) return Html();
  const bool is_hidden = *hidden.value();
  return Render(
      "<form method=\"post\" action=\"/admin{}/hide\" class=\"inline admin-hide\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"hidden\" value=\"{}\">"
      "<button type=\"submit\" id=\"admin-hide-button\">{}</button></form>",
      PaperPath(paper_id), viewer.csrf_token, is_hidden ? "0" : "1",
      is_hidden ? "Show in the daily list again" : "Hide from the daily list");
}

// ---- pages: sign up, log in, log out ----

struct SignUpValues {
  std::string name, display_name, email, next, error;
};

void SendSignUpForm(const AccountState& state, const Request& req, Response& res, Context& ctx,
                    const SignUpValues& v, int status) {
  std::string token = AnonymousFormToken(state, req, res, ctx);
  Html closed;
  if (!state.options.auth.allow_signup) {
    closed = Render("<p class=\"note\">Sign-up is closed on this site; ask an admin for an account.</p>");
  }
  Html main = Render(
      "<section class=\"account-form\"><h1>Sign up</h1>{}{}"
      "<form method=\"post\" action=\"/signup\" id=\"signup-form\" class=\"stacked\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"next\" value=\"{}\">"
      "<p><label for=\"signup-name\">Name</label> <input id=\"signup-name\" name=\"name\" value=\"{}\" required "
      "minlength=\"2\" maxlength=\"32\" autocomplete=\"username\" pattern=\"[A-Za-z0-9][A-Za-z0-9_.\\-]*\"> "
      "<small>2–32 letters, digits, '_', '-' or '.'</small></p>"
      "<p><label for=\"signup-display\">Display name (optional)</label> <input id=\"signup-display\" "
      "name=\"display_name\" value=\"{}\" maxlength=\"64\" autocomplete=\"name\"></p>"
      "<p><label for=\"signup-email\">Email (optional)</label> <input id=\"signup-email\" type=\"email\" "
      "name=\"email\" value=\"{}\" maxlength=\"254\" autocomplete=\"email\"></p>"
      "<p><label for=\"signup-password\">Password</label> <input id=\"signup-password\" type=\"password\" "
      "name=\"password\" required minlength=\"8\" maxlength=\"1024\" autocomplete=\"new-password\"> "
      "<small>at least 8 characters; not a common word or pattern</small></p>"
      "<p><button type=\"submit\" id=\"signup-submit\">Create account</button></p></form>"
      "<p>Have an account? <a href=\"/login?next={}\">Log in</a>.</p></section>",
      closed, ErrorNote(v.error), token, v.next, v.name, v.display_name, v.email, core::PercentEncode(v.next));
  SendPage(res, ctx, PageOptions{.title = "Sign up"}, main, status);
  res.cache = CachePolicy::kNoStore;
}

void SendLoginForm(const AccountState& state, const Request& req, Response& res, Context& ctx,
                   const std::string& name, const std::string& next, const std::string& error, int status) {
  std::string token = AnonymousFormToken(state, req, res, ctx);
  Html main = Render(
      "<section class=\"account-form\"><h1>Log in</h1>{}"
      "<form method=\"post\" action=\"/login\" id=\"login-form\" class=\"stacked\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"next\" value=\"{}\">"
      "<p><label for=\"login-name\">Name</label> <input id=\"login-name\" name=\"name\" value=\"{}\" required "
      "maxlength=\"64\" autocomplete=\"username\"></p>"
      "<p><label for=\"login-password\">Password</label> <input id=\"login-password\" type=\"password\" "
      "name=\"password\" required maxlength=\"1024\" autocomplete=\"current-password\"></p>"
      "<p><button type=\"submit\" id=\"login-submit\">Log in</button></p></form>"
      "<p>New here? <a href=\"/signup?next={}\">Sign up</a>.</p></section>",
      ErrorNote(error), token, next, name, core::PercentEncode(next));
  SendPage(res, ctx, PageOptions{.title = "Log in"}, main, status);
  res.cache = CachePolicy::kNoStore;
}

void StartSession(const AccountState& state, Response& res, Context& ctx, const LoginSuccess& login) {
  res.AddHeader("Set-Cookie", state.auth.SessionCookie(login.session_token, SecureSite(state, ctx)));
  res.cache = CachePolicy::kNoStore;
}

// ---- the account page ----

void SendAccountPage(const AccountState& state, Response& res, Context& ctx, const std::string& new_token,
                     const std::string& error, int status = 200) {
  (void)state;
  const Viewer& viewer = ctx.viewer();
  store::AccountStore accounts(ctx.database());
  auto user = accounts.FindUserById(viewer.user_id);
  if (!user || !user.value()) return SendErrorPage(res, ctx, 404, "Not found", "This account no longer exists.");
  const store::User& u = *user.value();
  Html fresh;
  if (!new_token.empty()) {
    fresh = Render(
        "<div class=\"note new-token\" role=\"status\"><p>Your new API token — copy it now, it is shown only once:</p>"
        "<p><code id=\"new-token\">{}</code></p><p>Use it as <code>Authorization: Bearer TOKEN</code>.</p></div>",
        new_token);
  }
  Html rows;
  if (auto tokens = accounts.ListApiTokens(u.id)) {
    for (const auto& t : tokens.value()) {
      const bool expired = t.expires_at && *t.expires_at <= ctx.now();
      std::string expiry = !t.expires_at ? std::string("never expires")
                           : expired     ? "expired " + FormatTime(*t.expires_at).substr(0, 10)
                                         : "expires " + FormatTime(*t.expires_at).substr(0, 10);
      rows += Render(
          "<li id=\"token-{}\"><strong>{}</strong> · <span class=\"token-scopes\">{}</span> · created "
          "<time datetime=\"{}\">{}</time> · {} · {} "
          "<form method=\"post\" action=\"/account/tokens/{}/revoke\" class=\"inline\">"
          "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
          "<button type=\"submit\" class=\"linklike revoke-token\">Revoke</button></form></li>",
          t.id, t.name, ScopesText(ParseScopes(t.scopes)), FormatTime(t.created_at),
          FormatTime(t.created_at).substr(0, 10),
          t.last_used_at ? "last used " + FormatTime(*t.last_used_at).substr(0, 10) : std::string("never used"), expiry,
          t.id, viewer.csrf_token);
    }
  }
  Html token_list = rows.empty() ? Render("<p>No API tokens.</p>") : Render("<ul class=\"tokens\">{}</ul>", rows);
  Html main = Render(
      "<section class=\"account-page\"><h1>Your account</h1>"
      "<dl class=\"profile\"><dt>Name</dt><dd id=\"account-name\">{}</dd><dt>Display name</dt><dd>{}</dd>"
      "<dt>Email</dt><dd>{}</dd><dt>Member since</dt><dd>{}</dd><dt>Role</dt><dd>{}</dd></dl>"
      "<h2>API tokens</h2><p>Programs can use the JSON API with <code>Authorization: Bearer TOKEN</code> "
      "(<code>POST /api/papers/ID/upvote</code>, <code>POST /api/papers/ID/comments</code>, "
      "<code>POST /api/papers/submit</code>). A token can do only what you tick and stops working when it "
      "expires; it can never manage tokens or this account.</p>{}{}{}"
      "<form method=\"post\" action=\"/account/tokens\" class=\"stacked\" id=\"token-form\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><p><label for=\"token-name\">Name</label> "
      "<input id=\"token-name\" name=\"name\" maxlength=\"64\" placeholder=\"notebook\"></p>"
      "<fieldset class=\"token-scopes\"><legend>It may</legend>"
      "<label><input type=\"checkbox\" name=\"scope\" value=\"read\" checked> read as you</label> "
      "<label><input type=\"checkbox\" name=\"scope\" value=\"vote\" checked> upvote</label> "
      "<label><input type=\"checkbox\" name=\"scope\" value=\"comment\"> comment</label> "
      "<label><input type=\"checkbox\" name=\"scope\" value=\"submit\"> submit papers</label></fieldset>"
      "<p><label for=\"token-days\">Expires after</label> <select id=\"token-days\" name=\"days\">"
      "<option value=\"7\">7 days</option><option value=\"30\">30 days</option>"
      "<option value=\"90\" selected>90 days</option><option value=\"365\">1 year</option></select></p>"
      "<p><button type=\"submit\">Create token</button></p></form>"
      "<h2>Submit a paper</h2><p><a href=\"/submit\">Submit an arXiv paper</a> to today's list.</p></section>",
      u.name, u.display_name.empty() ? std::string("—") : u.display_name, u.email.value_or("—"),
      FormatTime(u.created_at).substr(0, 10), u.is_admin ? "admin" : "member", ErrorNote(error), fresh, token_list,
      viewer.csrf_token);
  SendPage(res, ctx, PageOptions{.title = "Your account"}, main, status);
  res.cache = CachePolicy::kNoStore;
}

void SendSubmitForm(Response& res, Context& ctx, const std::string& id, const std::string& error, int status) {
  Html main = Render(
      "<section class=\"account-form\"><h1>Submit a paper</h1>"
      "<p>Put an arXiv paper into today's daily list. When this site does not know it yet, its title, "
      "authors and abstract are fetched from arXiv.</p>{}"
      "<form method=\"post\" action=\"/submit\" id=\"submit-form\" class=\"stacked\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
      "<p><label for=\"submit-id\">arXiv id or URL</label> <input id=\"submit-id\" name=\"id\" value=\"{}\" required "
      "maxlength=\"200\" placeholder=\"2501.01234\"></p>"
      "<p><button type=\"submit\" id=\"submit-button\">Submit</button></p></form></section>",
      ErrorNote(error), ctx.viewer().csrf_token, id);
  SendPage(res, ctx, PageOptions{.title = "Submit a paper"}, main, status);
  res.cache = CachePolicy::kNoStore;
}

int StatusForPageError(const core::Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidInput: return 422;
    case ErrorCode::kUnauthorized: return 403;
    default: return HttpStatusFor(e.code);
  }
}

// Redirects an anonymous visitor to the login page and returns true.
bool RequireLoginPage(const Request& req, Response& res, Context& ctx, std::string_view back = {}) {
  if (ctx.viewer().signed_in) return false;
  std::string next = back.empty() ? LocalTarget(req.Target()) : std::string(back);
  res.Redirect("/login?next=" + core::PercentEncode(next));
  res.cache = CachePolicy::kNoStore;
  return true;
}

// ---- JSON API ----

// Who the API request acts for, or false after sending 401/403. A token must hold `needed`.
bool RequireApiUser(const Request& req, Response& res, Context& ctx, Scope needed) {
  const Viewer& viewer = ctx.viewer();
  res.cache = CachePolicy::kNoStore;
  if (!viewer.signed_in) {
    if (!req.Header("Authorization").empty()) {
      res.SetHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      SetJsonError(res, 401, "unauthorized", "The API token is unknown, revoked or expired; create one on /account.");
    } else {
      SetJsonError(res, 401, "unauthorized", "Log in, or send Authorization: Bearer TOKEN (create one on /account).");
    }
    return false;
  }
  if (SignedInWithApiToken(viewer)) {
    // RFC 6750 §3.1: a valid token without the scope gets 403 insufficient_scope.
    if (!HasScope(viewer.scopes, needed)) {
      std::string scope(ScopeName(needed));
      res.SetHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + scope + "\"");
      SetJsonError(res, 403, "insufficient_scope",
                   "This token may not " + scope + "; create one with the '" + scope + "' scope on /account.");
      return false;
    }
    return true;
  }
  // A cookie-authenticated call must prove it comes from our own pages (X-CSRF-Token); a Bearer
  // header is never attached by a browser on its own, so it needs no such proof.
  if (!ConstantTimeEquals(viewer.csrf_token, req.Header(kCsrfHeader))) {
    SetJsonError(res, 403, "csrf", "Send the page's CSRF token in the X-CSRF-Token header, or use a Bearer token.");
    return false;
  }
  return true;
}

void ApiUpvote(const Request& req, Response& res, Context& ctx, bool upvoted) {
  if (!RequireApiUser(req, res, ctx, Scope::kVote)) return;
  const Viewer& viewer = ctx.viewer();
  auto id = RoutePaperId(req);
  if (!id) return SendApiError(res, viewer, id.error());
  store::AccountStore accounts(ctx.database());
  auto changed = SetUpvote(accounts, IdentityOf(viewer), id.value(), upvoted, ctx.now());
  if (!changed) return SendApiError(res, viewer, changed.error());
  res.SetJson({{"id", id.value()},
               {"upvoted", upvoted},
               {"changed", changed.value()},
               {"upvotes", TotalUpvotes(ctx, id.value())}});
  res.cache = CachePolicy::kNoStore;
}

}  // namespace

// ---- registration ----

void RegisterAccountRoutes(Router& r, const AccountOptions& options) {
  auto state = std::make_shared<AccountState>(options);

  // Hooks for the read side's pages.
  Extensions& ext = r.extensions();
  ext.resolve_viewer = [state](const Request& req, Context& ctx) { return ResolveViewer(*state, req, ctx); };
  ext.local_upvote_counts = [](store::Database& db, const std::vector<std::string>& ids) {
    return store::AccountStore(db).LocalUpvoteCounts(ids);
  };
  ext.local_comment_counts = [](store::Database& db, const std::vector<std::string>& ids) {
    return store::AccountStore(db).CommentCounts(ids);
  };
  ext.viewer_upvotes = [](store::Database& db, int64_t user_id, const std::vector<std::string>& ids) {
    return store::AccountStore(db).UpvotedBy(user_id, ids);
  };
  ext.upvote_button = UpvoteButton;
  ext.comments_section = CommentsSection;
  ext.admin_controls = AdminControls;
  ext.upvote_history = [](Context& ctx, const std::string& paper_id)
      -> core::Result<std::vector<UpvoteHistoryPoint>> {
    auto history = store::AccountStore(ctx.database()).UpvoteHistory(paper_id);
    if (!history) return history.error();
    std::vector<UpvoteHistoryPoint> out;
    out.reserve(history->size());
    for (const auto& p : history.value()) out.push_back({p.day, p.total});
    return out;
  };

  // Sign up.
  r.Get("/signup", [state](const Request& req, Response& res, Context& ctx) {
    if (ctx.viewer().signed_in) return res.Redirect(LocalTarget(req.Param("next")));
    SendSignUpForm(*state, req, res, ctx, {"", "", "", LocalTarget(req.Param("next")), ""}, 200);
  });
  r.Post("/signup", [state](const Request& req, Response& res, Context& ctx) {
    SignUpValues v{req.Param("name"), req.Param("display_name"), req.Param("email"), LocalTarget(req.Param("next")), ""};
    if (!AnonymousFormCsrfOk(req)) return ForbiddenPage(res, ctx);
    store::AccountStore accounts(ctx.database());
    int64_t retry_after = 0;
    auto user = state->auth.SignUp(accounts, {v.name, req.Param("password"), v.display_name, v.email}, ClientIp(req),
                                   &retry_after);
    if (!user) {
      v.error = user.error().message;
      if (user.error().code == ErrorCode::kRateLimited) res.SetHeader("Retry-After", std::to_string(retry_after));
      return SendSignUpForm(*state, req, res, ctx, v, StatusForPageError(user.error()));
    }
    auto session = state->auth.OpenSession(accounts, user.value());
    if (!session) return SendErrorPage(res, ctx, session.error());
    StartSession(*state, res, ctx, session.value());
    res.Redirect(v.next);
  });

  // Log in and out.
  r.Get("/login", [state](const Request& req, Response& res, Context& ctx) {
    if (ctx.viewer().signed_in) return res.Redirect(LocalTarget(req.Param("next")));
    SendLoginForm(*state, req, res, ctx, "", LocalTarget(req.Param("next")), "", 200);
  });
  r.Post("/login", [state](const Request& req, Response& res, Context& ctx) {
    std::string name = req.Param("name").substr(0, 64);
    std::string next = LocalTarget(req.Param("next"));
    if (!AnonymousFormCsrfOk(req)) return ForbiddenPage(res, ctx);
    store::AccountStore accounts(ctx.database());
    auto login = state->auth.LogIn(accounts, name, req.Param("password"), ClientIp(req));
    if (!login) {
      int status = login.error().code == ErrorCode::kRateLimited  ? 429
                   : login.error().code == ErrorCode::kUnauthorized ? 401
                                                                    : HttpStatusFor(login.error().code);
      if (status == 429 || status == 503) res.SetHeader("Retry-After", status == 503 ? "2" : "60");
      return SendLoginForm(*state, req, res, ctx, name, next, login.error().message, status);
    }
    StartSession(*state, res, ctx, login.value());
    res.Redirect(next);
  });
  r.Post("/logout", [state](const Request& req, Response& res, Context& ctx) {
    res.cache = CachePolicy::kNoStore;
    const Viewer& viewer = ctx.viewer();
    if (viewer.signed_in && !SignedInWithApiToken(viewer)) {
      if (!FormCsrfOk(viewer, req)) return ForbiddenPage(res, ctx);
      store::AccountStore accounts(ctx.database());
      if (auto cookie = req.Cookie(kSessionCookie)) (void)state->auth.LogOut(accounts, *cookie);
    }
    res.AddHeader("Set-Cookie", state->auth.ClearedSessionCookie(SecureSite(*state, ctx)));
    res.Redirect("/");
  });

  // The account page and API tokens.
  r.Get("/account", [state](const Request& req, Response& res, Context& ctx) {
    if (RequireLoginPage(req, res, ctx)) return;
    SendAccountPage(*state, res, ctx, "", "");
  });
  r.Post("/account/tokens", [state](const Request& req, Response& res, Context& ctx) {
    if (RequireLoginPage(req, res, ctx, "/account")) return;
    if (!FormCsrfOk(ctx.viewer(), req)) return ForbiddenPage(res, ctx);
    store::AccountStore accounts(ctx.database());
    auto user = accounts.FindUserById(ctx.viewer().user_id);
    if (!user || !user.value()) return SendErrorPage(res, ctx, 404, "Not found", "This account no longer exists.");
    Scopes scopes = 0;
    for (auto [it, end] = req.params.equal_range("scope"); it != end; ++it) scopes |= ParseScopes(it->second);
    int days = 0;
    if (std::string d = req.Param("days"); !d.empty()) {
      auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), days);
      if (ec != std::errc() || p != d.data() + d.size()) days = -1;
    }
    auto token = state->auth.CreateApiToken(accounts, *user.value(), req.Param("name"), scopes, days);
    if (!token) return SendAccountPage(*state, res, ctx, "", token.error().message, StatusForPageError(token.error()));
    // Shown in this response only (no redirect), so the token never sits in a URL or a cache.
    SendAccountPage(*state, res, ctx, token->token, "");
  });
  r.Post("/account/tokens/{token}/revoke", [](const Request& req, Response& res, Context& ctx) {
    if (RequireLoginPage(req, res, ctx, "/account")) return;
    if (!FormCsrfOk(ctx.viewer(), req)) return ForbiddenPage(res, ctx);
    const auto id = IdPathParam(req, "token");
    if (!id) return SendErrorPage(res, ctx, 404, "Not found", "There is no such API token.");
    store::AccountStore accounts(ctx.database());
    if (auto r = accounts.RevokeApiToken(ctx.viewer().user_id, *id); !r) return SendRuleError(res, ctx, r.error());
    res.Redirect("/account");
    res.cache = CachePolicy::kNoStore;
  });

  // Upvotes (form toggle), comments, admin actions. Old-style ids take two path segments.
  auto upvote_form = [](const Request& req, Response& res, Context& ctx) {
    auto id = RoutePaperId(req);
    if (!id) return SendErrorPage(res, ctx, id.error());
    std::string back = LocalTarget(req.Param("next"), PaperPath(id.value()));
    if (RequireLoginPage(req, res, ctx, back)) return;
    if (!FormCsrfOk(ctx.viewer(), req)) return ForbiddenPage(res, ctx);
    store::AccountStore accounts(ctx.database());
    bool upvoted;
    std::string state_param = req.Param("state");
    if (state_param == "on" || state_param == "off") {
      // The state the button showed: a double click sends "on" twice and stays upvoted.
      upvoted = state_param == "on";
    } else {
      auto mine = accounts.UpvotedBy(ctx.viewer().user_id, {id.value()});
      if (!mine) return SendErrorPage(res, ctx, mine.error());
      upvoted = mine->empty();
    }
    auto changed = SetUpvote(accounts, IdentityOf(ctx.viewer()), id.value(), upvoted, ctx.now());
    if (!changed) return SendRuleError(res, ctx, changed.error());
    res.Redirect(back);
    res.cache = CachePolicy::kNoStore;
  };
  r.Post("/papers/{id}/upvote", upvote_form);
  r.Post("/papers/{archive}/{number}/upvote", upvote_form);

  auto comment_form = [](const Request& req, Response& res, Context& ctx) {
    auto id = RoutePaperId(req);
    if (!id) return SendErrorPage(res, ctx, id.error());
    if (RequireLoginPage(req, res, ctx, PaperPath(id.value()) + "#comments")) return;
    if (!FormCsrfOk(ctx.viewer(), req)) return ForbiddenPage(res, ctx);
    store::AccountStore accounts(ctx.database());
    std::optional<int64_t> reply_to;
    if (std::string parent = req.Param("reply_to"); !parent.empty()) {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(parent.data(), parent.data() + parent.size(), n);
      if (ec != std::errc() || end != parent.data() + parent.size())
        return SendErrorPage(res, ctx, 404, "Not found", "There is no such comment to reply to.");
      reply_to = n;
    }
    auto comment = AddComment(accounts, IdentityOf(ctx.viewer()), id.value(), req.Param("body"), ctx.now(), reply_to);
    if (!comment) return SendRuleError(res, ctx, comment.error());
    res.Redirect(PaperPath(id.value()) + "#comment-" + std::to_string(comment->id));
    res.cache = CachePolicy::kNoStore;
  };
  r.Post("/papers/{id}/comments", comment_form);
  r.Post("/papers/{archive}/{number}/comments", comment_form);

  // The author edits or deletes their own comment.
  r.Post("/comments/{comment}/edit", [](const Request& req, Response& res, Context& ctx) {
    if (RequireLoginPage(req, res, ctx, "/")) return;
    if (!FormCsrfOk(ctx.viewer(), req)) return ForbiddenPage(res, ctx);
    const auto id = IdPathParam(req, "comment");
    if (!id) return SendErrorPage(res, ctx, 404, "Not found", "There is no such comment.");
    store::AccountStore accounts(ctx.database());
    auto edited = EditComment(accounts, IdentityOf(ctx.viewer()), *id, req.Param("body"), ctx.now());
    if (!edited) return SendRuleError(res, ctx, edited.error());
    res.Redirect(PaperPath(edited->paper_id) + "#comment-" + std::to_string(edited->id));
    res.cache = CachePolicy::kNoStore;
  });
  r.Post("/comments/{comment}/delete", [](const Request& req, Response& res, Context& ctx) {
    if (RequireLoginPage(req, res, ctx, "/")) return;
    if (!FormCsrfOk(ctx.viewer(), req)) return ForbiddenPage(res, ctx);
    const auto id = IdPathParam(req, "comment");
    if (!id) return SendErrorPage(res, ctx, 404, "Not found", "There is no such comment.");
    store::AccountStore accounts(ctx.database());
    auto deleted = DeleteComment(accounts, IdentityOf(ctx.viewer()), *id, ctx.now());
    if (!deleted) return SendRuleError(res, ctx, deleted.error());
    res.Redirect(PaperPath(deleted->paper_id) + "#comments");
    res.cache = CachePolicy::kNoStore;
  });

  auto hide_form = [](const Request& req, Response& res, Context& ctx) {
    auto id = RoutePaperId(req);
    if (!id) return SendErrorPage(res, ctx, id.error());
    if (RequireLoginPage(req, res, ctx, PaperPath(id.value()))) return;
    if (!FormCsrfOk(ctx.viewer(), req)) return ForbiddenPage(res, ctx);
    store::AccountStore accounts(ctx.database());
    bool hidden = req.Param("hidden", "1") != "0";
    if (auto r = SetPaperHidden(accounts, IdentityOf(ctx.viewer()), id.value(), hidden); !r) {
      return SendRuleError(res, ctx, r.error());
    }
    res.Redirect(PaperPath(id.value()));
    res.cache = CachePolicy::kNoStore;
  };
  r.Post("/admin/papers/{id}/hide", hide_form);
  r.Post("/admin/papers/{archive}/{number}/hide", hide_form);

  r.Post("/admin/comments/{comment}/remove", [](const Request& req, Response& res, Context& ctx) {
    if (RequireLoginPage(req, res, ctx, "/")) return;
    if (!FormCsrfOk(ctx.viewer(), req)) return ForbiddenPage(res, ctx);
    const auto id = IdPathParam(req, "comment");
    if (!id) return SendErrorPage(res, ctx, 404, "Not found", "There is no such comment.");
    store::AccountStore accounts(ctx.database());
    auto removed = RemoveComment(accounts, IdentityOf(ctx.viewer()), *id);
    if (!removed) return SendRuleError(res, ctx, removed.error());
    res.Redirect(PaperPath(removed->paper_id) + "#comments");
    res.cache = CachePolicy::kNoStore;
  });

  // Submissions.
  r.Get("/submit", [](const Request& req, Response& res, Context& ctx) {
    if (RequireLoginPage(req, res, ctx)) return;
    SendSubmitForm(res, ctx, req.Param("id"), "", 200);
  });
  r.Post("/submit", [state](const Request& req, Response& res, Context& ctx) {
    if (RequireLoginPage(req, res, ctx, "/submit")) return;
    if (!FormCsrfOk(ctx.viewer(), req)) return ForbiddenPage(res, ctx);
    std::string raw = req.Param("id");
    auto out = SubmitPaper(ctx.catalogue(), IdentityOf(ctx.viewer()), raw, MakeFetcher(state, ctx.catalogue()),
                           ctx.now());
    if (!out) return SendSubmitForm(res, ctx, raw, out.error().message, StatusForPageError(out.error()));
    res.Redirect(PaperPath(out->paper_id));
    res.cache = CachePolicy::kNoStore;
  });

  // JSON API.
  auto api_up = [](const Request& req, Response& res, Context& ctx) { ApiUpvote(req, res, ctx, true); };
  auto api_down = [](const Request& req, Response& res, Context& ctx) { ApiUpvote(req, res, ctx, false); };
  r.Post("/api/papers/{id}/upvote", api_up);
  r.Post("/api/papers/{archive}/{number}/upvote", api_up);
  r.Delete("/api/papers/{id}/upvote", api_down);
  r.Delete("/api/papers/{archive}/{number}/upvote", api_down);
  auto api_comment = [](const Request& req, Response& res, Context& ctx) {
    if (!RequireApiUser(req, res, ctx, Scope::kComment)) return;
    const Viewer& viewer = ctx.viewer();
    auto id = RoutePaperId(req);
    if (!id) return SendApiError(res, viewer, id.error());
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    // {"text": …} is paperfeed's body; {"comment": …} is Hugging Face's (POST /api/papers/{id}/comment).
    const char* key = body.is_object() && body.contains("comment") ? "comment" : "text";
    if (body.is_discarded() || !body.is_object() || !body.contains(key) || !body[key].is_string()) {
      return SetJsonError(res, 400, "bad_request",
                          "Send a JSON object like {\"text\": \"Nice result.\"} (or Hugging Face's {\"comment\": …}).");
    }
    store::AccountStore accounts(ctx.database());
    auto comment = AddComment(accounts, IdentityOf(viewer), id.value(), body[key].get<std::string>(), ctx.now());
    if (!comment) return SendApiError(res, viewer, comment.error());
    res.SetJson({{"id", comment->id},
                 {"paperId", comment->paper_id},
                 {"text", comment->body},
                 {"createdAt", FormatTime(comment->created_at)},
                 {"url", PaperPath(comment->paper_id) + "#comment-" + std::to_string(comment->id)}},
                201);
    res.cache = CachePolicy::kNoStore;
  };
  r.Post("/api/papers/{id}/comments", api_comment);
  r.Post("/api/papers/{archive}/{number}/comments", api_comment);
  r.Post("/api/papers/{id}/comment", api_comment);  // Hugging Face's path
  r.Post("/api/papers/{archive}/{number}/comment", api_comment);
  r.Post("/api/papers/submit", [state](const Request& req, Response& res, Context& ctx) {
    if (!RequireApiUser(req, res, ctx, Scope::kSubmit)) return;
    const Viewer& viewer = ctx.viewer();
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    // {"id": …} is paperfeed's body; the id is also taken under the names "paperId" and "arxivId".
    const char* key = "id";
    for (const char* k : {"paperId", "arxivId"})
      if (body.is_object() && body.contains(k)) key = k;
    if (body.is_discarded() || !body.is_object() || !body.contains(key) || !body[key].is_string()) {
      return SetJsonError(res, 400, "bad_request", "Send a JSON object like {\"id\": \"2501.01234\"}.");
    }
    auto out = SubmitPaper(ctx.catalogue(), IdentityOf(viewer), body[key].get<std::string>(),
                           MakeFetcher(state, ctx.catalogue()), ctx.now());
    if (!out) return SendApiError(res, viewer, out.error());
    res.SetJson({{"id", out->paper_id},
                 {"day", out->day},
                 {"fetched", out->fetched},
                 {"submittedBy", {{"name", viewer.name}, {"fullname", viewer.display_name}}},
                 {"url", PaperPath(out->paper_id)}},
                201);
    res.cache = CachePolicy::kNoStore;
  });
}

}  // namespace paperfeed::web
