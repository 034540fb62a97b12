#include "src/io/progress_line.h"

#include <chrono>

namespace tombstone::io {
namespace {

double Seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr double kInterval = 0.5;
constexpr std::string_view kClearToEnd = "\033[K";

}  // namespace

bool ProgressLine::Due() const { return enabled_ && Seconds() - last_shown_ >= kInterval; }

void ProgressLine::Show(std::string_view text) {
  if (!Due()) return;
  last_shown_ = Seconds();
  out_ << '\r' << text << kClearToEnd << std::flush;
}

void ProgressLine::Finish(std::string_view text) {
  if (!enabled_) return;
  last_shown_ = Seconds();
  out_ << '\r' << text << kClearToEnd << '\n' << std::flush;
}

void ProgressLine::Clear() {
  if (enabled_) out_ << '\r' << kClearToEnd << std::flush;
}

void ProgressLine::Restart() { last_shown_ = Seconds(); }

}  // namespace tombstone::io
