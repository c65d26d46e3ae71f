// Fuzzes the renderer of comment bodies (web::TextParagraphs): only <p>, </p> and <br> as markup,
// balanced, and text that core::SanitiseText leaves alone (no controls, bidi overrides or
// ill-formed UTF-8 reach the page).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text.hpp"
#include "web/html.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string html = paperfeed::web::TextParagraphs(text).str();
  if (paperfeed::core::SanitisedText(html, paperfeed::core::TextKind::kLine) != html) std::abort();
  bool in_paragraph = false;
  for (size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i + 1)) {
    std::string_view rest = std::string_view(html).substr(i);
    if (rest.starts_with("<p>") && !in_paragraph) in_paragraph = true;
    else if (rest.starts_with("</p>") && in_paragraph) in_paragraph = false;
    else if (!(rest.starts_with("<br>") && in_paragraph)) std::abort();
  }
  if (in_paragraph) std::abort();
  if (html.size() > 6 * size + 16) std::abort();  // "&quot;" is the largest expansion
  return 0;
}
