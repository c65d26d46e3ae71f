// model pull against the replay server in the Hub's URL layout: an interrupted download resumes
// with Range and the SHA-256 from X-Linked-Etag is checked.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "search/model/hub_pull.hpp"
#include "search/model/pretrained_model.hpp"
#include "support/replay_server.hpp"

namespace paperfeed::search::model {
namespace {

namespace fs = std::filesystem;
using testing::ReplayResponse;
using testing::ReplayServer;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class HubPullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("pf-pull-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    const std::string cmd = "/usr/bin/python3 " PAPERFEED_SOURCE_DIR "/tests/support/bert_reference.py --out '" +
                            (root_ / "source").string() + "' --pooling cls --normalize";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    auto sha = Sha256File((root_ / "source" / "model.safetensors").string());
    ASSERT_TRUE(sha);
    sha_ = sha.value();
  }
  void TearDown() override { fs::remove_all(root_); }

  // The Hub's layout: small files straight from /resolve/, the LFS file by a redirect that carries
  // X-Linked-Etag (its SHA-256) to a CDN path.
  void Serve(ReplayServer& server, std::vector<ReplayResponse> weights, const std::string& etag) {
    for (const char* f : {"config.json", "vocab.txt", "tokenizer_config.json", "modules.json", "1_Pooling/config.json"}) {
      ReplayResponse r = ReplayResponse::Text(200, Slurp(root_ / "source" / f), "application/octet-stream");
      r.headers.emplace_back("ETag", "\"0123456789abcdef0123456789abcdef01234567\"");  // a git SHA-1: not checked
      server.On(std::string("/org/tiny/resolve/main/") + f, {}, {r});
    }
    ReplayResponse redirect = ReplayResponse::Text(302, "", "text/plain");
    redirect.headers.emplace_back("Location", server.Url("/cdn/model.safetensors"));
    redirect.headers.emplace_back("X-Linked-Etag", "\"" + etag + "\"");
    server.On("/org/tiny/resolve/main/model.safetensors", {}, {redirect});
    server.On("/cdn/model.safetensors", {}, std::move(weights));
  }

  PullOptions Options(const ReplayServer& server, int attempts) {
    PullOptions o;
    o.endpoint = server.Url();
    o.progress = false;
    o.http.max_attempts = attempts;
    o.http.sleep = [](std::chrono::milliseconds) {};
    return o;
  }

  fs::path root_;
  std::string sha_;
};

TEST_F(HubPullTest, AnInterruptedDownloadResumesWithRangeAndTheChecksumMatches) {
  ReplayServer server;
  ReplayResponse weights = ReplayResponse::Text(200, Slurp(root_ / "source" / "model.safetensors"), "application/octet-stream");
  Serve(server, {weights.WithFault(ReplayResponse::Fault::kTruncate), weights}, sha_);
  const std::string dir = (root_ / "pulled").string();

  auto first = PullModel("org/tiny", dir, Options(server, 1));
  ASSERT_FALSE(first);
  EXPECT_NE(first.error().message.find("model.safetensors"), std::string::npos);
  const auto half = fs::file_size(dir + "/model.safetensors.part");
  EXPECT_GT(half, 0u);

  auto second = PullModel("org/tiny", dir, Options(server, 1));
  ASSERT_TRUE(second) << second.error().message;
  bool checked = false;
  for (const auto& f : second.value())
    if (f.name == "model.safetensors") {
      EXPECT_EQ(f.resumed_from, half);
      EXPECT_TRUE(f.verified);
      checked = true;
    }
  EXPECT_TRUE(checked);
  EXPECT_FALSE(fs::exists(dir + "/model.safetensors.part"));
  EXPECT_EQ(Sha256File(dir + "/model.safetensors").value(), sha_);
  std::string range;
  for (const auto& req : server.requests())
    if (req.path == "/cdn/model.safetensors" && !req.Header("Range").empty()) range = req.Header("Range");
  EXPECT_EQ(range, "bytes=" + std::to_string(half) + "-");
  auto model = PretrainedModel::Load(dir);
  EXPECT_TRUE(model) << model.error().message;
}

TEST_F(HubPullTest, AChecksumMismatchRemovesThePartialFileAndSaysToRunAgain) {
  ReplayServer server;
  ReplayResponse weights = ReplayResponse::Text(200, Slurp(root_ / "source" / "model.safetensors"), "application/octet-stream");
  Serve(server, {weights}, std::string(64, 'a'));
  const std::string dir = (root_ / "pulled").string();
  auto pulled = PullModel("org/tiny", dir, Options(server, 1));
  ASSERT_FALSE(pulled);
  EXPECT_NE(pulled.error().message.find("SHA-256"), std::string::npos);
  EXPECT_NE(pulled.error().message.find("run the pull again"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir + "/model.safetensors.part"));
  EXPECT_FALSE(fs::exists(dir + "/model.safetensors"));
}

TEST_F(HubPullTest, AnUnknownRepositoryNamesTheFileAndWhatToCheck) {
  ReplayServer server;
  auto pulled = PullModel("org/missing", (root_ / "pulled").string(), Options(server, 1));
  ASSERT_FALSE(pulled);
  EXPECT_EQ(pulled.error().code, core::ErrorCode::kNotFound);
  EXPECT_NE(pulled.error().message.find("config.json"), std::string::npos);
  EXPECT_NE(pulled.error().message.find("repository name"), std::string::npos);
}

}  // namespace
}  // namespace paperfeed::search::model
