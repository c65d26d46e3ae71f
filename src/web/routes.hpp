// web/routes: the one route table, and the registration functions of the other web modules.
#pragma once

#include <string>

#include "web/router.hpp"

namespace paperfeed::web {

// Every route of the site and the API, in one place (routes.cpp).
void RegisterRoutes(Router& router);

// Provided by the accounts module (account_handlers.cpp): sign up, log in, upvotes, comments,
// submissions, admin; installs the Extensions hooks for the viewer, upvotes and comments.
void RegisterAccountRoutes(Router& router);
// Provided by the subscriptions module (subscription_handlers.cpp): digest subscriptions.
void RegisterSubscriptionRoutes(Router& router);

// A short hash of the embedded static assets, for cache-busting asset URLs.
std::string StaticAssetsVersion();

}  // namespace paperfeed::web
