// tombstone: re-apply erasures after a PostgreSQL restore. See README.md.
#include <unistd.h>

#include <iostream>

#include "src/cli/app.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  tombstone::Io io{std::cin, std::cout, std::cerr, ::isatty(STDERR_FILENO) == 1};
  const int code = tombstone::RunApp(std::vector<std::string>(argv, argv + argc), io);
  std::cout.flush();
  return code;
}
