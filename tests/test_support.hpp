// Shared test helpers: temporary directories, fresh catalogues, fixture paths.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "store/catalogue.hpp"

namespace paperfeed::testing {

// A directory under the system temp dir, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("paperfeed-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::ofstream(File(name), std::ios::binary) << content;
    return File(name);
  }

 private:
  std::filesystem::path path_;
};

// A file under tests/fixtures: small slices of real data, each folder with its licence note.
inline std::string Fixture(const std::string& relative) {
  return std::string(PAPERFEED_SOURCE_DIR) + "/tests/fixtures/" + relative;
}
// A file of the full real data ($PAPERFEED_REAL_DATA, e.g. ../shared/data): only the tests under
// tests/real_data (ctest label real-data) read it, and they are registered only when it is set.
inline std::string RealData(const std::string& relative) {
  const char* root = std::getenv("PAPERFEED_REAL_DATA");
  if (root == nullptr || *root == '\0') {
    ADD_FAILURE() << "PAPERFEED_REAL_DATA is not set: point it at the real data folder (../shared/data)";
    return relative;
  }
  return std::string(root) + "/" + relative;
}
inline std::string SourceFile(const std::string& relative) { return std::string(PAPERFEED_SOURCE_DIR) + "/" + relative; }

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A test fixture with a fresh catalogue in a temporary directory.
class CatalogueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenSqliteCatalogue(dir_.File("catalogue.db"));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    catalogue_ = std::move(opened.value());
  }
  std::string db_path() const { return dir_.File("catalogue.db"); }
  TempDir dir_;
  std::unique_ptr<store::Catalogue> catalogue_;
};

}  // namespace paperfeed::testing
