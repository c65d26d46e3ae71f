// `paperfeed config check`: the [search] keys from the file, the environment and their limits.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "test_support.hpp"

namespace paperfeed::cli {
namespace {

struct Run {
  int exit_code = -1;
  std::string out;
};

// Runs `ENV paperfeed --config FILE config check --json` through the shell; stderr joins stdout.
Run ConfigCheck(const std::string& env, const std::string& file) {
  std::string command = "cd '" + std::filesystem::path(file).parent_path().string() + "' && env -u PAPERFEED_CONFIG " +
                        env + " " + PAPERFEED_BINARY + " --config '" + file + "' config check --json 2>&1";
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

class ConfigCliTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::string path = dir_.File("paperfeed.toml");
    std::ofstream(path) << text;
    return path;
  }
  paperfeed::testing::TempDir dir_;
};

TEST_F(ConfigCliTest, SearchKeysComeFromTheFileThenTheEnvironment) {
  const std::string file = Write("[search]\nsemantic_weight = 0.35\nprf_docs = 5\n");
  auto run = ConfigCheck("PAPERFEED_PRF_DOCS=7", file);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  auto keys = nlohmann::json::parse(run.out)["keys"];
  EXPECT_EQ(keys["search.semantic_weight"]["value"], "0.35");
  EXPECT_EQ(keys["search.semantic_weight"]["source"], file + ":2");
  EXPECT_EQ(keys["search.prf_docs"]["value"], "7");
  EXPECT_EQ(keys["search.prf_docs"]["source"], "env PAPERFEED_PRF_DOCS");
  EXPECT_EQ(keys["search.prf_weight"]["value"], "0.5");
  EXPECT_EQ(keys["search.prf_weight"]["source"], "default");
}

TEST_F(ConfigCliTest, RefusesSearchValuesOutOfRangeNamingTheLine) {
  const std::string file = Write("[server]\nquiet = true\n[search]\nsemantic_weight = 1.5\n");
  auto run = ConfigCheck("", file);
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.out.find(file + ":4"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("search.semantic_weight"), std::string::npos) << run.out;
  auto env = ConfigCheck("PAPERFEED_PRF_DOCS=101", Write(""));
  EXPECT_NE(env.exit_code, 0);
  EXPECT_NE(env.out.find("PAPERFEED_PRF_DOCS"), std::string::npos) << env.out;
}

}  // namespace
}  // namespace paperfeed::cli
