#pragma once

// Exact rounding of a double's significand to a narrower precision under
// each rounding policy (core/policy.hpp): the arithmetic of the scalar codec
// (format/codec.hpp).

#include <bit>
#include <cstdint>

#include "lowp/core/policy.hpp"

namespace lowp::codec {

// A finite nonzero magnitude as sig * 2^exp with sig < 2^53.
struct magnitude {
  std::uint64_t sig;
  int exp;
  // floor(log2(value))
  constexpr int log2_floor() const { return exp + int(std::bit_width(sig)) - 1; }
};

constexpr magnitude decompose(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x) & 0x7fffffffffffffffULL;
  const auto biased = int(bits >> 52);
  const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1U);
  if (biased == 0) return {fraction, -1074};
  return {fraction | (std::uint64_t{1} << 52), biased - 1075};
}

// The magnitude divided by 2^quantum_exp: its integer part and how the
// discarded fraction compares with one half.
struct scaled {
  std::uint64_t n;       // floor(value / 2^quantum_exp)
  int half_cmp;          // sign of (fraction - 1/2)
  bool inexact;          // fraction != 0
  std::uint32_t frac32;  // floor(fraction * 2^32)
};

// Precondition: value / 2^quantum_exp < 2^63.
constexpr scaled scale_to_quantum(magnitude m, int quantum_exp) {
  const int k = quantum_exp - m.exp;  // bits discarded
  if (k <= 0) return {m.sig << -k, -1, false, 0};
  if (k > 64)  // all of sig is discarded, and it lies below half a quantum (sig < 2^53)
    return {0, -1, true, k - 32 < 64 ? std::uint32_t(m.sig >> (k - 32)) : 0U};
  const std::uint64_t n = k == 64 ? 0 : m.sig >> k;
  const std::uint64_t rem = k == 64 ? m.sig : m.sig & ((std::uint64_t{1} << k) - 1U);
  const std::uint64_t half = std::uint64_t{1} << (k - 1);
  const int half_cmp = rem < half ? -1 : (rem == half ? 0 : 1);
  const std::uint32_t frac32 =
      k <= 32 ? std::uint32_t(rem << (32 - k)) : std::uint32_t(rem >> (k - 32));
  return {n, half_cmp, rem != 0, frac32};
}

// Whether the magnitude rounds away from zero (to s.n + 1) rather than to s.n.
// `truncated_code_odd`: parity of the code of the truncated candidate, which
// decides ties under nearest_even. Stochastic rounding rounds away iff
// frac32 + random_bits >= 2^32, so with probability frac32 / 2^32.
constexpr bool round_away(const scaled& s, rounding r, bool negative, bool truncated_code_odd,
                          std::uint32_t random_bits) {
  if (!s.inexact) return false;
  switch (r) {
    case rounding::nearest_even: return s.half_cmp > 0 || (s.half_cmp == 0 && truncated_code_odd);
    case rounding::nearest_away: return s.half_cmp >= 0;
    case rounding::toward_zero: return false;
    case rounding::up: return !negative;
    case rounding::down: return negative;
    case rounding::stochastic: return std::uint64_t{s.frac32} + random_bits > 0xffffffffULL;
  }
  return false;
}

}  // namespace lowp::codec
