#pragma once

// The human-readable limits table of `lowp formats` and `lowp report`.

#include <charconv>
#include <cmath>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "format_info.hpp"
#include "text_table.hpp"

namespace lowp::tool {

// A value of a format (every one is a float32 value) for people: powers of
// two below 1 or above 2^16 as "2^k", others as the shortest decimal that
// reads back as the same float32.
inline std::string human_number(double x) {
  int e = 0;
  const double m = std::frexp(std::fabs(x), &e);
  if (x != 0 && m == 0.5 && (std::fabs(x) < 1 || std::fabs(x) > 65536))
    return (x < 0 ? "-2^" : "2^") + std::to_string(e - 1);
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, float(x));
  return std::string(buf, r.ptr);
}

inline std::string formats_text(const std::vector<format_info>& infos) {
  text_table t;
  // table_columns(), abbreviated
  const char* const columns[] = {"format", "bits", "kind", "exp", "mant", "bias", "signed",
                                 "max", "lowest", "min normal", "min subnormal", "Inf", "NaN encoding"};
  static_assert(std::size(columns) == 13);
  for (const char* c : columns) {
    const std::string_view name = c;
    t.add_column(c, name == "format" || name == "kind" || name == "NaN encoding" ? text_table::align::left
                                                                                  : text_table::align::right);
  }
  for (const format_info& f : infos) {
    std::vector<std::string> row = table_row(f);
    row[7] = human_number(f.max);
    row[8] = human_number(f.lowest);
    if (f.min_normal) row[9] = human_number(*f.min_normal);
    if (f.min_subnormal) row[10] = human_number(*f.min_subnormal);
    t.add_row(std::move(row));
  }
  return t.str();
}

}  // namespace lowp::tool
