// Static files: served from memory with an ETag; a year's caching when the URL carries the
// version (?v=…, which changes whenever a file does), an hour otherwise.
#include "web/static_assets.hpp"

#include <cstdio>

#include "core/text.hpp"
#include "web/handlers.hpp"
#include "web/routes.hpp"

namespace paperfeed::web {
namespace {

std::string TypeFor(std::string_view name) {
  if (core::EndsWith(name, ".css")) return "text/css; charset=utf-8";
  if (core::EndsWith(name, ".js")) return "application/javascript";
  if (core::EndsWith(name, ".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

std::string StaticAssetsVersion() {
  static const std::string kVersion = [] {
    core::Fingerprint f;
    for (const auto& asset : EmbeddedAssets()) {
      f.Add(asset.name);
      f.Add(asset.data);
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(f.value() & 0xffffffffull));
    return std::string(buf);
  }();
  return kVersion;
}

void StaticAsset(const Request& req, Response& res, Context& ctx) {
  const std::string name = req.PathParam("file");
  for (const auto& asset : EmbeddedAssets()) {
    if (asset.name == name) {
      res.SetText(std::string(asset.data), TypeFor(name));
      res.cache = req.Param("v") == ctx.site().static_version ? CachePolicy::kImmutable : CachePolicy::kStatic;
      return;
    }
  }
  res.SetText("No such file: /static/" + name + "\n", "text/plain; charset=utf-8", 404);
}

}  // namespace paperfeed::web
