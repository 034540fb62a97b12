// tombstone help [COMMAND]: the same text as 'tombstone --help' and 'tombstone COMMAND --help',
// for people who type the word.
#include "src/commands/help.h"

#include "src/cli/app.h"

#include <algorithm>

namespace tombstone {
namespace {

std::string Joined(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

Status Run(Context& ctx) {
  std::vector<std::string> argv{"tombstone"};
  const std::string asked = Joined(ctx.args);
  if (asked.empty()) {
    argv.push_back("--help");
    RunApp(argv, ctx.io);
    return Status::Ok();
  }
  // A whole command name: its own help. The first word of two-word commands ("backups"):
  // the commands it starts.
  std::vector<const CommandSpec*> group;
  for (const CommandSpec* c : Commands()) {
    if (c->name == asked) {
      argv.insert(argv.end(), ctx.args.begin(), ctx.args.end());
      argv.push_back("--help");
      RunApp(argv, ctx.io);
      return Status::Ok();
    }
    if (c->name.rfind(asked + " ", 0) == 0) group.push_back(c);
  }
  if (group.empty())
    return Status::Usage("unable to show help for '" + asked + "': no such command",
                         "see 'tombstone help' for the list of commands");
  ctx.io.out << "Commands of '" << asked << "' ('tombstone help " << asked << " NAME' for one):\n";
  std::size_t width = 0;
  for (const CommandSpec* c : group) width = std::max(width, c->name.size());
  for (const CommandSpec* c : group)
    ctx.io.out << "  " << c->name << std::string(width - c->name.size() + 2, ' ') << c->summary
               << '\n';
  return Status::Ok();
}

}  // namespace

const CommandSpec& HelpCommand() {
  static const CommandSpec spec{
      "help", "[COMMAND]", 0, 2, "this overview, or a command's help",
      "'tombstone help' prints the overview ('tombstone --help'); 'tombstone help COMMAND'\n"
      "prints the command's help ('tombstone COMMAND --help').\n",
      nullptr, Run};
  return spec;
}

}  // namespace tombstone
