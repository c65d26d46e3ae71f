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

TEST_F(CommentTextTest, TheLimitIsCountedInCharactersNotBytes) {
  std::string umlauts;
  for (size_t i = 0; i < kMaxCommentCharacters; ++i) umlauts += "\xC3\xBC";  // ü: two bytes, one character
  EXPECT_TRUE(AddComment(*accounts_, ada_, "2501.00001", umlauts, 1000).ok());
  auto over = AddComment(*accounts_, ada_, "2501.00001", umlauts + "x", 1000);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, core::ErrorCode::kInvalidInput);
  EXPECT_NE(over.error().message.find("5001"), std::string::npos) << over.error().message;
}

TEST_F(CommentTextTest, RepliesGoOneLevelDeepAndOnlyToVisibleCommentsOfThePaper) {
  auto top = AddComment(*accounts_, ada_, "2501.00001", "Top", 1000).value();
  auto reply = AddComment(*accounts_, ada_, "2501.00001", "Reply", 1001, top.id).value();
  EXPECT_EQ(reply.parent_id, top.id);
  // A reply to a reply joins the same top-level comment.
  auto deeper = AddComment(*accounts_, ada_, "2501.00001", "Reply to the reply", 1002, reply.id).value();
  EXPECT_EQ(deeper.parent_id, top.id);
  EXPECT_EQ(AddComment(*accounts_, ada_, "2501.00001", "x", 1003, 424242).error().code, core::ErrorCode::kNotFound);
  ASSERT_TRUE(DeleteComment(*accounts_, ada_, top.id, 1004).ok());
  EXPECT_EQ(AddComment(*accounts_, ada_, "2501.00001", "x", 1005, top.id).error().code, core::ErrorCode::kNotFound);
}

TEST_F(CommentTextTest, OnlyTheAuthorEditsOrDeletesAndAnEditIsCleanedLikeAComment) {
  store::NewUser other;
  other.name = "bob";
  Identity bob;
  bob.user = accounts_->CreateUser(other, 1).value();
  auto mine = AddComment(*accounts_, ada_, "2501.00001", "Mine", 1000).value();
  EXPECT_EQ(EditComment(*accounts_, bob, mine.id, "Bob's now", 1001).error().code, core::ErrorCode::kUnauthorized);
  EXPECT_EQ(DeleteComment(*accounts_, bob, mine.id, 1001).error().code, core::ErrorCode::kUnauthorized);
  auto edited = EditComment(*accounts_, ada_, mine.id, Bytes("  Better\0 now  "), 1002);
  ASSERT_TRUE(edited.ok()) << edited.error().message;
  EXPECT_EQ(edited->body, "Better now");
  EXPECT_EQ(edited->edited_at, 1002);
  EXPECT_EQ(EditComment(*accounts_, ada_, mine.id, "   ", 1003).error().code, core::ErrorCode::kInvalidInput);
  ASSERT_TRUE(DeleteComment(*accounts_, ada_, mine.id, 1004).ok());
  EXPECT_EQ(EditComment(*accounts_, ada_, mine.id, "again", 1005).error().code, core::ErrorCode::kNotFound);
  EXPECT_EQ(accounts_->CommentCounts({"2501.00001"}).value().count("2501.00001"), 0u);
}

}  // namespace
}  // namespace paperfeed::web
