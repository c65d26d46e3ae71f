// web/mcp: the Model Context Protocol server at /mcp (Streamable HTTP transport, JSON-RPC 2.0,
// MCP 2025-11-25). Its tools answer by calling the JSON API's own routes inside the request, so an
// agent gets what the API gives — the same fields, errors, token scopes and rate limits.
#pragma once

#include "web/router.hpp"

namespace paperfeed::web {

// Adds POST/GET/DELETE /mcp. Call after every API route is registered: tools dispatch through `router`.
void RegisterMcpRoutes(Router& router);

}  // namespace paperfeed::web
