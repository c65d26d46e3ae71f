// The account verbs: user add, user list, user set-admin.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "cli/command.hpp"
#include "core/dates.hpp"
#include "store/accounts.hpp"
#include "web/account_handlers.hpp"
#include "web/auth.hpp"

namespace paperfeed::cli {
namespace {

using core::ErrorCode;
using core::MakeError;

// Reads one line from stdin; strips the line ending.
core::Result<std::string> ReadLine(std::istream& in) {
  std::string line;
  if (!std::getline(in, line)) return MakeError(ErrorCode::kInvalidInput, "no password on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Prompts on the terminal with echo off, so the password is not shown or left in the scrollback.
core::Result<std::string> PromptHidden(const std::string& prompt) {
  std::fprintf(stderr, "%s", prompt.c_str());
  std::fflush(stderr);
  termios saved{};
  const bool restore = tcgetattr(STDIN_FILENO, &saved) == 0;
  if (restore) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  auto line = ReadLine(std::cin);
  if (restore) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  return line;
}

core::Result<std::string> ObtainPassword(const std::string& name, bool from_stdin) {
  if (from_stdin) return ReadLine(std::cin);
  if (!isatty(STDIN_FILENO)) {
    return MakeError(ErrorCode::kInvalidInput,
                     "standard input is not a terminal: pass --password-stdin and pipe the password in");
  }
  auto first = PromptHidden("Password for " + name + ": ");
  if (!first) return first;
  auto second = PromptHidden("Repeat the password: ");
  if (!second) return second;
  if (first.value() != second.value()) return MakeError(ErrorCode::kInvalidInput, "the passwords differ; try again");
  return first;
}

nlohmann::json UserToJson(const store::User& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"display_name", u.display_name},
          {"email", u.email ? nlohmann::json(*u.email) : nlohmann::json(nullptr)},
          {"is_admin", u.is_admin},
          {"created_at", core::UnixToIso(u.created_at)}};
}

struct AddOptions {
  std::string name;
  std::string display_name;
  std::string email;
  bool admin = false;
  bool password_stdin = false;
  bool json = false;
};

int AddUser(const GlobalOptions& globals, const AddOptions& o) {
  auto password = ObtainPassword(o.name, o.password_stdin);
  if (!password) return ReportError(password.error());
  auto catalogue = OpenCatalogue(globals);
  if (!catalogue) return ReportError(catalogue.error());
  store::AccountStore accounts(catalogue.value()->database());
  web::Auth auth(globals.config.accounts.auth);
  auto user = auth.CreateUser(accounts, {o.name, password.value(), o.display_name, o.email}, o.admin);
  if (!user) return ReportError(user.error());
  if (o.json) {
    PrintJson(UserToJson(user.value()));
  } else {
    std::printf("created %s%s\n", user->name.c_str(), user->is_admin ? " (admin)" : "");
  }
  return kExitOk;
}

int ListUsers(const GlobalOptions& globals, bool json) {
  auto catalogue = OpenCatalogue(globals);
  if (!catalogue) return ReportError(catalogue.error());
  store::AccountStore accounts(catalogue.value()->database());
  auto users = accounts.ListUsers();
  if (!users) return ReportError(users.error());
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& u : users.value()) out.push_back(UserToJson(u));
    PrintJson(out);
    return kExitOk;
  }
  if (users->empty()) std::printf("no users yet: paperfeed user add NAME --admin\n");
  for (const auto& u : users.value()) {
    std::printf("%-24s %-6s %s  %s\n", u.name.c_str(), u.is_admin ? "admin" : "member",
                core::UnixToIso(u.created_at).substr(0, 10).c_str(), u.display_name.c_str());
  }
  return kExitOk;
}

int SetAdmin(const GlobalOptions& globals, const std::string& name, bool revoke) {
  auto catalogue = OpenCatalogue(globals);
  if (!catalogue) return ReportError(catalogue.error());
  store::AccountStore accounts(catalogue.value()->database());
  if (auto r = accounts.SetAdmin(name, !revoke); !r) {
    if (r.error().code == ErrorCode::kNotFound) {
      return ReportError(MakeError(ErrorCode::kNotFound, "no user named '" + name + "' (see: paperfeed user list)"));
    }
    return ReportError(r.error());
  }
  std::printf("%s is %s\n", name.c_str(), revoke ? "no longer an admin" : "an admin");
  return kExitOk;
}

}  // namespace

void RegisterUserCommands(CommandRegistry& r) {
  auto* user = r.app.add_subcommand("user", "Manage the site's accounts (admins, members)");
  user->require_subcommand(1);
  user->footer(
      "Examples:\n  paperfeed user add alice --admin            (asks for the password twice, without echo)\n"
      "  printf '%s\\n' \"$PW\" | paperfeed user add bot --password-stdin\n"
      "  paperfeed user list --json\n  paperfeed user set-admin bob");

  auto add_options = std::make_shared<AddOptions>();
  auto* add = user->add_subcommand("add", "Create an account (also when sign-up on the site is closed)");
  add->add_option("name", add_options->name, "User name: 2-32 letters, digits, '_', '-', '.'")->required();
  add->add_flag("--admin", add_options->admin, "Make the account an admin (hide papers, remove comments)");
  add->add_flag("--password-stdin", add_options->password_stdin, "Read the password from the first line of stdin");
  add->add_option("--display-name", add_options->display_name, "Name shown on the site");
  add->add_option("--email", add_options->email, "Email address (optional)");
  add->add_flag("--json", add_options->json, "Print the new account as JSON");
  add->callback([add_options, &r] {
    r.run = [add_options, &globals = r.globals] { return AddUser(globals, *add_options); };
  });

  auto list_json = std::make_shared<bool>(false);
  auto* list = user->add_subcommand("list", "List the accounts");
  list->add_flag("--json", *list_json, "Print a JSON array");
  list->callback([list_json, &r] {
    r.run = [list_json, &globals = r.globals] { return ListUsers(globals, *list_json); };
  });

  auto admin_name = std::make_shared<std::string>();
  auto revoke = std::make_shared<bool>(false);
  auto* set_admin = user->add_subcommand("set-admin", "Make an account an admin (or --revoke it)");
  set_admin->add_option("name", *admin_name, "User name")->required();
  set_admin->add_flag("--revoke", *revoke, "Take admin rights away instead");
  set_admin->callback([admin_name, revoke, &r] {
    r.run = [admin_name, revoke, &globals = r.globals] { return SetAdmin(globals, *admin_name, *revoke); };
  });
}

}  // namespace paperfeed::cli
