#pragma once

#include <cstdint>
#include <type_traits>

#include "lowp/core/bit_width.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/format/float_desc.hpp"
#include "lowp/format/codec.hpp"

namespace lowp {

// One floating-point format of at most 16 bits, described by D. Construction
// from float/double rounds to nearest even and saturates; lowp::convert takes
// explicit policies. Conversion to float/double is exact. Arithmetic operators
// compute in float and round the result back with nearest_even + saturate.
template <float_desc D>
class minifloat {
 public:
  static_assert(D.width() <= 16, "minifloat holds at most 16 bits");
  using storage_type = std::conditional_t<(D.width() <= 8), std::uint8_t, std::uint16_t>;
  static constexpr float_desc desc = D;
  static constexpr const char* name = D.name;
  static constexpr int bit_width = D.width();

  constexpr minifloat() = default;
  constexpr explicit minifloat(double x)
      : code_(storage_type(codec::encode<D>(x, rounding::nearest_even, overflow::saturate))) {}
  constexpr explicit minifloat(float x) : minifloat(double(x)) {}

  // Bits above the format's width are dropped.
  static constexpr minifloat from_bits(storage_type code) {
    minifloat m;
    m.code_ = storage_type(code & ((1U << D.width()) - 1U));
    return m;
  }
  constexpr storage_type bits() const { return code_; }

  constexpr explicit operator float() const { return codec::decode<D>(code_); }
  constexpr explicit operator double() const { return double(codec::decode<D>(code_)); }

  constexpr bool is_nan() const { return codec::is_nan_code<D>(code_); }
  constexpr bool is_inf() const { return codec::is_inf_code<D>(code_); }

  friend constexpr bool operator==(minifloat a, minifloat b) { return float(a) == float(b); }
  friend constexpr auto operator<=>(minifloat a, minifloat b) { return float(a) <=> float(b); }

  friend constexpr minifloat operator+(minifloat a, minifloat b) { return result(float(a) + float(b)); }
  friend constexpr minifloat operator-(minifloat a, minifloat b) { return result(float(a) - float(b)); }
  friend constexpr minifloat operator*(minifloat a, minifloat b) { return result(float(a) * float(b)); }
  friend constexpr minifloat operator/(minifloat a, minifloat b) { return result(float(a) / float(b)); }
  constexpr minifloat operator-() const { return result(-float(*this)); }
  constexpr minifloat operator+() const { return *this; }
  constexpr minifloat& operator+=(minifloat o) { return *this = *this + o; }
  constexpr minifloat& operator-=(minifloat o) { return *this = *this - o; }
  constexpr minifloat& operator*=(minifloat o) { return *this = *this * o; }
  constexpr minifloat& operator/=(minifloat o) { return *this = *this / o; }

 private:
  // The sign of a NaN produced by float arithmetic differs between CPUs
  // (x86 gives the "default NaN" with the sign set, AArch64 without), so
  // operator results use the positive NaN on every platform.
  static constexpr minifloat result(float r) {
    if (r != r) return from_bits(storage_type(codec::nan_code<D>(false)));
    return minifloat(r);
  }

  storage_type code_ = 0;
};

template <class T>
inline constexpr bool is_minifloat_v = false;
template <float_desc D>
inline constexpr bool is_minifloat_v<minifloat<D>> = true;

// ---- the formats of DESIGN §4 (names as ml_dtypes) -------------------------
// Each comment: range (max, min normal, min subnormal), bias, specials.

// OCP 8-bit FP (2023) E4M3: max 448, min normal 2^-6, min sub 2^-9; bias 7; no Inf, NaN S.1111.111
using float8_e4m3fn = minifloat<float_desc{"float8_e4m3fn", 4, 3, 7, true, specials::nan_all_ones}>;
// OCP 8-bit FP (2023) E5M2: max 57344, min normal 2^-14, min sub 2^-16; bias 15; IEEE Inf/NaN
using float8_e5m2 = minifloat<float_desc{"float8_e5m2", 5, 2, 15, true, specials::ieee}>;
// E4M3 "fnuz" (Graphcore/AMD): max 240, min normal 2^-7, min sub 2^-10; bias 8; no Inf, no -0, NaN 0x80
using float8_e4m3fnuz = minifloat<float_desc{"float8_e4m3fnuz", 4, 3, 8, true, specials::nan_neg_zero}>;
// E5M2 "fnuz": max 57344, min normal 2^-15, min sub 2^-17; bias 16; no Inf, no -0, NaN 0x80
using float8_e5m2fnuz = minifloat<float_desc{"float8_e5m2fnuz", 5, 2, 16, true, specials::nan_neg_zero}>;
// E4M3 bias 11 "fnuz": max 30, min normal 2^-10, min sub 2^-13; no Inf, no -0, NaN 0x80
using float8_e4m3b11fnuz = minifloat<float_desc{"float8_e4m3b11fnuz", 4, 3, 11, true, specials::nan_neg_zero}>;
// IEEE-like E4M3: max 240, min normal 2^-6, min sub 2^-9; bias 7; IEEE Inf/NaN
using float8_e4m3 = minifloat<float_desc{"float8_e4m3", 4, 3, 7, true, specials::ieee}>;
// IEEE-like E3M4: max 15.5, min normal 2^-2, min sub 2^-6; bias 3; IEEE Inf/NaN
using float8_e3m4 = minifloat<float_desc{"float8_e3m4", 3, 4, 3, true, specials::ieee}>;
// OCP MX E8M0 scale: 2^-127 .. 2^127, unsigned, no zero, no subnormals; bias 127; NaN 0xFF
using float8_e8m0fnu =
    minifloat<float_desc{"float8_e8m0fnu", 8, 0, 127, false, specials::nan_all_ones, false}>;
// NVFP4 block scale, unsigned E4M3 in 8 bits (bit 7 zero): max 448, min normal 2^-6, min sub 2^-9; bias 7; NaN 0x7F
using float8_ue4m3 =
    minifloat<float_desc{"float8_ue4m3", 4, 3, 7, false, specials::nan_all_ones, true, 8}>;
// OCP MX FP6 E2M3: max 7.5, min normal 1, min sub 0.125; bias 1; no Inf/NaN
using float6_e2m3fn = minifloat<float_desc{"float6_e2m3fn", 2, 3, 1, true, specials::finite}>;
// OCP MX FP6 E3M2: max 28, min normal 0.25, min sub 0.0625; bias 3; no Inf/NaN
using float6_e3m2fn = minifloat<float_desc{"float6_e3m2fn", 3, 2, 3, true, specials::finite}>;
// OCP MX FP4 E2M1: max 6, min normal 1, min sub 0.5; bias 1; no Inf/NaN
using float4_e2m1fn = minifloat<float_desc{"float4_e2m1fn", 2, 1, 1, true, specials::finite}>;
// bfloat16: max ~3.39e38, min normal 2^-126, min sub 2^-133; bias 127; IEEE Inf/NaN
using bfloat16 = minifloat<float_desc{"bfloat16", 8, 7, 127, true, specials::ieee}>;
// IEEE 754 binary16: max 65504, min normal 2^-14, min sub 2^-24; bias 15; IEEE Inf/NaN
using float16 = minifloat<float_desc{"float16", 5, 10, 15, true, specials::ieee}>;

}  // namespace lowp
