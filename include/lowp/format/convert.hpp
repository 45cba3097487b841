#pragma once

#include <cstdint>

#include "lowp/core/policy.hpp"
#include "lowp/core/rng.hpp"
#include "lowp/format/intn.hpp"
#include "lowp/format/minifloat.hpp"

namespace lowp {

// The code of x in format T under explicit policies. For rounding::stochastic
// the random bits are stochastic_bits(seed, index) (core/rng.hpp), so a tensor
// element's result depends only on its value, the seed and its index.
template <class T>
constexpr typename T::storage_type encode(double x, rounding r = rounding::nearest_even,
                                          overflow o = overflow::saturate, std::uint64_t seed = 0,
                                          std::uint64_t index = 0) {
  const std::uint32_t random = r == rounding::stochastic ? stochastic_bits(seed, index) : 0U;
  if constexpr (is_minifloat_v<T>) {
    return typename T::storage_type(codec::encode<T::desc>(x, r, o, random));
  } else {
    static_assert(is_intn_v<T>, "lowp::encode: T is not a scalar format");
    return typename T::storage_type(codec::encode_int<T::bit_width, T::is_signed>(x, r, random));
  }
}

template <class T>
constexpr T convert(double x, rounding r = rounding::nearest_even, overflow o = overflow::saturate,
                    std::uint64_t seed = 0, std::uint64_t index = 0) {
  return T::from_bits(encode<T>(x, r, o, seed, index));
}

// Exact value of a raw code of format T.
template <class T>
constexpr float decode(typename T::storage_type code) {
  return static_cast<float>(T::from_bits(code));
}

// Rules for turning a positive value into an E8M0 scale (OCP MX v1.0 §6.3 uses
// floor_log2 of the block maximum). Each is a rounding of the value to a power
// of two; all saturate into [2^-127, 2^127], zero and negative values give
// 2^-127, NaN and ±Inf give NaN.
//   floor_log2:   2^floor(log2 x)                       (rounding::down)
//   ceil_log2:    2^ceil(log2 x)                        (rounding::up)
//   nearest_even: the nearer of the two; a tie (x = 1.5 * 2^k) goes to the
//                 neighbour whose biased exponent code is even.
enum class scale_rule : std::uint8_t { floor_log2, ceil_log2, nearest_even };

constexpr float8_e8m0fnu to_e8m0(double x, scale_rule rule) {
  if (x != x || x == 1.0 / 0.0 || x == -1.0 / 0.0) return float8_e8m0fnu::from_bits(0xff);
  const rounding r = rule == scale_rule::floor_log2  ? rounding::down
                     : rule == scale_rule::ceil_log2 ? rounding::up
                                                     : rounding::nearest_even;
  return convert<float8_e8m0fnu>(x, r, overflow::saturate_all);
}

}  // namespace lowp
