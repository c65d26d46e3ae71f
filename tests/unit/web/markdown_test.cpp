// web/markdown: comments as a Markdown subset, raw HTML never interpreted, links nofollow ugc,
// TeX readable.
#include "web/markdown.hpp"

#include <gtest/gtest.h>

#include <string>

namespace paperfeed::web {
namespace {

std::string Md(std::string_view text) { return RenderCommentMarkdown(text).str(); }

TEST(CommentMarkdownTest, RendersTheCommonSubset) {
  EXPECT_EQ(Md("*nice* and **bold** with `code`"),
            "<p><em>nice</em> and <strong>bold</strong> with <code>code</code></p>");
  EXPECT_EQ(Md("- one\n- two"), "<ul><li>one</li><li>two</li></ul>");
  EXPECT_EQ(Md("3. three\n4. four"), "<ol start=\"3\"><li>three</li><li>four</li></ol>");
  EXPECT_EQ(Md("> quoted"), "<blockquote><p>quoted</p></blockquote>");
  EXPECT_EQ(Md("```\nx < y\n```"), "<pre><code>x &lt; y\n</code></pre>");
  EXPECT_EQ(Md("# Big"), "<p><strong>Big</strong></p>");  // no headings inside a comment
  EXPECT_EQ(Md("First line\nsecond line\n\nNew paragraph"), "<p>First line<br>second line</p><p>New paragraph</p>");
}

TEST(CommentMarkdownTest, RawHtmlIsShownAsTypedNeverInterpreted) {
  std::string html = Md("Nice.\n<script>alert(1)</script>\"><img src=x onerror=alert(1)>");
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << html;
  EXPECT_EQ(Md("a <b onclick=x>b</b>"), "<p>a &lt;b onclick=x&gt;b&lt;/b&gt;</p>");
}

TEST(CommentMarkdownTest, LinksAreCheckedAndMarkedNofollowUgc) {
  EXPECT_EQ(Md("[the code](https://github.com/x/y)"),
            "<p><a href=\"https://github.com/x/y\" rel=\"nofollow ugc noopener\">the code</a></p>");
  EXPECT_EQ(Md("[see](/papers/2501.00001)"),
            "<p><a href=\"/papers/2501.00001\" rel=\"nofollow ugc noopener\">see</a></p>");
  EXPECT_EQ(Md("[x](javascript:alert(1))"), "<p><a href=\"#\" rel=\"nofollow ugc noopener\">x</a></p>");
  EXPECT_EQ(Md("[x](//evil.example/)"), "<p><a href=\"#\" rel=\"nofollow ugc noopener\">x</a></p>");
  // Bare URLs become links; trailing punctuation stays outside.
  EXPECT_EQ(Md("See https://arxiv.org/abs/2501.00001."),
            "<p>See <a href=\"https://arxiv.org/abs/2501.00001\" rel=\"nofollow ugc noopener\">"
            "https://arxiv.org/abs/2501.00001</a>.</p>");
  // Images load nothing: they become links, and a link inside a link stays one link.
  EXPECT_EQ(Md("![a plot](https://example.org/p.png)"),
            "<p><a href=\"https://example.org/p.png\" rel=\"nofollow ugc noopener\">a plot</a></p>");
  EXPECT_EQ(Md("[![i](https://a.example/i.png)](https://b.example/)"),
            "<p><a href=\"https://b.example/\" rel=\"nofollow ugc noopener\">i</a></p>");
  EXPECT_EQ(Md("[q](https://x.example/?a=\"b\")").find("\"b\""), std::string::npos);
}

TEST(CommentMarkdownTest, InlineTexStaysReadableAndIsNotReadAsEmphasis) {
  std::string html = Md("The bound $a_1 * b_2 \\leq \\alpha$ holds.");
  EXPECT_NE(html.find("<span class=\"tex\">"), std::string::npos) << html;
  EXPECT_NE(html.find("≤ α"), std::string::npos) << html;
  EXPECT_EQ(html.find("<em>"), std::string::npos) << html;
  // Money is not TeX, and TeX in code stays as typed.
  EXPECT_EQ(Md("costs $5 and $6"), "<p>costs $5 and $6</p>");
  EXPECT_EQ(Md("`$x_1$`"), "<p><code>$x_1$</code></p>");
  // Nobody can forge the private placeholders the TeX spans travel as.
  EXPECT_EQ(Md("\xEE\x80\x80" "0\xEE\x80\x81 $x$").find("\xEE\x80"), std::string::npos);
}

TEST(CommentMarkdownTest, HostileBytesAreCleanedAndDeepNestingIsFine) {
  std::string html = Md(std::string("a\0b\xE2\x80\xAE" "c\xFF", 8));
  EXPECT_EQ(html.find('\0'), std::string::npos);
  EXPECT_EQ(html.find("\xE2\x80\xAE"), std::string::npos);
  std::string deep(5000, '>');
  EXPECT_FALSE(Md(deep + " x").empty());
  std::string brackets(2000, '[');
  EXPECT_FALSE(Md(brackets + "x").empty());
}

}  // namespace
}  // namespace paperfeed::web
