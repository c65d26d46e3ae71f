// web/password_quality: the only file that includes pwquality.h (Debian libpwquality-dev; the
// dictionary comes from cracklib-runtime).
#include "web/password_quality.hpp"

#include <pwquality.h>

#include <memory>
#include <mutex>

namespace paperfeed::web {
namespace {

struct SettingsDeleter {
  void operator()(pwquality_settings_t* s) const { pwquality_free_settings(s); }
};

// libpwquality's defaults follow the old composition-rule style (credits per character class,
// minimum classes); NIST SP 800-63B §5.1.1.2 asks for none of that: length, and no common,
// sequential, repetitive or dictionary values. The system's /etc/security/pwquality.conf is not
// read, so every installation judges alike.
pwquality_settings_t* Settings() {
  static std::unique_ptr<pwquality_settings_t, SettingsDeleter> settings = [] {
    std::unique_ptr<pwquality_settings_t, SettingsDeleter> s(pwquality_default_settings());
    if (!s) return s;
    pwquality_set_int_value(s.get(), PWQ_SETTING_MIN_LENGTH, 8);
    pwquality_set_int_value(s.get(), PWQ_SETTING_DIG_CREDIT, 0);
    pwquality_set_int_value(s.get(), PWQ_SETTING_UP_CREDIT, 0);
    pwquality_set_int_value(s.get(), PWQ_SETTING_LOW_CREDIT, 0);
    pwquality_set_int_value(s.get(), PWQ_SETTING_OTH_CREDIT, 0);
    pwquality_set_int_value(s.get(), PWQ_SETTING_MIN_CLASS, 0);
    pwquality_set_int_value(s.get(), PWQ_SETTING_DIFF_OK, 0);  // there is no old password
    pwquality_set_int_value(s.get(), PWQ_SETTING_DICT_CHECK, 1);
    pwquality_set_int_value(s.get(), PWQ_SETTING_USER_CHECK, 1);
    return s;
  }();
  return settings.get();
}

}  // namespace

std::optional<std::string> CheckPasswordQuality(std::string_view password, std::string_view user_name) {
  // cracklib's FascistCheck keeps static state; one check at a time (they take about a millisecond).
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  pwquality_settings_t* settings = Settings();
  if (!settings) return std::nullopt;  // out of memory at start-up: length rules still apply
  const std::string pw(password), user(user_name);
  void* aux = nullptr;
  const int rc = pwquality_check(settings, pw.c_str(), nullptr, user.empty() ? nullptr : user.c_str(), &aux);
  if (rc >= 0) return std::nullopt;
  char buf[PWQ_MAX_ERROR_MESSAGE_LEN];
  const char* why = pwquality_strerror(buf, sizeof buf, rc, aux);
  std::string reason = why ? why : "it is too easy to guess";
  // cracklib says "error loading dictionary" when its word list is missing: the installation's
  // fault, not the user's, and no password can be judged until it is fixed.
  if (reason.find("error loading dictionary") != std::string::npos)
    return "Password: cannot be checked on this server (cracklib's dictionary is missing: install cracklib-runtime).";
  // "The password fails the dictionary check - it is based on a dictionary word" -> the part after " - ".
  if (auto dash = reason.find(" - "); dash != std::string::npos) reason = reason.substr(dash + 3);
  else if (reason.rfind("The password ", 0) == 0) reason = "it " + reason.substr(13);
  while (!reason.empty() && reason.back() == '.') reason.pop_back();
  return "Password: too easy to guess (" + reason +
         "). Common words, names and patterns are tried first; a few unrelated words make a strong one.";
}

}  // namespace paperfeed::web
