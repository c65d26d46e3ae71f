// The config verb: paperfeed config check [--json] — every key's effective value and its source.
#include <cstdio>

#include "cli/command.hpp"

namespace paperfeed::cli {

void RegisterConfigCommands(CommandRegistry& r) {
  auto* config = r.app.add_subcommand("config", "The configuration: check it and see where each value comes from");
  config->require_subcommand(1);
  auto json = std::make_shared<bool>(false);
  auto* check = config->add_subcommand("check", "Print the effective value of every key and where it came from");
  std::string keys = "Keys (section.key, its environment variable, what it does):\n";
  for (const auto& k : ConfigKeys()) keys += "  " + k.name + "  $" + k.env + "\n      " + k.help + "\n";
  check->footer(keys +
                "\nThe file is --config, else $PAPERFEED_CONFIG, else ./paperfeed.toml. A flag beats an environment\n"
                "variable, which beats the file. Errors name the file and line.\n\n"
                "Examples:\n  paperfeed --config /etc/paperfeed.toml config check\n  paperfeed config check --json");
  check->add_flag("--json", *json, "Print one JSON object: {key: {value, source}}");
  check->callback([json, &r] {
    r.run = [json, &globals = r.globals]() -> int {
      const Config& c = globals.config;
      auto values = ConfigValues(c);
      if (*json) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [key, value] : values) out[key] = {{"value", value}, {"source", c.sources.at(key)}};
        PrintJson({{"file", c.file.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.file)}, {"keys", out}});
        return kExitOk;
      }
      std::printf("configuration file: %s\n", c.file.empty() ? "(none: defaults and environment)" : c.file.c_str());
      for (const auto& [key, value] : values)
        std::printf("%-36s = %-32s %s\n", key.c_str(), ("\"" + value + "\"").c_str(), c.sources.at(key).c_str());
      std::printf("ok: the configuration is valid\n");
      return kExitOk;
    };
  });
}

}  // namespace paperfeed::cli
