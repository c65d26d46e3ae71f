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
#include "store/database.hpp"

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

// Every test that stores data runs against every backend, as Xapian's do: ctest registers each
// such test twice, once as is (SQLite) and once with the suffix "@postgres" and
// PAPERFEED_TEST_POSTGRES naming the folder of the PostgreSQL server the run started
// (tests/support/postgres_server.sh). Tests take their database from TestDatabase and so need not know.
inline std::string PostgresServerFolder() {
  const char* folder = std::getenv("PAPERFEED_TEST_POSTGRES");
  return folder ? folder : "";
}
inline bool OnPostgres() { return !PostgresServerFolder().empty(); }

// For the few tests not yet passing on PostgreSQL: skipped there, with the reason in the output
// (each is named in the PostgreSQL issue's closing note), never silently.
#define PAPERFEED_NOT_YET_ON_POSTGRES(reason) \
  if (::paperfeed::testing::OnPostgres()) GTEST_SKIP() << "not yet on PostgreSQL: " << reason

// The database of one test: a SQLite file in `dir`, or a fresh database on the test PostgreSQL
// server, dropped (with whatever connections a killed process left) when the test ends.
class TestDatabase {
 public:
  explicit TestDatabase(const TempDir& dir, const std::string& file = "catalogue.db") {
    if (!OnPostgres()) {
      location_ = dir.File(file);
      return;
    }
    const std::string server = ReadFile(PostgresServerFolder() + "/uri");
    if (server.empty()) {
      ADD_FAILURE() << "no PostgreSQL test server in " << PostgresServerFolder()
                    << " (start one: tests/support/postgres_server.sh start FOLDER)";
      return;
    }
    std::random_device rd;
    name_ = "pf_" + std::to_string(rd()) + "_" + std::to_string(rd());
    const std::string uri = server.substr(0, server.find_last_not_of("\n") + 1);
    admin_uri_ = uri;
    if (auto r = Admin("CREATE DATABASE " + name_); !r.empty()) ADD_FAILURE() << r;
    location_ = "postgresql:///" + name_ + uri.substr(uri.find('?'));
  }
  ~TestDatabase() {
    if (name_.empty()) return;
    (void)Admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    std::error_code ec;  // the search index serve kept for it (search::DefaultIndexDir)
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path() / "paperfeed-index", ec)) {
      if (entry.path().filename().string().find(name_) != std::string::npos) std::filesystem::remove_all(entry.path(), ec);
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // A path or a postgresql:// URI, for --db, a config file's database or store::OpenCatalogue.
  const std::string& location() const { return location_; }

 private:
  std::string Admin(const std::string& sql) const {
    auto db = store::Database::Open(admin_uri_);
    if (!db) return db.error().message;
    auto r = (*db)->Exec(sql);
    return r ? "" : r.error().message;
  }
  std::string location_;
  std::string name_;
  std::string admin_uri_;
};

// A test fixture with a fresh catalogue (SQLite in a temporary directory, or PostgreSQL).
class CatalogueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::OpenCatalogue(db_.location());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    catalogue_ = std::move(opened.value());
  }
  const std::string& db_path() const { return db_.location(); }
  TempDir dir_;
  TestDatabase db_{dir_};
  std::unique_ptr<store::Catalogue> catalogue_;
};

}  // namespace paperfeed::testing
