// peer_fts5: the SQLite FTS5 peer of the search benchmark. Builds an FTS5 index (porter tokenizer)
// of a paperfeed catalogue's titles, abstracts and authors, then runs each query as an OR of its
// words ranked by bm25 with title weight 2, top-10, one thread. Prints JSON.
//
//   peer_fts5 DB QUERIES OUT.fts5.db [PASSES]
// (PASSES: bench/bench_common.hpp, ParsePeerArgs; at 2.5 M papers one pass is all FTS5 affords.)
#include <sqlite3.h>

#include <filesystem>
#include <iostream>

#include "bench/bench_common.hpp"

namespace {
void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::cerr << what << ": " << sqlite3_errmsg(db) << "\n";
    std::exit(1);
  }
}
}  // namespace

int main(int argc, char** argv) {
  bench::PeerArgs args;
  if (!bench::ParsePeerArgs(argc, argv, "peer_fts5 DB QUERIES OUT.fts5.db [PASSES]", args)) return 2;
  const std::string& src = args.db;
  const std::string& out = args.out;
  const auto& queries = args.queries;
  const int passes = args.passes;
  double build_s = 0;
  if (!std::filesystem::exists(out)) {
    double t0 = bench::NowMs();
    sqlite3* db = nullptr;
    Check(sqlite3_open((out + ".tmp").c_str(), &db), db, "open");
    Check(sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;", nullptr, nullptr, nullptr), db, "pragma");
    Check(sqlite3_exec(db, "CREATE VIRTUAL TABLE fts USING fts5(title, abstract, authors, tokenize='porter unicode61')",
                       nullptr, nullptr, nullptr), db, "create");
    Check(sqlite3_exec(db, ("ATTACH DATABASE '" + src + "' AS src").c_str(), nullptr, nullptr, nullptr), db, "attach");
    Check(sqlite3_exec(db, "BEGIN; INSERT INTO fts(rowid, title, abstract, authors) SELECT doc_id, title, abstract, "
                           "authors FROM src.papers; COMMIT;", nullptr, nullptr, nullptr), db, "insert");
    Check(sqlite3_exec(db, "INSERT INTO fts(fts) VALUES('optimize')", nullptr, nullptr, nullptr), db, "optimize");
    sqlite3_close(db);
    std::filesystem::rename(out + ".tmp", out);
    build_s = (bench::NowMs() - t0) / 1000.0;
  }
  sqlite3* db = nullptr;
  Check(sqlite3_open_v2(out.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), db, "open");
  sqlite3_stmt* stmt = nullptr;
  Check(sqlite3_prepare_v2(db, "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 2.0, 1.0, 1.0) LIMIT 10", -1,
                           &stmt, nullptr), db, "prepare");
  bench::Latency lat;
  for (int pass = 0; pass < passes; ++pass) {
    for (const auto& q : queries) {
      std::string match;
      for (const auto& w : bench::Words(q)) {
        if (!match.empty()) match += " OR ";
        match += "\"" + w + "\"";
      }
      if (match.empty()) continue;
      double w0 = bench::NowMs(), c0 = bench::ThreadCpuMs();
      sqlite3_bind_text(stmt, 1, match.c_str(), -1, SQLITE_TRANSIENT);
      int rows = 0;
      while (sqlite3_step(stmt) == SQLITE_ROW) ++rows;
      sqlite3_reset(stmt);
      if (pass == passes - 1) lat.Add(bench::NowMs() - w0, bench::ThreadCpuMs() - c0);
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  std::printf("{\"engine\": \"sqlite-fts5\", \"build_s\": %.1f, %s, \"index_bytes\": %llu, \"peak_rss_mb\": %.1f}\n",
              build_s, lat.Json("keyword").c_str(),
              static_cast<unsigned long long>(std::filesystem::file_size(out)), bench::PeakRssMb());
  return 0;
}
