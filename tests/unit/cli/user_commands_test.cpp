// End-to-end tests of `paperfeed user ...`: the real binary on a temp database.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "store/accounts.hpp"
#include "store/catalogue.hpp"
#include "test_support.hpp"

namespace paperfeed::cli {
namespace {

struct Run {
  int exit_code = -1;
  std::string out;
};

// Runs `[printf STDIN |] paperfeed --db DB ARGS` through the shell; stderr joins stdout.
Run Paperfeed(const std::string& db, const std::string& args, const std::string* stdin_text = nullptr) {
  std::string command;
  if (stdin_text) command = "printf '%s\\n' '" + *stdin_text + "' | ";
  else command = "</dev/null ";
  command += std::string(PAPERFEED_BINARY) + " --db '" + db + "' " + args + " 2>&1";
  Run run;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class UserCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("PAPERFEED_PASSWORD_COST", "minimum", 1); }
  const std::string& db() const { return db_.location(); }
  testing::TempDir dir_;
  testing::TestDatabase db_{dir_};
};

TEST_F(UserCommandsTest, AddsAnAdminWithAPasswordFromStdinStoredAsArgon2id) {
  const std::string password = "a long pass phrase";
  auto add = Paperfeed(db(), "user add alice --admin --password-stdin --display-name 'Alice A.'", &password);
  ASSERT_EQ(add.exit_code, 0) << add.out;
  EXPECT_NE(add.out.find("created alice (admin)"), std::string::npos);

  auto catalogue = store::OpenCatalogue(db());
  ASSERT_TRUE(catalogue.ok());
  auto user = store::AccountStore(catalogue.value()->database()).FindUserByName("alice").value();
  ASSERT_TRUE(user.has_value());
  EXPECT_TRUE(user->is_admin);
  EXPECT_EQ(user->display_name, "Alice A.");
  EXPECT_EQ(user->password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(user->password_hash.find(password), std::string::npos);
}

TEST_F(UserCommandsTest, ListsUsersAsJsonAndSetsAdmin) {
  const std::string password = "tulip-quarry-49";
  ASSERT_EQ(Paperfeed(db(), "user add bob --password-stdin", &password).exit_code, 0);
  auto list = Paperfeed(db(), "user list --json");
  ASSERT_EQ(list.exit_code, 0) << list.out;
  auto users = nlohmann::json::parse(list.out);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0]["name"], "bob");
  EXPECT_FALSE(users[0]["is_admin"].get<bool>());
  EXPECT_FALSE(users[0].contains("password_hash"));

  ASSERT_EQ(Paperfeed(db(), "user set-admin bob").exit_code, 0);
  EXPECT_TRUE(nlohmann::json::parse(Paperfeed(db(), "user list --json").out)[0]["is_admin"].get<bool>());
  ASSERT_EQ(Paperfeed(db(), "user set-admin bob --revoke").exit_code, 0);
  EXPECT_FALSE(nlohmann::json::parse(Paperfeed(db(), "user list --json").out)[0]["is_admin"].get<bool>());

  auto missing = Paperfeed(db(), "user set-admin nobody");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find("no user named 'nobody'"), std::string::npos) << missing.out;
}

// Issue 10, item 11: the same password rule as the sign-up form.
TEST_F(UserCommandsTest, RefusesCommonAndTrivialPasswordsLikeTheSignUpForm) {
  for (const std::string weak : {"password", "12345678", "aaaaaaaa"}) {
    auto add = Paperfeed(db(), "user add carol --password-stdin", &weak);
    EXPECT_NE(add.exit_code, 0) << weak;
    EXPECT_NE(add.out.find("too easy to guess"), std::string::npos) << weak << ": " << add.out;
  }
  EXPECT_EQ(Paperfeed(db(), "user list --json").out.find("carol"), std::string::npos);
}

TEST_F(UserCommandsTest, RefusesBadInputWithAMessageThatSaysWhatToDo) {
  const std::string short_password = "short";
  auto weak = Paperfeed(db(), "user add carol --password-stdin", &short_password);
  EXPECT_NE(weak.exit_code, 0);
  EXPECT_NE(weak.out.find("at least 8 characters"), std::string::npos) << weak.out;

  const std::string password = "tulip-quarry-49";
  auto bad_name = Paperfeed(db(), "user add \"x'; DROP TABLE users; --\" --password-stdin", &password);
  EXPECT_NE(bad_name.exit_code, 0);
  EXPECT_NE(bad_name.out.find("Name:"), std::string::npos) << bad_name.out;

  ASSERT_EQ(Paperfeed(db(), "user add dave --password-stdin", &password).exit_code, 0);
  auto taken = Paperfeed(db(), "user add DAVE --password-stdin", &password);
  EXPECT_NE(taken.exit_code, 0);
  EXPECT_NE(taken.out.find("taken"), std::string::npos) << taken.out;

  // No terminal and no --password-stdin: say how to pass the password instead of hanging.
  auto no_tty = Paperfeed(db(), "user add erin");
  EXPECT_NE(no_tty.exit_code, 0);
  EXPECT_NE(no_tty.out.find("--password-stdin"), std::string::npos) << no_tty.out;
}

}  // namespace
}  // namespace paperfeed::cli
