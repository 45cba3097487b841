#pragma once

// How `lowp error` and `lowp report` print round-trip errors, and the block
// format accuracy table of `lowp report` and docs/blocks.md. The tests check
// docs/blocks.md against these cells computed in-process.

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "lowp/quant/metrics.hpp"

namespace lowp::tool {

// v with printf format `fmt`; "inf" / "-inf" for infinities, "nan" for NaN.
inline std::string number_cell(const char* fmt, double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// SQNR in dB, two decimals; "inf" for an exact reconstruction.
inline std::string sqnr_cell(const quant::error_metrics& m) { return number_cell("%.2f", m.sqnr_db); }
// RMSE, max abs and max rel errors: four significant digits.
inline std::string error_cell(double v) { return number_cell("%.3e", v); }

// Bits per element with up to four decimals, trailing zeros dropped (8.25,
// 4.5005, 5.0); "–" when there are no elements.
inline std::string bits_cell(double bits) {
  if (!std::isfinite(bits)) return "–";
  std::string s = number_cell("%.4f", bits);
  while (s.size() > 2 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  return s;
}

// Storage bits per element of a tensor of n values that takes `bytes`
// (scales, headers and padding included); NaN for an empty tensor.
inline double effective_bits(std::size_t bytes, std::size_t n) {
  return n == 0 ? std::nan("") : 8.0 * double(bytes) / double(n);
}

// ---- the block format accuracy table ---------------------------------------

// One block format on the two built-in tensors of tools/lowp/tensors.hpp.
struct block_accuracy_row {
  std::string format;
  double bits_per_element = 0;  // effective, on the built-in tensors' shape
  quant::error_metrics gaussian, heavy_tailed;
};

inline const std::vector<std::string>& block_accuracy_columns() {
  static const std::vector<std::string> columns{
      "format", "bits/element", "Gaussian SQNR dB", "Gaussian RMSE", "Gaussian max abs",
      "heavy-tailed SQNR dB", "heavy-tailed RMSE", "heavy-tailed max abs"};
  return columns;
}

inline std::vector<std::string> block_accuracy_cells(const block_accuracy_row& r) {
  return {r.format,
          bits_cell(r.bits_per_element),
          sqnr_cell(r.gaussian),
          error_cell(r.gaussian.rmse),
          error_cell(r.gaussian.max_abs),
          sqnr_cell(r.heavy_tailed),
          error_cell(r.heavy_tailed.rmse),
          error_cell(r.heavy_tailed.max_abs)};
}

// The table as Markdown, format names in backquotes (docs/blocks.md).
inline std::string block_accuracy_markdown(const std::vector<block_accuracy_row>& rows) {
  std::string out = "|";
  for (const std::string& c : block_accuracy_columns()) out += " " + c + " |";
  out += "\n|";
  for (std::size_t i = 0; i < block_accuracy_columns().size(); ++i) out += i == 0 ? "---|" : "--:|";
  out += '\n';
  for (const block_accuracy_row& r : rows) {
    std::vector<std::string> cells = block_accuracy_cells(r);
    cells[0] = "`" + cells[0] + "`";
    out += "|";
    for (const std::string& cell : cells) out += " " + cell + " |";
    out += '\n';
  }
  return out;
}

}  // namespace lowp::tool
