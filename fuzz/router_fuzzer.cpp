// Fuzzes the request router and the parameter parsing every handler relies on, with the site's
// real route table (web/routes.cpp): whatever method, path and query string arrive, Match returns
// a route whose captures are non-empty single segments (or none), and the parsers of search
// parameters, integer parameters, categories, queries and paper ids either refuse with a message
// or return values inside their documented bounds.
//
// Input: "METHOD PATH[?QUERY]" on the first line; further lines are "name=value" form fields.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/text.hpp"
#include "mail/mail_config.hpp"
#include "web/account_handlers.hpp"
#include "web/community.hpp"
#include "web/params.hpp"
#include "web/paper_data.hpp"
#include "web/router.hpp"
#include "web/routes.hpp"
#include "web/search_glue.hpp"

namespace {

using namespace paperfeed;

const web::Router& Routes() {
  static const std::unique_ptr<web::Router> router = [] {
    auto r = std::make_unique<web::Router>();
    web::AccountOptions accounts;
    accounts.auth.password_cost = web::PasswordCost::Minimum();  // the dummy hash made at start-up
    accounts.arxiv_api_url = "";
    web::RegisterRoutes(*r, accounts, mail::MailConfig{});
    return r;
  }();
  return *router;
}

// "a=1&b=%41" as name/value pairs; percent-decoding is httplib's job in production, so values
// stay raw here and the parsers see every byte the fuzzer makes.
void AddPairs(std::string_view text, char separator, std::multimap<std::string, std::string>& out) {
  while (!text.empty()) {
    size_t end = text.find(separator);
    std::string_view pair = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    size_t eq = pair.find('=');
    out.emplace(std::string(pair.substr(0, eq)), eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
  }
}

bool IsClean(const std::string& text) { return core::SanitisedText(text, core::TextKind::kLine) == text; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t line_end = input.find('\n');
  const std::string_view line = input.substr(0, line_end);
  const std::string_view form = line_end == std::string_view::npos ? std::string_view{} : input.substr(line_end + 1);
  const size_t space = line.find(' ');
  web::Request req;
  req.method = std::string(space == std::string_view::npos ? std::string_view("GET") : line.substr(0, space));
  std::string_view target = space == std::string_view::npos ? line : line.substr(space + 1);
  const size_t question = target.find('?');
  req.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) req.query = std::string(target.substr(question + 1));
  AddPairs(req.query, '&', req.params);
  AddPairs(form, '\n', req.params);

  // The router.
  std::map<std::string, std::string> captures;
  bool exists = false;
  const web::Route* route = Routes().Match(req.method, req.path, captures, &exists);
  if (route) {
    // HEAD is answered by GET routes; otherwise a route answers its own method only.
    if (route->method != req.method && !(req.method == "HEAD" && route->method == "GET")) std::abort();
    for (const auto& [name, value] : captures) {
      if (name.empty() || value.empty()) std::abort();
      // A capture is one path segment (old-style ids are two captures: {archive}/{number}).
      if (value.find('/') != std::string::npos) std::abort();
    }
    req.path_params = captures;
    (void)web::PaperIdFromPath(req);
  }

  // Search parameters: the shape every search page, feed and API call is parsed into.
  auto query = web::ParseSearchQuery(req, 20, 100);
  if (query) {
    if (query->limit < 1 || query->limit > 100 || query->offset < 0 || query->offset > 1000 * 100) std::abort();
    if (query->mode != "hybrid" && query->mode != "keyword" && query->mode != "semantic") std::abort();
    if (query->q.size() > web::kMaxQueryBytes || !IsClean(query->q)) std::abort();
    if (!query->category.empty() && web::CleanCategory(query->category) != query->category) std::abort();
    for (const auto* day : {&query->from, &query->to})
      if (!day->empty() && day->size() != 10) std::abort();
  } else if (query.error().message.empty()) {
    std::abort();  // a refusal names the parameter
  }
  for (const auto& [name, value] : req.params) {
    auto n = web::IntParam(req, name, 0, -5, 5);
    if (n && (*n < -5 || *n > 5)) std::abort();
    const std::string cleaned = web::CleanQuery(value);
    if (cleaned.size() > web::kMaxQueryBytes || !IsClean(cleaned) || web::CleanQuery(cleaned) != cleaned) std::abort();
    const std::string category = web::CleanCategory(value);
    if (!category.empty() && category != value) std::abort();
    auto id = web::NormalisePaperId(value);
    if (id && (id->empty() || !IsClean(*id))) std::abort();
  }
  return 0;
}
