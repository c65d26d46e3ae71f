// The search verbs: search, similar, index rebuild / status, eval-ir.
#include <unistd.h>

#include <chrono>
#include <cctype>
#include <cstdio>
#include <iostream>

#include "cli/command.hpp"
#include "search/ir_eval.hpp"
#include "search/search_service.hpp"

namespace paperfeed::cli {
namespace {

// A snippet is HTML (escaped text with <mark> around the matched words, for the site and the JSON
// output). On a terminal the marks become bold (ANSI SGR 1), in a pipe they go, and the entities
// the escaper writes are decoded.
std::string SnippetForTerminal(std::string_view html, bool bold) {
  static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
  std::string out;
  out.reserve(html.size());
  for (size_t i = 0; i < html.size();) {
    if (html.compare(i, 6, "<mark>") == 0) {
      if (bold) out += "\033[1m";
      i += 6;
      continue;
    }
    if (html.compare(i, 7, "</mark>") == 0) {
      if (bold) out += "\033[0m";
      i += 7;
      continue;
    }
    bool decoded = false;
    if (html[i] == '&') {
      for (const auto& [entity, text] : kEntities) {
        if (html.compare(i, entity.size(), entity) == 0) {
          out += text;
          i += entity.size();
          decoded = true;
          break;
        }
      }
    }
    if (!decoded) out += html[i++];
  }
  return out;
}

constexpr const char* kQueryHelp =
    "Query syntax:\n"
    "  words                  ranked by BM25F over title, abstract and authors; any word may match\n"
    "  \"exact phrase\"         the words in this order\n"
    "  +word   -word   -\"a phrase\"   must contain / must not contain\n"
    "  author:hinton   author:\"geoffrey hinton\"   every name part in the author list\n"
    "  cat:cs.LG   cat:cs     category or archive, cross-lists included (several cat: = any of)\n"
    "  after:2025-01-01       published on or after (first version)\n"
    "  before:2025-03-01      published strictly before\n"
    "  date:2025-01..2025-03  inclusive range; a year or month covers its whole span (date:2025-02)\n"
    "A stray quote, bracket or colon is never an error: it is read as plain words.\n"
    "With --sort date|upvotes the 1,000 most relevant matches are re-sorted.\n\n"
    "Examples:\n"
    "  paperfeed search \"sparse attention\" --limit 5\n"
    "  paperfeed search '\"optimal transport\" author:cuturi after:2020' --json\n";

std::string IndexDirOrDefault(const std::string& index_dir) { return index_dir; }

void RegisterSearch(CommandRegistry& r) {
  struct Options {
    std::string query;
    std::string mode = "hybrid";
    std::string sort = "relevance";
    int limit = 10;
    int offset = 0;
    std::string category, date_from, date_to, index_dir;
    bool json = false;
    bool snippets = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = r.app.add_subcommand("search", "Search the catalogue (keyword, semantic or hybrid)");
  cmd->footer(kQueryHelp);
  cmd->add_option("query", o->query, "What to look for (see the syntax below)")->required();
  cmd->add_option("--mode", o->mode, "keyword|semantic|hybrid (default hybrid)")
      ->check(CLI::IsMember({"keyword", "semantic", "hybrid"}));
  cmd->add_option("--limit", o->limit, "Results to show (default 10)")->check(CLI::Range(0, 10000));
  cmd->add_option("--offset", o->offset, "Results to skip")->check(CLI::Range(0, 1000000));
  cmd->add_option("--sort", o->sort, "relevance|date|upvotes")
      ->check(CLI::IsMember({"relevance", "date", "upvotes"}));
  cmd->add_option("--cat", o->category, "Only this category or archive (cs.LG, cs)");
  cmd->add_option("--from", o->date_from, "Published on or after YYYY-MM-DD");
  cmd->add_option("--to", o->date_to, "Published on or before YYYY-MM-DD");
  cmd->add_flag("--snippets", o->snippets, "Show a highlighted passage of each abstract");
  cmd->add_flag("--json", o->json, "Print a JSON array [{\"id\",\"title\",\"score\",...}], best first");
  cmd->add_option("--index-dir", o->index_dir, "Index directory (default <db>.index)");
  cmd->callback([o, &r] {
    r.run = [o, &globals = r.globals] {
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      auto service = search::OpenSearchService(*catalogue.value(), IndexDirOrDefault(o->index_dir));
      if (!service) return ReportError(service.error());
      search::SearchOptions so;
      so.mode = *search::ParseSearchMode(o->mode);
      so.sort = o->sort == "date" ? search::SortOrder::kDate
                : o->sort == "upvotes" ? search::SortOrder::kUpvotes
                                       : search::SortOrder::kRelevance;
      so.limit = o->limit;
      so.offset = o->offset;
      if (!o->category.empty()) so.category = o->category;
      if (!o->date_from.empty()) so.date_from = o->date_from;
      if (!o->date_to.empty()) so.date_to = o->date_to;
      so.with_snippets = o->snippets || o->json;
      auto results = service.value()->Search(o->query, so);
      if (!results) return ReportError(results.error());
      const char* mode_used = search::SearchModeName(results->mode_used);
      if (o->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& h : results->hits) {
          out.push_back({{"id", h.paper_id},
                         {"title", h.title},
                         {"score", h.score},
                         {"doc_id", h.doc_id},
                         {"snippet", h.snippet},
                         {"mode_used", mode_used}});
        }
        PrintJson(out);
        return kExitOk;
      }
      std::cout << "query: " << (results->parsed_query.empty() ? "(nothing to search for)" : results->parsed_query)
                << "  [" << mode_used << ", ~" << results->total_estimate << " matches]\n";
      int rank = o->offset;
      for (const auto& h : results->hits) {
        std::printf("%3d. %-16s %7.3f  %s\n", ++rank, h.paper_id.c_str(), h.score, h.title.c_str());
        if (o->snippets && !h.snippet.empty()) {
          std::printf("     %s\n", SnippetForTerminal(h.snippet, isatty(STDOUT_FILENO) != 0).c_str());
        }
      }
      if (results->hits.empty()) std::cout << "no papers match\n";
      return kExitOk;
    };
  });
}

void RegisterSimilar(CommandRegistry& r) {
  struct Options {
    std::string id, index_dir;
    int limit = 10;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = r.app.add_subcommand("similar", "Papers most like a given paper");
  cmd->add_option("id", o->id, "arXiv id (or any catalogue id)")->required();
  cmd->add_option("--limit", o->limit, "Results to show (default 10)")->check(CLI::Range(1, 1000));
  cmd->add_flag("--json", o->json, "Print a JSON array [{\"id\",\"title\",\"score\"}], best first");
  cmd->add_option("--index-dir", o->index_dir, "Index directory (default <db>.index)");
  cmd->callback([o, &r] {
    r.run = [o, &globals = r.globals] {
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      auto service = search::OpenSearchService(*catalogue.value(), o->index_dir);
      if (!service) return ReportError(service.error());
      std::string id = o->id;
      if (auto v = id.rfind('v'); v != std::string::npos && v + 1 < id.size() &&
                                  id.find_first_not_of("0123456789", v + 1) == std::string::npos && v > 0 &&
                                  std::isdigit(static_cast<unsigned char>(id[v - 1])))
        id.resize(v);  // 2501.01234v2 -> 2501.01234
      auto hits = service.value()->Similar(id, o->limit);
      if (!hits) return ReportError(hits.error());
      if (o->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& h : hits.value())
          out.push_back({{"id", h.paper_id}, {"title", h.title}, {"score", h.score}, {"doc_id", h.doc_id}});
        PrintJson(out);
        return kExitOk;
      }
      int rank = 0;
      for (const auto& h : hits.value())
        std::printf("%3d. %-16s %7.3f  %s\n", ++rank, h.paper_id.c_str(), h.score, h.title.c_str());
      return kExitOk;
    };
  });
}

void RegisterIndex(CommandRegistry& r) {
  auto* index = r.app.add_subcommand("index", "Maintain the search indexes");
  index->require_subcommand(1);
  auto dir = std::make_shared<std::string>();
  auto no_progress = std::make_shared<bool>(false);
  auto* rebuild = index->add_subcommand("rebuild", "Rebuild every search index from the catalogue");
  rebuild->add_option("--index-dir", *dir, "Index directory (default <db>.index)");
  rebuild->add_flag("--no-progress", *no_progress, "Do not draw a progress bar");
  auto model = std::make_shared<std::string>();
  rebuild->add_option("--model", *model, "Embed with this pretrained model folder (paperfeed model add/pull)");
  rebuild->callback([dir, no_progress, model, &r] {
    r.run = [dir, no_progress, model, &globals = r.globals] {
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      search::SemanticOptions semantic;
      semantic.model_dir = *model;
      auto service = search::OpenSearchService(*catalogue.value(), *dir, /*catch_up=*/false, semantic);
      if (!service) return ReportError(service.error());
      auto start = std::chrono::steady_clock::now();
      if (auto res = service.value()->Rebuild(!*no_progress && isatty(STDERR_FILENO)); !res)
        return ReportError(res.error());
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cout << "rebuilt the search index in " << seconds << " s\n";
      return kExitOk;
    };
  });
  auto* catch_up = index->add_subcommand("update", "Bring the search indexes up to date with the catalogue");
  auto dir2 = std::make_shared<std::string>();
  auto no_progress2 = std::make_shared<bool>(false);
  catch_up->add_option("--index-dir", *dir2, "Index directory (default <db>.index)");
  catch_up->add_flag("--no-progress", *no_progress2, "Do not draw progress bars");
  catch_up->callback([dir2, no_progress2, &r] {
    r.run = [dir2, no_progress2, &globals = r.globals] {
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      auto service = search::OpenSearchService(*catalogue.value(), *dir2, /*catch_up=*/false);
      if (!service) return ReportError(service.error());
      auto start = std::chrono::steady_clock::now();
      auto n = service.value()->CatchUp(!*no_progress2 && isatty(STDERR_FILENO));
      if (!n) return ReportError(n.error());
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cout << "indexed " << n.value() << " changed papers in " << seconds << " s\n";
      return kExitOk;
    };
  });
}

void RegisterEvalIr(CommandRegistry& r) {
  struct Options {
    std::string dir, mode = "keyword", run;
    int depth = 100;
    bool progress = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = r.app.add_subcommand("eval-ir", "Measure search quality on a BEIR-layout test collection");
  cmd->footer(
      "DIR holds corpus.jsonl (_id, title, text), queries.jsonl (_id, text) and qrels.tsv (header line, then\n"
      "'query-id corpus-id score'). A temporary catalogue and index are built from the corpus (the default\n"
      "embedder is trained on it), every judged query is run as plain words, and one JSON line is printed:\n"
      "ndcg@10 (graded gains, log2 discount, as BEIR/pytrec_eval), recall@100, mrr@10 and timings.\n\n"
      "Example:\n  paperfeed eval-ir ../shared/data/scifact-train --mode keyword --run /tmp/scifact.trec");
  cmd->add_option("dir", o->dir, "BEIR-layout directory")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--mode", o->mode, "keyword|semantic|hybrid (default keyword)")
      ->check(CLI::IsMember({"keyword", "semantic", "hybrid"}));
  cmd->add_option("--run", o->run, "Write a TREC run file (qid Q0 docid rank score tag)");
  cmd->add_option("--depth", o->depth, "Results per query (default 100)")->check(CLI::Range(1, 10000));
  cmd->add_flag("--progress", o->progress, "Draw progress bars on stderr");
  cmd->callback([o, &r] {
    r.run = [o] {
      search::IrEvalOptions options;
      options.dir = o->dir;
      options.mode = *search::ParseSearchMode(o->mode);
      options.run_path = o->run;
      options.depth = o->depth;
      options.progress = o->progress && isatty(STDERR_FILENO);
      auto report = search::RunIrEval(options);
      if (!report) return ReportError(report.error());
      const auto& rep = report.value();
      PrintJson({{"dataset", o->dir},
                 {"mode", o->mode},
                 {"mode_used", search::SearchModeName(rep.mode_used)},
                 {"queries", rep.queries},
                 {"docs", rep.docs},
                 {"ndcg@10", rep.ndcg10},
                 {"recall@100", rep.recall100},
                 {"mrr@10", rep.mrr10},
                 {"timings",
                  {{"load_s", rep.load_seconds},
                   {"index_s", rep.index_seconds},
                   {"search_s", rep.search_seconds},
                   {"ms_per_query", rep.ms_per_query},
                   {"p50_ms", rep.p50_ms},
                   {"p99_ms", rep.p99_ms}}}});
      return kExitOk;
    };
  });
}

}  // namespace

void RegisterSearchCommands(CommandRegistry& registry) {
  RegisterSearch(registry);
  RegisterSimilar(registry);
  RegisterIndex(registry);
  RegisterEvalIr(registry);
}

}  // namespace paperfeed::cli
