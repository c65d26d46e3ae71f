// web/subscription_handlers: the digest subscription pages — subscribe (double opt-in), confirm,
// preferences and unsubscribe (RFC 8058 one-click) through signed links, no login needed. Each
// handler parses its input, calls mail::SubscriptionService, and renders; the rules live in mail/.
#include <cstdio>
#include <memory>

#include "mail/mail_config.hpp"
#include "mail/subscription_service.hpp"
#include "store/accounts.hpp"
#include "web/auth.hpp"
#include "web/layout.hpp"
#include "web/routes.hpp"

namespace paperfeed::web {
namespace {

core::Result<mail::SubscriptionService> Service(Context& ctx, const mail::MailConfig& config) {
  auto signer = mail::MakeLinkSigner(ctx.database(), config);
  if (!signer) return signer.error();
  return mail::SubscriptionService(ctx.database(), config, std::move(*signer));
}

std::string ViewerEmail(Context& ctx) {
  const Viewer& viewer = ctx.viewer();
  if (!viewer.signed_in) return "";
  store::AccountStore accounts(ctx.database());
  auto user = accounts.FindUserById(viewer.user_id);
  if (!user || !user->has_value() || !(*user)->email) return "";
  return *(*user)->email;
}

Html SubscribeForm(Context& ctx, const std::string& email, const std::string& problem) {
  const Viewer& viewer = ctx.viewer();
  Html csrf = viewer.signed_in ? Render("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", viewer.csrf_token) : Html();
  Html error = problem.empty() ? Html() : Render("<p class=\"notice error\" role=\"alert\">{}</p>", problem);
  return Render(
      "<h1>Trending papers in your inbox</h1>"
      "<p>A digest of the day's (or the week's) trending papers, and new papers for the searches, "
      "categories and authors you pick. We send a confirmation link first; nothing else comes before you "
      "confirm. Every digest has a one-click unsubscribe link.</p>{}"
      "<form method=\"post\" action=\"/subscribe\" id=\"subscribe-form\" class=\"stacked\">{}"
      "<label for=\"email\">Email address</label>"
      "<input type=\"email\" id=\"email\" name=\"email\" required maxlength=\"254\" autocomplete=\"email\" value=\"{}\">"
      "<button type=\"submit\">Subscribe</button></form>",
      error, csrf, email);
}

Html PreferencesForm(const store::Subscriber& s, const std::string& token, const std::string& unsubscribe_token,
                     const std::string& notice, bool is_error) {
  auto lines = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += i + "\n";
    return out;
  };
  Html message = notice.empty() ? Html()
                 : is_error     ? Render("<p class=\"notice error\" role=\"alert\">{}</p>", notice)
                                : Render("<p class=\"notice\" role=\"status\">{}</p>", notice);
  bool daily = s.period == store::DigestPeriod::kDaily;
  Html paused = s.paused ? Render("<p class=\"notice error\">Digests to {} are paused after delivery failures. Saving "
                                  "this form resumes them.</p>",
                                  s.email)
                         : Html();
  return Render(
      "<h1>Digest preferences</h1><p>For <strong>{}</strong>.</p>{}{}"
      "<form method=\"post\" action=\"/subscriptions/preferences?token={}\" id=\"preferences-form\" class=\"stacked\">"
      "<fieldset><legend>How often</legend>"
      "<label><input type=\"radio\" name=\"period\" value=\"daily\"{}> Daily</label> "
      "<label><input type=\"radio\" name=\"period\" value=\"weekly\"{}> Weekly</label></fieldset>"
      "<label for=\"top_n\">Trending papers per digest (0 for none)</label>"
      "<input type=\"number\" id=\"top_n\" name=\"top_n\" min=\"0\" max=\"50\" value=\"{}\">"
      "<label for=\"topics\">Saved searches, one a line</label>"
      "<textarea id=\"topics\" name=\"topics\" rows=\"4\">{}</textarea>"
      "<label for=\"categories\">arXiv categories (cs.LG, or cs for all of it), one a line</label>"
      "<textarea id=\"categories\" name=\"categories\" rows=\"3\">{}</textarea>"
      "<label for=\"authors\">Authors, one a line</label>"
      "<textarea id=\"authors\" name=\"authors\" rows=\"3\">{}</textarea>"
      "<button type=\"submit\">Save</button></form>"
      "<p><a href=\"/unsubscribe?token={}\">Unsubscribe</a></p>",
      s.email, message, paused, token, Html::Trusted(daily ? " checked" : ""), Html::Trusted(daily ? "" : " checked"),
      s.top_n, lines(s.topics), lines(s.categories), lines(s.authors), unsubscribe_token);
}

// The preferences page links to the unsubscribe page, which needs a token of its own.
std::string UnsubscribeToken(const mail::SubscriptionService& service, const store::Subscriber& s) {
  std::string url = service.UnsubscribeUrl(s);
  return url.substr(url.find("token=") + 6);
}

Html PreferencesPage(const mail::SubscriptionService& service, const store::Subscriber& s, const std::string& token,
                     const std::string& notice, bool is_error) {
  return PreferencesForm(s, token, UnsubscribeToken(service, s), notice, is_error);
}

void SendSubscriptionError(Response& res, Context& ctx, const core::Error& error) {
  res.cache = CachePolicy::kNoStore;
  SendErrorPage(res, ctx, error);
}

}  // namespace

void RegisterSubscriptionRoutes(Router& r, const mail::MailConfig& mail) {
  // The mail settings the pages need (public base URL, link key, rate limits), from the configuration.
  auto config = std::make_shared<const mail::MailConfig>(mail);
  r.extensions().nav_links.push_back({"/subscribe", "Digest"});

  r.Get("/subscribe", [config](const Request& req, Response& res, Context& ctx) {
    res.cache = CachePolicy::kNoStore;
    std::string email = req.Param("email");
    if (email.empty()) email = ViewerEmail(ctx);
    SendPage(res, ctx, PageOptions{.title = "Email digest", .active_nav = "/subscribe"}, SubscribeForm(ctx, email, ""));
  });

  r.Post("/subscribe", [config](const Request& req, Response& res, Context& ctx) {
    res.cache = CachePolicy::kNoStore;
    const Viewer& viewer = ctx.viewer();
    // A signed-in form must carry the session's CSRF token: the subscription is tied to the account.
    // (It used to be checked only when the field was present, so a forged form simply left it out.)
    // An anonymous one has nothing to protect (double opt-in).
    if (viewer.signed_in && !ConstantTimeEquals(viewer.csrf_token, req.Param("csrf"))) {
      return SendErrorPage(res, ctx, 403, "Form expired", "Reload the page and try again.");
    }
    std::string email = req.Param("email");
    auto service = Service(ctx, *config);
    if (!service) return SendSubscriptionError(res, ctx, service.error());
    std::optional<int64_t> user_id = viewer.signed_in ? std::optional<int64_t>(viewer.user_id) : std::nullopt;
    auto done = service->Subscribe(email, "ip:" + req.remote_addr, user_id, ctx.now());
    if (!done) {
      if (done.error().code == core::ErrorCode::kInvalidInput) {
        return SendPage(res, ctx, PageOptions{.title = "Email digest", .active_nav = "/subscribe"},
                        SubscribeForm(ctx, email, done.error().message), 400);
      }
      return SendSubscriptionError(res, ctx, done.error());
    }
    // The same words for a new, a pending and a confirmed address (issue 5: no enumeration).
    SendPage(res, ctx, PageOptions{.title = "Check your inbox", .active_nav = "/subscribe"},
             Render("<h1>Check your inbox</h1><p id=\"subscribe-done\">If {} can receive our digests, a message "
                    "with a confirmation link is on its way. The link works for {} hours.</p>",
                    email, config->confirm_ttl_hours));
  });

  r.Get("/subscribe/confirm", [config](const Request& req, Response& res, Context& ctx) {
    res.cache = CachePolicy::kNoStore;
    auto service = Service(ctx, *config);
    if (!service) return SendSubscriptionError(res, ctx, service.error());
    std::string token = req.Param("token");
    auto subscriber = service->Confirm(token, ctx.now());
    if (!subscriber) return SendSubscriptionError(res, ctx, subscriber.error());
    std::string prefs = service->PreferencesUrl(*subscriber);
    SendPage(res, ctx, PageOptions{.title = "Subscribed"},
             Render("<h1>You are subscribed</h1><p id=\"confirmed\">{} will get a {} digest at {} ({}).</p>"
                    "<p><a href=\"{}\">Choose what it holds</a>: trending papers, saved searches, categories, "
                    "authors.</p>",
                    subscriber->email, std::string(store::PeriodName(subscriber->period)), config->send_time,
                    config->time_zone, SafeUrl(prefs.substr(prefs.find("/subscriptions/")))));
  });

  r.Get("/subscriptions/preferences", [config](const Request& req, Response& res, Context& ctx) {
    res.cache = CachePolicy::kNoStore;
    auto service = Service(ctx, *config);
    if (!service) return SendSubscriptionError(res, ctx, service.error());
    std::string token = req.Param("token");
    auto subscriber = service->Resolve(token, mail::LinkPurpose::kPreferences, ctx.now());
    if (!subscriber) return SendSubscriptionError(res, ctx, subscriber.error());
    SendPage(res, ctx, PageOptions{.title = "Digest preferences"}, PreferencesPage(*service, *subscriber, token, "", false));
  });

  r.Post("/subscriptions/preferences", [config](const Request& req, Response& res, Context& ctx) {
    res.cache = CachePolicy::kNoStore;
    auto service = Service(ctx, *config);
    if (!service) return SendSubscriptionError(res, ctx, service.error());
    std::string token = req.Param("token");
    auto subscriber = service->Resolve(token, mail::LinkPurpose::kPreferences, ctx.now());
    if (!subscriber) return SendSubscriptionError(res, ctx, subscriber.error());
    mail::PreferencesForm form{req.Param("period"), req.Param("top_n"), req.Param("topics"), req.Param("categories"),
                               req.Param("authors")};
    auto prefs = mail::ParsePreferences(form);
    if (!prefs) {
      return SendPage(res, ctx, PageOptions{.title = "Digest preferences"},
                      PreferencesPage(*service, *subscriber, token, prefs.error().message, true), 400);
    }
    auto saved = service->SavePreferences(token, *prefs, ctx.now());
    if (!saved) return SendSubscriptionError(res, ctx, saved.error());
    SendPage(res, ctx, PageOptions{.title = "Digest preferences"}, PreferencesPage(*service, *saved, token, "Saved.", false));
  });

  r.Get("/unsubscribe", [config](const Request& req, Response& res, Context& ctx) {
    res.cache = CachePolicy::kNoStore;
    auto service = Service(ctx, *config);
    if (!service) return SendSubscriptionError(res, ctx, service.error());
    std::string token = req.Param("token");
    // A GET only asks: link scanners and prefetchers follow links, and must not unsubscribe anyone.
    auto subscriber = service->Resolve(token, mail::LinkPurpose::kUnsubscribe, ctx.now());
    if (!subscriber) {
      if (subscriber.error().code == core::ErrorCode::kNotFound) {
        return SendPage(res, ctx, PageOptions{.title = "Unsubscribed"},
                        Render("<h1>Already unsubscribed</h1><p id=\"unsubscribed\">This address gets no more digests.</p>"));
      }
      return SendSubscriptionError(res, ctx, subscriber.error());
    }
    SendPage(res, ctx, PageOptions{.title = "Unsubscribe"},
             Render("<h1>Unsubscribe</h1><p>Stop all digests to <strong>{}</strong>?</p>"
                    "<form method=\"post\" action=\"/unsubscribe?token={}\" id=\"unsubscribe-form\">"
                    "<button type=\"submit\">Unsubscribe</button></form>",
                    subscriber->email, token));
  });

  // RFC 8058 §3.1: the mail client POSTs "List-Unsubscribe=One-Click" to the List-Unsubscribe URL;
  // our own button posts the same form. No cookie, no CSRF token: the signed token is the authority.
  r.Post("/unsubscribe", [config](const Request& req, Response& res, Context& ctx) {
    res.cache = CachePolicy::kNoStore;
    auto service = Service(ctx, *config);
    if (!service) return SendSubscriptionError(res, ctx, service.error());
    auto email = service->Unsubscribe(req.Param("token"), ctx.now());
    if (!email && email.error().code != core::ErrorCode::kNotFound) return SendSubscriptionError(res, ctx, email.error());
    // Unsubscribing twice is fine (providers may retry the POST): the second answer is a 200 too.
    SendPage(res, ctx, PageOptions{.title = "Unsubscribed"},
             email ? Render("<h1>Unsubscribed</h1><p id=\"unsubscribed\">No more digests go to {}. "
                            "<a href=\"/subscribe\">Subscribe again</a> any time.</p>",
                            *email)
                   : Render("<h1>Already unsubscribed</h1><p id=\"unsubscribed\">This address gets no more digests.</p>"));
  });
}

}  // namespace paperfeed::web
