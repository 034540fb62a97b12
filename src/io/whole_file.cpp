#include "src/io/whole_file.h"

#include <cerrno>
#include <fstream>
#include <sstream>

namespace tombstone::io {

bool ReadWholeFile(const std::string& path, std::string* bytes, int* error) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = errno != 0 ? errno : ENOENT;
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    *error = EIO;
    return false;
  }
  *bytes = std::move(text).str();
  return true;
}

}  // namespace tombstone::io
