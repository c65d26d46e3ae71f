#include "ingest/hf_python_repr.hpp"

#include <cstdint>

namespace paperfeed::ingest {
namespace {

// Deep enough for any real entry (Hugging Face's nest 4 levels), shallow enough that hostile
// input cannot exhaust the stack of this recursive reader.
constexpr int kMaxDepth = 64;

class Converter {
 public:
  explicit Converter(std::string_view text) : text_(text) {}

  core::Result<std::string> Run() {
    SkipSpace();
    if (!Value(0)) return Failure();
    SkipSpace();
    if (pos_ != text_.size()) {
      Fail("unexpected text after the literal");
      return Failure();
    }
    return std::move(out_);
  }

 private:
  core::Error Failure() const {
    return core::MakeError(core::ErrorCode::kInvalidInput,
                           "not a Python literal at offset " + std::to_string(error_pos_) + ": " + error_);
  }
  bool Fail(std::string message) {
    if (error_.empty()) {
      error_ = std::move(message);
      error_pos_ = pos_;
    }
    return false;
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) ++pos_;
  }
  bool Word(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    const size_t after = pos_ + word.size();
    if (after < text_.size()) {
      const char c = text_[after];
      if (c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return false;
    }
    pos_ = after;
    return true;
  }

  bool Value(int depth) {
    if (depth > kMaxDepth) return Fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    const char c = Peek();
    if (c == '{') return Dict(depth);
    if (c == '[') return Sequence(depth, ']');
    if (c == '(') return Sequence(depth, ')');
    if (c == '\'' || c == '"') return String();
    if (c == '-' || c == '+' || (c >= '0' && c <= '9') || c == '.') return Number();
    if (Word("True")) return Emit("true");
    if (Word("False")) return Emit("false");
    if (Word("None")) return Emit("null");
    if (AtEnd()) return Fail("the text ends where a value should start");
    return Fail(std::string("unexpected character '") + c + "' where a value should start");
  }

  bool Emit(std::string_view s) {
    out_ += s;
    return true;
  }

  bool Dict(int depth) {
    ++pos_;  // '{'
    out_.push_back('{');
    SkipSpace();
    bool first = true;
    while (Peek() != '}') {
      if (!first) {
        if (Peek() != ',') return Fail("expected ',' or '}' in a dict");
        ++pos_;
        SkipSpace();
        if (Peek() == '}') break;  // trailing comma
        out_.push_back(',');
      }
      first = false;
      // JSON keys are strings; repr of Hugging Face's objects only ever has string keys.
      if (Peek() != '\'' && Peek() != '"') return Fail("a dict key is not a string");
      if (!String()) return false;
      SkipSpace();
      if (Peek() != ':') return Fail("expected ':' after a dict key");
      ++pos_;
      out_.push_back(':');
      SkipSpace();
      if (!Value(depth + 1)) return false;
      SkipSpace();
    }
    ++pos_;
    out_.push_back('}');
    return true;
  }

  bool Sequence(int depth, char close) {
    ++pos_;
    out_.push_back('[');
    SkipSpace();
    bool first = true;
    while (Peek() != close) {
      if (!first) {
        if (Peek() != ',') return Fail(std::string("expected ',' or '") + close + "' in a list");
        ++pos_;
        SkipSpace();
        if (Peek() == close) break;
        out_.push_back(',');
      }
      first = false;
      if (!Value(depth + 1)) return false;
      SkipSpace();
    }
    ++pos_;
    out_.push_back(']');
    return true;
  }

  // Python ints and floats are JSON numbers once '+', '_' and bare '.5' are ruled out; repr never
  // prints those, nor inf/nan (which JSON cannot hold).
  bool Number() {
    const size_t start = pos_;
    if (Peek() == '-') ++pos_;
    const size_t digits = pos_;
    while (!AtEnd() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    if (pos_ == digits) return Fail("a number without digits");
    if (text_[digits] == '0' && pos_ - digits > 1) return Fail("a number with a leading zero");
    if (Peek() == '.') {
      ++pos_;
      const size_t fraction = pos_;
      while (!AtEnd() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      if (pos_ == fraction) return Fail("a number ending in '.'");
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      const size_t exponent = pos_;
      while (!AtEnd() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      if (pos_ == exponent) return Fail("a number with an empty exponent");
    }
    const char c = Peek();
    if (c == '_' || c == 'j' || c == 'J' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
      return Fail("a number form JSON cannot hold");
    out_.append(text_.substr(start, pos_ - start));
    return true;
  }

  static int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool Hex(size_t count, uint32_t& value) {
    value = 0;
    for (size_t i = 0; i < count; ++i) {
      const int h = HexValue(Peek());
      if (h < 0) return Fail("a \\x, \\u or \\U escape with too few hex digits");
      value = value * 16 + static_cast<uint32_t>(h);
      ++pos_;
    }
    return true;
  }

  // Writes a code point as UTF-8 inside a JSON string; controls are \u-escaped as JSON requires.
  bool CodePoint(uint32_t cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) return Fail("an escaped lone surrogate, which is not text");
    if (cp > 0x10FFFF) return Fail("an escape beyond U+10FFFF");
    if (cp < 0x20 || cp == '"' || cp == '\\') return EscapeAscii(static_cast<char>(cp));
    if (cp < 0x80) {
      out_.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out_.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out_.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out_.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out_.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out_.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out_.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out_.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out_.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out_.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    return true;
  }

  bool EscapeAscii(char c) {
    switch (c) {
      case '"': out_ += "\\\""; return true;
      case '\\': out_ += "\\\\"; return true;
      case '\n': out_ += "\\n"; return true;
      case '\r': out_ += "\\r"; return true;
      case '\t': out_ += "\\t"; return true;
      case '\b': out_ += "\\b"; return true;
      case '\f': out_ += "\\f"; return true;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out_ += "\\u00";
        out_.push_back(kHex[(static_cast<unsigned char>(c) >> 4) & 0xF]);
        out_.push_back(kHex[static_cast<unsigned char>(c) & 0xF]);
        return true;
      }
    }
  }

  // A str literal in either quote (repr picks '...' unless the text holds ' and no ").
  // Escapes per the Python reference, 2.4.1 "String and Bytes literals".
  bool String() {
    const char quote = text_[pos_++];
    out_.push_back('"');
    for (;;) {
      if (AtEnd()) return Fail("a string that never ends");
      const char c = text_[pos_];
      if (c == quote) {
        ++pos_;
        out_.push_back('"');
        return true;
      }
      if (c == '\n' || c == '\r') return Fail("a line break inside a string");
      if (c != '\\') {
        if (static_cast<unsigned char>(c) < 0x20 || c == '"') {
          EscapeAscii(c);
        } else {
          out_.push_back(c);  // UTF-8 bytes pass through; the JSON parser validates them
        }
        ++pos_;
        continue;
      }
      ++pos_;
      if (AtEnd()) return Fail("a string that ends in a backslash");
      const char e = text_[pos_++];
      uint32_t cp = 0;
      switch (e) {
        case '\\': out_ += "\\\\"; break;
        case '\'': out_.push_back('\''); break;
        case '"': out_ += "\\\""; break;
        case 'n': out_ += "\\n"; break;
        case 'r': out_ += "\\r"; break;
        case 't': out_ += "\\t"; break;
        case 'a': EscapeAscii('\a'); break;
        case 'b': out_ += "\\b"; break;
        case 'f': out_ += "\\f"; break;
        case 'v': EscapeAscii('\v'); break;
        case 'x':
          if (!Hex(2, cp) || !CodePoint(cp)) return false;
          break;
        case 'u':
          if (!Hex(4, cp) || !CodePoint(cp)) return false;
          break;
        case 'U':
          if (!Hex(8, cp) || !CodePoint(cp)) return false;
          break;
        default:
          if (e >= '0' && e <= '7') {  // octal: up to three digits
            cp = static_cast<uint32_t>(e - '0');
            for (int i = 0; i < 2 && Peek() >= '0' && Peek() <= '7'; ++i) cp = cp * 8 + static_cast<uint32_t>(text_[pos_++] - '0');
            if (!CodePoint(cp)) return false;
            break;
          }
          --pos_;
          return Fail(std::string("an escape '\\") + e + "' that repr() never writes");
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string out_;
  std::string error_;
  size_t error_pos_ = 0;
};

}  // namespace

core::Result<std::string> PythonLiteralToJson(std::string_view text) { return Converter(text).Run(); }

}  // namespace paperfeed::ingest
