// Fuzzes the TeX renderer of titles and abstracts (web::RenderTex, web::TexToPlain): no crash, no
// stack overflow, output linear in the input, and only the renderer's own tags, balanced.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "web/html.hpp"

namespace {

// The only markup RenderTex writes; everything else must have been escaped.
void CheckTags(std::string_view html) {
  static constexpr std::string_view kOpen[] = {"<span class=\"tex\">", "<sup>", "<sub>"};
  static constexpr std::string_view kClose[] = {"</span>", "</sup>", "</sub>"};
  std::vector<int> open;
  for (size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i + 1)) {
    std::string_view rest = html.substr(i);
    bool matched = false;
    for (int k = 0; k < 3 && !matched; ++k) {
      if (rest.starts_with(kOpen[k])) {
        open.push_back(k);
        matched = true;
      } else if (rest.starts_with(kClose[k])) {
        if (open.empty() || open.back() != k) std::abort();  // unbalanced
        open.pop_back();
        matched = true;
      }
    }
    if (!matched) std::abort();  // an unescaped '<'
  }
  if (!open.empty()) std::abort();
  if (html.find('>') != std::string_view::npos) {
    // Every '>' closes one of the tags above: count them.
    size_t tags = 0, gts = 0;
    for (char c : html) gts += c == '>';
    for (size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i + 1)) ++tags;
    if (gts != tags) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string html = paperfeed::web::RenderTex(text).str();
  CheckTags(html);
  // Linear output: the largest expansion is a one-byte "_" becoming "<sub></sub>" inside a span.
  if (html.size() > 32 * size + 64) std::abort();
  std::string plain = paperfeed::web::TexToPlain(text);
  if (plain.size() > 8 * size + 64) std::abort();
  return 0;
}
