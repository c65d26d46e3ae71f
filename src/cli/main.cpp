// paperfeed: the composition root. Parses the command line and runs one verb.
#include <cstdlib>
#include <functional>

#include "cli/command.hpp"

int main(int argc, char** argv) {
  using namespace paperfeed::cli;
  CLI::App app{"paperfeed — a self-hosted daily papers service: catalogue, search, site and digests.\n"};
  app.require_subcommand(1);
  app.footer("Run 'paperfeed VERB --help' for a verb's options. The database is --db, $PAPERFEED_DB or paperfeed.db.");
  GlobalOptions globals;
  const char* env_db = std::getenv("PAPERFEED_DB");
  globals.db_path = env_db && *env_db ? env_db : "paperfeed.db";
  app.add_option("--db", globals.db_path, "SQLite database file (default $PAPERFEED_DB or paperfeed.db)");
  std::function<int()> run;
  CommandRegistry registry{app, globals, run};
  RegisterCatalogueCommands(registry);
  RegisterWebCommands(registry);
  RegisterUserCommands(registry);
  RegisterLiveCommands(registry);
  RegisterSearchCommands(registry);
  RegisterMailCommands(registry);
  RegisterModelCommands(registry);
  CLI11_PARSE(app, argc, argv);
  return run ? run() : kExitOk;
}
