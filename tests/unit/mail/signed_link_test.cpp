// mail/signed_link: tokens verify for their purpose, subscriber and address only, and expire.
#include "mail/signed_link.hpp"

#include <gtest/gtest.h>

namespace paperfeed::mail {
namespace {

TEST(LinkSignerTest, ATokenVerifiesForItsSubscriberAndPurpose) {
  LinkSigner signer("secret-key");
  std::string token = signer.Sign(LinkPurpose::kUnsubscribe, 42, "Ada@Example.org", 0);
  for (char c : token) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_');
  auto claims = LinkSigner::Parse(token, LinkPurpose::kUnsubscribe);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->subscriber_id, 42);
  EXPECT_TRUE(signer.Verify(token, *claims, "ada@example.org", 1'000'000'000).ok());
}

TEST(LinkSignerTest, RefusesAnotherPurposeAddressKeyOrTamperedId) {
  LinkSigner signer("secret-key");
  std::string token = signer.Sign(LinkPurpose::kPreferences, 42, "ada@example.org", 0);
  EXPECT_FALSE(LinkSigner::Parse(token, LinkPurpose::kUnsubscribe).ok());
  auto claims = LinkSigner::Parse(token, LinkPurpose::kPreferences).value();
  EXPECT_EQ(signer.Verify(token, claims, "eve@example.org", 0).error().code, core::ErrorCode::kUnauthorized);
  EXPECT_FALSE(LinkSigner("other-key").Verify(token, claims, "ada@example.org", 0).ok());
  std::string tampered = token;
  tampered.replace(2, 2, "43");
  auto forged = LinkSigner::Parse(tampered, LinkPurpose::kPreferences).value();
  EXPECT_EQ(forged.subscriber_id, 43);
  EXPECT_FALSE(signer.Verify(tampered, forged, "ada@example.org", 0).ok());
}

TEST(LinkSignerTest, ConfirmationLinksExpire) {
  LinkSigner signer("k");
  std::string token = signer.Sign(LinkPurpose::kConfirm, 7, "a@example.org", 1000);
  auto claims = LinkSigner::Parse(token, LinkPurpose::kConfirm).value();
  EXPECT_TRUE(signer.Verify(token, claims, "a@example.org", 1000).ok());
  EXPECT_EQ(signer.Verify(token, claims, "a@example.org", 1001).error().code, core::ErrorCode::kConflict);
}

TEST(LinkSignerTest, MalformedTokensAreInvalidInput) {
  for (const char* bad : {"", "u", "u.1", "u.1.0", "u.x.0.mac", "u.-1.0.mac", "x.1.0.mac", "uu.1.0.mac"}) {
    EXPECT_FALSE(LinkSigner::Parse(bad, LinkPurpose::kUnsubscribe).ok()) << bad;
  }
  EXPECT_FALSE(LinkSigner::Parse("u.1.0.!!!", LinkPurpose::kUnsubscribe).ok());
  EXPECT_FALSE(LinkSigner::Parse("u.1.0." + std::string(43, '!'), LinkPurpose::kUnsubscribe).ok());
}

TEST(LinkSignerTest, ExtraSegmentsAndNonCanonicalNumbersAreRefused) {
  LinkSigner signer("k");
  std::string token = signer.Sign(LinkPurpose::kConfirm, 7, "a@example.org", 1000);
  ASSERT_TRUE(LinkSigner::Parse(token, LinkPurpose::kConfirm).ok());
  const std::string mac = token.substr(token.rfind('.') + 1);
  // The MAC used to be read from the last dot, so a segment slipped in before it still confirmed.
  for (const std::string& bad : {std::string("c.7.1000.junk.") + mac, token + ".extra", token + ".",
                                 "c.07.1000." + mac, "c.7.01000." + mac, "c.7.1000." + mac + "=", "c.7.1000." + mac + "A"}) {
    EXPECT_FALSE(LinkSigner::Parse(bad, LinkPurpose::kConfirm).ok()) << bad;
  }
}

}  // namespace
}  // namespace paperfeed::mail
