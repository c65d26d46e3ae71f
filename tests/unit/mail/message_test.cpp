// mail/message: addresses, RFC 2047 subjects, quoted-printable, the multipart layout, header injection.
#include "mail/message.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "smtp_sink.hpp"

namespace paperfeed::mail {
namespace {

MessageSpec Spec() {
  MessageSpec spec;
  spec.from = {"paperfeed", "digest@example.org"};
  spec.to = {"", "ada@example.org"};
  spec.subject = "Your daily papers";
  spec.date = 1787223600;  // 2026-08-20T11:00:00Z
  spec.utc_offset_minutes = -240;
  spec.message_id = "<abc.1@example.org>";
  spec.text = "Hello\n";
  spec.html = "<p>Hello</p>";
  return spec;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return out;
}

TEST(NormaliseAddressTest, AcceptsOrdinaryAddressesAndLowercasesTheDomain) {
  EXPECT_EQ(NormaliseAddress("  Ada.Lovelace+papers@Example.ORG ").value(), "Ada.Lovelace+papers@example.org");
  EXPECT_EQ(NormaliseAddress("root@localhost").value(), "root@localhost");
}

TEST(NormaliseAddressTest, RefusesWhatCouldBreakAHeaderOrIsNotAnAddress) {
  for (const char* bad : {"", "ada", "ada@", "@example.org", "a@b@example.org", "ada@example", "ada@exa mple.org",
                          "ada@example.org\r\nBcc: x@y.org", "ada\n@example.org", "a..b@example.org",
                          ".a@example.org", "ada@-.org..", "\"ada\"@example.org", "adä@example.org"}) {
    EXPECT_FALSE(NormaliseAddress(bad).ok()) << bad;
  }
  EXPECT_FALSE(NormaliseAddress(std::string(65, 'a') + "@example.org").ok());
}

TEST(EncodeUnstructuredTest, LeavesAsciiAloneAndEncodesUtf8AsBWords) {
  EXPECT_EQ(EncodeUnstructured("Daily papers", 9), "Daily papers");
  std::string encoded = EncodeUnstructured("Die Schönheit", 9);
  EXPECT_EQ(encoded, "=?UTF-8?B?" + core::Base64Encode("Die Schönheit") + "?=");
}

TEST(EncodeUnstructuredTest, LongUtf8SubjectsBecomeShortWordsThatNeverSplitACharacter) {
  std::string subject;
  for (int i = 0; i < 40; ++i) subject += "Übersicht ";  // 11 bytes each, 2-byte Ü
  std::string encoded = EncodeUnstructured(subject, 9);
  std::string decoded;
  size_t pos = 0;
  while ((pos = encoded.find("=?UTF-8?B?", pos)) != std::string::npos) {
    size_t end = encoded.find("?=", pos + 10);
    EXPECT_LE(end + 2 - pos, 75u) << "RFC 2047 limits an encoded-word to 75 characters";
    std::string b64 = encoded.substr(pos + 10, end - pos - 10);
    // Standard base64 -> base64url without padding for the decoder we have.
    for (auto& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    std::string chunk;
    ASSERT_TRUE(core::Base64UrlDecode(b64, &chunk));
    // Each word decodes to whole UTF-8 characters: it never ends on a lead byte.
    ASSERT_FALSE(chunk.empty());
    EXPECT_NE(static_cast<unsigned char>(chunk.back()), 0xC3);
    decoded += chunk;
    pos = end + 2;
  }
  EXPECT_EQ(decoded, subject);
  for (const auto& line : Lines("Subject: " + encoded)) EXPECT_LE(line.size(), 78u) << line;
}

TEST(QuotedPrintableTest, RoundTripsAndKeepsLinesShort) {
  std::string text = "naïve café — " + std::string(200, 'x') + " \nend with space \n.leading dot\nFrom me\n";
  std::string qp = EncodeQuotedPrintable(text);
  for (const auto& line : Lines(qp)) {
    EXPECT_LE(line.size(), 76u);
    EXPECT_TRUE(line.empty() || (line.back() != ' ' && line.back() != '\t')) << "trailing white space: " << line;
    EXPECT_NE(line.rfind(".", 0), 0u) << "a line starting with a dot";
  }
  for (unsigned char c : qp) EXPECT_LT(c, 0x80);
  std::string expected = text;
  std::string crlf;
  for (char c : expected) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(DecodeQuotedPrintable(qp), crlf);
}

TEST(FormatDateTest, WritesRfc5322DatesWithTheOffset) {
  EXPECT_EQ(FormatDate(1787223600, -240), "Thu, 20 Aug 2026 07:00:00 -0400");
  EXPECT_EQ(FormatDate(0, 0), "Thu, 1 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(FormatDate(0, 330), "Thu, 1 Jan 1970 05:30:00 +0530");
}

TEST(BuildMessageTest, WritesTheRequiredHeadersAndBothPartsWithCrlf) {
  auto spec = Spec();
  spec.extra_headers = {{"List-Unsubscribe", "<https://x.test/unsubscribe?token=u.1.0.abc>"},
                        {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}};
  auto built = BuildMessage(spec);
  ASSERT_TRUE(built.ok()) << built.error().message;
  const std::string& m = *built;
  EXPECT_EQ(HeaderValue(m, "Date"), "Thu, 20 Aug 2026 07:00:00 -0400");
  EXPECT_EQ(HeaderValue(m, "From"), "paperfeed <digest@example.org>");
  EXPECT_EQ(HeaderValue(m, "To"), "ada@example.org");
  EXPECT_EQ(HeaderValue(m, "Subject"), "Your daily papers");
  EXPECT_EQ(HeaderValue(m, "Message-ID"), "<abc.1@example.org>");
  EXPECT_EQ(HeaderValue(m, "MIME-Version"), "1.0");
  EXPECT_EQ(HeaderValue(m, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  EXPECT_NE(HeaderValue(m, "Content-Type").find("multipart/alternative"), std::string::npos);
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_TRUE(i > 0 && m[i - 1] == '\r') << "bare LF at " << i;
    }
    ASSERT_LT(static_cast<unsigned char>(m[i]), 0x80) << "8-bit byte at " << i;
  }
  for (const auto& line : Lines(m)) EXPECT_LE(line.size(), 998u);
  auto parsed = testing::ParseReceived("", m);
  EXPECT_EQ(parsed.text, "Hello\r\n");
  EXPECT_EQ(parsed.html, "<p>Hello</p>");
}

TEST(BuildMessageTest, RefusesLineBreaksInAnyHeaderValue) {
  auto subject = Spec();
  subject.subject = "Hi\r\nBcc: victim@example.org";
  EXPECT_EQ(BuildMessage(subject).error().code, core::ErrorCode::kInvalidInput);
  auto lf = Spec();
  lf.subject = "Hi\nBcc: victim@example.org";
  EXPECT_FALSE(BuildMessage(lf).ok());
  auto name = Spec();
  name.to.display_name = "Ada\rBcc: x@example.org";
  EXPECT_FALSE(BuildMessage(name).ok());
  auto address = Spec();
  address.to.address = "ada@example.org\r\nBcc: x@example.org";
  EXPECT_FALSE(BuildMessage(address).ok());
  auto header = Spec();
  header.extra_headers = {{"List-Unsubscribe", "<https://x.test/>\r\nBcc: x@example.org"}};
  EXPECT_FALSE(BuildMessage(header).ok());
}

TEST(BuildMessageTest, QuotesOrEncodesDisplayNames) {
  auto spec = Spec();
  spec.from.display_name = "Papers, \"daily\"";
  auto m = BuildMessage(spec);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(HeaderValue(*m, "From"), "\"Papers, \\\"daily\\\"\" <digest@example.org>");
  spec.from.display_name = "Статьи";
  m = BuildMessage(spec);
  EXPECT_EQ(HeaderValue(*m, "From"), "=?UTF-8?B?" + core::Base64Encode("Статьи") + "?= <digest@example.org>");
}

TEST(BuildMessageTest, MakesAFreshMessageIdWhenNoneIsGiven) {
  auto spec = Spec();
  spec.message_id.clear();
  std::string a = HeaderValue(BuildMessage(spec).value(), "Message-ID");
  std::string b = HeaderValue(BuildMessage(spec).value(), "Message-ID");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.front(), '<');
  EXPECT_NE(a.find("@example.org>"), std::string::npos);
}

}  // namespace
}  // namespace paperfeed::mail
