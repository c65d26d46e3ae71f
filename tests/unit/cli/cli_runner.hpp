// Runs the real paperfeed binary and captures its output, for end-to-end CLI tests.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

namespace paperfeed::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
};

// Runs `paperfeed ARGS...` (stderr dropped, or merged into `out` with keep_stderr) and waits for it.
inline CommandResult RunPaperfeed(const std::vector<std::string>& args, bool keep_stderr = false) {
  std::string command = PAPERFEED_BINARY;
  for (const auto& a : args) {
    command += " '";
    for (char c : a) {
      if (c == '\'') command += "'\\''";
      else command += c;
    }
    command += "'";
  }
  command += keep_stderr ? " 2>&1" : " 2>/dev/null";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 65536> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) result.out.append(buf.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace paperfeed::testing
