// `paperfeed config check --json` end to end: the server-safety knobs (deadlines, connection caps,
// log-in and sign-up limits, token lifetimes) are configuration keys read from the file and the
// environment, and range-checked. (ConfigDocumentationTest checks that the README documents them.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "test_support.hpp"

namespace paperfeed::cli {
namespace {

using testing::RunPaperfeed;

class ConfigCheckTest : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

TEST_F(ConfigCheckTest, SafetyKnobsAreKeysWithTheirSources) {
  const std::string file = dir_.Write("paperfeed.toml",
                                      "[server]\n"
                                      "request_timeout_ms = 2500\n"
                                      "keep_alive_idle_ms = 1000\n"
                                      "max_connections_per_address = 3\n"
                                      "max_queued_connections = 7\n"
                                      "max_form_kb = 128\n"
                                      "[accounts]\n"
                                      "login_free_failures = 3\n"
                                      "signups_per_address_per_hour = 4\n"
                                      "max_concurrent_password_checks = 2\n"
                                      "token_default_days = 7\n"
                                      "token_max_days = 30\n");
  setenv("PAPERFEED_RETRY_AFTER", "9", 1);
  auto run = RunPaperfeed({"--config", file, "config", "check", "--json"});
  unsetenv("PAPERFEED_RETRY_AFTER");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  auto keys = nlohmann::json::parse(run.out)["keys"];
  auto expect = [&](const std::string& key, const std::string& value, const std::string& source) {
    ASSERT_TRUE(keys.contains(key)) << key;
    EXPECT_EQ(keys[key]["value"], value) << key;
    EXPECT_EQ(keys[key]["source"], source) << key;
  };
  expect("server.request_timeout_ms", "2500", file + ":2");
  expect("server.keep_alive_idle_ms", "1000", file + ":3");
  expect("server.max_connections_per_address", "3", file + ":4");
  expect("server.max_queued_connections", "7", file + ":5");
  expect("server.max_form_kb", "128", file + ":6");
  expect("accounts.login_free_failures", "3", file + ":8");
  expect("accounts.signups_per_address_per_hour", "4", file + ":9");
  expect("accounts.max_concurrent_password_checks", "2", file + ":10");
  expect("accounts.token_default_days", "7", file + ":11");
  expect("accounts.token_max_days", "30", file + ":12");
  expect("server.retry_after_seconds", "9", "env PAPERFEED_RETRY_AFTER");
  // The rest keep the defaults the server had before they were keys.
  expect("server.response_timeout_ms", "60000", "default");
  expect("server.max_queue_wait_ms", "1000", "default");
  expect("server.max_body_kb", "1024", "default");
  expect("accounts.login_delay_seconds", "30", "default");
  expect("accounts.login_max_failures_per_address", "200", "default");
  expect("accounts.login_window_seconds", "900", "default");
  expect("accounts.password_check_wait_ms", "500", "default");
}

TEST_F(ConfigCheckTest, OutOfRangeValuesNameTheFileLineAndKey) {
  const std::string file = dir_.Write("bad.toml", "[server]\nlisten = \"127.0.0.1:0\"\nrequest_timeout_ms = 5\n");
  auto run = RunPaperfeed({"--config", file, "config", "check", "--json"}, /*keep_stderr=*/true);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.out.find(file + ":3"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("server.request_timeout_ms"), std::string::npos) << run.out;

  const std::string tokens = dir_.Write("tokens.toml", "[accounts]\ntoken_default_days = 400\n");
  auto over = RunPaperfeed({"--config", tokens, "config", "check"}, true);
  EXPECT_NE(over.exit_code, 0);
  EXPECT_NE(over.out.find("token_max_days"), std::string::npos) << over.out;
}

}  // namespace
}  // namespace paperfeed::cli
