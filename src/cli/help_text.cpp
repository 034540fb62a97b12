#include "src/cli/help_text.h"

namespace tombstone {

std::string HelpText(const cxxopts::Options& declared, const std::string& program,
                     const std::string& summary, const std::string& positional,
                     const std::vector<std::string>& groups) {
  // cxxopts appends "(default: X)" to every option with a default, including "" and after a
  // text that already explains the default ("default: the libpq environment"): the options
  // are declared again, for the help only, without the defaults that would repeat.
  cxxopts::Options shown(program, summary);
  shown.custom_help("[OPTIONS]");
  shown.positional_help(positional);
  for (const std::string& group : groups) {
    for (const cxxopts::HelpOptionDetails& o : declared.group_help(group).options) {
      std::shared_ptr<cxxopts::Value> value;
      if (o.is_boolean) value = cxxopts::value<bool>();
      else value = cxxopts::value<std::string>();
      const bool said = o.desc.find("default") != std::string::npos;
      if (!o.is_boolean && o.has_default && !o.default_value.empty() && !said)
        value->default_value(o.default_value);
      if (!o.is_boolean && o.has_implicit) value->implicit_value(o.implicit_value);
      shown.add_option(group, o.s, o.l, o.desc, value, o.arg_help);
    }
  }
  // cxxopts prints the positional synopsis only for a program that takes positionals.
  shown.add_options("Positional")("args", "", cxxopts::value<std::vector<std::string>>());
  shown.parse_positional({"args"});
  return shown.help(groups);
}

}  // namespace tombstone
