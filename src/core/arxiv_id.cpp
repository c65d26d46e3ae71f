#include "core/arxiv_id.hpp"

#include <cctype>
#include <charconv>

namespace paperfeed::core {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// New scheme (since April 2007): YYMM.NNNN (to 1412) or YYMM.NNNNN (from 1501).
bool IsNewStyle(std::string_view s) {
  auto dot = s.find('.');
  if (dot != 4) return false;
  auto num = s.substr(5);
  return AllDigits(s.substr(0, 4)) && (num.size() == 4 || num.size() == 5) && AllDigits(num);
}

// Old scheme: archive[.SUBJ]/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
bool IsOldStyle(std::string_view s) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  auto archive = s.substr(0, slash);
  for (char c : archive) {
    if (!(std::islower(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
          std::isupper(static_cast<unsigned char>(c))))
      return false;
  }
  auto num = s.substr(slash + 1);
  return num.size() == 7 && AllDigits(num);
}

std::string_view StripPrefix(std::string_view text) {
  static constexpr std::string_view kPrefixes[] = {
      "https://arxiv.org/abs/", "http://arxiv.org/abs/", "https://arxiv.org/pdf/",
      "http://arxiv.org/pdf/",  "https://export.arxiv.org/abs/", "http://export.arxiv.org/abs/",
      "oai:arXiv.org:",         "arXiv:", "arxiv:"};
  for (auto prefix : kPrefixes) {
    if (text.substr(0, prefix.size()) == prefix) return text.substr(prefix.size());
  }
  return text;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IsArxivIdBase(std::string_view text) { return IsNewStyle(text) || IsOldStyle(text); }

Result<ArxivId> ParseArxivId(std::string_view text) {
  auto s = StripPrefix(Trim(text));
  if (s.size() > 4 && s.substr(s.size() - 4) == ".pdf") s.remove_suffix(4);
  ArxivId id;
  auto v = s.rfind('v');
  if (v != std::string_view::npos && v + 1 < s.size() && AllDigits(s.substr(v + 1)) &&
      IsArxivIdBase(s.substr(0, v))) {
    // from_chars, not std::stoi: "2501.01234v99999999999" must be an error, not an
    // uncaught std::out_of_range (found in review, reproduced with fuzz_arxiv_json and fuzz_atom).
    auto digits = s.substr(v + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id.version);
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      return MakeError(ErrorCode::kInvalidInput, "'" + std::string(text) + "' has a version number out of range");
    }
    s = s.substr(0, v);
  }
  if (!IsArxivIdBase(s)) {
    return MakeError(ErrorCode::kInvalidInput,
                     "'" + std::string(text) +
                         "' is not an arXiv id (expected e.g. 2501.01234, 2501.01234v2 or hep-th/9901001)");
  }
  id.base = std::string(s);
  return id;
}

}  // namespace paperfeed::core
