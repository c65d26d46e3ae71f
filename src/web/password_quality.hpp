// web/password_quality: whether a new password is too easy to guess — the one door to
// libpwquality (and through it cracklib's dictionary of common and breached words).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace paperfeed::web {

// A message naming why `password` is too easy to guess ("Password: too easy to guess: it is based
// on a dictionary word. …"), or nothing when it is fine. `user_name` is the account's name: a
// password built from it is refused too. NIST SP 800-63B §5.1.1.2: at least 8 characters (checked
// by CheckPassword), compared against a list of common, expected or compromised values, and no
// composition rules (no "one digit, one capital").
std::optional<std::string> CheckPasswordQuality(std::string_view password, std::string_view user_name);

}  // namespace paperfeed::web
