#include "api/paper_markdown.hpp"

#include "core/text.hpp"
#include "core/url.hpp"

namespace paperfeed::api {
namespace {

// Markdown's inline specials escaped, so a title or a name cannot open a link, an emphasis or
// a heading (CommonMark 0.31 §2.4: any ASCII punctuation may be backslash-escaped).
std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\`*_{}[]()<>#+!|~").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// A link target: only an absolute http(s) URL (core::SafeHttpUrl), with ')' and spaces encoded
// so the target cannot end early.
std::string Target(std::string_view url) {
  std::string out;
  for (char c : url) {
    if (c == ')') out += "%29";
    else if (c == '(') out += "%28";
    else if (c == ' ') out += "%20";
    else out.push_back(c);
  }
  return out;
}

// The abstract keeps its TeX readable (underscores and braces stay), but cannot open a link, an
// image or raw HTML.
std::string EscapeLinks(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '[' || c == ']' || c == '<' || c == '>' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace

std::string PaperMarkdown(const core::Paper& p, const std::vector<core::DailyEntry>& daily, std::string_view base_url) {
  std::string md = "# " + Escape(core::NormaliseWhitespace(p.title)) + "\n\n";
  // Authors Hugging Face hides on its page stay hidden here too.
  std::string authors;
  for (const auto& name : p.authors) {
    bool hidden = false;
    for (const auto& a : p.hf.authors)
      if (a.name == name && a.hidden.value_or(false)) hidden = true;
    if (hidden) continue;
    if (!authors.empty()) authors += ", ";
    authors += Escape(name);
  }
  if (!authors.empty()) md += "**Authors:** " + authors + "\n";
  if (!p.published.empty()) md += "**Published:** " + p.published + "\n";
  if (!p.updated.empty() && p.updated != p.published) md += "**Updated:** " + p.updated + "\n";
  md += "**arXiv:** " + p.id + (p.latest_version > 0 ? "v" + std::to_string(p.latest_version) : std::string()) + "\n";
  if (!p.categories.empty()) md += "**Categories:** " + Escape(Join(p.categories, ", ")) + "\n";
  if (!daily.empty()) {
    md += "**Daily list:** " + daily.front().day;
    if (!daily.front().submitted_by.empty()) md += " (submitted by " + Escape(daily.front().submitted_by) + ")";
    md += "\n";
  }
  if (p.hf.organization && !p.hf.organization->name.empty())
    md += "**Organization:** " + Escape(p.hf.organization->fullname.empty() ? p.hf.organization->name
                                                                             : p.hf.organization->fullname) + "\n";

  md += "\n## Links\n\n";
  if (!base_url.empty()) md += "- [Paper page](" + std::string(base_url) + "/papers/" + p.id + ")\n";
  md += "- [arXiv abstract](https://arxiv.org/abs/" + p.id + ")\n";
  md += "- [PDF](https://arxiv.org/pdf/" + p.id + ")\n";
  if (auto repo = core::SafeHttpUrl(p.github_repo.value_or(""))) {
    md += "- [Code](" + Target(*repo) + ")";
    if (p.github_stars) md += " (" + std::to_string(*p.github_stars) + " stars)";
    md += "\n";
  }
  if (auto page = core::SafeHttpUrl(p.project_page.value_or(""))) md += "- [Project page](" + Target(*page) + ")\n";

  if (!p.hf.ai_summary.empty()) {
    md += "\n## AI summary\n\n> Machine-written by Hugging Face's summariser, not by the authors; it may contain mistakes.\n\n";
    md += Escape(core::NormaliseWhitespace(p.hf.ai_summary)) + "\n";
    if (!p.hf.ai_keywords.empty()) md += "\n**Keywords:** " + Escape(Join(p.hf.ai_keywords, ", ")) + "\n";
  }
  if (!p.abstract.empty()) md += "\n## Abstract\n\n" + EscapeLinks(core::NormaliseWhitespace(p.abstract)) + "\n";
  return md;
}

}  // namespace paperfeed::api
