#pragma once

// Exact arithmetic for oracles (Boost.Multiprecision). A Kulisch-style fixed
// point accumulator holds any sum of products of doubles without rounding;
// it is rounded once, correctly, at the end.

#include <bit>
#include <cmath>
#include <cstdint>

#include <boost/multiprecision/cpp_int.hpp>

#include "lowp/reference/rounding.hpp"

namespace lowp::exact {

class accumulator {
 public:
  // Adds a * b exactly. a and b must be finite.
  void add_product(double a, double b) {
    if (a == 0 || b == 0) return;
    const auto ma = reference::decompose(a);
    const auto mb = reference::decompose(b);
    boost::multiprecision::cpp_int p = boost::multiprecision::cpp_int(ma.sig) * mb.sig;
    p <<= (ma.exp + mb.exp + offset);
    if (std::signbit(a) != std::signbit(b)) sum_ -= p;
    else sum_ += p;
  }
  void add(double a) { add_product(a, 1.0); }

  bool is_zero() const { return sum_.is_zero(); }
  int sign() const { return sum_.sign(); }

  // Correctly rounded (nearest even) to double: truncate to 53 bits with the
  // discarded bits ORed into the last one (round to odd), which a following
  // rounding to float also keeps correct (p + 2 <= 53).
  double to_double() const { return rounded(53); }
  // Correctly rounded to float.
  float to_float() const { return float(rounded(26)); }

 private:
  // sig * 2^(exp - offset) with sig < 2^53 for any pair of doubles.
  static constexpr int offset = 2 * 1074;

  double rounded(int keep) const {
    if (sum_.is_zero()) return 0.0;
    boost::multiprecision::cpp_int mag = abs(sum_);
    const int top = int(msb(mag));
    int shift = top + 1 - keep;
    std::uint64_t sig;
    if (shift > 0) {
      const bool sticky = lsb(mag) < unsigned(shift);
      sig = static_cast<std::uint64_t>(mag >> shift) | (sticky ? 1U : 0U);
    } else {
      sig = static_cast<std::uint64_t>(mag);
      shift = 0;
    }
    const double v = std::ldexp(double(sig), shift - offset);
    return sum_.sign() < 0 ? -v : v;
  }

  boost::multiprecision::cpp_int sum_;
};

}  // namespace lowp::exact
