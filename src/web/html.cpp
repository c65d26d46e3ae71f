#include "web/html.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string_view>
#include <unordered_map>

#include "core/text.hpp"
#include "core/url.hpp"

namespace paperfeed::web {

void AppendEscaped(std::string& out, std::string_view text) { core::AppendHtmlEscaped(out, text); }

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  AppendEscaped(out, text);
  return out;
}

namespace detail {

Piece ToPiece(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", value);
  Piece p;
  p.owned = buf;
  p.raw = true;
  return p;
}

Html RenderPieces(std::string_view tmpl, std::vector<Piece>& pieces) {
  std::string out;
  size_t extra = 0;
  for (const auto& p : pieces) extra += p.owned.empty() ? p.view.size() : p.owned.size();
  out.reserve(tmpl.size() + extra + extra / 8);
  size_t next = 0;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{' && i + 1 < tmpl.size() && tmpl[i + 1] == '}' && next < pieces.size()) {
      const Piece& p = pieces[next++];
      std::string_view text = p.owned.empty() ? p.view : std::string_view(p.owned);
      if (p.raw) out += text;
      else AppendEscaped(out, text);
      ++i;
    } else {
      out.push_back(tmpl[i]);
    }
  }
  return Html::Trusted(std::move(out));
}

}  // namespace detail

Html Join(const std::vector<Html>& parts, const Html& separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator.str();
    out += parts[i].str();
  }
  return Html::Trusted(std::move(out));
}

Html TextParagraphs(std::string_view text) {
  const std::string body = core::SanitisedText(text, core::TextKind::kMultiline);
  Html out;
  Html paragraph;
  bool open = false;
  size_t start = 0;
  auto flush = [&] {
    if (open) out += Render("<p>{}</p>", paragraph);
    paragraph = Html();
    open = false;
  };
  while (start <= body.size()) {
    size_t nl = body.find('\n', start);
    std::string_view line = std::string_view(body).substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (line.find_first_not_of(' ') == std::string_view::npos) {
      flush();
    } else {
      if (open) paragraph += Render("<br>");
      paragraph += Html::Text(line);
      open = true;
    }
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  flush();
  return out;
}

std::string SafeUrl(std::string_view url) {
  if (auto absolute = core::SafeHttpUrl(url)) return *absolute;
  for (char c : url) {
    // Control characters and spaces let a scheme hide ("java\tscript:"); refuse them outright.
    if (static_cast<unsigned char>(c) <= 0x20) return "#";
  }
  if (!url.empty() && url[0] == '/' && (url.size() == 1 || (url[1] != '/' && url[1] != '\\'))) return std::string(url);
  return "#";
}

// ---- TeX ------------------------------------------------------------------------------------------

namespace {

const std::unordered_map<std::string_view, std::string_view>& TexSymbols() {
  static const std::unordered_map<std::string_view, std::string_view> kSymbols = {
      {"alpha", "α"},     {"beta", "β"},      {"gamma", "γ"},     {"delta", "δ"},      {"epsilon", "ε"},
      {"varepsilon", "ε"}, {"zeta", "ζ"},     {"eta", "η"},       {"theta", "θ"},      {"vartheta", "ϑ"},
      {"iota", "ι"},      {"kappa", "κ"},     {"lambda", "λ"},    {"mu", "μ"},         {"nu", "ν"},
      {"xi", "ξ"},        {"pi", "π"},        {"rho", "ρ"},       {"sigma", "σ"},      {"tau", "τ"},
      {"upsilon", "υ"},   {"phi", "φ"},       {"varphi", "φ"},    {"chi", "χ"},        {"psi", "ψ"},
      {"omega", "ω"},     {"Gamma", "Γ"},     {"Delta", "Δ"},     {"Theta", "Θ"},      {"Lambda", "Λ"},
      {"Xi", "Ξ"},        {"Pi", "Π"},        {"Sigma", "Σ"},     {"Phi", "Φ"},        {"Psi", "Ψ"},
      {"Omega", "Ω"},     {"leq", "≤"},       {"le", "≤"},        {"geq", "≥"},        {"ge", "≥"},
      {"neq", "≠"},       {"ne", "≠"},        {"approx", "≈"},    {"sim", "∼"},        {"simeq", "≃"},
      {"equiv", "≡"},     {"propto", "∝"},    {"times", "×"},     {"cdot", "·"},       {"cdots", "⋯"},
      {"ldots", "…"},     {"dots", "…"},      {"pm", "±"},        {"mp", "∓"},         {"infty", "∞"},
      {"partial", "∂"},   {"nabla", "∇"},     {"sum", "∑"},       {"prod", "∏"},       {"int", "∫"},
      {"sqrt", "√"},      {"in", "∈"},        {"notin", "∉"},     {"subset", "⊂"},     {"subseteq", "⊆"},
      {"supset", "⊃"},    {"cup", "∪"},       {"cap", "∩"},       {"emptyset", "∅"},   {"forall", "∀"},
      {"exists", "∃"},    {"neg", "¬"},       {"wedge", "∧"},     {"vee", "∨"},        {"to", "→"},
      {"rightarrow", "→"}, {"leftarrow", "←"}, {"Rightarrow", "⇒"}, {"Leftarrow", "⇐"}, {"mapsto", "↦"},
      {"leftrightarrow", "↔"}, {"ll", "≪"},   {"gg", "≫"},        {"circ", "∘"},       {"star", "⋆"},
      {"ell", "ℓ"},       {"hbar", "ℏ"},      {"log", "log"},     {"exp", "exp"},      {"min", "min"},
      {"max", "max"},     {"sin", "sin"},     {"cos", "cos"},     {"lim", "lim"},      {"arg", "arg"},
      {"det", "det"},     {"langle", "⟨"},    {"rangle", "⟩"},    {"lVert", "‖"},      {"rVert", "‖"},
      {"|", "‖"},         {"%", "%"},         {"&", "&"},         {"#", "#"},          {"_", "_"},
      {"{", "{"},         {"}", "}"},         {"$", "$"},         {",", "\u2009"},     {";", " "},
      {":", " "},         {"!", ""},          {"quad", " "},      {"qquad", "  "},     {"left", ""},
      {"right", ""},      {"big", ""},        {"Big", ""},        {"bigl", ""},        {"bigr", ""},
      {"displaystyle", ""}, {"textstyle", ""}, {"limits", ""},    {"nolimits", ""},    {"prime", "′"},
      {"top", "⊤"},       {"perp", "⊥"},      {"mid", "∣"},       {"ast", "∗"},        {"lceil", "⌈"},
      {"rceil", "⌉"},     {"lfloor", "⌊"},    {"rfloor", "⌋"},    {"colon", ":"},      {"sharp", "♯"},
  };
  return kSymbols;
}

// Commands whose argument is shown as is (fonts, text, decorations).
bool IsFontCommand(std::string_view name) {
  static constexpr std::string_view kFonts[] = {
      "mathcal", "mathbb",  "mathbf", "mathrm", "mathit", "mathsf", "mathtt", "mathfrak", "boldsymbol",
      "bm",      "textbf",  "textit", "textrm", "texttt", "text",   "emph",   "textsc",   "operatorname",
      "hat",     "tilde",   "bar",    "vec",    "overline", "underline", "widehat", "widetilde", "dot",
      "ddot",    "mbox",    "textsf", "mathscr", "pmb",   "textnormal", "check", "breve"};
  for (auto f : kFonts)
    if (f == name) return true;
  return false;
}

// Groups nested deeper than this ($…$ inside \textbf{…}, ^{…} inside ^{…}, …) are shown as their
// escaped source text. Real abstracts nest a handful of levels; a hostile summary of 60,000 nested
// "^{" once overflowed the stack of every page that showed it (issue: hostile input).
constexpr int kMaxTexNesting = 32;

// The text of one rendering, shared by all its nested groups, with the matching '}' of each '{'
// found in one pass on first need: finding a group's end by scanning it at every level made
// nesting quadratic (30,000 levels took 6.6 s).
class TexSource {
 public:
  static constexpr uint32_t kNoMatch = UINT32_MAX;
  explicit TexSource(std::string_view text) : text_(text) {}

  // Offset in the whole text of the '}' closing the '{' at `offset`, or kNoMatch.
  size_t MatchOf(std::string_view inside, size_t offset_in_inside) {
    if (!indexed_) Index();
    size_t at = static_cast<size_t>(inside.data() - text_.data()) + offset_in_inside;
    if (at >= close_.size() || close_[at] == kNoMatch) return std::string_view::npos;
    return close_[at];
  }
  std::string_view text() const { return text_; }

 private:
  void Index() {
    indexed_ = true;
    if (text_.size() >= kNoMatch) return;  // never from ingest (field limits); every group runs to the end
    close_.assign(text_.size(), kNoMatch);
    std::vector<uint32_t> open;
    for (size_t i = 0; i < text_.size(); ++i) {
      char c = text_[i];
      if (c == '\\' && i + 1 < text_.size()) {  // \{ and \} are not group braces
        ++i;
      } else if (c == '{') {
        open.push_back(static_cast<uint32_t>(i));
      } else if (c == '}' && !open.empty()) {
        close_[open.back()] = static_cast<uint32_t>(i);
        open.pop_back();
      }
    }
  }

  std::string_view text_;
  bool indexed_ = false;
  std::vector<uint32_t> close_;
};

class TexRenderer {
 public:
  TexRenderer(TexSource& source, std::string_view text, bool html, int depth)
      : source_(source), text_(text), html_(html), depth_(depth) {}

  std::string Run() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '$') {
        bool display = pos_ + 1 < text_.size() && text_[pos_ + 1] == '$';
        size_t open = display ? 2 : 1;
        size_t close = text_.find(display ? "$$" : "$", pos_ + open);
        if (close == std::string_view::npos) {  // an unpaired dollar is just a dollar
          Emit(text_.substr(pos_, 1));
          ++pos_;
          continue;
        }
        MathSpan(pos_, pos_ + open, close, close + open);
      } else if (c == '\\' && pos_ + 1 < text_.size() && (text_[pos_ + 1] == '(' || text_[pos_ + 1] == '[')) {
        bool paren = text_[pos_ + 1] == '(';
        // Once a closing \) is known to be missing, every later \( lacks one too: searching again
        // for each of them would be quadratic.
        size_t& missing_from = paren ? no_paren_close_from_ : no_bracket_close_from_;
        size_t close = std::string_view::npos;
        if (pos_ < missing_from) close = text_.find(paren ? "\\)" : "\\]", pos_ + 2);
        if (close == std::string_view::npos) {
          missing_from = std::min(missing_from, pos_);
          Emit(text_.substr(pos_, 2));
          pos_ += 2;
          continue;
        }
        MathSpan(pos_, pos_ + 2, close, close + 2);
      } else if (c == '\\') {
        Command(/*math=*/false);
      } else {
        size_t next = text_.find_first_of("$\\", pos_);
        if (next == std::string_view::npos) next = text_.size();
        Emit(text_.substr(pos_, next - pos_));
        pos_ = next;
      }
    }
    return std::move(out_);
  }

  std::string Math() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\\') {
        Command(/*math=*/true);
      } else if (c == '^' || c == '_') {
        size_t start = pos_++;
        std::string_view arg = Argument();
        if (TooDeep()) {
          Emit(text_.substr(start, pos_ - start));
          continue;
        }
        std::string rendered = Nested(arg, /*math=*/true);
        if (html_) {
          out_ += c == '^' ? "<sup>" : "<sub>";
          out_ += rendered;
          out_ += c == '^' ? "</sup>" : "</sub>";
        } else {
          out_.push_back(c);
          out_ += rendered;
        }
      } else if (c == '{' || c == '}') {
        ++pos_;
      } else if (c == '~') {
        out_.push_back(' ');
        ++pos_;
      } else {
        size_t next = text_.find_first_of("\\^_{}~", pos_);
        if (next == std::string_view::npos) next = text_.size();
        Emit(text_.substr(pos_, next - pos_));
        pos_ = next;
      }
    }
    return std::move(out_);
  }

 private:
  void Emit(std::string_view text) {
    if (html_) AppendEscaped(out_, text);
    else out_ += text;
  }

  bool TooDeep() const { return depth_ + 1 >= kMaxTexNesting; }

  // Renders a group one level down, in math or text mode.
  std::string Nested(std::string_view text, bool math) {
    TexRenderer inner(source_, text, html_, depth_ + 1);
    return math ? inner.Math() : inner.Run();
  }

  // $…$, $$…$$, \(…\) or \[…\]: [start, end) is the whole span, [inner, close) its content.
  void MathSpan(size_t start, size_t inner, size_t close, size_t end) {
    pos_ = end;
    if (TooDeep()) {
      Emit(text_.substr(start, end - start));
      return;
    }
    if (html_) out_ += "<span class=\"tex\">";
    out_ += Nested(text_.substr(inner, close - inner), /*math=*/true);
    if (html_) out_ += "</span>";
  }

  // A braced group or a single character/command after ^, _ or a font command.
  std::string_view Argument() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
    if (pos_ >= text_.size()) return {};
    if (text_[pos_] == '{') {
      size_t start = pos_ + 1;
      size_t close = source_.MatchOf(text_, pos_);
      size_t base = static_cast<size_t>(text_.data() - source_.text().data());
      if (close != std::string_view::npos && close < base + text_.size()) {
        pos_ = close - base + 1;
        return text_.substr(start, close - base - start);
      }
      pos_ = text_.size();  // unclosed: the group runs to the end of this text
      return text_.substr(start);
    }
    if (text_[pos_] == '\\') {
      size_t start = pos_++;
      while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      if (pos_ == start + 1 && pos_ < text_.size()) ++pos_;
      return text_.substr(start, pos_ - start);
    }
    // One UTF-8 character.
    size_t start = pos_++;
    while (pos_ < text_.size() && (static_cast<unsigned char>(text_[pos_]) & 0xC0) == 0x80) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  void Command(bool math) {
    size_t backslash = pos_;
    size_t start = ++pos_;  // after the backslash
    while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    if (pos_ == start && pos_ < text_.size()) ++pos_;  // a one-symbol command: \{ \% \,
    std::string_view name = text_.substr(start, pos_ - start);
    if (name.empty()) {
      Emit("\\");
      return;
    }
    if (IsFontCommand(name) || name == "frac" || name == "sqrt") {
      std::string_view arg = Argument();
      std::string_view den = name == "frac" ? Argument() : std::string_view();
      if (TooDeep()) {
        Emit(text_.substr(backslash, pos_ - backslash));
        return;
      }
      std::string rendered = Nested(arg, math);
      if (name == "sqrt") out_ += "√(" + rendered + ")";
      else if (name == "frac") out_ += "(" + rendered + ")/(" + Nested(den, math) + ")";
      else out_ += rendered;
      return;
    }
    const auto& symbols = TexSymbols();
    if (auto it = symbols.find(name); it != symbols.end()) {
      Emit(it->second);
      // A word command swallows the space after it in TeX; keep one so "\alpha x" reads "α x".
      return;
    }
    // Unknown: keep it as written, so a reader still sees what was meant.
    Emit("\\");
    Emit(name);
  }

  TexSource& source_;
  std::string_view text_;
  bool html_;
  int depth_;
  size_t pos_ = 0;
  size_t no_paren_close_from_ = std::string_view::npos;
  size_t no_bracket_close_from_ = std::string_view::npos;
  std::string out_;
};

std::string RenderTexText(std::string_view raw, bool html) {
  // Titles and abstracts are cleaned at ingest; records stored before that rule may still hold a
  // NUL or ill-formed UTF-8, which must not reach a page or a feed either.
  const std::string text = core::SanitisedText(raw, core::TextKind::kMultiline);
  TexSource source(text);
  return TexRenderer(source, text, html, 0).Run();
}

}  // namespace

Html RenderTex(std::string_view text) { return Html::Trusted(RenderTexText(text, true)); }

std::string TexToPlain(std::string_view text) { return RenderTexText(text, false); }

}  // namespace paperfeed::web
