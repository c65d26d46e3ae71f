#include "core/crypto.hpp"

#include <sodium.h>

#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace paperfeed::core {
namespace {

// sodium_init picks the fastest implementations and must have run before any other call; it is
// thread-safe and idempotent, but we call it once. Failure means no CSPRNG: a start-up failure,
// hence the exception.
void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not initialise");
  });
}

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

std::string ToBase64(std::string_view bytes, int variant) {
  EnsureSodium();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), Bytes(bytes), bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string ToHex(const unsigned char* bytes, size_t n) {
  std::string hex(2 * n + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, n);
  hex.resize(2 * n);
  return hex;
}

}  // namespace

std::string RandomBytes(size_t n) {
  EnsureSodium();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string RandomHex(size_t n) {
  std::string bytes = RandomBytes(n);
  return ToHex(Bytes(bytes), bytes.size());
}

std::string RandomToken(size_t n) { return Base64UrlEncode(RandomBytes(n)); }

PasswordCost PasswordCost::Interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::Minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost) {
  EnsureSodium();
  char out[crypto_pwhash_argon2id_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.memory_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return MakeError(ErrorCode::kInternal, "password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  EnsureSodium();
  // crypto_pwhash_str_verify reads a NUL-terminated string of at most STRBYTES.
  if (hash.size() >= crypto_pwhash_argon2id_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(const std::string& hash, const PasswordCost& cost) {
  EnsureSodium();
  if (hash.size() >= crypto_pwhash_argon2id_STRBYTES) return true;
  return crypto_pwhash_str_needs_rehash(hash.c_str(), cost.ops, cost.memory_bytes) != 0;
}

std::string Blake2b256Hex(std::string_view bytes) {
  EnsureSodium();
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, Bytes(bytes), bytes.size(), nullptr, 0);
  return ToHex(digest, sizeof digest);
}

Result<std::string> Sha256FileHex(const std::string& path) {
  EnsureSodium();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return MakeError(ErrorCode::kIo, path + ": cannot read");
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::vector<unsigned char> buf(1 << 20);
  for (size_t n; (n = std::fread(buf.data(), 1, buf.size(), f)) > 0;) crypto_hash_sha256_update(&st, buf.data(), n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return MakeError(ErrorCode::kIo, path + ": read failed");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, digest);
  return ToHex(digest, sizeof digest);
}

std::string HmacSha256(std::string_view key, std::string_view message) {
  EnsureSodium();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, Bytes(key), key.size());
  crypto_auth_hmacsha256_update(&state, Bytes(message), message.size());
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  EnsureSodium();
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Base64UrlEncode(std::string_view bytes) {
  return ToBase64(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

namespace {
bool FromBase64(std::string_view text, std::string* out, int variant) {
  EnsureSodium();
  std::string bin(text.size(), '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), text.data(), text.size(), nullptr,
                        &len, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return false;
  }
  bin.resize(len);
  *out = std::move(bin);
  return true;
}
}  // namespace

bool Base64UrlDecode(std::string_view text, std::string* out) {
  return FromBase64(text, out, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool Base64Decode(std::string_view text, std::string* out) {
  return FromBase64(text, out, sodium_base64_VARIANT_ORIGINAL);
}

std::string Base64Encode(std::string_view bytes) { return ToBase64(bytes, sodium_base64_VARIANT_ORIGINAL); }

}  // namespace paperfeed::core
