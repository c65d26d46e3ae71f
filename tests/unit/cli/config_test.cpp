// cli/config: the file, the environment and the flags, in that order of precedence; errors that
// name the file and line; every key documented in the README.
#include "cli/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "test_support.hpp"

namespace paperfeed::cli {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const auto& name : set_env_) unsetenv(name.c_str());
  }
  void SetEnv(const std::string& name, const std::string& value) {
    setenv(name.c_str(), value.c_str(), 1);
    set_env_.push_back(name);
  }
  ConfigInputs FromFile(const std::string& toml) {
    ConfigInputs inputs;
    inputs.file = dir_.Write("paperfeed.toml", toml);
    return inputs;
  }
  testing::TempDir dir_;
  std::vector<std::string> set_env_;
};

TEST_F(ConfigTest, AFlagBeatsTheEnvironmentWhichBeatsTheFile) {
  auto inputs = FromFile("[server]\nlisten = \"127.0.0.1:1111\"\ncache_mb = 7\nthreads = 3\n");
  SetEnv("PAPERFEED_LISTEN", "127.0.0.1:2222");
  SetEnv("PAPERFEED_CACHE_MB", "9");
  inputs.flags["server.listen"] = {"127.0.0.1:3333", "--listen"};
  auto config = LoadConfig(inputs);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->listen, "127.0.0.1:3333");
  EXPECT_EQ(config->cache_mb, 9);
  EXPECT_EQ(config->threads, 3);
  EXPECT_EQ(config->sources["server.listen"], "flag --listen");
  EXPECT_EQ(config->sources["server.cache_mb"], "env PAPERFEED_CACHE_MB");
  EXPECT_EQ(config->sources["server.threads"], inputs.file + ":4");
  EXPECT_EQ(config->sources["server.database"], "default");
}

TEST_F(ConfigTest, ErrorsNameTheFileLineAndKey) {
  auto unknown = LoadConfig(FromFile("[server]\nlisten = \"x:1\"\nlisen = \"typo\"\n"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("paperfeed.toml:3"), std::string::npos) << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("server.lisen"), std::string::npos) << unknown.error().message;
  auto bad_value = LoadConfig(FromFile("[server]\n\ncache_mb = \"lots\"\n"));
  ASSERT_FALSE(bad_value.ok());
  EXPECT_NE(bad_value.error().message.find("paperfeed.toml:3: bad value for server.cache_mb"), std::string::npos)
      << bad_value.error().message;
  SetEnv("PAPERFEED_THREADS", "many");
  auto bad_env = LoadConfig(ConfigInputs{});
  ASSERT_FALSE(bad_env.ok());
  EXPECT_NE(bad_env.error().message.find("PAPERFEED_THREADS"), std::string::npos) << bad_env.error().message;
}

TEST_F(ConfigTest, HarvestSetsAreAListAndItsTimeAndZoneAreChecked) {
  auto config = LoadConfig(FromFile("[harvest]\nsets = [\"cs\", \"physics:hep-th\"]\ntime = \"22:30\"\n"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->harvest.sets, (std::vector<std::string>{"cs", "physics:hep-th"}));
  EXPECT_EQ(config->harvest.Minutes().value(), 22 * 60 + 30);
  EXPECT_TRUE(config->harvest.enabled());
  SetEnv("PAPERFEED_HARVEST_SETS", "math, stat");
  EXPECT_EQ(LoadConfig(ConfigInputs{})->harvest.sets, (std::vector<std::string>{"math", "stat"}));
  auto bad_time = LoadConfig(FromFile("[harvest]\ntime = \"25:00\"\n"));
  ASSERT_FALSE(bad_time.ok());
  EXPECT_NE(bad_time.error().message.find("[harvest] time '25:00'"), std::string::npos) << bad_time.error().message;
  auto bad_zone = LoadConfig(FromFile("[harvest]\ntime_zone = \"Mars/Olympus\"\n"));
  ASSERT_FALSE(bad_zone.ok());
  EXPECT_NE(bad_zone.error().message.find("time_zone"), std::string::npos) << bad_zone.error().message;
  EXPECT_FALSE(LoadConfig(ConfigInputs{}).value().harvest.hf_daily) << "nothing is harvested unless asked";
}

TEST(ConfigDocumentationTest, TheReadmeDocumentsEveryKeyWithItsVariable) {
  const std::string readme = testing::ReadFile(testing::SourceFile("README.md"));
  ASSERT_FALSE(readme.empty());
  for (const auto& key : ConfigKeys()) {
    EXPECT_NE(readme.find("| `" + key.name + "` | `" + key.env + "` |"), std::string::npos)
        << key.name << " (" << key.env << ") is missing from the README's configuration table";
  }
}

}  // namespace
}  // namespace paperfeed::cli
