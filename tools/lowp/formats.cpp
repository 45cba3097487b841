// lowp formats: the limits of every scalar format.

#include <cstdio>
#include <string>

#include "commands.hpp"
#include "format_info.hpp"
#include "formats_text.hpp"

namespace lowp::tool {

namespace {

constexpr option_spec formats_options[] = {
    {"--json", "", "a JSON array of objects, numbers in the shortest decimal that reads back exactly"},
    {"--markdown", "", "the Markdown table of docs/formats.md"},
};

int run_formats(const parsed_args& args) {
  const bool json = args.flag("--json");
  const bool markdown = args.flag("--markdown");
  if (json && markdown) throw usage_error("--json and --markdown exclude each other");
  const auto infos = all_format_infos();
  const std::string out = json ? formats_json(infos) : markdown ? formats_markdown(infos) : formats_text(infos);
  std::fputs(out.c_str(), stdout);
  if (std::fflush(stdout) != 0) throw cli_error("cannot write to stdout", exit_bad_input);
  return exit_ok;
}

}  // namespace

const command formats_command{
    "formats",
    "",
    "table of every scalar format and its limits",
    "Every value is derived from the format types (std::numeric_limits, float_desc).\n"
    "The text table writes powers of two below 1 or above 2^16 as 2^k; --json and\n"
    "--markdown write every number as the shortest decimal that reads back exactly.\n"
    "'lowest' is the least finite value; '–' (JSON null) marks a limit the format\n"
    "does not have. NaN encoding: S = sign bit, m = mantissa bit.\n",
    formats_options,
    0,
    0,
    run_formats,
};

}  // namespace lowp::tool
