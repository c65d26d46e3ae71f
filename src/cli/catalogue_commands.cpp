// The catalogue verbs: ingest, stats, show.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "api/paper_json.hpp"
#include "api/paper_markdown.hpp"
#include "cli/command.hpp"
#include "cli/ingest_summary.hpp"
#include "core/arxiv_id.hpp"
#include "core/progress.hpp"
#include "core/text.hpp"
#include "ingest/ingester.hpp"
#include "ingest/parsers.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

namespace paperfeed::cli {
namespace {

void RegisterIngest(CommandRegistry& r) {
  struct Options {
    std::vector<std::string> paths;
    std::string format = "auto";
    bool json = false;
    bool allow_rejects = false;
    bool salvage_python_repr = false;
    size_t batch = 4000;
  };
  auto options = std::make_shared<Options>();
  auto* cmd = r.app.add_subcommand("ingest", "Load papers from files or directories into the catalogue");
  cmd->footer(
      "Formats: arxiv-json (the bulk metadata dump, plain or .gz), atom (arXiv API responses), oai (OAI-PMH\n"
      "ListRecords, arXiv or arXivRaw), hf-daily (Hugging Face /api/daily_papers responses). 'auto' reads the\n"
      "content to decide. Rerunning the same input is safe: what is already stored is reported as unchanged.\n\n"
      "Examples:\n  paperfeed ingest arxiv-metadata-oai-snapshot.json.gz\n"
      "  paperfeed ingest --format hf-daily data/hf-daily-papers/\n"
      "  paperfeed ingest --json papers.jsonl | jq .rejected");
  cmd->add_option("paths", options->paths, "Files or directories to ingest")->required();
  cmd->add_option("--format", options->format, "auto|arxiv-json|atom|oai|hf-daily")
      ->check(CLI::IsMember({"auto", "arxiv-json", "atom", "oai", "hf-daily"}));
  cmd->add_flag("--json", options->json, "Print one JSON object with the counts and errors");
  cmd->add_flag("--allow-rejects", options->allow_rejects, "Exit 0 even when some records were rejected");
  cmd->add_flag("--salvage-python-repr", options->salvage_python_repr,
                "Convert Hugging Face days archived as Python repr() strings instead of rejecting them");
  cmd->add_option("--batch", options->batch, "Records per transaction")->check(CLI::Range(1, 1000000));
  cmd->callback([options, &r] {
    r.run = [options, &globals = r.globals] {
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      ingest::IngestOptions ingest_options;
      ingest_options.format = *ingest::ParseFormatName(options->format);
      ingest_options.batch_size = options->batch;
      ingest_options.salvage_python_repr = options->salvage_python_repr;
      ingest_options.progress = !options->json && isatty(STDERR_FILENO);
      ingest::Ingester ingester(*catalogue.value(), ingest_options);
      auto result = ingester.IngestPaths(options->paths);
      const auto& summary = ingester.summary();
      if (options->json) PrintJson(SummaryToJson(summary));
      else PrintSummary(summary);
      if (!result) return ReportError(result.error());
      if (summary.rejected > 0 && !options->allow_rejects) {
        if (!options->json)
          std::cerr << "paperfeed: " << summary.rejected
                    << " records were rejected (listed above); everything else was stored. "
                       "Fix the input or pass --allow-rejects.\n";
        return kExitRejected;
      }
      return kExitOk;
    };
  });
}

void RegisterStats(CommandRegistry& r) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = r.app.add_subcommand("stats", "Count papers, daily-list entries and upvotes in the catalogue");
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->callback([json, &r] {
    r.run = [json, &globals = r.globals] {
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      auto stats = catalogue.value()->Stats();
      if (!stats) return ReportError(stats.error());
      if (*json) {
        PrintJson(api::StatsToJson(stats.value()));
      } else {
        std::cout << "papers:        " << stats->papers << "\n"
                  << "daily entries: " << stats->daily_entries << " over " << stats->days << " days\n"
                  << "upvotes:       " << stats->upvotes << "\n";
      }
      return kExitOk;
    };
  });
}

// A paper as a person reads it on a terminal: the title, who and when, where to read it, the
// abstract, and its days in the daily list.
void PrintPaper(const core::Paper& p, const std::vector<core::DailyEntry>& days) {
  std::cout << core::NormaliseWhitespace(p.title) << "\n";
  std::cout << "arXiv:" << p.id << (p.latest_version > 0 ? "v" + std::to_string(p.latest_version) : "") << "  "
            << (p.categories.empty() ? "(no categories yet)" : "");
  for (size_t i = 0; i < p.categories.size(); ++i) std::cout << (i ? " " : "") << p.categories[i];
  std::cout << "\n";
  std::string authors;
  for (size_t i = 0; i < p.authors.size(); ++i) authors += (i ? ", " : "") + p.authors[i];
  if (!authors.empty()) std::cout << "Authors:   " << authors << "\n";
  if (!p.published.empty()) std::cout << "Published: " << p.published.substr(0, 10);
  if (!p.updated.empty() && p.updated.substr(0, 10) != p.published.substr(0, 10))
    std::cout << ", updated " << p.updated.substr(0, 10);
  if (!p.published.empty()) std::cout << "\n";
  std::cout << "Links:     https://arxiv.org/abs/" << p.id;
  if (p.github_repo) std::cout << "  " << *p.github_repo << (p.github_stars ? " (" + std::to_string(*p.github_stars) + " stars)" : "");
  if (p.project_page) std::cout << "  " << *p.project_page;
  std::cout << "\n";
  for (const auto& d : days) {
    std::cout << "Daily:     " << d.day << ", " << d.upvotes << " upvotes"
              << (d.submitted_by.empty() ? "" : ", submitted by " + d.submitted_by) << "\n";
  }
  if (!p.abstract.empty()) std::cout << "\n" << core::NormaliseWhitespace(p.abstract) << "\n";
}

void RegisterShow(CommandRegistry& r) {
  struct Options {
    std::string id;
    bool json = false;
    bool markdown = false;
  };
  auto options = std::make_shared<Options>();
  auto* cmd = r.app.add_subcommand("show", "Show one paper by arXiv id");
  cmd->add_option("id", options->id, "arXiv id, e.g. 2501.01234 or hep-th/9901001 (a version suffix is ignored)")
      ->required();
  cmd->add_flag("--json", options->json, "Print the paper as Hugging Face's GET /api/papers/{id} does");
  cmd->add_flag("--markdown", options->markdown,
                "Print the paper as Markdown, as GET /papers/{id}.md does (title, authors, dates, links, AI summary, "
                "abstract)");
  cmd->callback([options, &r] {
    r.run = [options, &globals = r.globals] {
      auto id = core::ParseArxivId(options->id);
      if (!id) return ReportError(id.error());
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      auto paper = catalogue.value()->FindPaper(id->base);
      if (!paper) return ReportError(paper.error());
      if (!paper.value()) {
        return ReportError(core::MakeError(core::ErrorCode::kNotFound,
                                           "paper " + id->base + " is not in the catalogue (ingest it, or run "
                                           "'paperfeed fetch-arxiv " + id->base + "')"));
      }
      auto daily = catalogue.value()->DailyEntriesForPaper(id->base);
      if (!daily) return ReportError(daily.error());
      if (options->markdown) {
        std::cout << api::PaperMarkdown(paper.value()->paper, daily.value(), globals.config.EffectivePublicBaseUrl());
        return kExitOk;
      }
      if (options->json) {
        PrintJson(api::PaperToJson(paper.value()->paper, daily.value()));
      } else {
        PrintPaper(paper.value()->paper, daily.value());
      }
      return kExitOk;
    };
  });
}

void RegisterDbCheck(CommandRegistry& r) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = r.app.add_subcommand("db-check", "Check the database file for corruption and broken references");
  cmd->add_flag("--json", *json, "Print {\"integrity\": \"ok\"} or the problems found");
  cmd->callback([json, &r] {
    r.run = [json, &globals = r.globals] {
      // Opening would create an empty database and call it consistent.
      std::error_code ec;
      if (!store::IsPostgresUri(globals.db_path) && !std::filesystem::exists(globals.db_path, ec)) {
        return ReportError(core::MakeError(core::ErrorCode::kNotFound,
                                           globals.db_path + " does not exist: nothing to check. Name the database "
                                           "with --db PATH (or [server] database; see 'paperfeed config check')"));
      }
      auto catalogue = OpenCatalogue(globals);
      if (!catalogue) return ReportError(catalogue.error());
      auto result = catalogue.value()->CheckIntegrity();
      if (!result) return ReportError(result.error());
      if (*json) PrintJson({{"integrity", result.value()}});
      else std::cout << (result.value() == "ok" ? "ok: the database is consistent" : result.value()) << "\n";
      return result.value() == "ok" ? kExitOk : kExitFailure;
    };
  });
}

// Applies the schema's pending migrations (serve and every verb also do on start) and says which
// version the database is at: for a deployment step before the nodes start.
void RegisterDbMigrate(CommandRegistry& r) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = r.app.add_subcommand("db-migrate",
                                   "Create or upgrade the database's tables (SQLite file or postgresql:// URI); "
                                   "safe to run from several nodes at once");
  cmd->add_flag("--json", *json, "Print {\"backend\": \"sqlite|postgresql\", \"schema_version\": N}");
  cmd->callback([json, &r] {
    r.run = [json, &globals = r.globals] {
      auto catalogue = OpenCatalogue(globals);  // applies the migrations, under the write lock
      if (!catalogue) return ReportError(catalogue.error());
      auto version = store::SchemaVersion(catalogue.value()->database());
      if (!version) return ReportError(version.error());
      const std::string backend = catalogue.value()->database().is_postgres() ? "postgresql" : "sqlite";
      if (*json) PrintJson({{"backend", backend}, {"schema_version", *version}});
      else std::cout << "ok: " << backend << " database at schema version " << *version << "\n";
      return kExitOk;
    };
  });
}

}  // namespace

void RegisterCatalogueCommands(CommandRegistry& registry) {
  RegisterIngest(registry);
  RegisterStats(registry);
  RegisterShow(registry);
  RegisterDbCheck(registry);
  RegisterDbMigrate(registry);
}

}  // namespace paperfeed::cli
