#pragma once

// Helpers shared by the format tests: code samples and probe inputs drawn
// from the exact model.

#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "exact_model.hpp"

namespace lowp_test {

// Every code of formats up to 8 bits; for 16-bit formats every code whose
// low byte is one of a few edge patterns (each binade's ends and middle).
inline std::vector<std::uint32_t> sample_codes(const format_model& m) {
  std::vector<std::uint32_t> codes;
  for (std::uint32_t c = 0; c < m.code_count(); ++c) {
    const std::uint32_t low = c & 0xffU;
    if (m.code_count() <= 256 || low == 0x00 || low == 0x01 || low == 0x7f || low == 0x80 || low == 0xfe ||
        low == 0xff)
      codes.push_back(c);
  }
  return codes;
}

// At most `n` codes spread over sample_codes(m), always including the first and last.
inline std::vector<std::uint32_t> few_codes(const format_model& m, std::size_t n) {
  const auto all = sample_codes(m);
  if (all.size() <= n) return all;
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(all[i * (all.size() - 1) / (n - 1)]);
  return out;
}

inline bool is_float32(double x) { return static_cast<double>(static_cast<float>(x)) == x; }

// Inputs that probe every rounding decision near the grid points of `m`:
// each representable value, each midpoint between neighbours (including the
// one between max and the next value with an unbounded exponent), one double
// and one float32 ulp on either side of each, both signs, and the specials.
// `full`: every grid point; otherwise, for grids over 300 points, a
// deterministic subset (the ends, each binade's first and last value, a stride).
inline std::vector<double> probe_points(const format_model& m, bool full) {
  const auto& grid = m.grid();
  const auto& s = m.spec();
  std::vector<double> bases;
  const std::uint32_t mant_mask = (std::uint32_t{1} << s.mantissa_bits) - 1U;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const std::uint32_t mant = grid[i].code & mant_mask;
    const bool pick = full || grid.size() <= 300 || i < 24 || i + 24 > grid.size() || i % 97 == 0 ||
                      (!s.is_integer && (mant == 0 || mant == mant_mask));
    if (!pick) continue;
    bases.push_back(grid[i].value);
    if (i + 1 < grid.size()) bases.push_back((grid[i].value + grid[i + 1].value) / 2);
  }
  if (s.is_integer) {
    const double lo = grid.front().value, hi = grid.back().value;
    for (double v : {lo - 1, lo - 0.5, hi + 0.5, hi + 1, lo - 0.25, hi + 0.75}) bases.push_back(v);
    for (const auto& p : grid) bases.push_back(p.value + 0.25), bases.push_back(p.value + 0.75);
  }
  std::vector<double> pts;
  for (double b : bases) {
    pts.push_back(b);
    pts.push_back(std::nextafter(b, INFINITY));
    pts.push_back(std::nextafter(b, -INFINITY));
    if (is_float32(b) && std::fabs(b) <= FLT_MAX) {
      pts.push_back(std::nextafterf(float(b), INFINITY));
      pts.push_back(std::nextafterf(float(b), -INFINITY));
    }
  }
  const double extra[] = {2 * m.beyond_max(), 1.5 * m.beyond_max(), 1e30, FLT_MAX, 1e300, DBL_MAX,
                          FLT_TRUE_MIN,       DBL_TRUE_MIN,         DBL_MIN, FLT_MIN, 1e-30, 0x1p-150,
                          0.1,                0.3,                  1.0 / 3, 2.0 / 3, 100.0, 1e-3};
  for (double v : extra) pts.push_back(v);
  const std::size_t n = pts.size();
  for (std::size_t i = 0; i < n; ++i) pts.push_back(-pts[i]);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double v : {0.0, -0.0, double(INFINITY), -double(INFINITY), nan, -nan}) pts.push_back(v);
  return pts;
}

}  // namespace lowp_test
