// mail/digest_run: one digest run — render every due subscriber's digest into the outbox (exactly
// one row per subscriber and period), then let the outbox sender deliver them. Used by
// `paperfeed digest run` (cron) and by the scheduler inside `serve`.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "core/result.hpp"
#include "mail/digest.hpp"
#include "mail/mail_config.hpp"
#include "mail/outbox_sender.hpp"
#include "mail/subscription_service.hpp"
#include "search/semantic_options.hpp"

namespace paperfeed::store {
class Catalogue;
}
namespace paperfeed::search {
class SearchService;
}

namespace paperfeed::mail {

struct RenderReport {
  DigestPeriodInfo period;
  int subscribers = 0;  // confirmed, active subscribers of the period
  int rendered = 0;     // new outbox rows with a digest
  int already = 0;      // had their row from an earlier (perhaps interrupted) run
  int empty = 0;        // nothing to say: recorded as skipped, not sent
  int failed = 0;       // could not be rendered (named in warnings); no row, so the next run retries
  struct Failure {
    int64_t subscriber_id = 0;
    std::string email;
    std::string reason;
  };
  std::vector<Failure> failures;  // one per failed subscriber, in the order they were tried
  std::vector<std::string> warnings;
};

// What rendering digests needs beside the catalogue, built in one place for `digest run`, `digest
// preview` and the scheduler in `serve`: the search indexes (opened only when a subscriber in
// question has saved searches: they cost time and memory a topic-less run does not need), the link
// signer and the catalogue's digest source. `only_email` narrows the question to one subscriber.
struct DigestInputs {
  DigestInputs();
  ~DigestInputs();  // out of line: SearchService is complete only in the .cpp
  DigestInputs(DigestInputs&&) noexcept;
  DigestInputs& operator=(DigestInputs&&) noexcept;
  std::unique_ptr<search::SearchService> search;
  std::unique_ptr<SubscriptionService> links;
  std::unique_ptr<DigestSource> source;
  std::vector<std::string> warnings;  // e.g. saved searches left out because the index cannot open
};
core::Result<DigestInputs> OpenDigestInputs(store::Catalogue& catalogue, const MailConfig& config,
                                            const std::string& index_dir, const search::SemanticOptions& semantic,
                                            const std::string& only_email = "");

// The whole message of one digest for one subscriber (headers, both parts, RFC 8058 headers).
core::Result<std::string> BuildDigestMessage(const Digest& digest, const store::Subscriber& subscriber,
                                             const SubscriptionService& links, const core::TimeZone& zone, int64_t now,
                                             const std::string& message_id);

// Renders and records (in transactions of a few hundred rows) the digests of every active
// subscriber of `period` that has no outbox row for it yet. Safe to rerun at any point. A digest
// that fails for one subscriber is counted in `failed` and named in `warnings`, and the run goes
// on; only database and I/O failures end it.
core::Result<RenderReport> RenderDigests(store::Catalogue& catalogue, DigestSource& source,
                                         const SubscriptionService& links, const core::TimeZone& zone,
                                         const DigestPeriodInfo& period, int64_t now,
                                         const std::function<void(int done, int total)>& progress = {});

// One digest as it would be sent now, without recording or sending it (`digest preview`).
// kNotFound for an unknown address; an empty digest is returned as kConflict with a message.
core::Result<std::string> PreviewDigest(store::Catalogue& catalogue, DigestSource& source,
                                        const SubscriptionService& links, const core::TimeZone& zone,
                                        const DigestPeriodInfo& period, const std::string& email, int64_t now);

// The mail side of `serve`: a thread that drains the outbox whenever something is queued (or every
// `poll_seconds`) and, at config.send_time in config.time_zone, runs the daily digest (and on
// config.weekly_weekday the weekly one). Stops (finishing the message in flight) when destroyed.
class MailRuntime {
 public:
  struct Options {
    std::string db_path;
    std::string index_dir;        // search indexes for topic digests ("" = next to the database)
    search::SemanticOptions semantic;  // how their hybrid searches weigh the semantic half
    double poll_seconds = 30;
    bool schedule_digests = true; // false: only deliver what others queue (confirmations)
  };
  static core::Result<std::unique_ptr<MailRuntime>> Start(const Options& options, const MailConfig& config);
  ~MailRuntime();
  MailRuntime(const MailRuntime&) = delete;
  MailRuntime& operator=(const MailRuntime&) = delete;

  // The next time the scheduler will run digests (Unix seconds).
  int64_t next_run() const { return next_run_.load(); }

 private:
  MailRuntime() = default;
  void Loop();
  core::Result<void> RunScheduled(int64_t scheduled_for);
  core::Result<void> DrainOnce();

  Options options_;
  MailConfig config_;
  std::optional<core::TimeZone> zone_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> next_run_{0};
  std::unique_ptr<std::thread> thread_;
};

// The next send time strictly after `after`: config.send_time on the next local day that has it.
int64_t NextSendTime(const core::TimeZone& zone, int send_minutes, int64_t after);

}  // namespace paperfeed::mail
