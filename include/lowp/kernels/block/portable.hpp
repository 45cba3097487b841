#pragma once

// Block dequantization and quantization kernels (lowp/kernels/block.hpp) on
// 128-bit xsimd batches: the sse2, sse4_1 and neon64 instantiations. The
// arithmetic is that of the 256-bit kernels (arch/kernels/block/avx2.hpp,
// arch/kernels/block/avx2_quantize.hpp, which argue why each step gives the
// reference's bits), written with xsimd operations and lowp's data-movement
// shims (simd/ops.hpp) instead of AVX2 permutes:
//
//  * 4-bit codes are decoded in integer arithmetic: the magnitude bits c & 7
//    placed at float bits 22..24 plus an exponent bias are the float bits of
//    the E2M1 value for codes 2..7; codes 0 and 1 (0 and the subnormal 0.5)
//    are selected separately. No float multiply is involved (the earlier
//    form, float bits times 2^126, decoded at half the rate on sse2).
//  * Without F16C the float16 scales of ggml's formats are converted by the
//    scalar block_common::fp16_value / fp16_code.
//  * NVFP4 quantization compares |x| in float with the float neighbours of
//    each exact threshold m * ue4m3 * tensor_scale (block_common::round_down
//    for the ">" midpoints, round_up for the ">=" ones), so every tensor scale
//    takes one path.
//
// Blocks the fast path does not model go to the scalar instantiation one at
// a time, as on AVX2: ggml float16 scales that are Inf/NaN and MXFP8 NaN
// element codes (decode), blocks holding Inf or NaN and q8_0 blocks with a
// subnormal scale (encode). Every function is a template on the xsimd
// architecture A, so each ISA's translation unit has its own copy.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "lowp/block/formats.hpp"
#include "lowp/kernels/convert.hpp"
#include "lowp/simd/api.hpp"
#include "lowp/kernels/block/common.hpp"
#include "lowp/simd/inline.hpp"
#include "lowp/simd/ops.hpp"

namespace lowp::simd::xsimd_block {

namespace common = block_common;
using kernels::detail::load_codes;
using kernels::detail::store_codes;

template <class A>
inline constexpr bool supported = simd::lanes<A> == 4;

// ---- lane helpers -------------------------------------------------------------------

template <class A>
LOWP_SIMD_INLINE u32<A> bits_of(f32<A> v) {
  return xsimd::bitwise_cast<u32<A>>(v);
}
template <class A>
LOWP_SIMD_INLINE f32<A> float_of(u32<A> v) {
  return xsimd::bitwise_cast<f32<A>>(v);
}
// -1 in the lanes where m holds, 0 elsewhere.
template <class A>
LOWP_SIMD_INLINE i32<A> minus_one_if(xsimd::batch_bool<float, A> m) {
  return simd::select(xsimd::bool_cast(m), i32<A>(-1), i32<A>(0));
}

// |x| bit patterns (as int32: below 2^31, so signed order is numeric order).
template <class A>
LOWP_SIMD_INLINE i32<A> abs_bits(f32<A> v) {
  return xsimd::bitwise_cast<i32<A>>(v) & i32<A>(0x7FFFFFFF);
}

template <class A>
LOWP_SIMD_INLINE std::uint32_t hmax(i32<A> v) {
  alignas(64) std::int32_t t[simd::lanes<A>];
  v.store_aligned(t);
  std::int32_t m = t[0];
  for (std::size_t i = 1; i < simd::lanes<A>; ++i) m = std::max(m, t[i]);
  return std::uint32_t(m);
}

// The largest |x| bit pattern over n (a multiple of 4 * lanes) floats at x.
template <class A, std::size_t N>
LOWP_SIMD_INLINE std::uint32_t block_amax_bits(const float* x) {
  constexpr std::size_t L = simd::lanes<A>;
  static_assert(N % (2 * L) == 0);
  i32<A> m0(0), m1(0);
  for (std::size_t i = 0; i < N; i += 2 * L) {
    m0 = xsimd::max(m0, abs_bits<A>(xsimd::load_unaligned<A>(x + i)));
    m1 = xsimd::max(m1, abs_bits<A>(xsimd::load_unaligned<A>(x + i + L)));
  }
  return hmax<A>(xsimd::max(m0, m1));
}

// E2M1 codes 0..15 to floats times 2^(mul_exp - 1) (OCP MX v1.0 §5.3.3:
// exponent bias 1, code 1 the subnormal 0.5). Magnitude codes m = 2..7 are
// 1.f x 2^(e - 1) with e = m >> 1, f = m & 1: the float bits (m << 22) +
// ((126 + mul_exp - 1) << 23). Code 1 is 2^(mul_exp - 2), whose bits are that
// bias alone; code 0 is +0. Sign from bit 3 (code 8 is -0, as the reference
// decodes it).
template <class A, int MulExp>
LOWP_SIMD_INLINE f32<A> e2m1_decode(u32<A> code) {
  constexpr std::uint32_t bias = std::uint32_t(126 + MulExp - 1) << 23;
  const i32<A> m = xsimd::bitwise_cast<i32<A>>(code & u32<A>(7U));
  const i32<A> normal = (m << 22) + i32<A>(std::int32_t(bias));
  const i32<A> low = (i32<A>(0) - m) & i32<A>(std::int32_t(bias));  // m = 0: 0, m = 1: the bias
  const i32<A> mag = simd::select(m < i32<A>(2), low, normal);
  return float_of<A>(xsimd::bitwise_cast<u32<A>>(mag) | ((code & u32<A>(8U)) << 28));
}

// E2M1 magnitude codes of non-negative y, nearest even, saturating at 6: the
// number of midpoints 0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5 passed, ">" where the
// lower neighbour has the even code, ">=" elsewhere.
template <class A>
LOWP_SIMD_INLINE u32<A> e2m1_magnitude(f32<A> y) {
  const i32<A> a = minus_one_if<A>(y > f32<A>(0.25f)) + minus_one_if<A>(y >= f32<A>(0.75f)) +
                   minus_one_if<A>(y > f32<A>(1.25f)) + minus_one_if<A>(y >= f32<A>(1.75f));
  const i32<A> b = minus_one_if<A>(y > f32<A>(2.5f)) + minus_one_if<A>(y >= f32<A>(3.5f)) +
                   minus_one_if<A>(y > f32<A>(5.0f));
  return xsimd::bitwise_cast<u32<A>>(i32<A>(0) - (a + b));
}

// The E2M1 sign bit (bit 3) of each float's sign.
template <class A>
LOWP_SIMD_INLINE u32<A> e2m1_sign(f32<A> v) {
  return (bits_of<A>(v) >> 28) & u32<A>(8U);
}

// ---- decode -------------------------------------------------------------------------

// The float16 scale d of a ggml block (bytes 0..1, little-endian), or false
// once a block with an Inf/NaN scale went to the reference.
template <class A, class BF>
LOWP_SIMD_INLINE bool ggml_scale(const std::uint8_t* in, float* out, f32<A>& d) {
  const std::uint16_t h = std::uint16_t(in[0] | (in[1] << 8));
  if ((h & 0x7C00U) == 0x7C00U) {
    common::scalar_decode<A, BF>(in, out, 1.0f);
    return false;
  }
  d = f32<A>(common::fp16_value<A>(h));
  return true;
}

// ggml_q4_0: y = float(q - 8) * d, d = float16 -> float; byte j holds
// elements j (low nibble) and j + 16.
template <class A, class BF>
void q4_0(const std::uint8_t* in, float* out, std::size_t blocks) {
  constexpr std::size_t L = simd::lanes<A>;
  for (std::size_t b = 0; b < blocks; ++b, in += BF::bytes_per_block, out += 32) {
    f32<A> d;
    if (!ggml_scale<A, BF>(in, out, d)) continue;
    u32<A> v[4];
    load_codes<A, 8>(in + 2, v);
    for (std::size_t k = 0; k < 4; ++k) {
      const i32<A> lo = xsimd::bitwise_cast<i32<A>>(v[k] & u32<A>(0x0FU)) - i32<A>(8);
      const i32<A> hi = xsimd::bitwise_cast<i32<A>>(v[k] >> 4) - i32<A>(8);
      (xsimd::to_float(lo) * d).store_unaligned(out + L * k);
      (xsimd::to_float(hi) * d).store_unaligned(out + 16 + L * k);
    }
  }
}

// ggml_q8_0: y = float(int8) * d.
template <class A, class BF>
void q8_0(const std::uint8_t* in, float* out, std::size_t blocks) {
  constexpr std::size_t L = simd::lanes<A>;
  for (std::size_t b = 0; b < blocks; ++b, in += BF::bytes_per_block, out += 32) {
    f32<A> d;
    if (!ggml_scale<A, BF>(in, out, d)) continue;
    for (std::size_t half = 0; half < 2; ++half) {
      u32<A> v[4];
      load_codes<A, 8>(in + 2 + 16 * half, v);
      for (std::size_t k = 0; k < 4; ++k) {
        const i32<A> q = xsimd::bitwise_cast<i32<A>>(v[k] ^ u32<A>(0x80U)) - i32<A>(0x80);  // sign-extended
        (xsimd::to_float(q) * d).store_unaligned(out + 16 * half + L * k);
      }
    }
  }
}

// ggml_mxfp4: y = kvalue(code) * 2^(e - 128), kvalue = 2 * E2M1; ggml nibble order.
template <class A, class BF>
void ggml_mxfp4_blocks(const std::uint8_t* in, float* out, std::size_t blocks) {
  constexpr std::size_t L = simd::lanes<A>;
  for (std::size_t b = 0; b < blocks; ++b, in += BF::bytes_per_block, out += 32) {
    const f32<A> d(common::e8m0_half<A>(in[0]));
    u32<A> v[4];
    load_codes<A, 8>(in + 1, v);
    for (std::size_t k = 0; k < 4; ++k) {
      (e2m1_decode<A, 2>(v[k] & u32<A>(0x0FU)) * d).store_unaligned(out + L * k);
      (e2m1_decode<A, 2>(v[k] >> 4) * d).store_unaligned(out + 16 + L * k);
    }
  }
}

template <class A>
LOWP_SIMD_INLINE void fill_nan(float* out, std::size_t n) {
  const f32<A> nan(std::numeric_limits<float>::quiet_NaN());
  for (std::size_t i = 0; i < n; i += simd::lanes<A>) nan.store_unaligned(out + i);
}

// OCP mxfp4: y = E2M1(code) * 2^(e - 127), NaN scale 0xFF; LSB-first nibbles.
template <class A, class BF>
void mxfp4_blocks(const std::uint8_t* in, float* out, std::size_t blocks) {
  constexpr std::size_t L = simd::lanes<A>;
  for (std::size_t b = 0; b < blocks; ++b, in += BF::bytes_per_block, out += 32) {
    if (in[0] == 0xFF) {
      fill_nan<A>(out, 32);
      continue;
    }
    const f32<A> x(common::e8m0_scale<A>(in[0]));
    for (std::size_t half = 0; half < 2; ++half) {
      u32<A> c[4];
      load_codes<A, 4>(in + 1 + 8 * half, c);
      for (std::size_t k = 0; k < 4; ++k) (e2m1_decode<A, 1>(c[k]) * x).store_unaligned(out + 16 * half + L * k);
    }
  }
}

// OCP mxfp8_e4m3: y = E4M3(code) * 2^(e - 127). Code bits c & 0x7F at float
// bits 20..26 read as a float times 2^120 are the magnitude exactly.
template <class A, class BF>
void mxfp8_e4m3_blocks(const std::uint8_t* in, float* out, std::size_t blocks) {
  constexpr std::size_t L = simd::lanes<A>;
  using u8 = xsimd::batch<std::uint8_t, A>;
  constexpr std::size_t B8 = u8::size;
  static_assert(32 % B8 == 0);
  const f32<A> bias(std::bit_cast<float>(std::uint32_t(127 + 120) << 23));
  for (std::size_t b = 0; b < blocks; ++b, in += BF::bytes_per_block, out += 32) {
    if (in[0] == 0xFF) {
      fill_nan<A>(out, 32);
      continue;
    }
    xsimd::batch_bool<std::uint8_t, A> any_nan(false);
    for (std::size_t i = 0; i < 32; i += B8)
      any_nan = any_nan | ((u8::load_unaligned(in + 1 + i) & u8(0x7F)) == u8(0x7F));
    if (xsimd::any(any_nan)) {
      common::scalar_decode<A, BF>(in, out, 1.0f);
      continue;
    }
    const f32<A> x(common::e8m0_scale<A>(in[0]));
    for (std::size_t half = 0; half < 2; ++half) {
      u32<A> c[4];
      load_codes<A, 8>(in + 1 + 16 * half, c);
      for (std::size_t k = 0; k < 4; ++k) {
        const f32<A> mag = float_of<A>((c[k] & u32<A>(0x7FU)) << 20) * bias;
        const f32<A> v = float_of<A>(bits_of<A>(mag) | ((c[k] & u32<A>(0x80U)) << 24));
        (v * x).store_unaligned(out + 16 * half + L * k);
      }
    }
  }
}

// nvfp4: y = (E2M1(code) * UE4M3(s)) * tensor_scale; NaN scale code -> NaN.
template <class A, class BF>
void nvfp4_blocks(const std::uint8_t* in, float* out, std::size_t blocks, float tensor_scale) {
  constexpr std::size_t L = simd::lanes<A>;
  const common::ue4m3_scale_table& scales = common::nvfp4_scales<A, BF>();
  const f32<A> ts(tensor_scale);
  for (std::size_t b = 0; b < blocks; ++b, in += BF::bytes_per_block, out += 16) {
    if (scales.nan[in[0]]) {
      fill_nan<A>(out, 16);
      continue;
    }
    const f32<A> s(scales.value[in[0]]);
    u32<A> c[4];
    load_codes<A, 4>(in + 1, c);
    for (std::size_t k = 0; k < 4; ++k) ((e2m1_decode<A, 1>(c[k]) * s) * ts).store_unaligned(out + L * k);
  }
}

// ---- encode -------------------------------------------------------------------------

// The largest |x| over the finite values of x[0, n), as float bits (0 when
// there is none).
template <class A>
std::uint32_t finite_amax_bits(const float* x, std::size_t n) {
  constexpr std::size_t L = simd::lanes<A>;
  const auto inf = i32<A>(std::int32_t(common::inf_bits));
  i32<A> m0(0), m1(0), m2(0), m3(0);
  const auto finite_abs = [&](const float* p) {
    const i32<A> a = abs_bits<A>(xsimd::load_unaligned<A>(p));
    return simd::select(a < inf, a, i32<A>(0));
  };
  std::size_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
    m0 = xsimd::max(m0, finite_abs(x + i));
    m1 = xsimd::max(m1, finite_abs(x + i + L));
    m2 = xsimd::max(m2, finite_abs(x + i + 2 * L));
    m3 = xsimd::max(m3, finite_abs(x + i + 3 * L));
  }
  for (; i + L <= n; i += L) m0 = xsimd::max(m0, finite_abs(x + i));
  std::uint32_t m = hmax<A>(xsimd::max(xsimd::max(m0, m1), xsimd::max(m2, m3)));
  for (; i < n; ++i) {
    const std::uint32_t a = std::bit_cast<std::uint32_t>(x[i]) & 0x7FFFFFFFU;
    if (a < common::inf_bits) m = std::max(m, a);
  }
  return m;
}

// OCP mxfp4 / mxfp4_noclip: shared_exp k = floor(log2(amax)) - 2, clamped to
// [-127, 127]; no_clip adds one when amax's significand exceeds 1.5.
template <class A, class BF>
void mxfp4_encode(const float* x, std::uint8_t* out, std::size_t blocks) {
  constexpr std::size_t L = simd::lanes<A>;
  constexpr bool no_clip = std::is_same_v<typename BF::scale_rule, scaling::no_clip>;
  for (std::size_t b = 0; b < blocks; ++b, x += 32, out += BF::bytes_per_block) {
    const std::uint32_t amax = block_amax_bits<A, 32>(x);
    if (amax >= common::inf_bits) {
      common::scalar_encode<A, BF>(x, out, 1.0f);
      continue;
    }
    int k = int(amax >> 23) - 129;
    if constexpr (no_clip) k += (amax & 0x7FFFFFU) > 0x400000U ? 1 : 0;
    k = std::max(k, -127);  // at most 126: the exponent field is at most 254
    out[0] = std::uint8_t(k + 127);
    const f32<A> inv(std::bit_cast<float>(std::uint32_t(127 - k) << 23));  // 2^-k, a normal float
    for (std::size_t half = 0; half < 2; ++half) {
      u32<A> c[4];
      for (std::size_t j = 0; j < 4; ++j) {
        const f32<A> v = xsimd::load_unaligned<A>(x + 16 * half + L * j);
        c[j] = e2m1_magnitude<A>(xsimd::abs(v) * inv) | e2m1_sign<A>(v);
      }
      store_codes<A, 4>(out + 1 + 8 * half, c);
    }
  }
}

// OCP mxfp8_e4m3 / mxfp8_e4m3_noclip: shared_exp k = floor(log2(amax)) - 8
// (no_clip: one more when amax's significand exceeds 1.75). y = |x| * 2^-k <
// 512 to E4M3 nearest even: normal codes by rounding the float's significand
// to 3 bits in place, subnormal ones (y < 2^-6, quantum 2^-9) by adding 2^14,
// whose float spacing is 2^-9; beyond 448 saturates to 0x7E.
template <class A, class BF>
void mxfp8_e4m3_encode(const float* x, std::uint8_t* out, std::size_t blocks) {
  constexpr std::size_t L = simd::lanes<A>;
  constexpr bool no_clip = std::is_same_v<typename BF::scale_rule, scaling::no_clip>;
  const f32<A> min_normal(0x1p-6f), magic(16384.0f);
  const i32<A> magic_bits(std::bit_cast<std::int32_t>(16384.0f));
  for (std::size_t b = 0; b < blocks; ++b, x += 32, out += BF::bytes_per_block) {
    const std::uint32_t amax = block_amax_bits<A, 32>(x);
    if (amax >= common::inf_bits) {
      common::scalar_encode<A, BF>(x, out, 1.0f);
      continue;
    }
    int k = int(amax >> 23) - 135;
    if constexpr (no_clip) k += (amax & 0x7FFFFFU) > 0x600000U ? 1 : 0;
    k = std::max(k, -127);  // at most 120
    out[0] = std::uint8_t(k + 127);
    const f32<A> inv(std::bit_cast<float>(std::uint32_t(127 - k) << 23));
    for (std::size_t half = 0; half < 2; ++half) {
      u32<A> c[4];
      for (std::size_t j = 0; j < 4; ++j) {
        const f32<A> v = xsimd::load_unaligned<A>(x + 16 * half + L * j);
        const f32<A> y = xsimd::abs(v) * inv;
        const i32<A> yb = xsimd::bitwise_cast<i32<A>>(y);
        const i32<A> r = yb + i32<A>(0x7FFFF) + ((yb >> 20) & i32<A>(1));
        const i32<A> normal = xsimd::min((r >> 20) - i32<A>((127 - 7) << 3), i32<A>(0x7E));
        const i32<A> sub = xsimd::bitwise_cast<i32<A>>(y + magic) - magic_bits;
        const i32<A> mag = simd::select(xsimd::bool_cast(y < min_normal), sub, normal);
        c[j] = xsimd::bitwise_cast<u32<A>>(mag) | ((bits_of<A>(v) >> 24) & u32<A>(0x80U));
      }
      store_codes<A, 8>(out + 1 + 16 * half, c);
    }
  }
}

template <class A>
void store_le16(std::uint8_t* p, std::uint16_t h) {
  p[0] = std::uint8_t(h);
  p[1] = std::uint8_t(h >> 8);
}

// ggml q8_0 (ggml-quants.c, quantize_row_q8_0_ref): d = amax / 127, id = 1 / d
// (0 when d is 0), q = (int8)roundf(x * id). Blocks with Inf or NaN (ggml's
// order-dependent MAX) and subnormal d (id can overflow) go to the reference.
template <class A, class BF>
void q8_0_encode(const float* x, std::uint8_t* out, std::size_t blocks) {
  constexpr std::size_t L = simd::lanes<A>;
  const f32<A> half(0.5f), one(1.0f), zero(0.0f);
  for (std::size_t b = 0; b < blocks; ++b, x += 32, out += BF::bytes_per_block) {
    const std::uint32_t amax_bits = block_amax_bits<A, 32>(x);
    const float d = std::bit_cast<float>(amax_bits) / 127.0f;
    if (amax_bits >= common::inf_bits || (d != 0.0f && d < std::numeric_limits<float>::min())) {
      common::scalar_encode<A, BF>(x, out, 1.0f);
      continue;
    }
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    store_le16<A>(out, common::fp16_code<A>(d));
    const f32<A> idv(id);
    for (std::size_t h = 0; h < 2; ++h) {
      u32<A> c[4];
      for (std::size_t j = 0; j < 4; ++j) {  // roundf: nearest, ties away from zero
        const f32<A> x0 = xsimd::load_unaligned<A>(x + 16 * h + L * j) * idv;
        const f32<A> t = xsimd::to_float(xsimd::to_int(x0));  // truncation: |x0| <= 128
        const f32<A> signed_one = float_of<A>(bits_of<A>(one) | (bits_of<A>(x0) & u32<A>(0x80000000U)));
        const f32<A> away = simd::select(xsimd::abs(x0 - t) >= half, signed_one, zero);
        // |x0| <= amax * id <= 127 * (1 + 2^-22): the int8 value's low byte is the code
        c[j] = xsimd::bitwise_cast<u32<A>>(xsimd::to_int(t + away)) & u32<A>(0xFFU);
      }
      store_codes<A, 8>(out + 2 + 16 * h, c);
    }
  }
}

// ggml q4_0 (quantize_row_q4_0_ref): max = the first element of largest |x|,
// d = max / -8, id = 1 / d (0 when d is 0), q = MIN(15, (int8_t)(x * id +
// 8.5f)), below clamped at 0; byte j holds elements j and j + 16. Blocks with
// Inf or NaN go to the reference.
template <class A, class BF>
void q4_0_encode(const float* x, std::uint8_t* out, std::size_t blocks) {
  constexpr std::size_t L = simd::lanes<A>;
  const f32<A> half8(8.5f), fifteen(15.0f);
  for (std::size_t b = 0; b < blocks; ++b, x += 32, out += BF::bytes_per_block) {
    const std::uint32_t amax_bits = block_amax_bits<A, 32>(x);
    if (amax_bits >= common::inf_bits) {
      common::scalar_encode<A, BF>(x, out, 1.0f);
      continue;
    }
    float max = 0.0f;  // ggml keeps its initial +0 when every |x| is 0
    if (amax_bits != 0) {
      const i32<A> m(static_cast<std::int32_t>(amax_bits));
      std::size_t i = 0;
      while (xsimd::none(abs_bits<A>(xsimd::load_unaligned<A>(x + i)) == m)) i += L;
      while ((std::bit_cast<std::uint32_t>(x[i]) & 0x7FFFFFFFU) != amax_bits) ++i;
      max = x[i];
    }
    const float d = max / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    store_le16<A>(out, common::fp16_code<A>(d));
    const f32<A> idv(id);
    // (int8_t) truncates; NaN (0 * Inf) and -Inf end at 0, +Inf at 15
    const auto q = [&](const float* p) {
      const f32<A> t = xsimd::load_unaligned<A>(p) * idv + half8;
      const i32<A> n = simd::select(xsimd::bool_cast(t >= fifteen), i32<A>(15), xsimd::to_int(t));
      return xsimd::bitwise_cast<u32<A>>(xsimd::max(n, i32<A>(0)));
    };
    u32<A> c[4];
    for (std::size_t j = 0; j < 4; ++j) c[j] = q(x + L * j) | (q(x + 16 + L * j) << 4);
    store_codes<A, 8>(out + 2, c);
  }
}

// ggml_mxfp4 (quantize_row_mxfp4_ref): as on AVX2
// (avx2_block_quantize::ggml_mxfp4_blocks, which derives the rule): |x| /
// 2^(e - 128) rounded to ggml's kvalue grid, ties toward the smaller
// magnitude, no -0; maxima whose log2f may round up go to the reference.
template <class A, class BF>
void ggml_mxfp4_encode(const float* x, std::uint8_t* out, std::size_t blocks) {
  constexpr std::size_t L = simd::lanes<A>;
  for (std::size_t b = 0; b < blocks; ++b, x += 32, out += BF::bytes_per_block) {
    const std::uint32_t amax = block_amax_bits<A, 32>(x);
    if (amax >= common::inf_bits || (amax >= 0x800000U && (amax & 0x7FFFFFU) >= common::ggml_log2_round_up_mantissa)) {
      common::scalar_encode<A, BF>(x, out, 1.0f);
      continue;
    }
    const int e = std::max(int(amax >> 23) - 2, 0);
    out[0] = std::uint8_t(e);
    const f32<A> f1(std::bit_cast<float>(std::uint32_t(e != 0 ? 127 + 128 - e : 127 + 64) << 23));
    const f32<A> f2(std::bit_cast<float>(std::uint32_t(e != 0 ? 127 : 127 + 64) << 23));
    const auto code = [&](const float* p) {
      const f32<A> v = xsimd::load_unaligned<A>(p);
      const f32<A> y = (xsimd::abs(v) * f1) * f2;
      const i32<A> n = minus_one_if<A>(y > f32<A>(0.5f)) + minus_one_if<A>(y > f32<A>(1.5f)) +
                       minus_one_if<A>(y > f32<A>(2.5f)) + minus_one_if<A>(y > f32<A>(3.5f)) +
                       minus_one_if<A>(y > f32<A>(5.0f)) + minus_one_if<A>(y > f32<A>(7.0f)) +
                       minus_one_if<A>(y > f32<A>(10.0f));
      const u32<A> m = xsimd::bitwise_cast<u32<A>>(i32<A>(0) - n);
      return m | simd::select(m == u32<A>(0U), u32<A>(0U), e2m1_sign<A>(v));  // no -0
    };
    u32<A> c[4];
    for (std::size_t j = 0; j < 4; ++j) c[j] = code(x + L * j) | (code(x + 16 + L * j) << 4);
    store_codes<A, 8>(out + 1, c);
  }
}

// nvfp4: block scale (amax / 6) / tensor_scale in double (the reference's two
// divisions) as ue4m3 nearest even, at least the least positive code;
// elements: E2M1 of double(x) / (ue4m3 * tensor_scale), decided by comparing
// |x| with the midpoints times that scale (exact in double), through their
// float neighbours.
template <class A, class BF>
void nvfp4_encode(const float* x, std::uint8_t* out, std::size_t blocks, float tensor_scale) {
  constexpr std::size_t L = simd::lanes<A>;
  const double ts = double(tensor_scale);
  // The seven thresholds of each scale code 0 .. 0x7E, computed the first
  // time the code occurs in this call.
  float thr[0x7F][7];
  bool ready[0x7F] = {};
  for (std::size_t b = 0; b < blocks; ++b, x += 16, out += BF::bytes_per_block) {
    const std::uint32_t amax_bits = block_amax_bits<A, 16>(x);
    if (amax_bits >= common::inf_bits) {
      common::scalar_encode<A, BF>(x, out, tensor_scale);
      continue;
    }
    std::uint32_t code = 0;
    if (amax_bits != 0)
      code = std::max<std::uint32_t>(common::ue4m3_code<A>(double(std::bit_cast<float>(amax_bits)) / 6.0 / ts), 1);
    out[0] = std::uint8_t(code);
    float* const tc = thr[code];
    if (!ready[code]) {
      // an all-zero block (code 0) compares its ±0 with positive thresholds
      const double scale = code != 0 ? common::ue4m3_value<A>(code) * ts : 1.0;
      tc[0] = common::round_down<A>(0.25 * scale);
      tc[1] = common::round_up<A>(0.75 * scale);
      tc[2] = common::round_down<A>(1.25 * scale);
      tc[3] = common::round_up<A>(1.75 * scale);
      tc[4] = common::round_down<A>(2.5 * scale);
      tc[5] = common::round_up<A>(3.5 * scale);
      tc[6] = common::round_down<A>(5.0 * scale);
      ready[code] = true;
    }
    const f32<A> t0(tc[0]), t1(tc[1]), t2(tc[2]), t3(tc[3]), t4(tc[4]), t5(tc[5]), t6(tc[6]);
    u32<A> c[4];
    for (std::size_t j = 0; j < 4; ++j) {
      const f32<A> v = xsimd::load_unaligned<A>(x + L * j);
      const f32<A> a = xsimd::abs(v);
      const i32<A> n = minus_one_if<A>(a > t0) + minus_one_if<A>(a >= t1) + minus_one_if<A>(a > t2) +
                       minus_one_if<A>(a >= t3) + minus_one_if<A>(a > t4) + minus_one_if<A>(a >= t5) +
                       minus_one_if<A>(a > t6);
      c[j] = xsimd::bitwise_cast<u32<A>>(i32<A>(0) - n) | e2m1_sign<A>(v);
    }
    store_codes<A, 4>(out + 1, c);
  }
}

}  // namespace lowp::simd::xsimd_block
