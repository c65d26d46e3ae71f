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

void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace paperfeed::cli
