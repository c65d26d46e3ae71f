#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace paperfeed::core {
namespace {

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

TEST(CryptoTest, HmacSha256MatchesRfc4231TestCase2) {
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, Blake2b256MatchesKnownDigests) {
  EXPECT_EQ(Blake2b256Hex(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(Blake2b256Hex("abc"), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(CryptoTest, Sha256OfAFileMatchesFips180Example) {
  auto path = std::filesystem::temp_directory_path() / ("pf_crypto_" + RandomHex(8));
  { std::ofstream(path) << "abc"; }
  auto sha = Sha256FileHex(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(*sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto missing = Sha256FileHex(path.string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
  EXPECT_NE(missing.error().message.find(path.string()), std::string::npos);
}

TEST(CryptoTest, Base64FollowsRfc4648) {
  // RFC 4648 §10 test vectors, standard alphabet with padding.
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  // §5: '-' and '_' replace '+' and '/', no padding.
  EXPECT_EQ(Base64Encode("\xfb\xff\xbf"), "+/+/");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
}

TEST(CryptoTest, Base64UrlDecodeRoundTripsAndRefusesAnythingElse) {
  std::string bytes = RandomBytes(37), out = "untouched";
  ASSERT_TRUE(Base64UrlDecode(Base64UrlEncode(bytes), &out));
  EXPECT_EQ(out, bytes);
  out = "untouched";
  EXPECT_FALSE(Base64UrlDecode("+/+/", &out));   // the standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Zg==", &out));   // padding
  EXPECT_FALSE(Base64UrlDecode("Zm9v.", &out));  // trailing garbage
  EXPECT_EQ(out, "untouched");
}

TEST(CryptoTest, RandomValuesHaveTheirLengthAndDiffer) {
  EXPECT_EQ(RandomBytes(16).size(), 16u);
  std::string hex = RandomHex(12);
  EXPECT_EQ(hex.size(), 24u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
  std::string a = RandomToken(), b = RandomToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
}

TEST(CryptoTest, ConstantTimeEqualComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEqual("", ""));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
}

TEST(CryptoTest, PasswordsVerifyOnlyWithTheirOwnPassword) {
  auto hash = HashPassword("correct horse", PasswordCost::Minimum());
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct hors"));
  EXPECT_FALSE(PasswordNeedsRehash(*hash, PasswordCost::Minimum()));
  EXPECT_TRUE(PasswordNeedsRehash(*hash, PasswordCost::Interactive()));
}

}  // namespace
}  // namespace paperfeed::core
