#pragma once

// Scalar steps shared by the SIMD block kernels (lowp/kernels/block.hpp) of
// every ISA: per-block scales, float16 scale codes, and the hand-off of one
// block to the scalar instantiation. Each function is a template on the xsimd
// architecture A of the calling kernel, so that every ISA's translation unit
// emits its own copy, compiled with its own flags: an inline function shared
// by translation units with different flags could be linked from the AVX2
// one into the baseline path (docs/isa.md).

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "lowp/kernels/block/kernel.hpp"
#include "lowp/block/formats.hpp"
#include "lowp/simd/api.hpp"

namespace lowp::simd::block_common {

// Float bit patterns at or above this are Inf or NaN (of |x|).
inline constexpr std::uint32_t inf_bits = 0x7F800000U;

// ggml's floorf(log2f(amax)) rounds up to the next integer only for amax
// within 2^-16 of a power of two (reference::detail::ggml_floor_log2f): the
// SIMD ggml_mxfp4 quantizers hand blocks whose normal amax has at least these
// mantissa bits (within 2^-13) to the reference, and take the exponent field
// of the others.
inline constexpr std::uint32_t ggml_log2_round_up_mantissa = 0x7FFC00U;

// Whole blocks through the scalar instantiation (compiled with baseline flags
// in the scalar translation unit, so no ISA copy of the reference is linked in).
template <class A, class BF>
void scalar_decode(const std::uint8_t* in, float* out, float tensor_scale) {
  kernels::block_kernel::decode<simd::scalar, BF>(simd::scalar{}, in, out, 1, tensor_scale);
}
template <class A, class BF>
void scalar_encode(const float* x, std::uint8_t* out, float tensor_scale) {
  kernels::block_kernel::encode<simd::scalar, BF>(simd::scalar{}, x, out, 1, tensor_scale);
}

// E8M0 code e -> 2^(e - 127) (OCP MX v1.0 §5.4.1) as a float; e = 0 is the
// subnormal 2^-127. Code 0xFF (NaN) is the caller's.
template <class A>
float e8m0_scale(std::uint32_t e) {
  return std::bit_cast<float>(e != 0 ? e << 23 : 0x00400000U);
}
// ggml's GGML_E8M0_TO_FP32_HALF: 2^(e - 128); e = 255 is 2^127.
template <class A>
float e8m0_half(std::uint32_t e) {
  return std::bit_cast<float>(e >= 2 ? (e - 1) << 23 : (e == 1 ? 0x00400000U : 0x00200000U));
}

// IEEE binary16 code of a finite or infinite h -> float32, exactly: the
// magnitude bits placed at float bits 13..27 read as a float are the value
// times 2^-112 (subnormal codes included), and the product with 2^112 is exact.
template <class A>
float fp16_value(std::uint16_t h) {
  const float mag = std::bit_cast<float>(std::uint32_t(h & 0x7FFFU) << 13) * 0x1p112f;
  return std::bit_cast<float>(std::bit_cast<std::uint32_t>(mag) | (std::uint32_t(h & 0x8000U) << 16));
}

// float32 -> IEEE binary16 code, nearest even, overflow to Inf (ggml's
// GGML_FP32_TO_FP16, F16C's vcvtps2ph) for finite v. Below 2^-14 adding 0.5,
// whose float spacing is 2^-24 (the binary16 subnormal step), rounds to that
// step; above, the float's significand is rounded to 10 bits in place, and a
// carry into the exponent is the next binade (or Inf).
template <class A>
std::uint16_t fp16_code(float v) {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(v);
  const std::uint32_t sign = (x >> 16) & 0x8000U, a = x & 0x7FFFFFFFU;
  std::uint32_t h;
  if (a >= 0x477FF000U) {  // 65520 and up round to Inf
    h = 0x7C00U;
  } else if (a < 0x38800000U) {  // below 2^-14
    h = std::bit_cast<std::uint32_t>(std::bit_cast<float>(a) + 0.5f) - 0x3F000000U;
  } else {
    h = ((a + 0xFFFU + ((a >> 13) & 1U)) >> 13) - ((127U - 15U) << 10);
  }
  return std::uint16_t(sign | h);
}

// float8_ue4m3 (4 exponent bits, bias 7, 3 mantissa bits, subnormals, 0x7F
// NaN) code of a finite t > 0, nearest even, saturating at 448 (0x7E).
// Adding and subtracting 2^52 rounds the exact quotient q < 2^5 to an integer
// by the current (nearest even) rounding mode.
template <class A>
std::uint32_t ue4m3_code(double t) {
  const int e = int(std::bit_cast<std::uint64_t>(t) >> 52) - 1023;
  if (e > 8) return 0x7E;
  const int ee = std::max(e, -6);                                                   // subnormals: quantum 2^-9
  const double q = t * std::bit_cast<double>(std::uint64_t(1023 + 3 - ee) << 52);  // t / 2^(ee - 3), exact
  const auto n = std::uint32_t((q + 0x1p52) - 0x1p52);
  return std::min<std::uint32_t>(std::uint32_t((ee + 6) * 8) + n, 0x7E);
}

// Value of a finite float8_ue4m3 code.
template <class A>
double ue4m3_value(std::uint32_t c) {
  const std::uint32_t f = c >> 3, m = c & 7;
  const double sig = f == 0 ? double(m) : double(8 + m);
  return sig * std::bit_cast<double>(std::uint64_t(1023 - 10 + int(std::max<std::uint32_t>(f, 1))) << 52);
}

// The float neighbours of a positive double t: the largest float <= t and
// the least float >= t (+Inf beyond the largest float). For a float a,
// a > t exactly when a > round_down(t), a >= t exactly when a >= round_up(t).
template <class A>
float round_down(double t) {
  const float f = float(t);
  return double(f) > t ? std::bit_cast<float>(std::bit_cast<std::uint32_t>(f) - 1U) : f;
}
template <class A>
float round_up(double t) {
  const float f = float(t);
  return double(f) < t ? std::bit_cast<float>(std::bit_cast<std::uint32_t>(f) + 1U) : f;
}

// NVFP4 UE4M3 scale code -> value (0 for the NaN codes) and whether it is a
// NaN, decoded once by the scalar instantiation: block c has scale code c
// and element 0 = code 2 (1.0), tensor scale 1.
struct ue4m3_scale_table {
  std::array<float, 256> value{};
  std::array<bool, 256> nan{};
};
template <class A, class BF>
const ue4m3_scale_table& nvfp4_scales() {
  static const ue4m3_scale_table table = [] {
    std::array<std::uint8_t, 256 * BF::bytes_per_block> blocks{};
    for (std::uint32_t c = 0; c < 256; ++c) {
      blocks[c * BF::bytes_per_block] = std::uint8_t(c);
      blocks[c * BF::bytes_per_block + 1] = 0x02;
    }
    std::array<float, 256 * BF::block_size> y{};
    kernels::block_kernel::decode<simd::scalar, BF>(simd::scalar{}, blocks.data(), y.data(), 256, 1.0f);
    ue4m3_scale_table t;
    for (std::uint32_t c = 0; c < 256; ++c) {
      const float v = y[c * BF::block_size];
      t.nan[c] = v != v;
      t.value[c] = t.nan[c] ? 0.0f : v;
    }
    return t;
  }();
  return table;
}

}  // namespace lowp::simd::block_common
