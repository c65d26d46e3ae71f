// The mail verbs: digest run|preview, subscribers add|list|remove, and the mail side of `serve`.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/command.hpp"
#include "core/calendar.hpp"
#include "core/progress.hpp"
#include "core/text.hpp"
#include "mail/digest_run.hpp"
#include "mail/message.hpp"
#include "mail/smtp_client.hpp"
#include "search/search_service.hpp"
#include "store/database.hpp"
#include "store/subscriptions.hpp"

namespace paperfeed::cli {
namespace {

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Options every mail verb shares: where the configuration and the relay come from. Both feed the
// one configuration (cli/config), so --smtp beats $PAPERFEED_SMTP_URL beats [mail] smtp_url.
struct MailFlags {};

void AddMailFlags(CLI::App* cmd, GlobalOptions& globals) {
  cmd->add_option("--config", globals.config_inputs.file, "Configuration file (default $PAPERFEED_CONFIG or ./paperfeed.toml)");
  AddConfigFlag(cmd, globals, "--smtp", "mail.smtp_url",
                "SMTP relay, smtp://[user:pass@]host:port or smtps://... (default $PAPERFEED_SMTP_URL, then "
                "[mail] smtp_url in the configuration)");
}

nlohmann::json SubscriberJson(const store::Subscriber& s) {
  return {{"id", s.id},
          {"email", s.email},
          {"confirmed", s.confirmed},
          {"period", std::string(store::PeriodName(s.period))},
          {"top_n", s.top_n},
          {"topics", s.topics},
          {"categories", s.categories},
          {"authors", s.authors},
          {"created_at", s.created_at},
          {"confirmed_at", s.confirmed_at ? nlohmann::json(*s.confirmed_at) : nlohmann::json(nullptr)},
          {"paused", s.paused},
          {"hard_failures", s.hard_failures}};
}

void RegisterDigest(CommandRegistry& r) {
  auto* digest = r.app.add_subcommand("digest", "Email digests: render and send them, or preview one");
  digest->require_subcommand(1);

  struct RunOptions {
    MailFlags flags;
    std::string period = "daily";
    std::string date;
    double throttle = -1;
    bool no_send = false;
    bool json = false;
    double lock_wait = 30;
  };
  auto run = std::make_shared<RunOptions>();
  auto* run_cmd = digest->add_subcommand("run", "Render every due digest into the outbox, then send the outbox");
  run_cmd->footer(
      "A digest covers one period: --date D picks the day (daily) or the ISO week holding D (weekly);\n"
      "without it, yesterday or last week in the configured time zone. Each subscriber gets at most one\n"
      "digest per period, whatever is rerun or interrupted: digests are recorded before sending, and a\n"
      "rerun only sends what is still pending. Empty digests are not sent.\n\n"
      "Examples:\n  paperfeed digest run --smtp smtp://127.0.0.1:2525\n"
      "  paperfeed digest run --period weekly --date 2026-08-21 --json");
  AddMailFlags(run_cmd, r.globals);
  run_cmd->add_option("--period", run->period, "daily|weekly")->check(CLI::IsMember({"daily", "weekly"}));
  run_cmd->add_option("--date", run->date, "A day of the period, YYYY-MM-DD");
  run_cmd->add_option("--throttle", run->throttle, "Messages per second (default: throttle in the configuration)");
  run_cmd->add_flag("--no-send", run->no_send, "Only render into the outbox");
  run_cmd->add_option("--lock-wait", run->lock_wait, "Seconds to wait for another sender to finish");
  run_cmd->add_flag("--json", run->json, "Print one JSON object with the counts");
  run_cmd->callback([run, &r] {
    r.run = [run, &globals = r.globals]() -> int {
      auto config = std::optional<mail::MailConfig>(globals.config.mail);
      if (run->throttle >= 0) config->throttle_per_second = run->throttle;
      auto zone = core::TimeZone::Load(config->time_zone);
      if (!zone) return ReportError(zone.error());
      auto period = *store::ParsePeriod(run->period);
      int64_t now = UnixNow();
      auto info = mail::PeriodFor(period, run->date.empty() ? std::nullopt : std::optional(run->date), *zone, now);
      if (!info) return ReportError(info.error());
      if (!run->no_send && config->smtp_url.empty()) {
        return ReportError(core::MakeError(core::ErrorCode::kInvalidInput,
                                           "no SMTP relay: pass --smtp smtp://HOST:PORT, set PAPERFEED_SMTP_URL, set "
                                           "smtp_url in the configuration, or use --no-send"));
      }
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      auto inputs = mail::OpenDigestInputs(**catalogue, *config, globals.config.index_dir, globals.config.semantic);
      if (!inputs) return ReportError(inputs.error());
      for (const auto& w : inputs->warnings) std::fprintf(stderr, "paperfeed: warning: %s\n", w.c_str());
      auto& source = inputs->source;
      auto& links = *inputs->links;
      bool tty = !run->json && isatty(STDERR_FILENO);
      core::ProgressBar render_bar("render " + info->key, 0, " digests");
      render_bar.set_enabled(tty);
      auto rendered = mail::RenderDigests(**catalogue, *source, links, *zone, *info, now,
                                          [&](int done, int) { render_bar.Update(static_cast<uint64_t>(done)); });
      render_bar.Finish();
      if (!rendered) return ReportError(rendered.error());
      for (const auto& w : rendered->warnings) std::fprintf(stderr, "paperfeed: warning: %s\n", w.c_str());
      nlohmann::json out = {{"period", info->key},
                            {"subscribers", rendered->subscribers},
                            {"rendered", rendered->rendered},
                            {"already_queued", rendered->already},
                            {"empty", rendered->empty},
                            {"not_rendered", rendered->failed}};
      // Who did not get a digest this time, and why: without it a cron mail showed only the counts.
      nlohmann::json failures = nlohmann::json::array();
      for (const auto& f : rendered->failures)
        failures.push_back({{"subscriber_id", f.subscriber_id},
                            {"email", core::SanitisedText(f.email, core::TextKind::kLine)},
                            {"reason", core::SanitisedText(f.reason, core::TextKind::kLine)}});
      out["not_rendered_subscribers"] = std::move(failures);
      int exit_code = kExitOk;
      if (!run->no_send) {
        auto smtp = mail::SmtpClient::Create(*config);
        if (!smtp) return ReportError(smtp.error());
        mail::OutboxSender sender((*catalogue)->database(), *config, **smtp);
        core::ProgressBar send_bar("send", 0, " mails");
        send_bar.set_enabled(tty);
        sender.on_progress = [&](const mail::SendReport& s) {
          send_bar.Update(static_cast<uint64_t>(s.sent + s.failed + s.retried));
        };
        auto sent = sender.Drain(nullptr, -1, run->lock_wait);
        send_bar.Finish();
        if (!sent) return ReportError(sent.error());
        out["sent"] = sent->sent;
        out["retry_later"] = sent->retried;
        out["failed"] = sent->failed;
        out["paused_subscriptions"] = sent->paused;
        out["resent_after_crash"] = sent->requeued;
        out["sender_busy"] = sent->lock_busy;
        if (sent->lock_busy)
          std::fprintf(stderr, "paperfeed: another sender (serve or another run) holds the outbox; it will send "
                               "what was queued\n");
        if (sent->relay_error) {
          exit_code = ReportError(*sent->relay_error);
          out["relay_error"] = sent->relay_error->message;
        }
      }
      if (run->json) {
        PrintJson(out);
      } else {
        std::printf("%s: %d subscribers, %d digests rendered, %d already queued, %d empty (not sent)",
                    info->key.c_str(), rendered->subscribers, rendered->rendered, rendered->already, rendered->empty);
        if (rendered->failed > 0) std::printf(", %d not rendered (the next run tries again)", rendered->failed);
        if (out.contains("sent"))
          std::printf("; sent %d, retry later %d, failed %d", out["sent"].get<int>(), out["retry_later"].get<int>(),
                      out["failed"].get<int>());
        std::printf("\n");
        for (const auto& f : rendered->failures)
          std::printf("  not rendered: subscriber %lld <%s>: %s\n", static_cast<long long>(f.subscriber_id),
                      core::SanitisedText(f.email, core::TextKind::kLine).c_str(),
                      core::SanitisedText(f.reason, core::TextKind::kLine).c_str());
      }
      return exit_code;
    };
  });

  struct PreviewOptions {
    MailFlags flags;
    std::string email;
    std::string date;
    std::string period = "daily";
    bool raw = false;
  };
  auto preview = std::make_shared<PreviewOptions>();
  auto* preview_cmd = digest->add_subcommand("preview", "Print one subscriber's digest as it would be sent, without sending");
  AddMailFlags(preview_cmd, r.globals);
  preview_cmd->add_option("email", preview->email, "The subscriber's address")->required();
  preview_cmd->add_option("--date", preview->date, "A day of the period, YYYY-MM-DD (default: the last complete one)");
  preview_cmd->add_flag("--raw", preview->raw,
                        "Print the whole MIME message as it would be sent (headers, quoted-printable text and HTML "
                        "parts), e.g. to pipe into a mail client");
  preview_cmd->footer("Without --raw: the headers a reader sees and the plain-text part, decoded.\n\n"
                      "Examples:\n  paperfeed digest preview ada@example.org --date 2026-08-21\n"
                      "  paperfeed digest preview ada@example.org --raw > digest.eml");
  preview_cmd->callback([preview, &r] {
    r.run = [preview, &globals = r.globals]() -> int {
      auto config = std::optional<mail::MailConfig>(globals.config.mail);
      auto zone = core::TimeZone::Load(config->time_zone);
      if (!zone) return ReportError(zone.error());
      int64_t now = UnixNow();
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      store::SubscriptionStore store((*catalogue)->database());
      auto address = mail::NormaliseAddress(preview->email);
      if (!address) return ReportError(address.error());
      auto subscriber = store.FindByEmail(*address);
      if (!subscriber) return ReportError(subscriber.error());
      auto period = subscriber->has_value() ? (*subscriber)->period : store::DigestPeriod::kDaily;
      auto info = mail::PeriodFor(period, preview->date.empty() ? std::nullopt : std::optional(preview->date), *zone, now);
      if (!info) return ReportError(info.error());
      auto inputs = mail::OpenDigestInputs(**catalogue, *config, globals.config.index_dir, globals.config.semantic, *address);
      if (!inputs) return ReportError(inputs.error());
      for (const auto& w : inputs->warnings) std::fprintf(stderr, "paperfeed: warning: %s\n", w.c_str());
      auto& source = inputs->source;
      auto& links = *inputs->links;
      auto message = mail::PreviewDigest(**catalogue, *source, links, *zone, *info, *address, now);
      if (!message) return ReportError(message.error());
      if (preview->raw) {
        std::fwrite(message->data(), 1, message->size(), stdout);
      } else {
        const std::string readable = mail::ReadableMessage(*message);
        std::fwrite(readable.data(), 1, readable.size(), stdout);
      }
      return kExitOk;
    };
  });
}

void RegisterSubscribers(CommandRegistry& r) {
  auto* subscribers = r.app.add_subcommand("subscribers", "Digest subscribers: add, list, remove");
  subscribers->require_subcommand(1);

  struct AddOptions {
    MailFlags flags;
    std::string email;
    std::string period = "daily";
    int top_n = 10;
    std::vector<std::string> topics, categories, authors;
    bool confirmed = false;
  };
  auto add = std::make_shared<AddOptions>();
  auto* add_cmd = subscribers->add_subcommand("add", "Add a subscriber (or update one's preferences)");
  add_cmd->footer(
      "Without --confirmed the address gets a confirmation mail (sent by the next 'digest run' or by\n"
      "'serve') and nothing else until it is confirmed (double opt-in).\n\n"
      "Example:\n  paperfeed subscribers add ada@example.org --period weekly --topic 'diffusion models' "
      "--category cs.LG --confirmed");
  AddMailFlags(add_cmd, r.globals);
  add_cmd->add_option("email", add->email, "Address")->required();
  add_cmd->add_option("--period", add->period, "daily|weekly")->check(CLI::IsMember({"daily", "weekly"}));
  add_cmd->add_option("--top", add->top_n, "Trending papers per digest (0..50; 0 = none)")->check(CLI::Range(0, 50));
  add_cmd->add_option("--topic", add->topics, "A saved search (repeatable)");
  add_cmd->add_option("--category", add->categories, "An arXiv category or archive, cs.LG or cs (repeatable)");
  add_cmd->add_option("--author", add->authors, "An author's name as arXiv lists it (repeatable)");
  add_cmd->add_flag("--confirmed", add->confirmed, "Skip the confirmation mail (the operator vouches for the address)");
  add_cmd->callback([add, &r] {
    r.run = [add, &globals = r.globals]() -> int {
      auto config = std::optional<mail::MailConfig>(globals.config.mail);
      mail::PreferencesForm form;
      form.period = add->period;
      form.top_n = std::to_string(add->top_n);
      for (const auto& t : add->topics) form.topics += t + "\n";
      for (const auto& c : add->categories) form.categories += c + "\n";
      for (const auto& a : add->authors) form.authors += a + "\n";
      auto prefs = mail::ParsePreferences(form);
      if (!prefs) return ReportError(prefs.error());
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      auto signer = mail::MakeLinkSigner((*catalogue)->database(), *config);
      if (!signer) return ReportError(signer.error());
      mail::SubscriptionService service((*catalogue)->database(), *config, std::move(*signer));
      int64_t now = UnixNow();
      auto added = service.AddDirect(add->email, *prefs, add->confirmed, now);
      if (!added) return ReportError(added.error());
      if (!added->confirmed) {
        if (auto queued = service.Subscribe(added->email, "", std::nullopt, now); !queued) return ReportError(queued.error());
        std::printf("%s added, unconfirmed: a confirmation mail is queued\n", added->email.c_str());
      } else {
        std::printf("%s added, confirmed (%s digest)\n", added->email.c_str(),
                    std::string(store::PeriodName(added->period)).c_str());
      }
      return kExitOk;
    };
  });

  auto list_json = std::make_shared<bool>(false);
  auto* list_cmd = subscribers->add_subcommand("list", "List subscribers");
  list_cmd->add_flag("--json", *list_json, "Print a JSON array");
  list_cmd->callback([list_json, &r] {
    r.run = [list_json, &globals = r.globals]() -> int {
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      store::SubscriptionStore store((*catalogue)->database());
      auto all = store.List();
      if (!all) return ReportError(all.error());
      if (*list_json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& s : *all) out.push_back(SubscriberJson(s));
        PrintJson(out);
        return kExitOk;
      }
      for (const auto& s : *all) {
        std::printf("%-40s %-6s %-11s top %-2d %zu topics %zu categories %zu authors%s\n", s.email.c_str(),
                    std::string(store::PeriodName(s.period)).c_str(), s.confirmed ? "confirmed" : "unconfirmed",
                    s.top_n, s.topics.size(), s.categories.size(), s.authors.size(), s.paused ? " PAUSED" : "");
      }
      std::printf("%zu subscribers\n", all->size());
      return kExitOk;
    };
  });

  auto remove_email = std::make_shared<std::string>();
  auto* remove_cmd = subscribers->add_subcommand("remove", "Remove a subscriber and its queued mail");
  remove_cmd->add_option("email", *remove_email, "Address")->required();
  remove_cmd->callback([remove_email, &r] {
    r.run = [remove_email, &globals = r.globals]() -> int {
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      store::SubscriptionStore store((*catalogue)->database());
      auto address = mail::NormaliseAddress(*remove_email);
      if (!address) return ReportError(address.error());
      auto found = store.FindByEmail(*address);
      if (!found) return ReportError(found.error());
      if (!found->has_value())
        return ReportError(core::MakeError(core::ErrorCode::kNotFound, "no subscriber " + *address));
      auto removed = store.Remove((*found)->id);
      if (!removed) return ReportError(removed.error());
      std::printf("%s removed\n", address->c_str());
      return kExitOk;
    };
  });
}

}  // namespace

void RegisterMailCommands(CommandRegistry& registry) {
  RegisterDigest(registry);
  RegisterSubscribers(registry);
}

std::shared_ptr<void> StartMailForServe(const Config& global_config) {
  const mail::MailConfig* config = &global_config.mail;
  mail::MailRuntime::Options options;
  options.db_path = global_config.database;
  options.index_dir = global_config.index_dir;
  options.semantic = global_config.semantic;
  auto runtime = mail::MailRuntime::Start(options, *config);
  if (!runtime) {
    std::fprintf(stderr, "paperfeed: mail is off: %s\n", runtime.error().message.c_str());
    return nullptr;
  }
  if (config->smtp_url.empty()) {
    std::fprintf(stderr, "paperfeed: no SMTP relay configured ([mail] smtp_url or PAPERFEED_SMTP_URL): mail waits in "
                         "the outbox\n");
  } else {
    std::fprintf(stderr, "paperfeed: digests at %s %s via %s\n", config->send_time.c_str(), config->time_zone.c_str(),
                 mail::RedactUrl(config->smtp_url).c_str());
  }
  return std::shared_ptr<mail::MailRuntime>(std::move(*runtime));
}

}  // namespace paperfeed::cli
