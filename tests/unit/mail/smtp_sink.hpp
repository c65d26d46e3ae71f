// The real SMTP server of the mail tests (tests/support/smtp_sink.py on aiosmtpd), started on a free
// port and stopped with the fixture, and a small reader for the messages it stored.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "mail/message.hpp"
#include "test_support.hpp"

namespace paperfeed::testing {

// One message as the server stored it, with both MIME parts decoded.
struct ReceivedMail {
  std::string file;
  std::string raw;
  std::string rcpt_to;    // envelope recipient
  std::string mail_from;  // envelope sender
  std::string text;       // decoded text/plain part
  std::string html;       // decoded text/html part
  std::string Header(const std::string& name) const { return mail::HeaderValue(raw, name); }
};

inline ReceivedMail ParseReceived(const std::string& file, const std::string& raw) {
  ReceivedMail m;
  m.file = file;
  m.raw = raw;
  m.rcpt_to = m.Header("X-Sink-Rcpt-To");
  m.mail_from = m.Header("X-Sink-Mail-From");
  std::string type = m.Header("Content-Type");
  auto b = type.find("boundary=\"");
  if (b == std::string::npos) {
    auto body = raw.find("\r\n\r\n");
    m.text = mail::DecodeQuotedPrintable(raw.substr(body + 4));
    return m;
  }
  std::string boundary = "--" + type.substr(b + 10, type.find('"', b + 10) - b - 10);
  size_t pos = raw.find(boundary);
  while (pos != std::string::npos) {
    size_t start = pos + boundary.size();
    if (raw.compare(start, 2, "--") == 0) break;
    size_t next = raw.find("\r\n" + boundary, start);
    if (next == std::string::npos) break;
    std::string part = raw.substr(start + 2, next - start - 2);
    size_t split = part.find("\r\n\r\n");
    std::string head = part.substr(0, split);
    std::string body = mail::DecodeQuotedPrintable(part.substr(split + 4));
    if (head.find("text/plain") != std::string::npos) m.text = body;
    if (head.find("text/html") != std::string::npos) m.html = body;
    pos = next + 2;
  }
  return m;
}

class SmtpSink {
 public:
  struct Options {
    std::string rules;  // lines "ADDRESS CODE [TIMES]"
    std::string auth;   // "user:password"
    std::string tls_cert, tls_key;
    bool store = true;
  };
  SmtpSink() : SmtpSink(Options{}) {}
  explicit SmtpSink(const Options& options) {
    std::string maildir = dir_.File("mail");
    std::string port_file = dir_.File("port");
    std::string rules_file = dir_.File("rules");
    dir_.Write("rules", options.rules);
    rules_path_ = rules_file;
    std::vector<std::string> args = {"/usr/bin/python3", SourceFile("tests/support/smtp_sink.py"), "--dir", maildir,
                                     "--port-file", port_file, "--rules", rules_file};
    if (!options.auth.empty()) args.insert(args.end(), {"--auth", options.auth});
    if (!options.tls_cert.empty()) args.insert(args.end(), {"--tls-cert", options.tls_cert, "--tls-key", options.tls_key});
    if (!options.store) args.push_back("--no-store");
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    maildir_ = maildir;
    for (int i = 0; i < 500 && !std::filesystem::exists(port_file); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    port_ = std::stoi(ReadFile(port_file).empty() ? "0" : ReadFile(port_file));
  }
  ~SmtpSink() { Stop(); }
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }
  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  void SetRules(const std::string& rules) const { std::ofstream(rules_path_) << rules; }
  const std::string& maildir() const { return maildir_; }

  // Every stored message, in arrival order.
  std::vector<ReceivedMail> Messages() const {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(maildir_)) {
      if (entry.path().extension() == ".eml") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    std::vector<ReceivedMail> out;
    for (const auto& f : files) out.push_back(ParseReceived(f, ReadFile(f)));
    return out;
  }
  size_t Count() const {
    size_t n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(maildir_)) n += entry.path().extension() == ".eml";
    return n;
  }
  // Waits up to `seconds` for at least `n` messages.
  bool WaitFor(size_t n, double seconds = 10) const {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (Count() < n) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string maildir_;
  std::string rules_path_;
};

}  // namespace paperfeed::testing
