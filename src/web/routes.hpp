// web/routes: the one route table, and the registration functions of the other web modules.
#pragma once

#include <string>

#include "mail/mail_config.hpp"
#include "web/router.hpp"

namespace paperfeed::web {

struct AccountOptions;

// Every route of the site and the API, in one place (routes.cpp). The settings come from the
// composition root (cli/), which reads the configuration file; nothing in web/ reads the environment.
void RegisterRoutes(Router& router, const AccountOptions& accounts, const mail::MailConfig& mail);

// Provided by the subscriptions module (subscription_handlers.cpp): digest subscriptions.
void RegisterSubscriptionRoutes(Router& router, const mail::MailConfig& mail);

// A short hash of the embedded static assets, for cache-busting asset URLs.
std::string StaticAssetsVersion();

}  // namespace paperfeed::web
