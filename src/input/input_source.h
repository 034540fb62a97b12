// FILE or "-" (standard input), for commands that read identifiers or records.
#pragma once

#include <fstream>
#include <istream>
#include <memory>
#include <string>

#include "src/cli/command.h"

namespace tombstone {

class InputSource {
 public:
  // Opens `path`, or uses ctx.io.in for "-". kUsage when the file cannot be opened.
  static Result<InputSource> Open(const std::string& path, const Context& ctx);
  std::istream& stream() { return file_ ? *file_ : *stdin_; }
  // "line 3 of 'ids.txt'" / "line 3 of standard input"
  std::string Where(long line) const;
  const std::string& name() const { return name_; }

 private:
  std::unique_ptr<std::ifstream> file_;
  std::istream* stdin_ = nullptr;
  std::string name_;
};

}  // namespace tombstone
