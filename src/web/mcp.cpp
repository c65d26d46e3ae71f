#include "web/mcp.hpp"

#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "core/text.hpp"
#include "core/url.hpp"
#include "web/auth.hpp"
#include "web/context.hpp"
#include "web/html.hpp"

namespace paperfeed::web {
namespace {

using nlohmann::json;

// The newest revision first; an initialize naming another of these gets it back (MCP 2025-11-25,
// Lifecycle: version negotiation). Nothing used here differs between them.
constexpr const char* kProtocolVersions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
constexpr const char* kSessionHeader = "Mcp-Session-Id";
constexpr const char* kResourcePrefix = "paperfeed://papers/";

// JSON-RPC 2.0 error codes (§5.1) and MCP's resource-not-found.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kResourceNotFound = -32002;

// Session ids handed out by initialize. Bounded: the oldest are forgotten first, and a client
// whose session was forgotten gets 404 and initializes again, as the transport specifies.
class Sessions {
 public:
  std::string Create() {
    std::string id = RandomToken();
    std::lock_guard lock(mutex_);
    ids_.insert(id);
    order_.push_back(id);
    while (order_.size() > kMaxSessions) {
      ids_.erase(order_.front());
      order_.pop_front();
    }
    return id;
  }
  bool Known(const std::string& id) {
    std::lock_guard lock(mutex_);
    return ids_.count(id) > 0;
  }
  void End(const std::string& id) {
    std::lock_guard lock(mutex_);
    ids_.erase(id);
  }

 private:
  static constexpr size_t kMaxSessions = 10000;
  std::mutex mutex_;
  std::unordered_set<std::string> ids_;
  std::deque<std::string> order_;
};

struct McpState {
  const Router* router = nullptr;
  Sessions sessions;
};

json Error(const json& id, int code, std::string message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", std::move(message)}}}};
}

json Result(const json& id, json result) { return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}; }

// Runs one of the site's own routes inside this request: the viewer (and so the token and its
// scopes) is the MCP request's, the handler and its answer are the API's.
Response Dispatch(const McpState& state, const Request& outer, Context& ctx, std::string method, std::string path,
                  std::multimap<std::string, std::string> params = {}, std::string body = {},
                  std::string accept = "application/json") {
  Request inner;
  inner.method = std::move(method);
  inner.path = std::move(path);
  inner.headers = outer.headers;
  inner.headers.erase("Accept");
  inner.headers.emplace("Accept", std::move(accept));
  inner.remote_addr = outer.remote_addr;
  for (const auto& [k, v] : params) inner.query += (inner.query.empty() ? "" : "&") + core::PercentEncode(k) + "=" + core::PercentEncode(v);
  inner.params = std::move(params);
  inner.body = std::move(body);
  Response res;
  const Route* route = state.router->Match(inner.method, inner.path, inner.path_params);
  if (!route) {
    SetJsonError(res, 404, "not_found", "no route " + inner.path);
    return res;
  }
  route->handler(inner, res, ctx);
  return res;
}

// A tool's answer from an API response: the JSON as text (every MCP client shows that) and, for
// JSON, as structured content (an object: lists go under "papers"); 4xx/5xx become isError.
json ToolResult(const Response& res) {
  json out;
  out["content"] = json::array({{{"type", "text"}, {"text", res.body}}});
  out["isError"] = res.status >= 400;
  if (core::StartsWith(res.content_type, "application/json")) {
    json parsed = json::parse(res.body, nullptr, false);
    if (parsed.is_array()) out["structuredContent"] = {{"papers", std::move(parsed)}};
    else if (parsed.is_object()) out["structuredContent"] = std::move(parsed);
  }
  return out;
}

json StringProp(std::string description) { return {{"type", "string"}, {"description", std::move(description)}}; }
json IntProp(std::string description, int min, int max) {
  return {{"type", "integer"}, {"description", std::move(description)}, {"minimum", min}, {"maximum", max}};
}

json ToolList() {
  auto tool = [](std::string name, std::string title, std::string description, json properties,
                 std::vector<std::string> required, bool read_only) {
    json schema = {{"type", "object"}, {"properties", std::move(properties)}};
    if (!required.empty()) schema["required"] = required;
    return json{{"name", std::move(name)},
                {"title", std::move(title)},
                {"description", std::move(description)},
                {"inputSchema", std::move(schema)},
                {"annotations", {{"readOnlyHint", read_only}, {"openWorldHint", false}}}};
  };
  const json id = StringProp("arXiv id without version, e.g. 2501.01234 or hep-th/9901001");
  return json::array({
      tool("search_papers", "Search papers",
           "Search the catalogue (arXiv and Hugging Face's daily lists). Same answer as GET /api/papers/search.",
           {{"query", StringProp("What to look for; \"phrases\", -exclusions, author:, cat:, after:, before: work")},
            {"mode", {{"type", "string"}, {"enum", {"hybrid", "keyword", "semantic"}}, {"description", "Ranking (default hybrid)"}}},
            {"category", StringProp("Only this arXiv category or archive, e.g. cs.LG or cs")},
            {"from", StringProp("Published on or after this day, YYYY-MM-DD")},
            {"to", StringProp("Published on or before this day, YYYY-MM-DD")},
            {"limit", IntProp("At most this many papers (default 20)", 1, 120)}},
           {"query"}, true),
      tool("list_daily_papers", "List the daily papers",
           "The papers on the daily list of a day, an ISO week or a month (default: the latest day). Same answer as "
           "GET /api/daily_papers.",
           {{"date", StringProp("A day, YYYY-MM-DD")},
            {"week", StringProp("An ISO week, YYYY-Www")},
            {"month", StringProp("A month, YYYY-MM")},
            {"submitter", StringProp("Only papers this user name submitted")},
            {"sort", {{"type", "string"}, {"enum", {"upvotes", "publishedAt", "trending"}}, {"description", "Order (default upvotes)"}}},
            {"limit", IntProp("Papers per page (default 50)", 1, 100)},
            {"page", IntProp("Page, from 0", 0, 10000)}},
           {}, true),
      tool("trending_papers", "Trending papers",
           "The trending list, as /trending ranks it. Same answer as GET /api/daily_papers?sort=trending.",
           {{"limit", IntProp("At most this many papers (default 20)", 1, 100)}}, {}, true),
      tool("get_paper", "Get a paper as Markdown",
           "One paper as Markdown: title, authors, dates, links, the AI summary (machine-written) and the abstract. "
           "Same text as GET /papers/{id}.md.",
           {{"id", id}}, {"id"}, true),
      tool("similar_papers", "Similar papers", "The nearest papers by embedding. Same answer as GET /api/papers/{id}/similar.",
           {{"id", id}, {"limit", IntProp("At most this many papers (default 10)", 1, 50)}}, {"id"}, true),
      tool("upvote_paper", "Upvote a paper",
           "Upvote (or, with remove, withdraw the upvote of) a paper as the token's owner. Needs a Bearer token with "
           "the 'vote' scope.",
           {{"id", id}, {"remove", {{"type", "boolean"}, {"description", "Withdraw the upvote instead"}}}}, {"id"}, false),
      tool("submit_paper", "Submit a paper",
           "Put a paper on today's daily list as the token's owner (fetched from arXiv when unknown). Needs a Bearer "
           "token with the 'submit' scope.",
           {{"id", id}}, {"id"}, false),
  });
}

std::string StringArg(const json& args, const char* key) {
  if (!args.contains(key)) return "";
  const json& v = args[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return "";
}

// The tool's API call, or a JSON-RPC error (unknown tool, missing argument).
json CallTool(const McpState& state, const Request& req, Context& ctx, const json& id, const json& params) {
  if (!params.is_object() || !params.contains("name") || !params["name"].is_string())
    return Error(id, kInvalidParams, "tools/call needs params.name");
  const std::string name = params["name"].get<std::string>();
  const json args = params.contains("arguments") && params["arguments"].is_object() ? params["arguments"] : json::object();
  auto require = [&](const char* key) { return StringArg(args, key); };
  std::multimap<std::string, std::string> q;
  auto copy = [&](const char* from, const char* to) {
    if (std::string v = StringArg(args, from); !v.empty()) q.emplace(to, v);
  };
  if (name == "search_papers") {
    if (require("query").empty()) return Error(id, kInvalidParams, "search_papers needs a query");
    copy("query", "q");
    copy("mode", "mode");
    copy("category", "cat");
    copy("from", "from");
    copy("to", "to");
    copy("limit", "limit");
    return Result(id, ToolResult(Dispatch(state, req, ctx, "GET", "/api/papers/search", q)));
  }
  if (name == "list_daily_papers") {
    for (const char* k : {"date", "week", "month", "submitter", "sort", "limit"}) copy(k, k);
    copy("page", "p");
    return Result(id, ToolResult(Dispatch(state, req, ctx, "GET", "/api/daily_papers", q)));
  }
  if (name == "trending_papers") {
    q.emplace("sort", "trending");
    q.emplace("limit", StringArg(args, "limit").empty() ? "20" : StringArg(args, "limit"));
    return Result(id, ToolResult(Dispatch(state, req, ctx, "GET", "/api/daily_papers", q)));
  }
  const std::string paper = require("id");
  if (name == "get_paper" || name == "similar_papers" || name == "upvote_paper" || name == "submit_paper") {
    if (paper.empty()) return Error(id, kInvalidParams, name + " needs an id");
  }
  if (name == "get_paper")
    return Result(id, ToolResult(Dispatch(state, req, ctx, "GET", "/papers/" + paper + ".md", {}, {}, "text/markdown")));
  if (name == "similar_papers") {
    copy("limit", "limit");
    return Result(id, ToolResult(Dispatch(state, req, ctx, "GET", "/api/papers/" + paper + "/similar", q)));
  }
  if (name == "upvote_paper") {
    const bool remove = args.contains("remove") && args["remove"].is_boolean() && args["remove"].get<bool>();
    return Result(id, ToolResult(Dispatch(state, req, ctx, remove ? "DELETE" : "POST", "/api/papers/" + paper + "/upvote")));
  }
  if (name == "submit_paper") {
    return Result(id, ToolResult(Dispatch(state, req, ctx, "POST", "/api/papers/submit", {}, json{{"id", paper}}.dump())));
  }
  return Error(id, kInvalidParams, "unknown tool '" + name + "'; tools/list names them");
}

json ListResources(const McpState& state, const Request& req, Context& ctx, const json& id) {
  Response res = Dispatch(state, req, ctx, "GET", "/api/daily_papers", {{"limit", "100"}});
  json resources = json::array();
  json list = json::parse(res.body, nullptr, false);
  if (list.is_array()) {
    for (const auto& item : list) {
      if (!item.contains("paper") || !item["paper"].contains("id")) continue;
      const std::string paper = item["paper"]["id"].get<std::string>();
      resources.push_back({{"uri", kResourcePrefix + paper},
                           {"name", paper},
                           {"title", item.value("title", paper)},
                           {"mimeType", "text/markdown"}});
    }
  }
  return Result(id, {{"resources", std::move(resources)}});
}

json ReadResource(const McpState& state, const Request& req, Context& ctx, const json& id, const json& params) {
  std::string uri = params.is_object() && params.contains("uri") && params["uri"].is_string() ? params["uri"].get<std::string>() : "";
  if (!core::StartsWith(uri, kResourcePrefix)) return Error(id, kResourceNotFound, "no resource '" + uri + "'; paper resources are " + kResourcePrefix + "{id}");
  std::string paper = uri.substr(std::string_view(kResourcePrefix).size());
  Response res = Dispatch(state, req, ctx, "GET", "/papers/" + paper + ".md", {}, {}, "text/markdown");
  if (res.status >= 400) return Error(id, kResourceNotFound, core::NormaliseWhitespace(res.body));
  return Result(id, {{"contents", json::array({{{"uri", uri}, {"mimeType", "text/markdown"}, {"text", res.body}}})}});
}

// One JSON-RPC message. Returns null for a notification or a response (nothing to answer).
json HandleMessage(McpState& state, const Request& req, Response& res, Context& ctx, const json& msg, bool& initialized) {
  if (!msg.is_object() || msg.value("jsonrpc", "") != "2.0") return Error(nullptr, kInvalidRequest, "not a JSON-RPC 2.0 message");
  if (!msg.contains("method")) return nullptr;  // a response to a server request: we send none
  const json id = msg.contains("id") ? msg["id"] : json();
  const bool notification = !msg.contains("id");
  if (!msg["method"].is_string()) return Error(id, kInvalidRequest, "method must be a string");
  const std::string method = msg["method"].get<std::string>();
  const json params = msg.contains("params") ? msg["params"] : json::object();
  if (notification) return nullptr;  // notifications/initialized, notifications/cancelled, …
  if (method == "initialize") {
    std::string wanted = params.is_object() ? params.value("protocolVersion", "") : "";
    std::string version = kProtocolVersions[0];
    for (const char* v : kProtocolVersions)
      if (wanted == v) version = v;
    res.SetHeader(kSessionHeader, state.sessions.Create());
    initialized = true;
    return Result(id, {{"protocolVersion", version},
                       {"capabilities", {{"tools", {{"listChanged", false}}}, {"resources", {{"listChanged", false}}}}},
                       {"serverInfo", {{"name", "paperfeed"}, {"title", ctx.site().site_name}, {"version", "1"}}},
                       {"instructions",
                        "Papers of this site's daily list and its arXiv catalogue. Tools answer as the site's JSON API "
                        "does; get_paper gives Markdown. Upvoting and submitting need a Bearer API token with the "
                        "'vote' or 'submit' scope."}});
  }
  if (method == "ping") return Result(id, json::object());
  if (method == "tools/list") return Result(id, {{"tools", ToolList()}});
  if (method == "tools/call") return CallTool(state, req, ctx, id, params);
  if (method == "resources/list") return ListResources(state, req, ctx, id);
  if (method == "resources/templates/list") {
    return Result(id, {{"resourceTemplates", json::array({{{"uriTemplate", std::string(kResourcePrefix) + "{id}"},
                                                          {"name", "paper"},
                                                          {"title", "A paper as Markdown"},
                                                          {"mimeType", "text/markdown"}}})}});
  }
  if (method == "resources/read") return ReadResource(state, req, ctx, id, params);
  return Error(id, kMethodNotFound, "method '" + method + "' is not supported");
}

// The transport's Origin rule: a browser page from another site must not drive the server (DNS
// rebinding). Requests without Origin (agents, the SDK under Node) are not from a browser.
bool OriginAllowed(const Request& req, Context& ctx) {
  std::string origin = req.Header("Origin");
  if (origin.empty()) return true;
  std::string base = ctx.site().public_base_url;
  if (auto slash = base.find('/', base.find("://") + 3); slash != std::string::npos) base.resize(slash);
  return origin == base;
}

void Post(McpState& state, const Request& req, Response& res, Context& ctx) {
  res.cache = CachePolicy::kNoStore;
  if (!OriginAllowed(req, ctx)) return SetJsonError(res, 403, "forbidden", "Origin " + req.Header("Origin") + " may not use /mcp");
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return res.SetJson(Error(nullptr, kParseError, "the body is not JSON"), 400);
  const bool batch = body.is_array();
  json messages = batch ? body : json::array({body});
  bool is_initialize = false;
  for (const auto& m : messages)
    if (m.is_object() && m.value("method", "") == "initialize") is_initialize = true;
  if (!is_initialize) {
    // After initialize every request carries its session id (Streamable HTTP, Session Management).
    std::string session = req.Header(kSessionHeader);
    if (session.empty()) return res.SetJson(Error(nullptr, kInvalidRequest, "missing Mcp-Session-Id: send initialize first"), 400);
    if (!state.sessions.Known(session)) return res.SetJson(Error(nullptr, kInvalidRequest, "unknown or ended session: initialize again"), 404);
    std::string version = req.Header("MCP-Protocol-Version");
    bool known_version = version.empty();
    for (const char* v : kProtocolVersions) known_version = known_version || version == v;
    if (!known_version) return res.SetJson(Error(nullptr, kInvalidRequest, "unsupported MCP-Protocol-Version " + version), 400);
  }
  json answers = json::array();
  bool initialized = false;
  for (const auto& m : messages) {
    json answer = HandleMessage(state, req, res, ctx, m, initialized);
    if (!answer.is_null()) answers.push_back(std::move(answer));
  }
  res.cache = CachePolicy::kNoStore;
  if (answers.empty()) {
    // Only notifications or responses: 202 Accepted, no body.
    res.status = 202;
    res.body.clear();
    res.content_type = "application/json";
    return;
  }
  res.SetJson(batch ? answers : answers[0]);
  res.cache = CachePolicy::kNoStore;
}

}  // namespace

void RegisterMcpRoutes(Router& router) {
  auto state = std::make_shared<McpState>();
  state->router = &router;
  router.Post("/mcp", [state](const Request& req, Response& res, Context& ctx) { Post(*state, req, res, ctx); });
  // No server-initiated stream: GET answers 405, which the transport allows.
  router.Get("/mcp", [](const Request&, Response& res, Context&) {
    res.SetHeader("Allow", "POST, DELETE");
    SetJsonError(res, 405, "method_not_allowed", "this server sends no event stream; POST JSON-RPC messages to /mcp");
    res.cache = CachePolicy::kNoStore;
  });
  router.Delete("/mcp", [state](const Request& req, Response& res, Context&) {
    res.cache = CachePolicy::kNoStore;
    std::string session = req.Header(kSessionHeader);
    if (session.empty() || !state->sessions.Known(session)) return SetJsonError(res, 404, "not_found", "no such session");
    state->sessions.End(session);
    res.SetJson({{"ended", true}});
  });
}

}  // namespace paperfeed::web
