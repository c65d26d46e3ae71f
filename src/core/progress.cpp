#include "core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace paperfeed::core {

std::string HumanCount(double value, const std::string& unit) {
  const char* suffix = "";
  const bool bytes = unit == "B";
  const double step = bytes ? 1024.0 : 1000.0;
  static const char* kSuffixes[] = {"", "k", "M", "G", "T"};
  int i = 0;
  while (value >= step && i < 4) {
    value /= step;
    ++i;
  }
  suffix = kSuffixes[i];
  char buf[64];
  std::snprintf(buf, sizeof buf, i == 0 ? "%.0f %s%s" : "%.1f %s%s", value, suffix, unit.c_str());
  return buf;
}

ProgressBar::ProgressBar(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(uint64_t done) {
  done_ = done;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw(false);
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) Draw(true);
}

void ProgressBar::Draw(bool final_draw) {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  std::string line = "\r" + label_ + " ";
  if (total_ > 0) {
    double fraction = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
    constexpr int kWidth = 30;
    int filled = static_cast<int>(fraction * kWidth);
    line += "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3.0f%% ", fraction * 100);
    line += pct;
    line += HumanCount(static_cast<double>(done_), unit_) + "/" + HumanCount(static_cast<double>(total_), unit_);
  } else {
    line += HumanCount(static_cast<double>(done_), unit_);
  }
  line += "  " + HumanCount(rate, unit_) + "/s";
  if (total_ > 0 && rate > 0 && !final_draw) {
    double eta = static_cast<double>(total_ - std::min(total_, done_)) / rate;
    char buf[32];
    std::snprintf(buf, sizeof buf, "  ETA %dm%02ds", static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
    line += buf;
  } else if (final_draw) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "  in %.1fs", elapsed);
    line += buf;
  }
  line += "\x1b[K";
  if (final_draw) line += "\n";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace paperfeed::core
