// core/arxiv_id: parse and normalise arXiv identifiers, old style and new style.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace paperfeed::core {

struct ArxivId {
  std::string base;  // without version: "2501.01234", "hep-th/9901001", "math.GT/0309136"
  int version = 0;   // 0 when the text carried none
};

// Accepts "2501.01234", "2501.01234v3", "arXiv:0704.0001", "hep-th/9901001v2",
// "http://arxiv.org/abs/2501.01234v1", "oai:arXiv.org:2501.01234" and the PDF URL forms.
// See https://info.arxiv.org/help/arxiv_identifier.html for the two schemes.
Result<ArxivId> ParseArxivId(std::string_view text);

// True when `text` is exactly an id without version in either scheme.
bool IsArxivIdBase(std::string_view text);

}  // namespace paperfeed::core
