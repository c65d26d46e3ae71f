#include "mail/smtp_client.hpp"

// The SMTP door to libcurl; ingest/http_client.cpp is the HTTP one (see the note there on why two).
#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "core/text.hpp"
#include "mail/mail_config.hpp"

namespace paperfeed::mail {
namespace {

void EnsureCurl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t room = size * count;
  size_t left = up->data->size() - up->offset;
  size_t n = left < room ? left : room;
  std::memcpy(buffer, up->data->data() + up->offset, n);
  up->offset += n;
  return n;
}

}  // namespace

struct SmtpClient::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

std::string RedactUrl(const std::string& url) {
  size_t scheme = url.find("://");
  size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

core::Result<std::unique_ptr<SmtpClient>> SmtpClient::Create(const MailConfig& config) {
  const std::string& url = config.smtp_url;
  if (url.empty())
    return core::MakeError(core::ErrorCode::kInvalidInput,
                           "no SMTP relay configured: pass --smtp smtp://HOST:PORT, set PAPERFEED_SMTP_URL, or set "
                           "smtp_url in the configuration file");
  bool smtps = core::StartsWith(url, "smtps://");
  if (!smtps && !core::StartsWith(url, "smtp://"))
    return core::MakeError(core::ErrorCode::kInvalidInput, "SMTP URL '" + RedactUrl(url) + "' must start with smtp:// or smtps://");
  EnsureCurl();
  std::unique_ptr<SmtpClient> client(new SmtpClient());
  client->handle_ = std::make_unique<Handle>();
  client->display_url_ = RedactUrl(url);
  CURL* c = curl_easy_init();
  if (!c) return core::MakeError(core::ErrorCode::kInternal, "libcurl could not create a handle");
  client->handle_->curl = c;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());  // user:password in the URL become SMTP AUTH
  // smtp://: STARTTLS when the relay offers it (RFC 3207), or demand it; smtps://: TLS from the start (RFC 8314).
  if (!smtps) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(config.smtp_require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  if (!config.smtp_verify_tls) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!config.smtp_ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config.smtp_ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(config.smtp_timeout_seconds));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(config.smtp_timeout_seconds));
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadBody);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!config.smtp_reuse_connection) curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
  return client;
}

SmtpClient::~SmtpClient() = default;

SmtpResult SmtpClient::Send(const std::string& envelope_from, const std::string& recipient,
                            const std::string& message) {
  CURL* c = handle_->curl;
  char error[CURL_ERROR_SIZE] = {0};
  std::string from = "<" + envelope_from + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + recipient + ">").c_str());
  Upload up{&message, 0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, nullptr);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
  curl_slist_free_all(rcpt);

  SmtpResult result;
  result.code = code;
  if (rc == CURLE_OK) {
    result.outcome = SmtpOutcome::kSent;
    return result;
  }
  std::string what = error[0] ? error : curl_easy_strerror(rc);
  result.message = "SMTP " + (code ? std::to_string(code) + " " : std::string()) + "from " + display_url_ + ": " + what;
  // RFC 5321 §4.2.1: the first digit says whether trying again can help. Failures before any
  // recipient was named (login, sender, TLS) are the relay's verdict on us, not on the recipient.
  bool about_us = rc == CURLE_LOGIN_DENIED || rc == CURLE_USE_SSL_FAILED || rc == CURLE_SSL_CONNECT_ERROR ||
                  rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
                  core::StartsWith(what, "MAIL failed");
  if (about_us && (code / 100 != 4)) {
    result.outcome = SmtpOutcome::kRelay;
  } else if (code / 100 == 5) {
    result.outcome = SmtpOutcome::kPermanent;
  } else {
    result.outcome = SmtpOutcome::kTransient;  // 4xx, timeouts, refused or dropped connections
  }
  return result;
}

}  // namespace paperfeed::mail
