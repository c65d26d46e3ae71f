// web/http: the request and response every handler sees. The HTTP library stays in server.cpp;
// handlers only see these two types, so swapping the library touches one file.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "web/html.hpp"

namespace paperfeed::web {

struct CaseInsensitiveLess {
  bool operator()(const std::string& a, const std::string& b) const;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path, no query ("/papers/2501.01234")
  std::string query;   // the raw query string after '?', "" when none
  std::multimap<std::string, std::string> params;  // query string and urlencoded/multipart form fields
  std::map<std::string, std::string> path_params;  // captures of the route pattern ("{id}")
  std::multimap<std::string, std::string, CaseInsensitiveLess> headers;
  std::string body;
  std::string remote_addr;

  // The first value of a query/form parameter, or `fallback`.
  std::string Param(std::string_view name, std::string_view fallback = "") const;
  bool HasParam(std::string_view name) const;
  std::string PathParam(std::string_view name) const;
  std::string Header(std::string_view name) const;
  std::optional<std::string> Cookie(std::string_view name) const;
  // The path with its query string, as the client sent it.
  std::string Target() const { return query.empty() ? path : path + "?" + query; }
};

// How long clients and proxies may keep a response.
enum class CachePolicy {
  kPage,       // short max-age (anonymous) or revalidate each time (signed in); ETag
  kNoStore,    // forms, account pages, anything personal that must not be stored
  kImmutable,  // versioned static assets: a year
  kStatic,     // unversioned static assets: an hour, ETag
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie may repeat)
  CachePolicy cache = CachePolicy::kPage;

  void SetHeader(std::string name, std::string value);  // replaces a header of that name
  void AddHeader(std::string name, std::string value);  // adds one more (Set-Cookie)
  void SetHtml(const Html& page, int status_code = 200);
  // JSON is UTF-8 by definition (RFC 8259 §8.1): no charset parameter. Invalid UTF-8 is replaced.
  void SetJson(const nlohmann::json& value, int status_code = 200);
  void SetText(std::string text, std::string type = "text/plain; charset=utf-8", int status_code = 200);
  // 303 See Other after a form POST (the browser GETs `location`), or 302/301 as asked.
  void Redirect(std::string location, int status_code = 303);
};

// The HTTP status for an error kind: the only place codes become statuses.
int HttpStatusFor(core::ErrorCode code);
// The machine-readable name for the "error" field: "invalid_input", "not_found", ...
std::string_view ErrorName(core::ErrorCode code);
// {"error": "...", "message": "..."} with the status for its kind.
void SetJsonError(Response& res, const core::Error& error);
void SetJsonError(Response& res, int status, std::string_view error, std::string_view message);

}  // namespace paperfeed::web
