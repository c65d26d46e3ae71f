// peer_xapian: the Xapian peer of the search benchmark. Indexes a paperfeed catalogue's titles
// (wdf x2, i.e. title weight 2), abstracts and authors with the English stemmer, then runs each query
// as an OR of its stemmed words under BM25 (k1 1.2, b 0.75), top-10, one thread. Prints JSON.
//
//   peer_xapian DB QUERIES OUT.xapian/
#include <sqlite3.h>
#include <xapian.h>

#include <filesystem>
#include <iostream>

#include "bench/bench_common.hpp"

int main(int argc, char** argv) {
  bench::PeerArgs args;
  if (!bench::ParsePeerArgs(argc, argv, "peer_xapian DB QUERIES OUT.xapian [PASSES]", args)) return 2;
  const std::string& src = args.db;
  const std::string& out = args.out;
  const auto& queries = args.queries;
  const int passes = args.passes;
  double build_s = 0;
  if (!std::filesystem::exists(out)) {
    double t0 = bench::NowMs();
    sqlite3* db = nullptr;
    sqlite3_open_v2(src.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT doc_id, title, abstract, authors FROM papers", -1, &stmt, nullptr) != SQLITE_OK) {
      std::cerr << sqlite3_errmsg(db) << "\n";
      return 1;
    }
    Xapian::WritableDatabase xdb(out + ".tmp", Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator gen;
    gen.set_stemmer(Xapian::Stem("english"));
    gen.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    size_t n = 0;
    xdb.begin_transaction(false);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      Xapian::Document doc;
      gen.set_document(doc);
      gen.index_text(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)), 2);
      gen.increase_termpos();
      gen.index_text(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2)));
      gen.increase_termpos();
      gen.index_text(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)));
      xdb.replace_document(static_cast<Xapian::docid>(sqlite3_column_int64(stmt, 0)), doc);
      if (++n % 200000 == 0) {  // bounded memory: commit in large batches, not per document
        xdb.commit_transaction();
        xdb.begin_transaction(false);
        std::fprintf(stderr, "peer_xapian: %zu papers indexed, %.0f papers/s\n", n, n * 1000.0 / (bench::NowMs() - t0));
      }
    }
    xdb.commit_transaction();
    xdb.close();
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    std::filesystem::rename(out + ".tmp", out);
    build_s = (bench::NowMs() - t0) / 1000.0;
  }
  Xapian::Database xdb(out);
  Xapian::Enquire enquire(xdb);
  enquire.set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.75, 0.5));
  Xapian::Stem stem("english");
  bench::Latency lat;
  for (int pass = 0; pass < passes; ++pass) {
    for (const auto& q : queries) {
      std::vector<Xapian::Query> terms;
      for (const auto& w : bench::Words(q)) terms.emplace_back("Z" + stem(w));
      if (terms.empty()) continue;
      double w0 = bench::NowMs(), c0 = bench::ThreadCpuMs();
      enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
      Xapian::MSet mset = enquire.get_mset(0, 10);
      size_t got = 0;
      for (auto it = mset.begin(); it != mset.end(); ++it) got += *it != 0;
      if (pass == passes - 1) lat.Add(bench::NowMs() - w0, bench::ThreadCpuMs() - c0);
    }
  }
  uint64_t bytes = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(out))
    if (e.is_regular_file()) bytes += e.file_size();
  std::printf("{\"engine\": \"xapian\", \"build_s\": %.1f, %s, \"index_bytes\": %llu, \"peak_rss_mb\": %.1f}\n", build_s,
              lat.Json("keyword").c_str(), static_cast<unsigned long long>(bytes), bench::PeakRssMb());
  return 0;
}
