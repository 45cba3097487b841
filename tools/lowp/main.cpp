// lowp: the command-line tool of DESIGN §7. Dispatches to a subcommand.

#include <array>
#include <cstdio>
#include <exception>
#include <span>
#include <string>
#include <string_view>

#include "cli.hpp"
#include "commands.hpp"
#include "lowp/error.hpp"
#include "lowp/version.hpp"

namespace {

using lowp::tool::command;

const std::array<const command*, 7> commands{
    &lowp::tool::formats_command,  &lowp::tool::encode_command, &lowp::tool::decode_command,
    &lowp::tool::quantize_command, &lowp::tool::dequantize_command, &lowp::tool::error_command,
    &lowp::tool::report_command,
};

std::string main_usage() {
  std::string s = "usage: lowp COMMAND [ARGS...]\n\ncommands:\n";
  for (const command* c : commands) {
    std::string left = "  " + std::string(c->name);
    left.resize(14, ' ');
    s += left + std::string(c->summary) + "\n";
  }
  s += "\n'lowp COMMAND --help' describes a command. Exit status: 0 success, 1 bad input data,\n"
       "2 bad command line. Errors go to stderr as 'lowp COMMAND: message'.\n";
  return s;
}

int run(const command& c, std::span<char* const> argv) {
  try {
    const lowp::tool::parsed_args args(c.options, argv);
    if (args.help()) {
      std::fputs(lowp::tool::usage_text(c).c_str(), stdout);
      return lowp::tool::exit_ok;
    }
    const std::size_t n = args.positionals().size();
    if (n < c.min_positionals)
      throw lowp::tool::usage_error("missing argument: " + std::string(c.arguments), true);
    if (n > c.max_positionals)
      throw lowp::tool::usage_error("unexpected argument '" + args.positionals()[c.max_positionals] + "'", true);
    return c.run(args);
  } catch (const lowp::tool::cli_error& e) {
    std::fprintf(stderr, "lowp %.*s: %s\n", int(c.name.size()), c.name.data(), e.what());
    if (e.show_usage) std::fputs(lowp::tool::usage_text(c).c_str(), stderr);
    return e.status;
  } catch (const lowp::error& e) {
    // The library's messages begin with "lowp: "; the command's name replaces it.
    std::string_view message = e.what();
    if (message.starts_with("lowp: ")) message.remove_prefix(6);
    std::fprintf(stderr, "lowp %.*s: %.*s\n", int(c.name.size()), c.name.data(), int(message.size()), message.data());
    return lowp::tool::exit_bad_input;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lowp %.*s: %s\n", int(c.name.size()), c.name.data(), e.what());
    return lowp::tool::exit_bad_input;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::span<char* const> args(argv, std::size_t(argc));
  if (args.size() < 2) {
    std::fputs(main_usage().c_str(), stderr);
    return lowp::tool::exit_bad_usage;
  }
  const std::string_view name = args[1];
  if (name == "--help" || name == "-h" || name == "help") {
    std::fputs(main_usage().c_str(), stdout);
    return lowp::tool::exit_ok;
  }
  if (name == "--version") {
    std::printf("lowp %d.%d.%d\n", LOWP_VERSION_MAJOR, LOWP_VERSION_MINOR, LOWP_VERSION_PATCH);
    return lowp::tool::exit_ok;
  }
  for (const command* c : commands)
    if (c->name == name) return run(*c, args.subspan(2));
  std::fprintf(stderr, "lowp: unknown command '%s'\n", args[1]);
  std::fputs(main_usage().c_str(), stderr);
  return lowp::tool::exit_bad_usage;
}
