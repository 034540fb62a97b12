// The options part of 'tombstone COMMAND --help', with each option's default said once.
#pragma once

#include <string>
#include <vector>

#include "src/cli/command.h"

namespace tombstone {

// cxxopts' help for `groups` of `declared`, except that "(default: X)" is added only when the
// option's own text does not already say what its default is and X says something (not "").
// `program`, `summary` and `positional` are what `declared` was created with.
std::string HelpText(const cxxopts::Options& declared, const std::string& program,
                     const std::string& summary, const std::string& positional,
                     const std::vector<std::string>& groups);

}  // namespace tombstone
