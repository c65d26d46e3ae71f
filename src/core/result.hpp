// core/result: the value every expected failure travels in (bad record, unknown paper, SMTP 4xx).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace paperfeed::core {

// What kind of failure: web/ maps these to HTTP statuses and cli/ to exit codes; nothing else does.
enum class ErrorCode {
  kInvalidInput,   // a record, query or argument that does not parse or validate
  kNotFound,       // an id or file that does not exist
  kConflict,       // the request contradicts stored state (duplicate name, stale token)
  kUnauthorized,   // missing or wrong credentials
  kRateLimited,    // too many attempts; try later
  kUnavailable,    // a remote service or the database is busy / down; retrying may help
  kIo,             // the file system or network failed
  kInternal,       // a broken invariant reported as a value at a module boundary
};

// A failure that names the thing (file and line, field, id) and what to do.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

// Either a value or an Error. A small std::expected for C++20.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}        // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success carries nothing.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

inline Error MakeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace paperfeed::core
