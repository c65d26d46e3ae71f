#include "cli/command.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace paperfeed::cli {

core::Result<std::unique_ptr<store::Catalogue>> OpenCatalogue(const GlobalOptions& options) {
  return store::OpenCatalogue(options.db_path);
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

namespace {

// Levenshtein distance, for "did you mean".
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string> UnknownVerbMessage(const CLI::App& app, int argc, const char* const* argv) {
  // Skip the global options (and the values of those that take one) to reach the verb.
  std::string verb;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (!arg.empty() && arg.front() == '-') {
      if (arg.find('=') == std::string_view::npos) {
        const auto* option = app.get_option_no_throw(std::string(arg));
        if (option != nullptr && option->get_items_expected_max() > 0) ++i;
      }
      continue;
    }
    verb = arg;
    break;
  }
  if (verb.empty()) return std::nullopt;
  std::vector<std::string> verbs;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) verbs.push_back(sub->get_name());
  if (std::find(verbs.begin(), verbs.end(), verb) != verbs.end()) return std::nullopt;
  std::string closest;
  size_t best = std::string::npos;
  for (const auto& v : verbs) {
    const size_t d = EditDistance(verb, v);
    if (d < best) best = d, closest = v;
  }
  std::string message = "unknown command '" + verb + "'";
  if (!closest.empty() && best <= std::max<size_t>(2, verb.size() / 3)) message += "; did you mean '" + closest + "'?";
  std::string all;
  for (const auto& v : verbs) all += (all.empty() ? "" : ", ") + v;
  return message + "\nThe commands are: " + all + ". Run 'paperfeed --help' for what each does.";
}

void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace paperfeed::cli
