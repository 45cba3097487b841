#pragma once

// Command-line plumbing shared by the subcommands of `lowp`: the subcommand
// table entry, option parsing, the options several subcommands share
// (--round, --overflow, --seed, --isa) and the errors a subcommand reports.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lowp/core/policy.hpp"
#include "lowp/format/formats.hpp"
#include "lowp/reference/block.hpp"

namespace lowp::tool {

// Exit statuses.
inline constexpr int exit_ok = 0;
inline constexpr int exit_bad_input = 1;  // malformed input data, failed output
inline constexpr int exit_bad_usage = 2;  // bad command line: unknown command, option, format or value

// Thrown by a subcommand; main prints "lowp <command>: <what()>" on stderr
// (and the command's usage when show_usage) and exits with `status`.
struct cli_error : std::runtime_error {
  cli_error(const std::string& message, int status, bool show_usage = false)
      : std::runtime_error(message), status(status), show_usage(show_usage) {}
  int status;
  bool show_usage;
};

// A bad command-line argument or option value.
inline cli_error usage_error(const std::string& message, bool show_usage = false) {
  return {message, exit_bad_usage, show_usage};
}
// Malformed input data: the message names the 1-based line.
inline cli_error input_error(std::size_t line, const std::string& message) {
  return {"line " + std::to_string(line) + ": " + message, exit_bad_input};
}

struct option_spec {
  std::string_view name;        // "--round"
  std::string_view value_name;  // "R"; empty for a flag
  std::string_view help;
  bool hidden = false;          // accepted, but left out of the usage (maintainers' options)
};

// The options of one invocation: "--name value", "--name=value" or a flag.
// Options and positional arguments may come in any order; "--" ends options.
class parsed_args {
 public:
  parsed_args(std::span<const option_spec> specs, std::span<char* const> argv);

  const std::vector<std::string>& positionals() const { return positionals_; }
  bool flag(std::string_view name) const { return values_.contains(std::string(name)); }
  std::optional<std::string> value(std::string_view name) const;
  bool help() const { return help_; }

 private:
  std::vector<std::string> positionals_;
  std::map<std::string, std::string> values_;
  bool help_ = false;
};

// One subcommand. To add one: write its run function (in the file of its
// family), declare its `command` in commands.hpp and list it in main.cpp.
struct command {
  std::string_view name;
  std::string_view arguments;  // synopsis after the options, e.g. "FORMAT"
  std::string_view summary;    // one line, for `lowp --help`
  std::string_view details;    // paragraphs for `lowp <name> --help`
  std::span<const option_spec> options;
  std::size_t min_positionals;
  std::size_t max_positionals;
  int (*run)(const parsed_args&);
};

std::string usage_text(const command& c);

// ---- shared options --------------------------------------------------------

inline constexpr option_spec round_option{
    "--round", "R", "rounding: nearest_even (default), toward_zero, nearest_away, up, down, stochastic"};
inline constexpr option_spec overflow_option{
    "--overflow", "O", "overflow: saturate (default), saturate_all, non_saturating"};
inline constexpr option_spec seed_option{
    "--seed", "N", "seed of stochastic rounding, decimal or 0x hex (default 0); element index = value's 0-based line index"};
inline constexpr option_spec isa_option{
    "--isa", "I", "instruction set"};

inline constexpr option_spec cols_option{
    "--cols", "K", "row length (default: the whole input is one row; .npy: its last dimension)"};
inline constexpr option_spec pad_option{
    "--pad", "", "block formats: zero-pad the last block of each row when K is not a multiple of the block size"};

rounding rounding_from(const parsed_args& args);  // --round, default nearest_even
overflow overflow_from(const parsed_args& args);  // --overflow, default saturate
std::uint64_t seed_from(const parsed_args& args);  // --seed, default 0
std::optional<std::size_t> cols_from(const parsed_args& args);  // --cols, a positive integer
padding padding_from(const parsed_args& args);  // --pad: padding::zero, else padding::none

// The --isa names of DESIGN §6, and the subset this build can run (best last).
std::span<const std::string_view> known_isas();
std::span<const std::string_view> available_isas();
// --isa, checked against known_isas() and available_isas(); default: the best available.
std::string_view isa_from(const parsed_args& args);

// Calls f(type_tag<T>{}) for the scalar format called `name`; a usage error
// naming it when there is none.
template <class F>
void with_format(std::string_view name, F&& f) {
  if (!visit_format<scalar_formats>(name, f))
    throw usage_error("unknown format '" + std::string(name) + "' (run 'lowp formats' for the list)");
}

}  // namespace lowp::tool
