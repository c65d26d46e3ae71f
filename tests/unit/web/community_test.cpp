// web/community: comments keep what people wrote and lose what no page should echo (NUL, ESC,
// bidi overrides, ill-formed UTF-8).
#include "web/community.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"
#include "web/html.hpp"

namespace paperfeed::web {
namespace {

// A string literal with its NUL bytes.
template <size_t N>
std::string Bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

class CommentTextTest : public testing::CatalogueTest {
 protected:
  void SetUp() override {
    CatalogueTest::SetUp();
    accounts_ = std::make_unique<store::AccountStore>(catalogue_->database());
    core::Paper p;
    p.id = "2501.00001";
    p.latest_version = 1;
    p.title = "Known paper";
    p.primary_category = "cs.LG";
    p.categories = {"cs.LG"};
    p.published = p.updated = "2025-01-01T00:00:00Z";
    ASSERT_TRUE(catalogue_->UpsertPaper(p).ok());
    store::NewUser user;
    user.name = "ada";
    user.display_name = "Ada";
    ada_.user = accounts_->CreateUser(user, 1).value();
  }
  std::unique_ptr<store::AccountStore> accounts_;
  Identity ada_;
};

TEST_F(CommentTextTest, CommentsLoseControlsBidiOverridesAndIllFormedUtf8AndKeepLineBreaks) {
  std::string body = Bytes("Nul\0 esc\x1B[2J rlo\xE2\x80\xAE" "fdp.exe bad\xFF\r\nsecond line\tend");
  auto comment = AddComment(*accounts_, ada_, "2501.00001", body, 1000);
  ASSERT_TRUE(comment.ok()) << comment.error().message;
  EXPECT_EQ(comment->body, "Nul esc[2J rlofdp.exe bad\xEF\xBF\xBD\nsecond line end");
  auto stored = accounts_->CommentsForPaper("2501.00001", false).value();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].body, comment->body);
}

TEST_F(CommentTextTest, ACommentOfOnlyControlCharactersIsEmpty) {
  auto comment = AddComment(*accounts_, ada_, "2501.00001", Bytes("\0\x01\xE2\x80\xAE"), 1000);
  ASSERT_FALSE(comment.ok());
  EXPECT_EQ(comment.error().code, core::ErrorCode::kInvalidInput);
}

TEST(TextParagraphsTest, CleansEscapesAndSplitsParagraphs) {
  // Comments stored before the rule are cleaned where they are shown.
  EXPECT_EQ(TextParagraphs(Bytes("a\0<b>\r\nc\xE2\x80\xAE\n\n \nd\xFF")).str(),
            "<p>a&lt;b&gt;<br>c</p><p>d\xEF\xBF\xBD</p>");
  EXPECT_EQ(TextParagraphs("").str(), "");
}

}  // namespace
}  // namespace paperfeed::web
