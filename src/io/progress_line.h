// A progress line on a terminal: rewritten in place ("\r...", the rest of the line cleared) at
// most twice a second, so that a long scan shows it is alive without flooding a slow terminal.
// Silent when disabled (standard error is not a terminal: a log file gets no progress noise).
#pragma once

#include <ostream>
#include <string_view>

namespace tombstone::io {

class ProgressLine {
 public:
  ProgressLine(std::ostream& out, bool enabled) : out_(out), enabled_(enabled) {}

  // Whether Show would write now: lets the caller skip formatting a line nobody will see.
  bool Due() const;
  // Rewrites the line with `text` when Due().
  void Show(std::string_view text);
  // Writes `text` as the line's final state, then a newline.
  void Finish(std::string_view text);
  // Clears the line (nothing stays on the terminal).
  void Clear();
  // Restarts the half-second interval (a new item: its first line waits half a second).
  void Restart();

 private:
  std::ostream& out_;
  bool enabled_;
  double last_shown_ = 0;
};

}  // namespace tombstone::io
