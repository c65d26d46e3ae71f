// web/html: TeX rendering of hostile input (deep nesting, unclosed groups and spans).
#include "web/html.hpp"

#include <gtest/gtest.h>

#include <string>

namespace paperfeed::web {
namespace {

size_t Count(std::string_view text, std::string_view what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

std::string NestedSuperscripts(size_t levels) {
  std::string tex = "$";
  for (size_t i = 0; i < levels; ++i) tex += "^{";
  tex += "x";
  tex.append(levels, '}');
  tex += "$";
  return tex;
}

// A Hugging Face summary of 60,000 nested "^{" (360 KB) overflowed the stack of every page showing it.
TEST(TexRenderTest, SixtyThousandNestedSuperscriptsRenderWithinTheNestingLimit) {
  std::string tex = NestedSuperscripts(60'000);
  std::string html = RenderTex(tex).str();
  // 32 levels in all: the text, the span, 30 superscripts; the rest is its escaped source, as written.
  EXPECT_EQ(Count(html, "<sup>"), 30u);
  EXPECT_EQ(Count(html, "</sup>"), 30u);
  EXPECT_EQ(html.rfind("<span class=\"tex\">", 0), 0u);
  EXPECT_TRUE(html.ends_with("</sup></span>"));
  EXPECT_EQ(Count(html, "^{"), 60'000u - 30u);
  EXPECT_LT(html.size(), tex.size() + 1000);
  std::string plain = TexToPlain(tex);
  EXPECT_EQ(plain.size(), tex.size() - 2 - 2 * 30);  // the dollars and the rendered levels' braces go
}

TEST(TexRenderTest, TenThousandNestedSuperscriptsRenderWithinTheNestingLimit) {
  std::string html = RenderTex(NestedSuperscripts(10'000)).str();
  EXPECT_EQ(Count(html, "<sup>"), 30u);
  EXPECT_EQ(Count(html, "</sup>"), 30u);
  EXPECT_EQ(Count(html, "^{"), 10'000u - 30u);
}

TEST(TexRenderTest, NestingBelowTheLimitRendersFully) {
  EXPECT_EQ(RenderTex("$a^{b^{c_{d}}}$").str(), "<span class=\"tex\">a<sup>b<sup>c<sub>d</sub></sup></sup></span>");
  EXPECT_EQ(RenderTex("$x^{a{b}c}y$").str(), "<span class=\"tex\">x<sup>abc</sup>y</span>");
  EXPECT_EQ(RenderTex("\\textbf{bold $\\alpha^2$} \\frac{a}{b}").str(),
            "bold <span class=\"tex\">α<sup>2</sup></span> (a)/(b)");
}

TEST(TexRenderTest, DeepFontCommandsInTextModeStopAtTheLimit) {
  std::string tex;
  for (int i = 0; i < 50'000; ++i) tex += "\\textbf{";
  tex += "<x>";
  std::string html = RenderTex(tex).str();
  EXPECT_EQ(Count(html, "<x>"), 0u);
  EXPECT_EQ(Count(html, "&lt;x&gt;"), 1u);
  EXPECT_EQ(Count(html, "\\textbf{"), 50'000u - 31u);
}

TEST(TexRenderTest, UnclosedGroupsAndSpansStayWellFormed) {
  EXPECT_EQ(RenderTex("$x^{<b>$ rest").str(), "<span class=\"tex\">x<sup>&lt;b&gt;</sup></span> rest");
  EXPECT_EQ(RenderTex("\\( a \\( b").str(), "\\( a \\( b");
  std::string many;
  for (int i = 0; i < 100'000; ++i) many += "\\(";
  EXPECT_EQ(RenderTex(many).str(), many);
  EXPECT_EQ(RenderTex("}}}$}}^}$").str(), "}}}<span class=\"tex\"><sup></sup></span>");
}

}  // namespace
}  // namespace paperfeed::web
