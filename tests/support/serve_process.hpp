// Test support: the real `paperfeed --config FILE serve` in a child process, as a user starts it.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <string>
#include <vector>

namespace paperfeed::testing {

class ServeProcess {
 public:
  ServeProcess() = default;
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;
  // Stops it with SIGTERM, as an init system would, and expects a clean exit.
  ~ServeProcess() { Stop(); }

  // Starts serve and returns the port it printed once listening (-1 when it did not say).
  int Start(const std::string& config_file, const std::vector<std::string>& extra_args = {}) {
    int out[2];
    if (pipe(out) != 0) return -1;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      std::vector<std::string> args = {PAPERFEED_BINARY, "--config", config_file, "serve"};
      args.insert(args.end(), extra_args.begin(), extra_args.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;  // blocks until serve says where it listens
    close(out[0]);
    std::smatch m;
    if (!std::regex_search(line, m, std::regex(R"(http://127\.0\.0\.1:(\d+)/)"))) return -1;
    port_ = std::stoi(m[1]);
    return port_;
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "serve did not stop cleanly on SIGTERM (wait status " << status << ")";
  }

  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = -1;
};

}  // namespace paperfeed::testing
