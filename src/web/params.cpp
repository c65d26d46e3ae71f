#include "web/params.hpp"

#include <charconv>

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
  std::string out;
  for (char c : raw) {
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
  }
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
