#include "web/params.hpp"

#include <charconv>

#include "core/text.hpp"

namespace paperfeed::web {

core::Result<int> IntParam(const Request& req, std::string_view name, int fallback, int min, int max) {
  if (!req.HasParam(name)) return fallback;
  std::string text = req.Param(name);
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max) {
    return core::MakeError(core::ErrorCode::kInvalidInput, "parameter '" + std::string(name) + "' must be an integer from " +
                                                               std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

std::string CleanQuery(std::string_view raw) {
  // A query is echoed into pages, feed titles and saved-search digests: the same rule as records
  // (valid UTF-8, no controls or bidi overrides; a feed of "q=%FF" was ill-formed XML).
  std::string out = core::SanitisedText(raw, core::TextKind::kLine);
  size_t b = out.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  out = out.substr(b, out.find_last_not_of(' ') - b + 1);
  if (out.size() > kMaxQueryBytes) {
    size_t cut = kMaxQueryBytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
    out.resize(cut);
  }
  return out;
}

std::string CleanCategory(std::string_view raw) {
  if (raw.empty() || raw.size() > 32) return {};
  for (char c : raw) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!ok) return {};
  }
  return std::string(raw);
}

}  // namespace paperfeed::web
