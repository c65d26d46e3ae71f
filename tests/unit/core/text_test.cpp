#include "core/text.hpp"

#include <gtest/gtest.h>

namespace paperfeed::core {
namespace {

TEST(TextTest, NormaliseWhitespaceJoinsHardLineBreaks) {
  EXPECT_EQ(NormaliseWhitespace("  A fully differential\ncalculation  in\tQCD \n"), "A fully differential calculation in QCD");
  EXPECT_EQ(NormaliseWhitespace(" \n "), "");
  // Exactly the C locale's white space: \v and \f too, bytes of UTF-8 (here a no-break space) never.
  EXPECT_EQ(NormaliseWhitespace("a\v\fb\r\nc"), "a b c");
  EXPECT_EQ(NormaliseWhitespace("a\xC2\xA0" "b"), "a\xC2\xA0" "b");
  EXPECT_EQ(NormaliseWhitespace("x"), "x");
}

TEST(TextTest, FingerprintSeparatesFields) {
  Fingerprint a, b;
  a.Add("ab");
  a.Add("c");
  b.Add("a");
  b.Add("bc");
  EXPECT_NE(a.value(), b.value());
}

TEST(SanitiseTextTest, LeavesCleanTextAlone) {
  std::string text = "Diffusion models f\xC3\xBCr Bilder: \xCE\xB1 \xE2\x89\xA4 \xF0\x9F\x98\x80 (\xE2\x80\x8F ok)";
  EXPECT_FALSE(SanitiseText(text, TextKind::kLine));
  std::string abstract = "Line one.\nLine two.";
  EXPECT_FALSE(SanitiseText(abstract, TextKind::kMultiline));
}

TEST(SanitiseTextTest, ControlCharactersGoAndLineBreaksBecomeSpacesInALine) {
  EXPECT_EQ(SanitisedText(std::string("a\0b\x1B[31mc\x7F", 10), TextKind::kLine), "ab[31mc");
  EXPECT_EQ(SanitisedText("A fully\n  differential\tcalculation\r\n", TextKind::kLine),
            "A fully   differential calculation  ");
  EXPECT_EQ(SanitisedText("C1: \xC2\x85\xC2\x9B.", TextKind::kLine), "C1: .");
  EXPECT_EQ(SanitisedText("a\xE2\x80\xA8" "b", TextKind::kLine), "a b");
}

TEST(SanitiseTextTest, RunningTextKeepsItsLineBreaks) {
  EXPECT_EQ(SanitisedText("one\r\ntwo\rthree\n\tfour\x01", TextKind::kMultiline), "one\ntwo\nthree\n four");
  EXPECT_EQ(SanitisedText("a\xE2\x80\xA9" "b", TextKind::kMultiline), "a\nb");
}

TEST(SanitiseTextTest, BidiOverridesAndIsolatesAreRemoved) {
  // U+202E RIGHT-TO-LEFT OVERRIDE ... U+2066 LEFT-TO-RIGHT ISOLATE, U+2069 POP DIRECTIONAL ISOLATE
  EXPECT_EQ(SanitisedText("evil\xE2\x80\xAEgpj.exe\xE2\x81\xA6x\xE2\x81\xA9\xE2\x80\xAA", TextKind::kLine), "evilgpj.exex");
  EXPECT_EQ(SanitisedText("c\xE2\x80\xAD" "d", TextKind::kMultiline), "cd");
}

TEST(SanitiseTextTest, IllFormedUtf8BecomesOneReplacementCharacterPerMaximalSubpart) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(SanitisedText("a\xFF" "b", TextKind::kLine), "a" + fffd + "b");
  EXPECT_EQ(SanitisedText("\xC0\xAF", TextKind::kLine), fffd + fffd);           // overlong '/'
  EXPECT_EQ(SanitisedText("\xED\xA0\x80", TextKind::kLine), fffd + fffd + fffd);  // a surrogate
  EXPECT_EQ(SanitisedText("\xE2\x89", TextKind::kLine), fffd);                   // truncated at the end
  EXPECT_EQ(SanitisedText("\xE2\x89x", TextKind::kLine), fffd + "x");
  EXPECT_EQ(SanitisedText("\xF4\x90\x80\x80", TextKind::kLine), fffd + fffd + fffd + fffd);  // past U+10FFFF
  EXPECT_EQ(SanitisedText("\xEF\xBF\xBE", TextKind::kLine), fffd);              // U+FFFE is no XML character
}

TEST(SanitiseTextTest, IsIdempotent) {
  std::string hostile = std::string("x\0\xFF\xE2\x80\xAE\r\n\xC3", 9);
  for (auto kind : {TextKind::kLine, TextKind::kMultiline}) {
    std::string once = SanitisedText(hostile, kind);
    EXPECT_EQ(SanitisedText(once, kind), once);
  }
}

}  // namespace
}  // namespace paperfeed::core
