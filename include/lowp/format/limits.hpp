#pragma once

#include <cstdint>
#include <limits>

#include "lowp/format/intn.hpp"
#include "lowp/format/minifloat.hpp"

namespace lowp {

// Limits of a minifloat, derived from its descriptor.
template <float_desc D>
struct float_limits {
  using T = minifloat<D>;
  static constexpr T max() { return T::from_bits(D.max_magnitude_code()); }
  static constexpr T lowest() {
    return D.is_signed ? T::from_bits(D.sign_mask() | D.max_magnitude_code()) : min_value();
  }
  static constexpr T min_normal() {
    return T::from_bits(D.has_subnormals ? std::uint32_t{1} << D.mantissa_bits : 0U);
  }
  // Smallest positive value: the least subnormal, or the least normal without subnormals.
  static constexpr T denorm_min() {
    return T::from_bits(D.has_subnormals && D.mantissa_bits > 0 ? 1U : min_normal().bits());
  }
  static constexpr T min_value() { return T::from_bits(0); }
  // 2^-mantissa_bits: the gap between 1 and the next value
  static constexpr T epsilon() {
    double e = 1.0;
    for (int i = 0; i < D.mantissa_bits; ++i) e /= 2;
    return T(e);
  }
  static constexpr T infinity() { return T::from_bits(D.has_inf() ? D.max_magnitude_code() + 1U : 0U); }
  static constexpr T quiet_NaN() { return T::from_bits(D.has_nan() ? codec::nan_code<D>(false) : 0U); }
};

}  // namespace lowp

namespace std {

template <lowp::float_desc D>
class numeric_limits<lowp::minifloat<D>> {
  using T = lowp::minifloat<D>;
  using L = lowp::float_limits<D>;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = D.is_signed;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = D.has_inf();
  static constexpr bool has_quiet_NaN = D.has_nan();
  static constexpr bool has_signaling_NaN = false;
  static constexpr float_denorm_style has_denorm =
      D.has_subnormals && D.mantissa_bits > 0 ? denorm_present : denorm_absent;
  static constexpr bool has_denorm_loss = false;
  static constexpr float_round_style round_style = round_to_nearest;
  static constexpr bool is_iec559 = false;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr int digits = D.mantissa_bits + 1;
  static constexpr int digits10 = int((digits - 1) * 0.30102999566398119521);
  static constexpr int max_digits10 = 2 + int(digits * 0.30102999566398119521);
  static constexpr int radix = 2;
  static constexpr int min_exponent = D.emin() + 1;
  static constexpr int min_exponent10 = int((min_exponent - 1) * 0.30102999566398119521);
  static constexpr int max_exponent = D.emax() + 1;
  static constexpr int max_exponent10 = int(max_exponent * 0.30102999566398119521);
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;

  static constexpr T min() noexcept { return L::min_normal(); }
  static constexpr T max() noexcept { return L::max(); }
  static constexpr T lowest() noexcept { return L::lowest(); }
  static constexpr T epsilon() noexcept { return L::epsilon(); }
  static constexpr T round_error() noexcept { return T(0.5); }
  static constexpr T infinity() noexcept { return L::infinity(); }
  static constexpr T quiet_NaN() noexcept { return L::quiet_NaN(); }
  static constexpr T signaling_NaN() noexcept { return L::quiet_NaN(); }
  static constexpr T denorm_min() noexcept { return L::denorm_min(); }
};

template <int Bits, bool Signed>
class numeric_limits<lowp::intn<Bits, Signed>> {
  using T = lowp::intn<Bits, Signed>;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = Signed;
  static constexpr bool is_integer = true;
  static constexpr bool is_exact = true;
  static constexpr bool has_infinity = false;
  static constexpr bool has_quiet_NaN = false;
  static constexpr bool has_signaling_NaN = false;
  static constexpr float_denorm_style has_denorm = denorm_absent;
  static constexpr bool has_denorm_loss = false;
  static constexpr float_round_style round_style = round_to_nearest;
  static constexpr bool is_iec559 = false;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr int digits = Signed ? Bits - 1 : Bits;
  static constexpr int digits10 = int(digits * 0.30102999566398119521);
  static constexpr int max_digits10 = 0;
  static constexpr int radix = 2;
  static constexpr int min_exponent = 0;
  static constexpr int min_exponent10 = 0;
  static constexpr int max_exponent = 0;
  static constexpr int max_exponent10 = 0;
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;

  static constexpr T min() noexcept { return T(T::min_value); }
  static constexpr T max() noexcept { return T(T::max_value); }
  static constexpr T lowest() noexcept { return T(T::min_value); }
  static constexpr T epsilon() noexcept { return T(0); }
  static constexpr T round_error() noexcept { return T(0); }
  static constexpr T infinity() noexcept { return T(0); }
  static constexpr T quiet_NaN() noexcept { return T(0); }
  static constexpr T signaling_NaN() noexcept { return T(0); }
  static constexpr T denorm_min() noexcept { return T(0); }
};

}  // namespace std
