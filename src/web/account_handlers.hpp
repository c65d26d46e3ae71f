// web/account_handlers: the routes of accounts — sign up, log in and out, the account page with API
// tokens, upvotes, comments, submissions, admin moderation — and the hooks that put the viewer,
// upvote buttons, comments and admin controls into the read side's pages.
#pragma once

#include <chrono>
#include <string>

#include "web/auth.hpp"
#include "web/router.hpp"

namespace paperfeed::web {

struct AccountOptions {
  AuthConfig auth;
  // Where a submitted paper's metadata comes from when the catalogue lacks it ("" turns fetching off).
  std::string arxiv_api_url = "https://export.arxiv.org/api/query";
  // arXiv asks for one request every 3 seconds; submissions from many users queue behind each other.
  std::chrono::milliseconds arxiv_min_interval{3'000};
  int arxiv_max_attempts = 3;
  // (The client address behind a reverse proxy: ServerOptions::trusted_proxies.)
  // The settings come from the configuration file's [accounts] section (cli/config).
};

// Called by the route table (web/routes.cpp).
void RegisterAccountRoutes(Router& router, const AccountOptions& options);

}  // namespace paperfeed::web
