// Exactly once across crashes: the real `paperfeed digest run` is killed with SIGKILL in the middle of
// a throttled batch, then rerun; the SMTP server must hold exactly one digest per subscriber.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>

#include "mail_fixture.hpp"
#include "store/database.hpp"

namespace paperfeed::mail {
namespace {

class DigestCrashTest : public testing::MailTest {
 protected:
  static constexpr int kSubscribers = 120;

  void SetUp() override {
    MailTest::SetUp();
    for (int i = 0; i < kSubscribers; ++i) AddSubscriber("reader" + std::to_string(i) + "@example.org", {.top_n = 3});
    config_file_ = dir_.Write("paperfeed.toml", "[mail]\nfrom_address = \"digest@papers.example.org\"\n"
                                                "public_base_url = \"https://papers.example.org\"\n");
  }

  // Starts `paperfeed digest run` and returns its pid.
  pid_t StartRun(double throttle) {
    std::vector<std::string> args = {PAPERFEED_BINARY, "--db", db_path(), "digest", "run", "--date", kDay,
                                     "--smtp", sink_.url(), "--config", config_file_, "--throttle",
                                     std::to_string(throttle), "--json"};
    pid_t pid = fork();
    if (pid == 0) {
      std::string out = dir_.File("run.out");
      freopen(out.c_str(), "a", stdout);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    return pid;
  }

  int64_t CountState(const std::string& state) {
    auto db = store::Database::Open(db_path());
    auto s = db.value()->Prepare("SELECT COUNT(*) FROM outbox WHERE state = ?");
    s->Bind(1, state);
    EXPECT_TRUE(s->Step().value());
    return s->Int(0);
  }

  std::string config_file_;
};

TEST_F(DigestCrashTest, KillNineMidBatchThenRerunGivesEveryoneExactlyOneDigest) {
  // 40 messages a second: one every 25 ms, almost all of it spent waiting between messages.
  pid_t pid = StartRun(40);
  ASSERT_TRUE(sink_.WaitFor(kSubscribers / 4, 20)) << "the first run sent too little";
  std::this_thread::sleep_for(std::chrono::milliseconds(8));  // mid-interval
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));

  size_t delivered_before = sink_.Count();
  EXPECT_LT(delivered_before, static_cast<size_t>(kSubscribers)) << "killed too late to test anything";
  // Every digest was recorded before the first was sent.
  EXPECT_EQ(CountState("pending") + CountState("sending") + CountState("sent"), kSubscribers);
  // The one message that can be in doubt is a row left "sending": the sender died inside its SMTP
  // transaction. A kill between messages leaves none.
  std::set<std::string> in_doubt;
  {
    auto db = store::Database::Open(db_path());
    auto s = db.value()->Prepare("SELECT recipient FROM outbox WHERE state = 'sending'");
    while (s->Step().value()) in_doubt.insert(s->Text(0));
  }
  EXPECT_LE(in_doubt.size(), 1u);

  pid = StartRun(0);
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << testing::ReadFile(dir_.File("run.out"));
  EXPECT_EQ(CountState("sent"), kSubscribers);

  std::map<std::string, int> per_recipient;
  std::map<std::string, std::set<std::string>> message_ids;
  for (const auto& mail : sink_.Messages()) {
    ++per_recipient[mail.rcpt_to];
    message_ids[mail.rcpt_to].insert(mail.Header("Message-ID"));
  }
  ASSERT_EQ(per_recipient.size(), static_cast<size_t>(kSubscribers)) << "someone got no digest";
  for (const auto& [recipient, count] : per_recipient) {
    EXPECT_EQ(message_ids[recipient].size(), 1u) << recipient << " got two different digests";
    if (in_doubt.count(recipient)) {
      EXPECT_LE(count, 2) << recipient;  // resent with the same Message-ID (documented window)
    } else {
      EXPECT_EQ(count, 1) << recipient;
    }
  }
  // A third run finds nothing to do.
  pid = StartRun(0);
  waitpid(pid, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  size_t total = 0;
  for (const auto& [recipient, count] : per_recipient) total += count;
  EXPECT_EQ(sink_.Count(), total);
}

}  // namespace
}  // namespace paperfeed::mail
