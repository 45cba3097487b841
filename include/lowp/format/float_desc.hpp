#pragma once

#include <cstdint>

namespace lowp {

// How a minifloat encodes its special values.
enum class specials : std::uint8_t {
  ieee,          // IEEE 754: all-ones exponent is Inf (mantissa 0) or NaN
  nan_all_ones,  // "fn": no Inf; all-ones exponent and mantissa is NaN (OCP E4M3, UE4M3, E8M0)
  nan_neg_zero,  // "fnuz": no Inf, no -0; the code 1000...0 is the only NaN
  finite,        // no Inf, no NaN (OCP MX FP6/FP4)
};

// Bit-level description of a minifloat: sign? + exponent + mantissa bits.
// Every limit of the format is derived from it (format/minifloat.hpp).
struct float_desc {
  char name[24];
  int exponent_bits;
  int mantissa_bits;
  int bias;
  bool is_signed = true;
  specials kind = specials::ieee;
  bool has_subnormals = true;  // false: exponent field 0 is a normal binade (E8M0)
  int storage_bits = 0;        // 0: sign + exponent + mantissa; else padded width (UE4M3 in 8 bits)

  constexpr int encoding_bits() const { return (is_signed ? 1 : 0) + exponent_bits + mantissa_bits; }
  constexpr int width() const { return storage_bits != 0 ? storage_bits : encoding_bits(); }
  constexpr bool has_inf() const { return kind == specials::ieee; }
  constexpr bool has_nan() const { return kind != specials::finite; }
  constexpr bool has_negative_zero() const { return is_signed && kind != specials::nan_neg_zero; }
  constexpr bool has_zero() const { return has_subnormals; }
  constexpr std::uint32_t sign_mask() const {
    return is_signed ? (std::uint32_t{1} << (exponent_bits + mantissa_bits)) : 0U;
  }
  constexpr std::uint32_t magnitude_mask() const {
    return (std::uint32_t{1} << (exponent_bits + mantissa_bits)) - 1U;
  }
  // Largest magnitude code that is a finite number.
  constexpr std::uint32_t max_magnitude_code() const {
    switch (kind) {
      case specials::ieee:
        return ((((std::uint32_t{1} << exponent_bits) - 1U)) << mantissa_bits) - 1U;
      case specials::nan_all_ones: return magnitude_mask() - 1U;
      default: return magnitude_mask();
    }
  }
  // Exponent of the smallest normal binade, unbiased.
  constexpr int emin() const { return (has_subnormals ? 1 : 0) - bias; }
  // Exponent of the largest finite binade, unbiased.
  constexpr int emax() const { return int(max_magnitude_code() >> mantissa_bits) - bias; }
};

}  // namespace lowp
