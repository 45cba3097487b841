#pragma once

// The limits of every scalar format, derived from the format types
// (std::numeric_limits and float_desc), and their JSON and Markdown renderings.
// `lowp formats` prints them; the tests check docs/formats.md against them.

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "lowp/core/bit_width.hpp"
#include "lowp/format/formats.hpp"
#include "lowp/format/limits.hpp"
#include "lowp/reference/convert.hpp"

namespace lowp::tool {

struct format_info {
  std::string name;
  int bits = 0;                      // bit_width_v: width in packed storage
  bool is_float = false;             // "kind": "float" or "int"
  std::optional<int> exponent_bits;  // none for integers
  std::optional<int> mantissa_bits;  // none for integers
  std::optional<int> bias;           // none for integers
  bool is_signed = false;
  double max = 0;                    // largest finite value
  double lowest = 0;                 // least finite value
  std::optional<double> min_normal;     // none for integers
  std::optional<double> min_subnormal;  // none for integers and formats without subnormals
  bool has_inf = false;
  bool has_nan = false;
  std::string nan_encoding;  // "none", or the NaN bit pattern (S = sign, m = mantissa)
};

namespace detail {

// A code written as its fields, most significant first: "S.1111.111".
template <float_desc D>
std::string code_fields(std::uint32_t code, bool sign_as_letter) {
  std::string s;
  auto bits = [&](int from, int count) {
    for (int i = from + count - 1; i >= from; --i) s += ((code >> i) & 1U) != 0 ? '1' : '0';
  };
  if (D.width() > D.encoding_bits()) {
    bits(D.encoding_bits(), D.width() - D.encoding_bits());
    s += '.';
  }
  if (D.is_signed) s += sign_as_letter ? std::string("S.") : std::string((code & D.sign_mask()) != 0 ? "1." : "0.");
  bits(D.mantissa_bits, D.exponent_bits);
  if (D.mantissa_bits > 0) {
    s += '.';
    bits(0, D.mantissa_bits);
  }
  return s;
}

inline std::string hex_code(std::uint32_t code, int width) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = (width > 8 ? 12 : 4); shift >= 0; shift -= 4) s += digits[(code >> shift) & 0xfU];
  return s;
}

template <float_desc D>
std::string nan_encoding() {
  // NaN codes with the padding bits (if any) clear; codes with a padding bit set are all NaN.
  std::vector<std::uint32_t> nans;
  for (std::uint32_t code = 0; code < (std::uint32_t{1} << D.encoding_bits()); ++code)
    if (reference::is_nan_code<D>(code)) nans.push_back(code);
  if (nans.empty()) return "none";

  std::string s;
  switch (D.kind) {
    case specials::ieee:  // all-ones exponent, nonzero mantissa
      s = code_fields<D>(D.sign_mask() | D.magnitude_mask(), true);
      s.replace(s.size() - std::size_t(D.mantissa_bits), std::size_t(D.mantissa_bits),
                std::size_t(D.mantissa_bits), 'm');
      s += ", m != 0";
      break;
    case specials::nan_all_ones: s = code_fields<D>(D.sign_mask() | D.magnitude_mask(), true); break;
    case specials::nan_neg_zero: s = code_fields<D>(D.sign_mask(), false); break;
    case specials::finite: break;
  }
  if (nans.size() <= 2) {
    s += " (";
    for (std::size_t i = 0; i < nans.size(); ++i) s += (i ? ", " : "") + hex_code(nans[i], D.width());
    s += ')';
  }
  if (D.width() == D.encoding_bits() + 1)
    s += ", or any code with bit " + std::to_string(D.encoding_bits()) + " set";
  else if (D.width() > D.encoding_bits())
    s += ", or any code with a bit of " + std::to_string(D.encoding_bits()) + ".." +
         std::to_string(D.width() - 1) + " set";
  return s;
}

}  // namespace detail

template <class T>
format_info describe() {
  using limits = std::numeric_limits<T>;
  format_info f;
  f.name = T::name;
  f.bits = bit_width_v<T>;
  f.is_signed = limits::is_signed;
  f.max = double(limits::max());
  f.lowest = double(limits::lowest());
  f.has_inf = limits::has_infinity;
  f.has_nan = limits::has_quiet_NaN;
  if constexpr (is_minifloat_v<T>) {
    constexpr float_desc D = T::desc;
    f.is_float = true;
    f.exponent_bits = D.exponent_bits;
    f.mantissa_bits = D.mantissa_bits;
    f.bias = D.bias;
    f.min_normal = double(limits::min());
    if (limits::has_denorm == std::denorm_present) f.min_subnormal = double(limits::denorm_min());
    f.nan_encoding = detail::nan_encoding<D>();
  } else {
    f.nan_encoding = "none";
  }
  return f;
}

// Every scalar format, in the order of lowp::scalar_formats.
inline std::vector<format_info> all_format_infos() {
  std::vector<format_info> infos;
  for_each_format<scalar_formats>([&]<class T>(type_tag<T>) { infos.push_back(describe<T>()); });
  return infos;
}

// The shortest decimal that reads back as exactly x (std::to_chars).
inline std::string number_text(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return r.ec == std::errc{} ? std::string(buf, r.ptr) : std::string("?");
}

inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

// A JSON array of one object per format, one object per line.
inline std::string formats_json(const std::vector<format_info>& infos) {
  auto opt_int = [](std::optional<int> v) { return v ? std::to_string(*v) : std::string("null"); };
  auto opt_num = [](std::optional<double> v) { return v ? number_text(*v) : std::string("null"); };
  auto boolean = [](bool b) { return std::string(b ? "true" : "false"); };
  std::string out = "[\n";
  for (std::size_t i = 0; i < infos.size(); ++i) {
    const format_info& f = infos[i];
    out += "  {\"name\": " + json_string(f.name) + ", \"bits\": " + std::to_string(f.bits) +
           ", \"kind\": " + json_string(f.is_float ? "float" : "int") +
           ", \"exponent_bits\": " + opt_int(f.exponent_bits) +
           ", \"mantissa_bits\": " + opt_int(f.mantissa_bits) + ", \"bias\": " + opt_int(f.bias) +
           ", \"signed\": " + boolean(f.is_signed) + ", \"max\": " + number_text(f.max) +
           ", \"lowest\": " + number_text(f.lowest) + ", \"min_normal\": " + opt_num(f.min_normal) +
           ", \"min_subnormal\": " + opt_num(f.min_subnormal) + ", \"has_inf\": " + boolean(f.has_inf) +
           ", \"has_nan\": " + boolean(f.has_nan) + ", \"nan_encoding\": " + json_string(f.nan_encoding) +
           (i + 1 < infos.size() ? "},\n" : "}\n");
  }
  return out + "]\n";
}

// The columns of the limits table, in `lowp formats` and in docs/formats.md.
inline const std::vector<std::string>& table_columns() {
  static const std::vector<std::string> columns{
      "format", "bits",       "kind",          "exponent bits", "mantissa bits", "bias", "signed",
      "max",    "lowest",     "min normal",    "min subnormal", "Inf",           "NaN encoding"};
  return columns;
}

// One row of the limits table. Numbers as in formats_json; absent values "–".
inline std::vector<std::string> table_row(const format_info& f) {
  static const std::string none = "–";
  auto opt_int = [&](std::optional<int> v) { return v ? std::to_string(*v) : none; };
  auto opt_num = [&](std::optional<double> v) { return v ? number_text(*v) : none; };
  auto yes_no = [](bool b) { return std::string(b ? "yes" : "no"); };
  return {f.name,           std::to_string(f.bits),  f.is_float ? "float" : "int", opt_int(f.exponent_bits),
          opt_int(f.mantissa_bits), opt_int(f.bias), yes_no(f.is_signed),  number_text(f.max),
          number_text(f.lowest),    opt_num(f.min_normal), opt_num(f.min_subnormal), yes_no(f.has_inf),
          f.nan_encoding};
}

// The limits table as Markdown (the table of docs/formats.md).
inline std::string formats_markdown(const std::vector<format_info>& infos) {
  std::string out = "|";
  for (const std::string& c : table_columns()) out += " " + c + " |";
  out += "\n|";
  for (std::size_t i = 0; i < table_columns().size(); ++i) out += "---|";
  out += '\n';
  for (const format_info& f : infos) {
    std::vector<std::string> row = table_row(f);
    row[0] = "`" + row[0] + "`";
    out += "|";
    for (const std::string& cell : row) out += " " + cell + " |";
    out += '\n';
  }
  return out;
}

}  // namespace lowp::tool
