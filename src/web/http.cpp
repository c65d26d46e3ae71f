#include "web/http.hpp"

#include <strings.h>

namespace paperfeed::web {

bool CaseInsensitiveLess::operator()(const std::string& a, const std::string& b) const {
  return strcasecmp(a.c_str(), b.c_str()) < 0;
}

std::string Request::Param(std::string_view name, std::string_view fallback) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string(fallback) : it->second;
}

bool Request::HasParam(std::string_view name) const { return params.count(std::string(name)) > 0; }

std::string Request::PathParam(std::string_view name) const {
  auto it = path_params.find(std::string(name));
  return it == path_params.end() ? std::string() : it->second;
}

std::string Request::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  // Cookie: a=1; b=2 (RFC 6265 §5.4); several Cookie headers are joined.
  auto [begin, end] = headers.equal_range("Cookie");
  for (auto it = begin; it != end; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (pair.substr(0, eq) == name) {
        std::string_view value = pair.substr(eq + 1);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        return std::string(value);
      }
    }
  }
  return std::nullopt;
}

void Response::SetHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

void Response::AddHeader(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }

void Response::SetHtml(const Html& page, int status_code) {
  status = status_code;
  content_type = "text/html; charset=utf-8";
  body = page.str();
}

void Response::SetJson(const nlohmann::json& value, int status_code) {
  status = status_code;
  content_type = "application/json";
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // <, > and & appear in JSON only inside strings; as \u escapes they mean the same, and the body
  // stays inert if a browser ever sniffs it as HTML or a page embeds it.
  body.clear();
  body.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': body += "\\u003c"; break;
      case '>': body += "\\u003e"; break;
      case '&': body += "\\u0026"; break;
      default: body.push_back(c);
    }
  }
}

void Response::SetText(std::string text, std::string type, int status_code) {
  status = status_code;
  content_type = std::move(type);
  body = std::move(text);
}

void Response::Redirect(std::string location, int status_code) {
  status = status_code;
  SetHeader("Location", std::move(location));
  content_type = "text/plain; charset=utf-8";
  body = "See " + headers.back().second + "\n";
  cache = CachePolicy::kNoStore;
}

int HttpStatusFor(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::kInvalidInput: return 400;
    case core::ErrorCode::kUnauthorized: return 401;
    case core::ErrorCode::kNotFound: return 404;
    case core::ErrorCode::kConflict: return 409;
    case core::ErrorCode::kRateLimited: return 429;
    case core::ErrorCode::kUnavailable: return 503;
    case core::ErrorCode::kIo:
    case core::ErrorCode::kInternal: return 500;
  }
  return 500;
}

std::string_view ErrorName(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::kInvalidInput: return "invalid_input";
    case core::ErrorCode::kUnauthorized: return "unauthorized";
    case core::ErrorCode::kNotFound: return "not_found";
    case core::ErrorCode::kConflict: return "conflict";
    case core::ErrorCode::kRateLimited: return "rate_limited";
    case core::ErrorCode::kUnavailable: return "unavailable";
    case core::ErrorCode::kIo: return "io_error";
    case core::ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

void SetJsonError(Response& res, const core::Error& error) {
  SetJsonError(res, HttpStatusFor(error.code), ErrorName(error.code), error.message);
}

void SetJsonError(Response& res, int status, std::string_view error, std::string_view message) {
  res.SetJson({{"error", error}, {"message", message}}, status);
  res.cache = CachePolicy::kNoStore;
}

}  // namespace paperfeed::web
