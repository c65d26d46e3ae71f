// mail/crypto: the one door to libsodium for mail — random bytes, HMAC-SHA256, constant-time compare,
// URL-safe base64.
#pragma once

#include <string>
#include <string_view>

namespace paperfeed::mail {

// `n` random bytes from the operating system's CSPRNG (randombytes_buf).
std::string RandomBytes(size_t n);
// `n` random bytes as 2n lowercase hex digits.
std::string RandomHex(size_t n);
// HMAC-SHA256 (RFC 2104 over SHA-256; libsodium crypto_auth_hmacsha256) of `message` under `key`.
std::string HmacSha256(std::string_view key, std::string_view message);
// Equality that takes the same time wherever the first difference is (sodium_memcmp).
bool ConstantTimeEqual(std::string_view a, std::string_view b);
// base64url without padding (RFC 4648 §5), for tokens in URLs.
std::string Base64UrlEncode(std::string_view bytes);
bool Base64UrlDecode(std::string_view text, std::string* out);
// Standard base64 with padding (RFC 4648 §4), for MIME.
std::string Base64Encode(std::string_view bytes);
bool Base64Decode(std::string_view text, std::string* out);

}  // namespace paperfeed::mail
