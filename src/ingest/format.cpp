#include "core/text.hpp"
#include "ingest/parsers.hpp"

namespace paperfeed::ingest {

InputFormat DetectFormat(std::string_view head) {
  size_t i = 0;
  if (head.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 byte order mark
  while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
  if (i >= head.size()) return InputFormat::kAuto;
  const std::string_view rest = head.substr(i);
  if (rest.front() == '<') {
    if (rest.find("<OAI-PMH") != std::string_view::npos || rest.find(":OAI-PMH") != std::string_view::npos)
      return InputFormat::kOai;
    // The root may carry a namespace prefix (<atom:feed>, <oai:OAI-PMH>).
    if (rest.find("<feed") != std::string_view::npos || rest.find(":feed") != std::string_view::npos)
      return InputFormat::kAtom;
    return InputFormat::kAuto;
  }
  if (rest.front() == '[') return InputFormat::kHfDaily;
  if (rest.front() == '{') {
    // The bulk dump is one object per line with "id", "abstract" and "versions"; Hugging Face's
    // wrapped form is one object with "status" and "data". A broken first line of a dump still
    // names its "id", so the rest of the file is not misread as one bad document.
    auto first_line = rest.substr(0, rest.find('\n'));
    if (first_line.find("\"versions\"") != std::string_view::npos ||
        first_line.find("\"abstract\"") != std::string_view::npos ||
        (first_line.find("\"id\"") != std::string_view::npos && first_line.find("\"data\"") == std::string_view::npos))
      return InputFormat::kArxivJson;
    return InputFormat::kHfDaily;
  }
  return InputFormat::kAuto;
}

std::string_view FormatName(InputFormat format) {
  switch (format) {
    case InputFormat::kAuto: return "auto";
    case InputFormat::kArxivJson: return "arxiv-json";
    case InputFormat::kAtom: return "atom";
    case InputFormat::kOai: return "oai";
    case InputFormat::kHfDaily: return "hf-daily";
  }
  return "auto";
}

std::optional<InputFormat> ParseFormatName(std::string_view name) {
  for (auto f : {InputFormat::kAuto, InputFormat::kArxivJson, InputFormat::kAtom, InputFormat::kOai,
                 InputFormat::kHfDaily}) {
    if (FormatName(f) == name) return f;
  }
  return std::nullopt;
}

}  // namespace paperfeed::ingest
