// core/crypto: the one door to libsodium — random bytes and tokens, Argon2id password strings,
// hashes (SHA-256, BLAKE2b), HMAC-SHA256, constant-time comparison and base64 (RFC 4648).
//
// Nothing else in the project includes sodium.h: web/auth (passwords, sessions, API tokens),
// mail (signed links, MIME) and search/model/hub_pull (checksums of downloads) all call these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace paperfeed::core {

// ---- random ----

// `n` random bytes from the operating system's CSPRNG (randombytes_buf).
std::string RandomBytes(size_t n);
// `n` random bytes as 2n lowercase hex digits.
std::string RandomHex(size_t n);
// `n` random bytes as base64url without padding (32 bytes: 43 characters).
std::string RandomToken(size_t n = 32);

// ---- passwords (Argon2id) ----

// Argon2id cost. Interactive is libsodium's recommendation for logins (2 passes over 64 MiB);
// Minimum keeps tests fast and must never be used for real accounts.
struct PasswordCost {
  uint64_t ops = 0;
  size_t memory_bytes = 0;
  static PasswordCost Interactive();
  static PasswordCost Minimum();
};

// "$argon2id$v=19$m=...,t=...,p=1$salt$hash" with a fresh random salt.
Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost);
// True when `password` matches the Argon2id string `hash`.
bool VerifyPassword(const std::string& hash, std::string_view password);
// True when `hash` was made with another cost (re-hash it on the next successful login).
bool PasswordNeedsRehash(const std::string& hash, const PasswordCost& cost);

// ---- hashes and MACs ----

// Lowercase hex of BLAKE2b-256(`bytes`) (crypto_generichash).
std::string Blake2b256Hex(std::string_view bytes);
// Lowercase hex of SHA-256 of the file at `path`, read in 1 MiB pieces; kIo names the file.
Result<std::string> Sha256FileHex(const std::string& path);
// HMAC-SHA256 (RFC 2104 over SHA-256; crypto_auth_hmacsha256) of `message` under `key`: 32 bytes.
std::string HmacSha256(std::string_view key, std::string_view message);
// Equality that takes the same time wherever the first difference is (sodium_memcmp). Strings of
// different lengths are unequal (the length is not secret).
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// ---- base64 (RFC 4648) ----

// base64url without padding (§5), for tokens in URLs.
std::string Base64UrlEncode(std::string_view bytes);
// Decodes base64url without padding into `out`; false (and `out` untouched) when `text` is not
// entirely valid base64url.
bool Base64UrlDecode(std::string_view text, std::string* out);
// Standard base64 with padding (§4), for MIME; the decoder reads RFC 2047 encoded-words back.
std::string Base64Encode(std::string_view bytes);
bool Base64Decode(std::string_view text, std::string* out);

}  // namespace paperfeed::core
