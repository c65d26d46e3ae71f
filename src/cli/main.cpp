// paperfeed: the composition root. Parses the command line and runs one verb.
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "cli/command.hpp"

int main(int argc, char** argv) {
  using namespace paperfeed::cli;
  CLI::App app{"paperfeed — a self-hosted daily papers service: catalogue, search, site and digests.\n"};
  app.require_subcommand(1);
  app.footer("Run 'paperfeed VERB --help' for a verb's options. The database is --db, $PAPERFEED_DB or paperfeed.db.");
  GlobalOptions globals;
  AddConfigFlag(&app, globals, "--db", "server.database", "SQLite database file, or a postgresql://user@host:port/db URI (default "
                                                          "$PAPERFEED_DB, then [server] database in the configuration, then paperfeed.db)");
  app.add_option("--config", globals.config_inputs.file,
                 "Configuration file (default $PAPERFEED_CONFIG, then ./paperfeed.toml when it exists)");
  std::function<int()> run;
  CommandRegistry registry{app, globals, run};
  RegisterCatalogueCommands(registry);
  RegisterWebCommands(registry);
  RegisterUserCommands(registry);
  RegisterLiveCommands(registry);
  RegisterSearchCommands(registry);
  RegisterMailCommands(registry);
  RegisterConfigCommands(registry);
  RegisterModelCommands(registry);
  if (auto unknown = UnknownVerbMessage(app, argc, argv)) {
    std::fprintf(stderr, "paperfeed: %s\n", unknown->c_str());
    return kExitUsage;
  }
  CLI11_PARSE(app, argc, argv);
  if (!run) return kExitOk;
  // Flags beat environment variables, which beat the file (cli/config).
  auto config = LoadConfig(globals.config_inputs);
  if (!config) return ReportError(config.error());
  globals.config = std::move(*config);
  globals.db_path = globals.config.database;
  return run();
}
