#include "mail/digest_run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "mail/message.hpp"
#include "mail/smtp_client.hpp"
#include "search/search_service.hpp"
#include "store/catalogue.hpp"
#include "store/database.hpp"
#include "store/subscriptions.hpp"

namespace paperfeed::mail {
namespace {

using core::ErrorCode;
using core::MakeError;
using core::Result;

constexpr size_t kInsertBatch = 500;

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string Domain(const std::string& address) { return address.substr(address.rfind('@') + 1); }

// Failures that would stop every subscriber's digest alike (the database or the disk): the run
// stops. Anything else belongs to one subscriber's data and costs only that digest.
bool StopsTheRun(const core::Error& error) {
  return error.code == ErrorCode::kIo || error.code == ErrorCode::kUnavailable;
}

std::string NotRendered(const store::Subscriber& subscriber, const core::Error& error) {
  return "digest for subscriber " + std::to_string(subscriber.id) + " <" + subscriber.email +
         "> not rendered: " + error.message + " (the next run tries again)";
}

}  // namespace

Result<std::string> BuildDigestMessage(const Digest& digest, const store::Subscriber& subscriber,
                                       const SubscriptionService& links, const core::TimeZone& zone, int64_t now,
                                       const std::string& message_id) {
  const MailConfig& config = links.config();
  DigestLinks urls{links.PreferencesUrl(subscriber), links.UnsubscribeUrl(subscriber)};
  RenderedDigest rendered = RenderDigest(digest, urls, config);
  MessageSpec spec;
  spec.from = {config.from_name, *NormaliseAddress(config.from_address)};
  spec.to = {"", subscriber.email};
  spec.subject = std::move(rendered.subject);
  spec.date = now;
  spec.utc_offset_minutes = zone.OffsetAt(now) / 60;
  spec.message_id = message_id;
  // RFC 8058: a one-click unsubscribe is an HTTPS POST of "List-Unsubscribe=One-Click" to the
  // List-Unsubscribe URL; RFC 2369 gives the header. Both carry the signed token, no login needed.
  spec.extra_headers = {
      {"List-Unsubscribe", "<" + urls.unsubscribe + ">"},
      {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
      {"List-Id", config.site_name + " digests <digest." + Domain(spec.from.address) + ">"},
      {"Auto-Submitted", "auto-generated"},
      {"X-Paperfeed-Period", digest.period.key},
  };
  spec.text = std::move(rendered.text);
  spec.html = std::move(rendered.html);
  return BuildMessage(spec);
}

Result<RenderReport> RenderDigests(store::Catalogue& catalogue, DigestSource& source, const SubscriptionService& links,
                                   const core::TimeZone& zone, const DigestPeriodInfo& period, int64_t now,
                                   const std::function<void(int, int)>& progress) {
  RenderReport report;
  report.period = period;
  store::SubscriptionStore store(catalogue.database());
  auto subscribers = store.ListActive(period.period);
  if (!subscribers) return subscribers.error();
  report.subscribers = static_cast<int>(subscribers->size());
  const std::string domain = Domain(*NormaliseAddress(links.config().from_address));
  std::vector<store::OutboxMessage> batch;
  int pending_rendered = 0, pending_empty = 0;
  auto flush = [&]() -> Result<void> {
    auto inserted = store.InsertOutbox(batch);
    if (!inserted) return inserted.error();
    // Rows another run inserted meanwhile were ignored by the UNIQUE key: they count as "already".
    int lost = static_cast<int>(batch.size()) - *inserted;
    report.rendered += pending_rendered;
    report.empty += pending_empty;
    report.already += lost;
    report.rendered -= std::min(lost, pending_rendered);
    batch.clear();
    pending_rendered = pending_empty = 0;
    return {};
  };
  int done = 0;
  for (const auto& subscriber : *subscribers) {
    if (progress) progress(done, report.subscribers);
    ++done;
    auto has = store.HasOutbox(subscriber.id, period.key);
    if (!has) return has.error();
    if (*has) {
      ++report.already;
      continue;
    }
    auto digest = BuildDigest(subscriber, period, source, links.config().topic_results, &report.warnings);
    if (!digest) {
      if (StopsTheRun(digest.error())) return digest.error();
      ++report.failed;
      report.failures.push_back({subscriber.id, subscriber.email, digest.error().message});
      report.warnings.push_back(NotRendered(subscriber, digest.error()));
      continue;
    }
    store::OutboxMessage row;
    row.subscriber_id = subscriber.id;
    row.period_key = period.key;
    row.recipient = subscriber.email;
    row.next_attempt_at = now;
    row.created_at = now;
    if (digest->empty()) {
      // Recorded, so that a rerun does not ask again, but never sent.
      row.state = store::OutboxState::kSkipped;
      row.message_id = "";
      ++pending_empty;
    } else {
      row.message_id = MakeMessageId(domain);
      auto message = BuildDigestMessage(*digest, subscriber, links, zone, now, row.message_id);
      if (!message) {
        // One subscriber's message that cannot be built (a stored address or title that breaks a
        // header) once stopped the digests of everyone; it is left without a row instead.
        ++report.failed;
        report.failures.push_back({subscriber.id, subscriber.email, message.error().message});
        report.warnings.push_back(NotRendered(subscriber, message.error()));
        continue;
      }
      row.message = std::move(*message);
      ++pending_rendered;
    }
    batch.push_back(std::move(row));
    if (batch.size() >= kInsertBatch) {
      if (auto r = flush(); !r) return r.error();
    }
  }
  if (!batch.empty()) {
    if (auto r = flush(); !r) return r.error();
  }
  if (progress) progress(done, report.subscribers);
  // Warnings repeat per subscriber (the same topic failing); keep one of each.
  std::sort(report.warnings.begin(), report.warnings.end());
  report.warnings.erase(std::unique(report.warnings.begin(), report.warnings.end()), report.warnings.end());
  return report;
}

Result<std::string> PreviewDigest(store::Catalogue& catalogue, DigestSource& source, const SubscriptionService& links,
                                  const core::TimeZone& zone, const DigestPeriodInfo& period, const std::string& email,
                                  int64_t now) {
  store::SubscriptionStore store(catalogue.database());
  auto address = NormaliseAddress(email);
  if (!address) return address.error();
  auto subscriber = store.FindByEmail(*address);
  if (!subscriber) return subscriber.error();
  if (!subscriber->has_value())
    return MakeError(ErrorCode::kNotFound, "no subscriber " + *address + "; add one with 'paperfeed subscribers add'");
  DigestPeriodInfo p = period;
  if ((*subscriber)->period != period.period) {
    auto adjusted = PeriodFor((*subscriber)->period, period.first_day, zone, now);
    if (!adjusted) return adjusted.error();
    p = *adjusted;
  }
  std::vector<std::string> warnings;
  auto digest = BuildDigest(**subscriber, p, source, links.config().topic_results, &warnings);
  if (!digest) return digest.error();
  for (const auto& w : warnings) std::fprintf(stderr, "paperfeed: warning: %s\n", w.c_str());
  if (digest->empty())
    return MakeError(ErrorCode::kConflict, "the " + p.key + " digest of " + *address +
                                               " would be empty, so it would not be sent; try another --date");
  return BuildDigestMessage(*digest, **subscriber, links, zone, now, MakeMessageId(Domain(links.config().from_address)));
}

int64_t NextSendTime(const core::TimeZone& zone, int send_minutes, int64_t after) {
  int64_t day = core::DaysFromCivil(zone.LocalDate(after));
  for (int64_t d = day - 1; d <= day + 2; ++d) {
    int64_t t = zone.FromLocal(core::CivilFromDays(d), send_minutes / 60, send_minutes % 60);
    if (t > after) return t;
  }
  return after + 86400;  // unreachable for real zones
}

Result<std::unique_ptr<MailRuntime>> MailRuntime::Start(const Options& options, const MailConfig& config) {
  if (auto r = config.Validate(); !r) return r.error();
  auto zone = core::TimeZone::Load(config.time_zone);
  if (!zone) return zone.error();
  std::unique_ptr<MailRuntime> runtime(new MailRuntime());
  runtime->options_ = options;
  runtime->config_ = config;
  runtime->zone_ = std::move(*zone);
  int minutes = *config.SendMinutes();
  runtime->next_run_ = NextSendTime(*runtime->zone_, minutes, UnixNow());
  runtime->thread_ = std::make_unique<std::thread>([raw = runtime.get()] { raw->Loop(); });
  return runtime;
}

MailRuntime::~MailRuntime() {
  stop_ = true;
  OutboxSignal::Instance().Notify();
  if (thread_ && thread_->joinable()) thread_->join();
}

Result<void> MailRuntime::DrainOnce() {
  if (config_.smtp_url.empty()) return {};  // nowhere to send: messages wait in the outbox
  auto db = store::Database::Open(options_.db_path);
  if (!db) return db.error();
  auto smtp = SmtpClient::Create(config_);
  if (!smtp) return smtp.error();
  OutboxSender sender(**db, config_, **smtp);
  auto report = sender.Drain(&stop_, -1, 0);
  if (!report) return report.error();
  if (report->relay_error) return *report->relay_error;
  return {};
}

DigestInputs::DigestInputs() = default;
DigestInputs::~DigestInputs() = default;
DigestInputs::DigestInputs(DigestInputs&&) noexcept = default;
DigestInputs& DigestInputs::operator=(DigestInputs&&) noexcept = default;

Result<DigestInputs> OpenDigestInputs(store::Catalogue& catalogue, const MailConfig& config,
                                      const std::string& index_dir, const search::SemanticOptions& semantic,
                                      const std::string& only_email) {
  DigestInputs inputs;
  bool topics = false;
  if (auto all = store::SubscriptionStore(catalogue.database()).List(); all) {
    for (const auto& s : *all) {
      const bool in_question = only_email.empty() ? s.confirmed && !s.paused : s.email == only_email;
      topics = topics || (in_question && !s.topics.empty());
    }
  }
  if (topics) {
    if (auto opened = search::OpenSearchService(catalogue, index_dir, /*catch_up=*/false, semantic); opened) {
      inputs.search = std::move(*opened);
    } else {
      inputs.warnings.push_back("saved searches are left out of digests: " + opened.error().message);
    }
  }
  auto signer = MakeLinkSigner(catalogue.database(), config);
  if (!signer) return signer.error();
  inputs.links = std::make_unique<SubscriptionService>(catalogue.database(), config, std::move(*signer));
  inputs.source = MakeCatalogueDigestSource(catalogue, inputs.search.get());
  return inputs;
}

Result<void> MailRuntime::RunScheduled(int64_t scheduled_for) {
  auto catalogue = store::OpenCatalogue(options_.db_path);
  if (!catalogue) return catalogue.error();
  auto inputs = OpenDigestInputs(**catalogue, config_, options_.index_dir, options_.semantic);
  if (!inputs) return inputs.error();
  for (const auto& w : inputs->warnings) std::fprintf(stderr, "paperfeed: %s\n", w.c_str());
  auto& source = inputs->source;
  auto& links = *inputs->links;
  std::vector<store::DigestPeriod> periods = {store::DigestPeriod::kDaily};
  int64_t local_day = core::DaysFromCivil(zone_->LocalDate(scheduled_for));
  if (core::Weekday(local_day) == config_.weekly_weekday) periods.push_back(store::DigestPeriod::kWeekly);
  for (auto period : periods) {
    auto info = PeriodFor(period, std::nullopt, *zone_, scheduled_for);
    if (!info) return info.error();
    auto report = RenderDigests(**catalogue, *source, links, *zone_, *info, UnixNow());
    if (!report) return report.error();
    std::fprintf(stderr, "paperfeed: %s: %d digests queued, %d already queued, %d empty\n", info->key.c_str(),
                 report->rendered, report->already, report->empty);
  }
  return {};
}

void MailRuntime::Loop() {
  int minutes = *config_.SendMinutes();
  // Catch up: if today's send time passed while we were down, render now (rows already in the
  // outbox are skipped, so this never sends twice).
  if (options_.schedule_digests) {
    int64_t now = UnixNow();
    int64_t today = zone_->FromLocal(zone_->LocalDate(now), minutes / 60, minutes % 60);
    if (today <= now) {
      if (auto r = RunScheduled(today); !r) std::fprintf(stderr, "paperfeed: digest run failed: %s\n", r.error().message.c_str());
    }
  }
  while (!stop_) {
    if (auto r = DrainOnce(); !r) std::fprintf(stderr, "paperfeed: mail delivery: %s\n", r.error().message.c_str());
    int64_t now = UnixNow();
    double wait = options_.poll_seconds;
    if (options_.schedule_digests) wait = std::min<double>(wait, std::max<int64_t>(1, next_run_ - now));
    OutboxSignal::Instance().Wait(wait);
    if (stop_) break;
    now = UnixNow();
    if (options_.schedule_digests && now >= next_run_) {
      int64_t scheduled = next_run_;
      next_run_ = NextSendTime(*zone_, minutes, now);
      if (auto r = RunScheduled(scheduled); !r) std::fprintf(stderr, "paperfeed: digest run failed: %s\n", r.error().message.c_str());
    }
  }
}

}  // namespace paperfeed::mail
