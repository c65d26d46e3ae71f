// core/progress: a terminal progress bar with rate and ETA; silent when stderr is not a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace paperfeed::core {

class ProgressBar {
 public:
  // `total` in `unit`s (bytes, papers); 0 when unknown (then no ETA, only a count and a rate).
  ProgressBar(std::string label, uint64_t total, std::string unit);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Sets the amount done; redraws at most ten times a second.
  void Update(uint64_t done);
  // Draws the final state and moves to the next line.
  void Finish();

  // Forces drawing on or off (tests; --no-progress).
  void set_enabled(bool enabled) { enabled_ = enabled; }
  bool enabled() const { return enabled_; }

 private:
  void Draw(bool final_draw);

  std::string label_;
  uint64_t total_;
  std::string unit_;
  uint64_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// "1.2 MB", "3.4k" style formatting for humans.
std::string HumanCount(double value, const std::string& unit);

}  // namespace paperfeed::core
