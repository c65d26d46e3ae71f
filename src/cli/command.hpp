// cli/command: what every CLI verb shares — the global options, the exit codes, JSON printing.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/config.hpp"
#include "core/result.hpp"
#include "store/catalogue.hpp"

namespace paperfeed::cli {

// Exit codes: 0 success, 1 failure, 2 bad usage (CLI11), 3 done but some records were rejected.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRejected = 3;

// Options every verb sees (paperfeed [--db PATH] VERB ...).
struct GlobalOptions {
  std::string db_path;         // server.database of the effective configuration (--db overrides it)
  ConfigInputs config_inputs;  // --config and the flags that override configuration keys
  Config config;               // the effective configuration, loaded before the verb runs
};

// Opens the catalogue named by --db, printing a message that says what to do on failure.
core::Result<std::unique_ptr<store::Catalogue>> OpenCatalogue(const GlobalOptions& options);

// Prints an error as "paperfeed: <message>" on stderr and returns the exit code for its kind.
int ReportError(const core::Error& error);

void PrintJson(const nlohmann::json& value);

// Each verb registers itself on the app and sets `run` to its action; main runs the chosen one.
struct CommandRegistry {
  CLI::App& app;
  GlobalOptions& globals;
  std::function<int()>& run;
};

void RegisterCatalogueCommands(CommandRegistry& registry);  // ingest, stats, show
void RegisterWebCommands(CommandRegistry& registry);        // serve
void RegisterUserCommands(CommandRegistry& registry);       // user add, user list, user set-admin
void RegisterLiveCommands(CommandRegistry& registry);       // harvest, fetch-arxiv, fetch-hf
void RegisterSearchCommands(CommandRegistry& registry);     // search, similar, index, eval-ir

void RegisterMailCommands(CommandRegistry& registry);        // digest, subscribers
void RegisterModelCommands(CommandRegistry& registry);       // model add, list, embed, pull

void RegisterConfigCommands(CommandRegistry& registry);      // config check

// The mail side of `serve` (outbox delivery and the digest scheduler, configured like `digest run`);
// runs until the returned handle is destroyed. nullptr (with a message on stderr) when mail is off.
std::shared_ptr<void> StartMailForServe(const Config& config);

// "unknown command 'serv'; did you mean 'serve'? ..." when the first word after the global options
// names no verb; nothing when it does (CLI11 then parses as usual).
std::optional<std::string> UnknownVerbMessage(const CLI::App& app, int argc, const char* const* argv);

// The daily harvest of `serve` ([harvest] sets and hf_daily at [harvest] time); runs until the
// returned handle is destroyed. nullptr when [harvest] names nothing (or, with a message, on error).
std::shared_ptr<void> StartHarvestForServe(const Config& config);

// Adds an option whose value overrides configuration key `key` (recorded as coming from `flag`).
CLI::Option* AddConfigFlag(CLI::App* cmd, GlobalOptions& globals, const std::string& flag, const std::string& key,
                           const std::string& help);

}  // namespace paperfeed::cli
