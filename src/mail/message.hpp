// mail/message: builds one Internet message (RFC 5322) with a text and an HTML part (RFC 2045/2046),
// 7-bit clean and safe against header injection from any user-supplied text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace paperfeed::mail {

// An address with an optional display name ("paperfeed <digest@example.org>").
struct Mailbox {
  std::string display_name;  // UTF-8; may be empty
  std::string address;       // "local@domain", validated by NormaliseAddress
};

// Checks an address a person typed: one "local@domain" (the dot-atom form of RFC 5322 §3.4.1, which is
// what real mailboxes use), at most 254 octets (RFC 5321 §4.5.3.1), a domain with a dot or "localhost",
// no white space, no control characters. Returns it trimmed, with the domain lowercased.
core::Result<std::string> NormaliseAddress(std::string_view text);

// True when the text holds a CR or LF (or NUL): such text never goes into a header.
bool HasLineBreak(std::string_view text);

// A header value for unstructured text (Subject, display names): ASCII stays as it is, anything else
// becomes RFC 2047 "B" encoded-words of at most 75 characters that never split a UTF-8 character.
// Folding whitespace (CRLF SP) keeps each header line under 78 characters (RFC 5322 §2.1.1).
std::string EncodeUnstructured(std::string_view utf8, size_t first_line_used);

// "Fri, 21 Aug 2026 07:00:00 -0400" (RFC 5322 §3.3) for a Unix time and an offset in minutes.
std::string FormatDate(int64_t unix_seconds, int utc_offset_minutes);

// A fresh "<random.time@domain>" Message-ID (RFC 5322 §3.6.4).
std::string MakeMessageId(std::string_view domain);

// Quoted-printable (RFC 2045 §6.7): CRLF line ends, lines of at most 76 characters, `=` and every
// non-ASCII byte encoded, trailing white space protected. Input line ends may be LF or CRLF.
std::string EncodeQuotedPrintable(std::string_view text);
std::string DecodeQuotedPrintable(std::string_view text);  // for tests and previews

// A message as a person reads it, for `digest preview` on a terminal: From, To, Subject (RFC 2047
// encoded-words decoded) and Date, a blank line, then the text/plain part decoded from
// quoted-printable. The message must be one this module built.
std::string ReadableMessage(std::string_view message);

struct MessageSpec {
  Mailbox from;
  Mailbox to;
  std::string subject;
  int64_t date = 0;               // Unix seconds
  int utc_offset_minutes = 0;     // of the Date header
  std::string message_id;         // "<...@...>"; MakeMessageId when empty
  std::vector<std::pair<std::string, std::string>> extra_headers;  // ASCII only (List-Unsubscribe, ...)
  std::string text;               // text/plain part, UTF-8
  std::string html;               // text/html part, UTF-8; empty for a text-only message
};

// The whole message with CRLF line ends. Refuses (kInvalidInput) any header value holding a line
// break, and any address that does not validate, so that no user text can add a header.
core::Result<std::string> BuildMessage(const MessageSpec& spec);

// The value of the first header called `name` in a built message, unfolded (for tests and logs).
std::string HeaderValue(std::string_view message, std::string_view name);

}  // namespace paperfeed::mail
