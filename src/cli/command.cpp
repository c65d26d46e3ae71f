#include "cli/command.hpp"

#include <cstdio>
#include <iostream>

namespace paperfeed::cli {

core::Result<std::unique_ptr<store::Catalogue>> OpenCatalogue(const GlobalOptions& options) {
  return store::OpenSqliteCatalogue(options.db_path);
}

int ReportError(const core::Error& error) {
  std::fprintf(stderr, "paperfeed: %s\n", error.message.c_str());
  return kExitFailure;
}

CLI::Option* AddConfigFlag(CLI::App* cmd, GlobalOptions& globals, const std::string& flag, const std::string& key,
                           const std::string& help) {
  return cmd->add_option_function<std::string>(
      flag, [&globals, flag, key](const std::string& value) { globals.config_inputs.flags[key] = {value, flag}; }, help);
}

void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace paperfeed::cli
