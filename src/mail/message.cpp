#include "mail/message.hpp"

#include <array>
#include <cctype>
#include <ctime>

#include "mail/crypto.hpp"

namespace paperfeed::mail {
namespace {

using core::ErrorCode;
using core::MakeError;

constexpr size_t kMaxHeaderLine = 78;   // RFC 5322 §2.1.1 "SHOULD"
constexpr size_t kMaxEncodedWord = 75;  // RFC 2047 §2
constexpr size_t kMaxQpLine = 76;       // RFC 2045 §6.7 rule 5

bool IsAscii(std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

// atext of RFC 5322 §3.2.3.
bool IsAtext(unsigned char c) {
  if (std::isalnum(c)) return true;
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
  return kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsDotAtom(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  char prev = 0;
  for (char c : text) {
    if (c == '.') {
      if (prev == '.') return false;
    } else if (!IsAtext(static_cast<unsigned char>(c))) {
      return false;
    }
    prev = c;
  }
  return true;
}

// Length of the UTF-8 sequence that starts with `lead` (1 for a stray continuation byte, so that
// malformed input still advances).
size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// A display name as a phrase: atoms as they are, else a quoted-string, else encoded-words.
std::string EncodeDisplayName(std::string_view name, size_t used) {
  if (!IsAscii(name)) return EncodeUnstructured(name, used);
  bool atoms = !name.empty();
  for (char c : name) {
    if (c != ' ' && !IsAtext(static_cast<unsigned char>(c))) atoms = false;
  }
  if (atoms) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string FormatMailbox(const Mailbox& box, size_t used) {
  if (box.display_name.empty()) return box.address;
  return EncodeDisplayName(box.display_name, used) + " <" + box.address + ">";
}

// Folds an ASCII header value at spaces so that lines stay under kMaxHeaderLine where possible.
std::string FoldAscii(std::string_view value, size_t used) {
  std::string out;
  size_t line = used;
  size_t start = 0;
  while (start < value.size()) {
    size_t space = value.find(' ', start + 1);
    if (space == std::string_view::npos) space = value.size();
    std::string_view word = value.substr(start, space - start);  // includes its leading space
    if (line + word.size() > kMaxHeaderLine && !out.empty() && word.front() == ' ') {
      out += "\r\n";
      line = 0;
    }
    out += word;
    line += word.size();
    start = space;
  }
  return out;
}

void AppendHeader(std::string& out, std::string_view name, std::string_view value_already_encoded) {
  out += name;
  out += ": ";
  out += value_already_encoded;
  out += "\r\n";
}

std::string NormaliseLineEnds(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

core::Result<std::string> NormaliseAddress(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  auto invalid = [&](const std::string& why) {
    return MakeError(ErrorCode::kInvalidInput,
                     "'" + std::string(text.substr(0, 80)) + "' is not an email address: " + why);
  };
  if (text.empty()) return invalid("it is empty");
  if (text.size() > 254) return invalid("it is longer than 254 characters");
  for (unsigned char c : text) {
    if (c < 0x21 || c == 0x7f) return invalid("it contains white space or control characters");
    if (c >= 0x80) return invalid("use the ASCII form of the address");
  }
  size_t at = text.rfind('@');
  if (at == std::string_view::npos || text.find('@') != at) return invalid("it needs exactly one '@'");
  std::string_view local = text.substr(0, at);
  std::string domain(text.substr(at + 1));
  if (local.empty() || local.size() > 64) return invalid("the part before '@' must be 1 to 64 characters");
  if (!IsDotAtom(local)) return invalid("the part before '@' has characters mail servers refuse");
  for (auto& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string::npos)
    return invalid("the domain is malformed");
  for (char c : domain) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return invalid("the domain is malformed");
  }
  if (domain.find('.') == std::string::npos && domain != "localhost") return invalid("the domain needs a dot");
  return std::string(local) + "@" + domain;
}

bool HasLineBreak(std::string_view text) { return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos; }

std::string EncodeUnstructured(std::string_view utf8, size_t first_line_used) {
  if (IsAscii(utf8)) return FoldAscii(utf8, first_line_used);
  // RFC 2047 §5(3): each encoded-word stands alone, holds whole characters and is at most 75
  // characters long; words are sized to the room left on the line.
  constexpr std::string_view kPrefix = "=?UTF-8?B?";
  constexpr size_t kOverhead = kPrefix.size() + 2;  // "=?UTF-8?B?" ... "?="
  std::string out;
  size_t line = first_line_used;
  size_t i = 0;
  while (i < utf8.size()) {
    size_t separator = out.empty() ? 0 : 1;
    // Bytes that fit in the room left on this line, as whole base64 quanta, at most 75 per word.
    auto fits = [&](size_t used) {
      size_t room = kMaxHeaderLine > used + separator + kOverhead ? kMaxHeaderLine - used - separator - kOverhead : 0;
      room = std::min(room, kMaxEncodedWord - kOverhead);
      return room / 4 * 3;
    };
    size_t budget = fits(line);
    size_t first_char = Utf8Length(static_cast<unsigned char>(utf8[i]));
    if (budget < first_char && !out.empty()) {
      out += "\r\n";  // fold; the separator below becomes the continuation line's leading space
      line = 0;
      budget = fits(line);
    }
    size_t end = i;
    while (end < utf8.size()) {
      size_t len = Utf8Length(static_cast<unsigned char>(utf8[end]));
      if (end + len - i > budget) break;
      end += len;
    }
    if (end == i) end = std::min(utf8.size(), i + first_char);
    std::string word = std::string(kPrefix) + Base64Encode(utf8.substr(i, end - i)) + "?=";
    // Whitespace between adjacent encoded-words is dropped by decoders (RFC 2047 §6.2).
    if (!out.empty()) {
      out += ' ';
      ++line;
    }
    out += word;
    line += word.size();
    i = end;
  }
  return out;
}

std::string FormatDate(int64_t unix_seconds, int utc_offset_minutes) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t local = static_cast<std::time_t>(unix_seconds + int64_t{utc_offset_minutes} * 60);
  std::tm tm{};
  gmtime_r(&local, &tm);
  int offset = utc_offset_minutes;
  char sign = offset < 0 ? '-' : '+';
  if (offset < 0) offset = -offset;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %d %s %04d %02d:%02d:%02d %c%02d%02d", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, offset / 60,
                offset % 60);
  return buf;
}

std::string MakeMessageId(std::string_view domain) {
  return "<" + RandomHex(12) + "." + std::to_string(std::time(nullptr)) + "@" +
         std::string(domain.empty() ? "paperfeed.invalid" : domain) + ">";
}

std::string EncodeQuotedPrintable(std::string_view input) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string text = NormaliseLineEnds(input);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  size_t line = 0;
  auto emit = [&](std::string_view piece) {
    // Soft line break (rule 5) before a piece that would pass 76 characters with its "=".
    if (line + piece.size() > kMaxQpLine - 1) {
      out += "=\r\n";
      line = 0;
    }
    out += piece;
    line += piece.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      out += "\r\n";
      line = 0;
      ++i;
      continue;
    }
    bool at_line_end = i + 1 == text.size() || text[i + 1] == '\r';
    // Rule 3: white space before a line end would be lost in transport; encode it. A leading "."
    // and "From " are encoded too, so that neither SMTP dot-stuffing nor mbox quoting touches them.
    bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    if (literal && line == 0 && c == '.') literal = false;
    if (literal && line == 0 && c == 'F' && text.compare(i, 5, "From ") == 0) literal = false;
    if (literal) {
      char ch = static_cast<char>(c);
      emit(std::string_view(&ch, 1));
    } else {
      char enc[3] = {'=', kHex[c >> 4], kHex[c & 15]};
      emit(std::string_view(enc, 3));
    }
  }
  return out;
}

std::string DecodeQuotedPrintable(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
      continue;
    }
    if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
      i += 2;
    } else if (i + 1 < text.size() && text[i + 1] == '\n') {
      i += 1;
    } else if (i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += '=';
    }
  }
  return out;
}

core::Result<std::string> BuildMessage(const MessageSpec& spec) {
  auto refuse = [](const std::string& what) {
    return MakeError(ErrorCode::kInvalidInput, what + " contains a line break; refusing to build the message");
  };
  for (const auto* box : {&spec.from, &spec.to}) {
    if (HasLineBreak(box->display_name)) return refuse("a display name");
    auto ok = NormaliseAddress(box->address);
    if (!ok) return ok.error();
    // What was validated is exactly what goes on the wire: callers pass normalised addresses.
    if (*ok != box->address)
      return MakeError(ErrorCode::kInvalidInput, "address '" + box->address + "' is not normalised (expected '" + *ok + "')");
  }
  if (HasLineBreak(spec.subject)) return refuse("the subject");
  if (HasLineBreak(spec.message_id) || spec.message_id.find(' ') != std::string::npos)
    return refuse("the Message-ID");
  for (const auto& [name, value] : spec.extra_headers) {
    if (HasLineBreak(name) || HasLineBreak(value)) return refuse("header " + name);
    if (name.empty() || name.find(':') != std::string::npos || !IsAscii(name) || !IsAscii(value))
      return MakeError(ErrorCode::kInvalidInput, "header '" + name + "' must be ASCII without ':' in its name");
  }
  std::string domain = spec.from.address.substr(spec.from.address.rfind('@') + 1);
  std::string message_id = spec.message_id.empty() ? MakeMessageId(domain) : spec.message_id;

  std::string out;
  out.reserve(spec.text.size() + spec.html.size() + 2048);
  AppendHeader(out, "Date", FormatDate(spec.date, spec.utc_offset_minutes));
  AppendHeader(out, "From", FormatMailbox(spec.from, 6));
  AppendHeader(out, "To", FormatMailbox(spec.to, 4));
  AppendHeader(out, "Subject", EncodeUnstructured(spec.subject, 9));
  AppendHeader(out, "Message-ID", message_id);
  for (const auto& [name, value] : spec.extra_headers) AppendHeader(out, name, FoldAscii(value, name.size() + 2));
  AppendHeader(out, "MIME-Version", "1.0");
  if (spec.html.empty()) {
    AppendHeader(out, "Content-Type", "text/plain; charset=UTF-8");
    AppendHeader(out, "Content-Transfer-Encoding", "quoted-printable");
    out += "\r\n";
    out += EncodeQuotedPrintable(spec.text);
    out += "\r\n";
    return out;
  }
  // "=_" can never occur in quoted-printable output, so this boundary cannot collide with a body
  // (RFC 2045 §6.7, note 8; RFC 2046 §5.1.1).
  std::string boundary = "=_pf_" + RandomHex(12);
  AppendHeader(out, "Content-Type", "multipart/alternative;\r\n boundary=\"" + boundary + "\"");
  out += "\r\nThis is a multi-part message in MIME format.\r\n";
  // RFC 2046 §5.1.4: the last part is the preferred one, so plain text comes first.
  for (int part = 0; part < 2; ++part) {
    out += "\r\n--" + boundary + "\r\n";
    out += part == 0 ? "Content-Type: text/plain; charset=UTF-8\r\n" : "Content-Type: text/html; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += EncodeQuotedPrintable(part == 0 ? spec.text : spec.html);
  }
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

std::string HeaderValue(std::string_view message, std::string_view name) {
  size_t pos = 0;
  while (pos < message.size()) {
    size_t end = message.find("\r\n", pos);
    if (end == std::string_view::npos) end = message.size();
    std::string_view line = message.substr(pos, end - pos);
    if (line.empty()) break;  // end of the header section
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && colon == name.size()) {
      bool same = true;
      for (size_t i = 0; i < colon; ++i) {
        if (std::tolower(static_cast<unsigned char>(line[i])) != std::tolower(static_cast<unsigned char>(name[i])))
          same = false;
      }
      if (same) {
        std::string value(line.substr(colon + 1));
        // Unfold continuation lines (RFC 5322 §2.2.3).
        size_t next = end + 2;
        while (next < message.size() && (message[next] == ' ' || message[next] == '\t')) {
          size_t e = message.find("\r\n", next);
          if (e == std::string_view::npos) e = message.size();
          value += message.substr(next, e - next);
          next = e + 2;
        }
        size_t first = value.find_first_not_of(" \t");
        return first == std::string::npos ? "" : value.substr(first);
      }
    }
    pos = end + 2;
  }
  return "";
}

namespace {

// Decodes the "=?UTF-8?B?...?=" words EncodeUnstructured writes; white space between two encoded
// words is dropped (RFC 2047 §6.2), other text is kept.
std::string DecodeEncodedWords(std::string_view value) {
  std::string out;
  bool previous_was_word = false;
  size_t i = 0;
  while (i < value.size()) {
    const size_t start = value.find("=?", i);
    const size_t open_text = start == std::string_view::npos ? value.size() : start;
    std::string_view between = value.substr(i, open_text - i);
    const bool only_space = between.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (!(previous_was_word && only_space && start != std::string_view::npos)) out.append(between);
    if (start == std::string_view::npos) break;
    const size_t end = value.find("?=", start + 2);
    std::string_view word = value.substr(start, end == std::string_view::npos ? std::string_view::npos : end + 2 - start);
    std::string decoded;
    constexpr std::string_view kB = "=?UTF-8?B?";
    if (end != std::string_view::npos && word.size() > kB.size() + 2 && word.substr(0, kB.size()) == kB &&
        Base64Decode(word.substr(kB.size(), word.size() - kB.size() - 2), &decoded)) {
      out += decoded;
      previous_was_word = true;
    } else {
      out.append(word);
      previous_was_word = false;
    }
    i = start + word.size();
  }
  return out;
}

// The body of the text/plain part (or of the whole message when it has one part).
std::string_view TextPlainBody(std::string_view message) {
  const size_t part = message.find("Content-Type: text/plain");
  if (part == std::string_view::npos) return {};
  size_t body = message.find("\r\n\r\n", part);
  if (body == std::string_view::npos) return {};
  body += 4;
  size_t end = message.find("\r\n--=_pf_", body);
  if (end == std::string_view::npos) end = message.size();
  return message.substr(body, end - body);
}

}  // namespace

std::string ReadableMessage(std::string_view message) {
  std::string out;
  for (const char* name : {"From", "To", "Subject", "Date"}) {
    std::string value = HeaderValue(message, name);
    const size_t first = value.find_first_not_of(' ');
    value.erase(0, first == std::string::npos ? value.size() : first);
    out += std::string(name) + ": " + DecodeEncodedWords(value) + "\n";
  }
  out += "\n";
  std::string text = DecodeQuotedPrintable(TextPlainBody(message));
  for (size_t at; (at = text.find("\r\n")) != std::string::npos;) text.replace(at, 2, "\n");
  out += text;
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

}  // namespace paperfeed::mail
