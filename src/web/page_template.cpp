#include "web/page_template.hpp"

#include <random>
#include <vector>

#include "web/layout.hpp"

namespace paperfeed::web {
namespace {

// A marker is STX, the key, kind ":" argument, ETX. STX and ETX are C0 controls, which
// core::SanitiseText removes from every record and comment, and the key is 16 random hex digits
// drawn at start-up, so neither stored text nor a crafted query can forge one.
constexpr char kStart = '\x02';
constexpr char kEnd = '\x03';

const std::string& MarkerKey() {
  static const std::string key = [] {
    std::random_device random;
    std::string out;
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 16; ++i) out.push_back(kHex[random() % 16]);
    return out;
  }();
  return key;
}

struct Marker {
  size_t begin = 0, end = 0;  // [begin, end) in the page
  std::string_view kind, argument;
};

// The next marker at or after `from`, or nullopt.
std::optional<Marker> NextMarker(std::string_view page, size_t from) {
  const std::string& key = MarkerKey();
  for (size_t at = page.find(kStart, from); at != std::string_view::npos; at = page.find(kStart, at + 1)) {
    if (page.compare(at + 1, key.size(), key) != 0) continue;
    size_t close = page.find(kEnd, at + 1 + key.size());
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view body = page.substr(at + 1 + key.size(), close - at - 1 - key.size());
    size_t colon = body.find(':');
    if (colon == std::string_view::npos) continue;
    return Marker{at, close + 1, body.substr(0, colon), body.substr(colon + 1)};
  }
  return std::nullopt;
}

// "PAPER_ID|IF UPVOTED|IF NOT" split in three (ids and the texts hold no '|').
struct Choice {
  std::string_view paper_id, yes, no;
};
Choice UpvoteChoice(std::string_view argument) {
  size_t a = argument.find('|');
  size_t b = a == std::string_view::npos ? a : argument.find('|', a + 1);
  if (b == std::string_view::npos) return {argument, {}, {}};
  return {argument.substr(0, a), argument.substr(a + 1, b - a - 1), argument.substr(b + 1)};
}

}  // namespace

Html TemplateMarker(std::string_view kind, std::string_view argument) {
  std::string out;
  out.reserve(kind.size() + argument.size() + 20);
  out.push_back(kStart);
  out += MarkerKey();
  out += kind;
  out.push_back(':');
  out += argument;
  out.push_back(kEnd);
  return Html::Trusted(std::move(out));
}

std::string SplicePage(std::string_view page, const Request& req, Context& ctx) {
  // One query for the upvote state of every paper on the page.
  std::vector<std::string> papers;
  for (auto m = NextMarker(page, 0); m; m = NextMarker(page, m->end)) {
    if (m->kind == "upvoted?") {
      std::string_view id = UpvoteChoice(m->argument).paper_id;
      if (papers.empty() || papers.back() != id) papers.emplace_back(id);
    }
  }
  ctx.PrefetchViewerUpvotes(papers);

  const Viewer& viewer = ctx.viewer();
  const Extensions& ext = ctx.extensions();
  std::string id;
  std::string out;
  out.reserve(page.size() + page.size() / 8);
  size_t done = 0;
  for (auto m = NextMarker(page, 0); m; m = NextMarker(page, m->end)) {
    out.append(page.substr(done, m->begin - done));
    done = m->end;
    if (m->kind == "csrf") {
      AppendEscaped(out, viewer.csrf_token);
    } else if (m->kind == "account") {
      out += AccountArea(ctx).str();
    } else if (m->kind == "upvoted?") {
      Choice choice = UpvoteChoice(m->argument);
      id.assign(choice.paper_id);
      out.append(ctx.ViewerUpvoted(id) ? choice.yes : choice.no);
    } else if (m->kind == "comments") {
      if (ext.comments_section) out += ext.comments_section(req, ctx, std::string(m->argument)).str();
    }
  }
  out.append(page.substr(done));
  return out;
}

}  // namespace paperfeed::web
