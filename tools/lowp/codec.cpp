// lowp encode / lowp decode: scalar codes through stdin and stdout.
//
// Input is read completely and checked before anything is written, so a bad
// line leaves stdout empty.

#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "lowp/core/bit_width.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/isa.hpp"
#include "lowp/kernels/convert.hpp"

namespace lowp::tool {

namespace {

std::string read_stdin() {
  std::string data;
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) data.append(buf, n);
  if (std::ferror(stdin)) throw cli_error("cannot read stdin", exit_bad_input);
  return data;
}

// The lines of `data` without line terminators ("\n" or "\r\n") and without
// surrounding blanks. A final line without "\n" counts; nothing after a final
// "\n" does.
std::vector<std::string_view> split_lines(std::string_view data) {
  std::vector<std::string_view> lines;
  while (!data.empty()) {
    const std::size_t end = data.find('\n');
    std::string_view line = data.substr(0, end);
    data.remove_prefix(end == std::string_view::npos ? data.size() : end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    lines.push_back(line);
  }
  return lines;
}

void write_stdout(const std::string& out) {
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0)
    throw cli_error("cannot write to stdout", exit_bad_input);
}

bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// "0x" or "0X" followed by exactly `digits` hex digits of either case.
std::optional<std::uint32_t> parse_hex(std::string_view s, std::size_t digits) {
  if (s.size() != digits + 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::nullopt;
  std::uint32_t v = 0;
  for (char c : s.substr(2)) {
    if (!is_hex_digit(c)) return std::nullopt;
    v = v * 16 + std::uint32_t(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return v;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// One input value of `lowp encode`: float32 bits as 0x + 8 hex digits, or a
// decimal number (strtod syntax without hex floats), inf, infinity or nan,
// case-insensitive, with an optional sign.
double parse_value(std::string_view s, std::size_t line) {
  if (s.empty()) throw input_error(line, "empty line (expected a number or 0x + 8 hex digits)");
  if (s.starts_with("0x") || s.starts_with("0X")) {
    if (const auto bits = parse_hex(s, 8)) return double(std::bit_cast<float>(*bits));
    throw input_error(line, "cannot parse " + quoted(s) + " as float32 bits (expected 0x + exactly 8 hex digits)");
  }
  std::string word(s);
  const bool negative = word[0] == '-';
  std::string lower = word.substr(word[0] == '-' || word[0] == '+' ? 1 : 0);
  for (char& c : lower) c = char(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
  if (lower == "inf" || lower == "infinity") return negative ? -HUGE_VAL : HUGE_VAL;
  if (lower == "nan") return negative ? -std::nan("") : std::nan("");
  const bool decimal_chars = word.find_first_not_of("0123456789.eE+-") == std::string::npos;
  errno = 0;
  char* end = nullptr;
  const double x = decimal_chars ? std::strtod(word.c_str(), &end) : 0.0;
  if (!decimal_chars || end != word.c_str() + word.size())
    throw input_error(line, "cannot parse " + quoted(s) + " as a number");
  if (errno == ERANGE && std::isinf(x)) throw input_error(line, quoted(s) + " is beyond the range of double");
  return x;
}

template <class T>
constexpr std::size_t hex_digits = bit_width_v<T> > 8 ? 4 : 2;

std::string hex(std::uint32_t v, std::size_t digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", int(digits), unsigned(v));
  return buf;
}

constexpr option_spec encode_options[] = {round_option, overflow_option, seed_option, isa_option};

int run_encode(const parsed_args& args) {
  const rounding r = rounding_from(args);
  const overflow o = overflow_from(args);
  const std::uint64_t seed = seed_from(args);
  const lowp::isa isa = lowp::require_isa(isa_from(args));
  std::string out;
  with_format(args.positionals()[0], [&]<class T>(type_tag<T>) {
    const std::string data = read_stdin();
    const auto lines = split_lines(data);
    std::vector<double> values(lines.size());
    std::vector<float> floats(lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      values[i] = parse_value(lines[i], i + 1);
      floats[i] = float(values[i]);
    }
    // The kernels take float32; a decimal that is not exactly a float32 is
    // encoded from its double by the reference, so no double rounding occurs.
    std::vector<std::uint8_t> packed(packed_bytes<T>(lines.size()));
    const packed_span<T> codes(packed.data(), lines.size());
    lowp::quantize<T>(floats, codes, r, o, seed, 0, isa);
    out.reserve(lines.size() * (hex_digits<T> + 3));
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const bool exact = double(floats[i]) == values[i] || values[i] != values[i];
      const std::uint32_t code = exact ? codes[i].value().bits() : encode<T>(values[i], r, o, seed, i);
      out += hex(code, hex_digits<T>);
      out += '\n';
    }
  });
  write_stdout(out);
  return exit_ok;
}

int run_decode(const parsed_args& args) {
  const lowp::isa isa = lowp::require_isa(isa_from(args));
  std::string out;
  with_format(args.positionals()[0], [&]<class T>(type_tag<T>) {
    const std::string data = read_stdin();
    const auto lines = split_lines(data);
    std::vector<std::uint8_t> packed(packed_bytes<T>(lines.size()));
    const packed_span<T> codes(packed.data(), lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].empty()) throw input_error(i + 1, "empty line (expected a code)");
      const auto code = parse_hex(lines[i], hex_digits<T>);
      if (!code)
        throw input_error(i + 1, "cannot parse " + quoted(lines[i]) + " as a " + T::name + " code (expected 0x + exactly " +
                                     std::to_string(hex_digits<T>) + " hex digits)");
      if (*code >> bit_width_v<T> != 0)
        throw input_error(i + 1, "code " + quoted(lines[i]) + " does not fit " + T::name + " (" +
                                     std::to_string(bit_width_v<T>) + " bits)");
      codes[i] = T::from_bits(typename T::storage_type(*code));
    }
    std::vector<float> values(lines.size());
    lowp::dequantize<T>(packed_span<const T>(codes), values, isa);
    out.reserve(lines.size() * 11);
    for (float value : values) {
      out += hex(std::bit_cast<std::uint32_t>(value), 8);
      out += '\n';
    }
  });
  write_stdout(out);
  return exit_ok;
}

constexpr option_spec decode_options[] = {isa_option};

}  // namespace

const command encode_command{
    "encode",
    "FORMAT",
    "encode values from stdin into codes of FORMAT on stdout",
    "stdin: one value per line, either a decimal number (1.5e-3, -2, inf, -inf, nan;\n"
    "case-insensitive; parsed to the nearest double, which is then encoded) or 0x +\n"
    "exactly 8 hex digits (float32 bits). Blanks around a value and a final \\r are\n"
    "ignored; an empty line, a hex float or a number beyond double's range is an error.\n"
    "stdout: one code per line, 0x + 2 lower-case hex digits (4 for 16-bit formats).\n"
    "Integer formats ignore --overflow: they always saturate, and NaN becomes 0.\n"
    "All input is checked before any output is written.\n",
    encode_options,
    1,
    1,
    run_encode,
};

const command decode_command{
    "decode",
    "FORMAT",
    "decode codes of FORMAT from stdin into float32 bits on stdout",
    "stdin: one code per line, 0x + exactly 2 hex digits (4 for 16-bit formats), either\n"
    "case; a code must fit the format's width. stdout: one value per line, 0x + 8\n"
    "lower-case hex digits (float32 bits; every code decodes exactly). A NaN code\n"
    "decodes to the quiet NaN 0x7fc00000 with the code's sign.\n"
    "All input is checked before any output is written.\n",
    decode_options,
    1,
    1,
    run_decode,
};

}  // namespace lowp::tool
