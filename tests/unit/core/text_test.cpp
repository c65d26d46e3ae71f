#include "core/text.hpp"

#include <gtest/gtest.h>

namespace paperfeed::core {
namespace {

TEST(TextTest, NormaliseWhitespaceJoinsHardLineBreaks) {
  EXPECT_EQ(NormaliseWhitespace("  A fully differential\ncalculation  in\tQCD \n"), "A fully differential calculation in QCD");
  EXPECT_EQ(NormaliseWhitespace(" \n "), "");
}

TEST(TextTest, FingerprintSeparatesFields) {
  Fingerprint a, b;
  a.Add("ab");
  a.Add("c");
  b.Add("a");
  b.Add("bc");
  EXPECT_NE(a.value(), b.value());
}

}  // namespace
}  // namespace paperfeed::core
