#pragma once

// The exact scalar codec of every scalar format: encoding from double (with a
// rounding and an overflow policy) and decoding to float, as the format's
// description (float_desc.hpp) defines them. The format types convert with
// it, and reference/convert.hpp names it the oracle that every SIMD path is
// compared with, bit for bit.

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "lowp/core/policy.hpp"
#include "lowp/core/rounding.hpp"
#include "lowp/format/float_desc.hpp"

namespace lowp::codec {

// float32 with exactly the value sig * 2^exp. Precondition: representable.
constexpr float exact_float(bool negative, std::uint32_t sig, int exp) {
  const std::uint32_t sign = negative ? 0x80000000U : 0U;
  if (sig == 0) return std::bit_cast<float>(sign);
  const int top = int(std::bit_width(sig)) - 1;
  const int e = exp + top;
  if (e >= -126) {
    const std::uint32_t fraction = (sig << (23 - top)) & 0x7fffffU;
    return std::bit_cast<float>(sign | (std::uint32_t(e + 127) << 23) | fraction);
  }
  return std::bit_cast<float>(sign | (sig << (exp + 149)));
}

inline constexpr std::uint32_t float_quiet_nan_bits = 0x7fc00000U;

// ---- minifloats ------------------------------------------------------------

template <float_desc D>
constexpr bool is_nan_code(std::uint32_t code) {
  const std::uint32_t mag = code & D.magnitude_mask();
  if (D.storage_bits != 0 && (code >> D.encoding_bits()) != 0) return true;  // padding bits set
  switch (D.kind) {
    case specials::ieee:
      return (mag >> D.mantissa_bits) == (std::uint32_t{1} << D.exponent_bits) - 1U &&
             (mag & ((std::uint32_t{1} << D.mantissa_bits) - 1U)) != 0;
    case specials::nan_all_ones: return mag == D.magnitude_mask();
    case specials::nan_neg_zero: return code == D.sign_mask();
    case specials::finite: return false;
  }
  return false;
}

template <float_desc D>
constexpr bool is_inf_code(std::uint32_t code) {
  return D.kind == specials::ieee && (code & D.magnitude_mask()) == D.max_magnitude_code() + 1U;
}

// Exact value of a code. NaN codes decode to the quiet NaN with the code's sign.
template <float_desc D>
constexpr float decode(std::uint32_t code) {
  const bool negative = (code & D.sign_mask()) != 0;
  if (is_nan_code<D>(code))
    return std::bit_cast<float>(float_quiet_nan_bits | (negative ? 0x80000000U : 0U));
  if (is_inf_code<D>(code))
    return negative ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
  const std::uint32_t mag = code & D.magnitude_mask();
  const std::uint32_t exp_field = mag >> D.mantissa_bits;
  const std::uint32_t mantissa = mag & ((std::uint32_t{1} << D.mantissa_bits) - 1U);
  if (exp_field == 0 && D.has_subnormals) return exact_float(negative, mantissa, D.emin() - D.mantissa_bits);
  return exact_float(negative, mantissa | (std::uint32_t{1} << D.mantissa_bits),
                     int(exp_field) - D.bias - D.mantissa_bits);
}

template <float_desc D>
constexpr std::uint32_t nan_code(bool negative) {
  const std::uint32_t sign = negative ? D.sign_mask() : 0U;
  if constexpr (D.kind == specials::ieee)  // all-ones exponent, quiet bit (mantissa MSB), no payload
    return sign | (D.magnitude_mask() ^ ((std::uint32_t{1} << (D.mantissa_bits - 1)) - 1U));
  else if constexpr (D.kind == specials::nan_all_ones)
    return sign | D.magnitude_mask();
  else if constexpr (D.kind == specials::nan_neg_zero)
    return D.sign_mask();
  else  // no NaN: +max, as PTX cvt .satfinite does
    return D.max_magnitude_code();
}

template <float_desc D>
constexpr std::uint32_t max_code(bool negative) {
  return (negative ? D.sign_mask() : 0U) | D.max_magnitude_code();
}

// The code a value beyond the format's range becomes (DESIGN §4).
template <float_desc D>
constexpr std::uint32_t overflow_code(bool negative, bool from_inf, overflow o) {
  if (!D.is_signed && negative) {
    // Below the range of an unsigned format: the least value, or NaN.
    if (o == overflow::non_saturating || (from_inf && o == overflow::saturate))
      return D.has_nan() ? nan_code<D>(false) : 0U;
    return 0U;
  }
  const bool to_special = o == overflow::non_saturating || (from_inf && o == overflow::saturate);
  if (to_special && D.has_inf()) return max_code<D>(negative) + 1U;
  if (to_special && D.has_nan()) return nan_code<D>(negative);
  return max_code<D>(negative);
}

// A value that rounds to zero.
template <float_desc D>
constexpr std::uint32_t zero_code(bool negative, overflow o) {
  if (!D.has_zero()) return o == overflow::non_saturating ? nan_code<D>(false) : 0U;  // E8M0
  return negative && D.has_negative_zero() ? D.sign_mask() : 0U;
}

template <float_desc D>
constexpr std::uint32_t encode(double x, rounding r, overflow o, std::uint32_t random_bits = 0) {
  static_assert(D.has_subnormals || D.mantissa_bits == 0,
                "a format without subnormals must have no mantissa bits");
  const bool negative = std::signbit(x);
  if (std::isnan(x)) return nan_code<D>(negative);
  if (std::isinf(x)) return overflow_code<D>(negative, true, o);
  if (x == 0) return zero_code<D>(negative, o);

  constexpr int M = D.mantissa_bits;
  const magnitude m = decompose(x);
  const int e = m.log2_floor();
  if (e > D.emax() + 1) return overflow_code<D>(negative, false, o);  // beyond any rounding
  int quantum_exp = (e > D.emin() ? e : D.emin()) - M;
  const scaled s = scale_to_quantum(m, quantum_exp);
  const bool odd = M > 0 ? (s.n & 1U) != 0 : (s.n != 0 && ((quantum_exp + D.bias) & 1) != 0);
  std::uint64_t n = s.n + (round_away(s, r, negative, odd, random_bits) ? 1U : 0U);

  if (n == 0) return zero_code<D>(negative, o);
  if (!D.is_signed && negative) return overflow_code<D>(true, false, o);
  if (n == (std::uint64_t{1} << (M + 1))) {
    n >>= 1;
    ++quantum_exp;
  }
  std::uint32_t mag;
  if (n < (std::uint64_t{1} << M)) {
    mag = std::uint32_t(n);  // subnormal
  } else {
    const std::int64_t code = (std::int64_t(quantum_exp + M + D.bias) << M) +
                              std::int64_t(n - (std::uint64_t{1} << M));
    if (code > std::int64_t(D.max_magnitude_code())) return overflow_code<D>(negative, false, o);
    mag = std::uint32_t(code);
  }
  return (negative && D.is_signed ? D.sign_mask() : 0U) | mag;
}

// ---- integers --------------------------------------------------------------

// Two's complement (or unsigned) integer of `Bits` bits; the code is the low
// `Bits` bits. NaN becomes 0; out-of-range values and ±Inf saturate under every
// overflow policy (an integer has neither Inf nor NaN).
template <int Bits, bool Signed>
constexpr std::uint32_t encode_int(double x, rounding r, std::uint32_t random_bits = 0) {
  constexpr std::int64_t max = Signed ? (std::int64_t{1} << (Bits - 1)) - 1 : (std::int64_t{1} << Bits) - 1;
  constexpr std::int64_t min = Signed ? -(std::int64_t{1} << (Bits - 1)) : 0;
  constexpr std::uint32_t mask = (std::uint32_t{1} << Bits) - 1U;
  if (std::isnan(x) || x == 0) return 0;
  const bool negative = x < 0;
  std::int64_t v;
  if (std::isinf(x) || std::fabs(x) >= 0x1p40) {
    v = negative ? min : max;
  } else {
    const scaled s = scale_to_quantum(decompose(x), 0);
    const std::uint64_t n = s.n + (round_away(s, r, negative, (s.n & 1U) != 0, random_bits) ? 1U : 0U);
    v = negative ? -std::int64_t(n) : std::int64_t(n);
  }
  v = v < min ? min : (v > max ? max : v);
  return std::uint32_t(std::uint64_t(v)) & mask;
}

template <int Bits, bool Signed>
constexpr float decode_int(std::uint32_t code) {
  constexpr std::uint32_t mask = (std::uint32_t{1} << Bits) - 1U;
  code &= mask;
  if (Signed && (code >> (Bits - 1)) != 0) return float(std::int64_t(code) - (std::int64_t{1} << Bits));
  return float(code);
}

}  // namespace lowp::codec
