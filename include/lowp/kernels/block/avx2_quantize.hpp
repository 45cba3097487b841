#pragma once

// AVX2 block quantization kernels (lowp/kernels/block.hpp): float32 -> the
// canonical raw blocks (docs/blocks.md), byte-identical to
// reference::quantize_block with the default options (nearest even,
// saturate). Included only by translation units compiled with -mavx2 -mfma -mf16c (the
// avx2 and avx512bw instantiation sources).
//
// Why the fast paths give the reference's bytes:
//  * Block maxima are integer maxima of |x| bit patterns: for finite
//    non-negative floats the integer order is the numeric order, and any bit
//    pattern at or above 0x7F800000 flags an Inf or NaN in the block.
//  * MX scales (OCP MX v1.0 §6.3): shared_exp = floor(log2(amax)) - emax_elem
//    is the amax exponent field minus a constant (subnormal maxima fall below
//    the clamp at -127), so 2^-shared_exp is a normal float and x * 2^-k is
//    exact unless it underflows, and then it rounds to ±0 like the exact
//    quotient.
//  * E2M1 rounding to nearest even of a non-negative y is the number of the
//    seven midpoints 0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5 that y passes, ">"
//    at the midpoints whose lower neighbour has the even code, ">=" at the
//    others; saturation is the count stopping at 7 (6.0).
//  * NVFP4 divides by scale = ue4m3 * tensor_scale, a 28-bit value. The
//    reference rounds double(x) / scale to double, then to E2M1. x - m * scale
//    for a midpoint m is a multiple of 2^-31 of x (or zero), so the double
//    quotient sits on a midpoint exactly when the real one does, and neither
//    crosses one: comparing double(|x|) with m * scale (exact in double)
//    decides the same code.

#if !defined(__AVX2__) || !defined(__FMA__) || !defined(__F16C__)
#error "lowp/kernels/block/avx2_quantize.hpp needs -mavx2 -mfma -mf16c"
#endif

#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "lowp/block/formats.hpp"
#include "lowp/simd/api.hpp"
#include "lowp/kernels/block/common.hpp"

// A namespace per ISA keeps the avx2 and avx512bw copies apart (see
// kernels/block/avx2.hpp). Blocks the fast path does not model go to the scalar
// instantiation, compiled in the scalar translation unit.
#if defined(__AVX512BW__)
#define LOWP_DETAIL_BLOCKQ_NS in_avx512bw
#else
#define LOWP_DETAIL_BLOCKQ_NS in_avx2
#endif

namespace lowp::simd::avx2_block_quantize {
inline namespace LOWP_DETAIL_BLOCKQ_NS {

#if defined(__AVX512BW__)
using arch = simd::arch_t<isa::avx512bw>;
#else
using arch = simd::arch_t<isa::avx2>;
#endif

template <class BF>
void scalar_block(const float* x, std::uint8_t* out, float tensor_scale) {
  block_common::scalar_encode<arch, BF>(x, out, tensor_scale);
}

inline __m256i abs_bits(__m256 v) {
  return _mm256_and_si256(_mm256_castps_si256(v), _mm256_set1_epi32(0x7FFFFFFF));
}

inline std::uint32_t hmax_epu32(__m256i v) {
  __m128i m = _mm_max_epu32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  m = _mm_max_epu32(m, _mm_shuffle_epi32(m, _MM_SHUFFLE(1, 0, 3, 2)));
  m = _mm_max_epu32(m, _mm_shuffle_epi32(m, _MM_SHUFFLE(2, 3, 0, 1)));
  return std::uint32_t(_mm_cvtsi128_si32(m));
}

using block_common::inf_bits;

// The largest |x| over the finite values of x[0, n), as float bits (0 when
// there is none): reference::tensor_scale's amax.
inline std::uint32_t finite_amax_bits(const float* x, std::size_t n) {
  const __m256i inf = _mm256_set1_epi32(int(inf_bits));
  __m256i m0 = _mm256_setzero_si256(), m1 = m0, m2 = m0, m3 = m0;
  const auto finite_abs = [&](const float* p) {
    const __m256i a = abs_bits(_mm256_loadu_ps(p));
    return _mm256_and_si256(a, _mm256_cmpgt_epi32(inf, a));
  };
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    m0 = _mm256_max_epi32(m0, finite_abs(x + i));
    m1 = _mm256_max_epi32(m1, finite_abs(x + i + 8));
    m2 = _mm256_max_epi32(m2, finite_abs(x + i + 16));
    m3 = _mm256_max_epi32(m3, finite_abs(x + i + 24));
  }
  for (; i + 8 <= n; i += 8) m0 = _mm256_max_epi32(m0, finite_abs(x + i));
  std::uint32_t m = hmax_epu32(_mm256_max_epi32(_mm256_max_epi32(m0, m1), _mm256_max_epi32(m2, m3)));
  for (; i < n; ++i) {
    const std::uint32_t a = std::bit_cast<std::uint32_t>(x[i]) & 0x7FFFFFFFU;
    if (a < inf_bits) m = std::max(m, a);
  }
  return m;
}

// E2M1 magnitude codes (int32 lanes, 0..7) of non-negative y, nearest even,
// saturating at 6.
inline __m256i e2m1_magnitude(__m256 y) {
  const auto gt = [&](float t) { return _mm256_castps_si256(_mm256_cmp_ps(y, _mm256_set1_ps(t), _CMP_GT_OQ)); };
  const auto ge = [&](float t) { return _mm256_castps_si256(_mm256_cmp_ps(y, _mm256_set1_ps(t), _CMP_GE_OQ)); };
  // each mask is -1 where passed: the negated sum counts the midpoints passed
  const __m256i a = _mm256_add_epi32(_mm256_add_epi32(gt(0.25f), ge(0.75f)), _mm256_add_epi32(gt(1.25f), ge(1.75f)));
  const __m256i b = _mm256_add_epi32(_mm256_add_epi32(gt(2.5f), ge(3.5f)), gt(5.0f));
  return _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_add_epi32(a, b));
}

// The E2M1 sign bit (bit 3) of each float's sign.
inline __m256i e2m1_sign(__m256 x) { return _mm256_and_si256(_mm256_srli_epi32(_mm256_castps_si256(x), 28), _mm256_set1_epi32(8)); }

// 32 codes (0..15) in int32 lanes, elements 0-7, 8-15, 16-23, 24-31, to 16
// bytes packed LSB-first (element 2i in the low nibble of byte i).
inline __m128i pack_nibbles32(__m256i c0, __m256i c1, __m256i c2, __m256i c3) {
  const __m256i w01 = _mm256_packus_epi32(c0, c1);  // per lane: c0[0..3] c1[0..3] | c0[4..7] c1[4..7]
  const __m256i w23 = _mm256_packus_epi32(c2, c3);
  const __m256i b = _mm256_packus_epi16(w01, w23);  // dwords: c0lo c1lo c2lo c3lo | c0hi c1hi c2hi c3hi
  const __m256i ordered = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  const __m256i pairs = _mm256_maddubs_epi16(ordered, _mm256_set1_epi16(0x1001));  // lo + 16 * hi
  return _mm_packus_epi16(_mm256_castsi256_si128(pairs), _mm256_extracti128_si256(pairs, 1));
}

// 16 codes (0..15), elements 0-7 and 8-15, to 8 bytes packed LSB-first (low 64 bits).
inline __m128i pack_nibbles16(__m256i c0, __m256i c1) {
  const __m256i w = _mm256_permute4x64_epi64(_mm256_packus_epi32(c0, c1), _MM_SHUFFLE(3, 1, 2, 0));
  const __m128i b = _mm_packus_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
  const __m128i pairs = _mm_maddubs_epi16(b, _mm_set1_epi16(0x1001));
  return _mm_packus_epi16(pairs, pairs);
}

// ---- OCP mxfp4 / mxfp4_noclip -----------------------------------------------------
// shared_exp k = floor(log2(amax)) - 2, clamped to [-127, 127]; no_clip adds one
// when amax > 6 * 2^k, i.e. when amax's significand exceeds 1.5.
template <class BF>
void mxfp4_blocks(const float* x, std::uint8_t* out, std::size_t blocks) {
  constexpr bool no_clip = std::is_same_v<typename BF::scale_rule, scaling::no_clip>;
  for (std::size_t b = 0; b < blocks; ++b, x += 32, out += BF::bytes_per_block) {
    const __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8), v2 = _mm256_loadu_ps(x + 16),
                 v3 = _mm256_loadu_ps(x + 24);
    const std::uint32_t amax = hmax_epu32(
        _mm256_max_epu32(_mm256_max_epu32(abs_bits(v0), abs_bits(v1)), _mm256_max_epu32(abs_bits(v2), abs_bits(v3))));
    if (amax >= inf_bits) {
      scalar_block<BF>(x, out, 1.0f);
      continue;
    }
    int k = int(amax >> 23) - 129;
    if constexpr (no_clip) k += (amax & 0x7FFFFFU) > 0x400000U ? 1 : 0;
    k = std::max(k, -127);  // at most 126: the exponent field is at most 254
    out[0] = std::uint8_t(k + 127);
    const __m256 inv = _mm256_castsi256_ps(_mm256_set1_epi32((127 - k) << 23));  // 2^-k, a normal float
    const auto code = [&](__m256 v) {
      const __m256 y = _mm256_mul_ps(_mm256_castsi256_ps(abs_bits(v)), inv);
      return _mm256_or_si256(e2m1_magnitude(y), e2m1_sign(v));
    };
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 1), pack_nibbles32(code(v0), code(v1), code(v2), code(v3)));
  }
}

// ---- OCP mxfp8_e4m3 / mxfp8_e4m3_noclip -----------------------------------------------------
// shared_exp k = floor(log2(amax)) - 8 (no_clip: one more when amax's
// significand exceeds 1.75, i.e. amax > 448 * 2^k). y = |x| * 2^-k < 512 goes
// to E4M3 nearest even: normal codes by rounding the float's significand to
// 3 bits in place, subnormal ones (y < 2^-6, quantum 2^-9) by adding 2^14,
// whose float spacing is 2^-9; beyond 448 saturates to 0x7E.
template <class BF>
void mxfp8_e4m3_blocks(const float* x, std::uint8_t* out, std::size_t blocks) {
  constexpr bool no_clip = std::is_same_v<typename BF::scale_rule, scaling::no_clip>;
  const __m256 min_normal = _mm256_set1_ps(0x1p-6f), magic = _mm256_set1_ps(16384.0f);
  const __m256i round_bias = _mm256_set1_epi32(0x7FFFF), one = _mm256_set1_epi32(1);
  const __m256i exp_rebias = _mm256_set1_epi32((127 - 7) << 3), max_code = _mm256_set1_epi32(0x7E);
  const __m256i sign_mask = _mm256_set1_epi32(0x80);
  for (std::size_t b = 0; b < blocks; ++b, x += 32, out += BF::bytes_per_block) {
    const __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8), v2 = _mm256_loadu_ps(x + 16),
                 v3 = _mm256_loadu_ps(x + 24);
    const std::uint32_t amax = hmax_epu32(
        _mm256_max_epu32(_mm256_max_epu32(abs_bits(v0), abs_bits(v1)), _mm256_max_epu32(abs_bits(v2), abs_bits(v3))));
    if (amax >= inf_bits) {
      scalar_block<BF>(x, out, 1.0f);
      continue;
    }
    int k = int(amax >> 23) - 135;
    if constexpr (no_clip) k += (amax & 0x7FFFFFU) > 0x600000U ? 1 : 0;
    k = std::max(k, -127);  // at most 120
    out[0] = std::uint8_t(k + 127);
    const __m256 inv = _mm256_castsi256_ps(_mm256_set1_epi32((127 - k) << 23));
    const auto code = [&](__m256 v) {
      const __m256 y = _mm256_mul_ps(_mm256_castsi256_ps(abs_bits(v)), inv);
      const __m256i yb = _mm256_castps_si256(y);
      const __m256i r = _mm256_add_epi32(_mm256_add_epi32(yb, round_bias),
                                         _mm256_and_si256(_mm256_srli_epi32(yb, 20), one));
      const __m256i normal = _mm256_min_epi32(_mm256_sub_epi32(_mm256_srli_epi32(r, 20), exp_rebias), max_code);
      const __m256i sub = _mm256_sub_epi32(_mm256_castps_si256(_mm256_add_ps(y, magic)), _mm256_castps_si256(magic));
      const __m256i mag = _mm256_blendv_epi8(normal, sub, _mm256_castps_si256(_mm256_cmp_ps(y, min_normal, _CMP_LT_OQ)));
      return _mm256_or_si256(mag, _mm256_and_si256(_mm256_srli_epi32(_mm256_castps_si256(v), 24), sign_mask));
    };
    const __m256i w01 = _mm256_packus_epi32(code(v0), code(v1));
    const __m256i w23 = _mm256_packus_epi32(code(v2), code(v3));
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(w01, w23),
                                                      _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 1), bytes);
  }
}

// ---- ggml q8_0 / q4_0 (ggml-quants.c, quantize_row_q8_0_ref / q4_0_ref) -----------------

// Keeps a product from being fused with the sum that follows it (GCC
// contracts vector intrinsics like any float expression): ggml rounds both.
inline __m256 rounded(__m256 v) {
  asm("" : "+x"(v));
  return v;
}

inline void store_fp16(std::uint8_t* p, float v) {
  const auto h = std::uint16_t(_cvtss_sh(v, _MM_FROUND_TO_NEAREST_INT));  // IEEE binary16, nearest even
  p[0] = std::uint8_t(h);
  p[1] = std::uint8_t(h >> 8);
}

// q8_0: d = amax / 127, id = 1 / d (0 when d is 0), q = (int8)roundf(x * id).
// Blocks with Inf or NaN (ggml's order-dependent MAX) and subnormal d (id can
// overflow) go to the reference.
template <class BF>
void q8_0_blocks(const float* x, std::uint8_t* out, std::size_t blocks) {
  const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
  const __m256 sign_mask = _mm256_castsi256_ps(_mm256_set1_epi32(int(0x80000000U)));
  for (std::size_t b = 0; b < blocks; ++b, x += 32, out += BF::bytes_per_block) {
    const __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8), v2 = _mm256_loadu_ps(x + 16),
                 v3 = _mm256_loadu_ps(x + 24);
    const std::uint32_t amax_bits = hmax_epu32(
        _mm256_max_epu32(_mm256_max_epu32(abs_bits(v0), abs_bits(v1)), _mm256_max_epu32(abs_bits(v2), abs_bits(v3))));
    const float d = std::bit_cast<float>(amax_bits) / 127.0f;
    if (amax_bits >= inf_bits || (d != 0.0f && d < std::numeric_limits<float>::min())) {
      scalar_block<BF>(x, out, 1.0f);
      continue;
    }
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    store_fp16(out, d);
    const __m256 idv = _mm256_set1_ps(id);
    const auto q = [&](__m256 v) {  // roundf: nearest, ties away from zero
      const __m256 x0 = rounded(_mm256_mul_ps(v, idv));
      const __m256 t = _mm256_round_ps(x0, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
      const __m256 frac = _mm256_and_ps(_mm256_sub_ps(x0, t), abs_mask);  // exact
      const __m256 away = _mm256_and_ps(_mm256_cmp_ps(frac, half, _CMP_GE_OQ),
                                        _mm256_or_ps(one, _mm256_and_ps(x0, sign_mask)));
      return _mm256_cvtps_epi32(_mm256_add_ps(t, away));
    };
    const __m256i w01 = _mm256_packs_epi32(q(v0), q(v1));
    const __m256i w23 = _mm256_packs_epi32(q(v2), q(v3));
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(w01, w23),
                                                      _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2), bytes);
  }
}

// q4_0: max = the first element of largest |x|, d = max / -8, id = 1 / d (0
// when d is 0), q = MIN(15, (int8_t)(x * id + 8.5f)); byte j holds elements j
// and j + 16. Blocks with Inf or NaN go to the reference.
template <class BF>
void q4_0_blocks(const float* x, std::uint8_t* out, std::size_t blocks) {
  const __m256 half8 = _mm256_set1_ps(8.5f), fifteen = _mm256_set1_ps(15.0f);
  for (std::size_t b = 0; b < blocks; ++b, x += 32, out += BF::bytes_per_block) {
    const __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8), v2 = _mm256_loadu_ps(x + 16),
                 v3 = _mm256_loadu_ps(x + 24);
    const __m256i a0 = abs_bits(v0), a1 = abs_bits(v1), a2 = abs_bits(v2), a3 = abs_bits(v3);
    const std::uint32_t amax_bits = hmax_epu32(_mm256_max_epu32(_mm256_max_epu32(a0, a1), _mm256_max_epu32(a2, a3)));
    if (amax_bits >= inf_bits) {
      scalar_block<BF>(x, out, 1.0f);
      continue;
    }
    float max = 0.0f;  // ggml keeps its initial +0 when every |x| is 0
    if (amax_bits != 0) {
      const __m256i m = _mm256_set1_epi32(int(amax_bits));
      const auto at = [&](__m256i a) {
        return std::uint32_t(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(a, m))));
      };
      const std::uint32_t hits = at(a0) | (at(a1) << 8) | (at(a2) << 16) | (at(a3) << 24);
      max = x[std::countr_zero(hits)];
    }
    const float d = max / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    store_fp16(out, d);
    const __m256 idv = _mm256_set1_ps(id);
    const auto q = [&](__m256 v) {  // (int8_t) truncates; NaN and -Inf end at 0, +Inf at 15
      const __m256 t = _mm256_add_ps(rounded(_mm256_mul_ps(v, idv)), half8);
      return _mm256_max_epi32(_mm256_cvttps_epi32(_mm256_min_ps(fifteen, t)), _mm256_setzero_si256());
    };
    const __m256i lo = _mm256_or_si256(q(v0), _mm256_slli_epi32(q(v2), 4));  // bytes 0-7
    const __m256i hi = _mm256_or_si256(q(v1), _mm256_slli_epi32(q(v3), 4));  // bytes 8-15
    const __m256i w = _mm256_permute4x64_epi64(_mm256_packus_epi32(lo, hi), _MM_SHUFFLE(3, 1, 2, 0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2),
                     _mm_packus_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1)));
  }
}

// ---- ggml_mxfp4 (ggml-quants.c, quantize_row_mxfp4_ref) -------------------------------
// e = floorf(log2f(amax)) - 2 + 127 clamped to [0, 255], d = 2^(e - 128);
// each element takes the first of ggml's kvalues (2 * E2M1) whose k * d is
// nearest to x, the errors |k * d - x| rounded to float. Between neighbours
// k_lo * d < |x| < k_hi * d (k_hi <= 2 k_lo, or k_lo = 0 and |x| < d / 2
// decides by itself) both errors are exact, so the code is |x| / d rounded to
// the kvalue grid with ties toward the smaller magnitude (">" at every
// midpoint 0.5 ... 10), and a negative x with magnitude code 0 keeps code 0
// (+0 comes before -0). Exponents: log2f rounds up to the next integer only
// within 2^-16 of it (reference::detail::ggml_floor_log2f), so blocks whose
// amax significand is within 2^-13 of 2 go to the reference, and the others
// take amax's exponent field (block_common::ggml_log2_round_up_mantissa);
// subnormal maxima give e = 0. |x| / d is |x| times 2^(128 - e), a normal
// float for e >= 1 and 2^64 * 2^64 for e = 0.
using block_common::ggml_log2_round_up_mantissa;

template <class BF>
void ggml_mxfp4_blocks(const float* x, std::uint8_t* out, std::size_t blocks) {
  const __m256 m05 = _mm256_set1_ps(0.5f), m15 = _mm256_set1_ps(1.5f), m25 = _mm256_set1_ps(2.5f),
               m35 = _mm256_set1_ps(3.5f), m5 = _mm256_set1_ps(5.0f), m7 = _mm256_set1_ps(7.0f),
               m10 = _mm256_set1_ps(10.0f);
  const __m256i zero = _mm256_setzero_si256();
  for (std::size_t b = 0; b < blocks; ++b, x += 32, out += BF::bytes_per_block) {
    const __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8), v2 = _mm256_loadu_ps(x + 16),
                 v3 = _mm256_loadu_ps(x + 24);
    const std::uint32_t amax = hmax_epu32(
        _mm256_max_epu32(_mm256_max_epu32(abs_bits(v0), abs_bits(v1)), _mm256_max_epu32(abs_bits(v2), abs_bits(v3))));
    if (amax >= inf_bits || (amax >= 0x800000U && (amax & 0x7FFFFFU) >= ggml_log2_round_up_mantissa)) {
      scalar_block<BF>(x, out, 1.0f);
      continue;
    }
    const int e = std::max(int(amax >> 23) - 2, 0);
    out[0] = std::uint8_t(e);
    const __m256 f1 = _mm256_castsi256_ps(_mm256_set1_epi32(e != 0 ? (127 + 128 - e) << 23 : (127 + 64) << 23));
    const __m256 f2 = _mm256_castsi256_ps(_mm256_set1_epi32(e != 0 ? 127 << 23 : (127 + 64) << 23));
    const auto code = [&](__m256 v) {
      const __m256 y = _mm256_mul_ps(_mm256_mul_ps(_mm256_castsi256_ps(abs_bits(v)), f1), f2);
      const auto gt = [&](__m256 t) { return _mm256_castps_si256(_mm256_cmp_ps(y, t, _CMP_GT_OQ)); };
      const __m256i n = _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(gt(m05), gt(m15)),
                                                          _mm256_add_epi32(gt(m25), gt(m35))),
                                         _mm256_add_epi32(_mm256_add_epi32(gt(m5), gt(m7)), gt(m10)));
      const __m256i sign = _mm256_andnot_si256(_mm256_cmpeq_epi32(n, zero), e2m1_sign(v));  // no -0
      return _mm256_or_si256(_mm256_sub_epi32(zero, n), sign);
    };
    const __m256i lo = _mm256_or_si256(code(v0), _mm256_slli_epi32(code(v2), 4));  // bytes 0-7
    const __m256i hi = _mm256_or_si256(code(v1), _mm256_slli_epi32(code(v3), 4));  // bytes 8-15
    const __m256i w = _mm256_permute4x64_epi64(_mm256_packus_epi32(lo, hi), _MM_SHUFFLE(3, 1, 2, 0));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 1),
                     _mm_packus_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1)));
  }
}

// ---- nvfp4 ------------------------------------------------------------------------------

inline std::uint32_t ue4m3_code(double t) { return block_common::ue4m3_code<arch>(t); }
inline double ue4m3_value(std::uint32_t c) { return block_common::ue4m3_value<arch>(c); }

// The int32 low halves of two int64 vectors (elements 0-3, 4-7) in order.
inline __m256i low_halves(__m256i a, __m256i b) {
  const __m256 s = _mm256_shuffle_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), _MM_SHUFFLE(2, 0, 2, 0));
  return _mm256_permute4x64_epi64(_mm256_castps_si256(s), _MM_SHUFFLE(3, 1, 2, 0));
}

// Block scale: (amax / 6) / tensor_scale in double (the reference's two
// divisions), as ue4m3 nearest even, at least the least positive code;
// elements: E2M1 of double(x) / (ue4m3 * tensor_scale), decided by comparing
// |x| with the midpoints times that scale. The scales of a group of blocks
// are computed first, so that their division chains overlap.
//
// With a tensor scale in [2^-100, 2^100] the comparisons are in float: each
// threshold T = (m * s) * tensor_scale (m * s exact) is P = float(T) plus the
// exact error fma(m * s, tensor_scale, -P), and a float |x| > T exactly when
// |x| > RD(T), |x| >= T exactly when |x| >= RU(T), the float neighbours of T
// that the error's sign picks. Other tensor scales compare in double, where
// m * s * tensor_scale (31 bits) is exact.
#ifndef LOWP_NVFP4_PREFETCH_BYTES
#define LOWP_NVFP4_PREFETCH_BYTES 4096
#endif
inline constexpr std::size_t nvfp4_prefetch_bytes = LOWP_NVFP4_PREFETCH_BYTES;

template <class BF>
void nvfp4_blocks(const float* x, std::uint8_t* out, std::size_t blocks, float tensor_scale) {
  const double ts = double(tensor_scale);
  const bool float_path = tensor_scale >= 0x1p-100f && tensor_scale <= 0x1p100f;
  const __m256d abs_mask_pd = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7FFFFFFFFFFFFFFFLL));
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
  const __m256 mids = _mm256_setr_ps(0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5.0f, 0.0f);
  const __m256i gt_lanes = _mm256_setr_epi32(-1, 0, -1, 0, -1, 0, -1, 0);  // ">" midpoints: round down
  const __m256i ge_lanes = _mm256_setr_epi32(0, -1, 0, -1, 0, -1, 0, 0);   // ">=" midpoints: round up
  const __m256 tsv = _mm256_set1_ps(tensor_scale);
  // float path: the seven thresholds of each scale code 0 .. 0x7E
  alignas(32) float thr_table[0x7F][8];
  bool thr_ready[0x7F] = {};
  constexpr std::size_t group = 8;
  for (std::size_t g = 0; g < blocks; g += group, x += group * 16, out += group * BF::bytes_per_block) {
    const std::size_t nb = std::min(group, blocks - g);
    // The tensor was just read once for its amax and is read again here: ask
    // for the group nvfp4_prefetch_bytes ahead so that the loads of this
    // pass overlap its arithmetic (a prefetch never faults).
    for (std::size_t line = 0; line < group * 16 * sizeof(float); line += 64)
      _mm_prefetch(reinterpret_cast<const char*>(x) + nvfp4_prefetch_bytes + line, _MM_HINT_T0);
    std::uint32_t code[group];
    bool special[group];
    for (std::size_t j = 0; j < nb; ++j) {
      const float* const xb = x + 16 * j;
      const std::uint32_t amax_bits =
          hmax_epu32(_mm256_max_epu32(abs_bits(_mm256_loadu_ps(xb)), abs_bits(_mm256_loadu_ps(xb + 8))));
      special[j] = amax_bits >= inf_bits;
      code[j] = 0;
      if (!special[j] && amax_bits != 0) {
        const double target = double(std::bit_cast<float>(amax_bits)) / 6.0 / ts;
        code[j] = std::max<std::uint32_t>(ue4m3_code(target), 1);
      }
    }
    for (std::size_t j = 0; j < nb; ++j) {
      const float* const xb = x + 16 * j;
      std::uint8_t* const ob = out + j * BF::bytes_per_block;
      if (special[j]) {
        scalar_block<BF>(xb, ob, tensor_scale);
        continue;
      }
      ob[0] = std::uint8_t(code[j]);
      const __m256 v0 = _mm256_loadu_ps(xb), v1 = _mm256_loadu_ps(xb + 8);
      __m256i c0, c1;
      if (float_path) {
        // The thresholds depend only on the scale code: computed the first
        // time a code occurs in this call, then broadcast from the table.
        const std::uint32_t c = code[j];
        if (!thr_ready[c]) {
          // an all-zero block (code 0) compares its ±0 with any positive thresholds
          const float sv = c != 0 ? float(ue4m3_value(c)) : 1.0f;
          const __m256 ms = _mm256_mul_ps(mids, _mm256_set1_ps(sv));
          const __m256 p = _mm256_mul_ps(ms, tsv);
          const __m256 err = _mm256_fmsub_ps(ms, tsv, p);  // exact: ms * ts - p
          const __m256i down = _mm256_and_si256(
              _mm256_castps_si256(_mm256_cmp_ps(err, _mm256_setzero_ps(), _CMP_LT_OQ)), gt_lanes);
          const __m256i up = _mm256_and_si256(
              _mm256_castps_si256(_mm256_cmp_ps(err, _mm256_setzero_ps(), _CMP_GT_OQ)), ge_lanes);
          _mm256_store_ps(thr_table[c],
                          _mm256_castsi256_ps(_mm256_sub_epi32(_mm256_add_epi32(_mm256_castps_si256(p), down), up)));
          thr_ready[c] = true;
        }
        const float* const tc = thr_table[c];
        const __m256 t0 = _mm256_broadcast_ss(tc), t1 = _mm256_broadcast_ss(tc + 1), t2 = _mm256_broadcast_ss(tc + 2),
                     t3 = _mm256_broadcast_ss(tc + 3), t4 = _mm256_broadcast_ss(tc + 4),
                     t5 = _mm256_broadcast_ss(tc + 5), t6 = _mm256_broadcast_ss(tc + 6);
        const auto codes = [&](__m256 v) {
          const __m256 a = _mm256_and_ps(v, abs_mask);
          const auto gt = [&](__m256 u) { return _mm256_castps_si256(_mm256_cmp_ps(a, u, _CMP_GT_OQ)); };
          const auto ge = [&](__m256 u) { return _mm256_castps_si256(_mm256_cmp_ps(a, u, _CMP_GE_OQ)); };
          const __m256i n = _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(gt(t0), ge(t1)),
                                                              _mm256_add_epi32(gt(t2), ge(t3))),
                                             _mm256_add_epi32(_mm256_add_epi32(gt(t4), ge(t5)), gt(t6)));
          return _mm256_or_si256(_mm256_sub_epi32(_mm256_setzero_si256(), n), e2m1_sign(v));
        };
        c0 = codes(v0);
        c1 = codes(v1);
      } else {
        const double scale = code[j] != 0 ? ue4m3_value(code[j]) * ts : 1.0;  // all-zero block: 1
        const __m256d sc = _mm256_set1_pd(scale);
        const __m256d t025 = _mm256_mul_pd(_mm256_set1_pd(0.25), sc), t075 = _mm256_mul_pd(_mm256_set1_pd(0.75), sc),
                      t125 = _mm256_mul_pd(_mm256_set1_pd(1.25), sc), t175 = _mm256_mul_pd(_mm256_set1_pd(1.75), sc),
                      t250 = _mm256_mul_pd(_mm256_set1_pd(2.5), sc), t350 = _mm256_mul_pd(_mm256_set1_pd(3.5), sc),
                      t500 = _mm256_mul_pd(_mm256_set1_pd(5.0), sc);
        const auto count = [&](__m128 h) {
          const __m256d a = _mm256_and_pd(_mm256_cvtps_pd(h), abs_mask_pd);
          const auto gt = [&](__m256d t) { return _mm256_castpd_si256(_mm256_cmp_pd(a, t, _CMP_GT_OQ)); };
          const auto ge = [&](__m256d t) { return _mm256_castpd_si256(_mm256_cmp_pd(a, t, _CMP_GE_OQ)); };
          const __m256i p = _mm256_add_epi64(_mm256_add_epi64(gt(t025), ge(t075)), _mm256_add_epi64(gt(t125), ge(t175)));
          const __m256i q = _mm256_add_epi64(_mm256_add_epi64(gt(t250), ge(t350)), gt(t500));
          return _mm256_add_epi64(p, q);  // minus the magnitude code
        };
        const auto codes = [&](__m256 v) {
          const __m256i neg = low_halves(count(_mm256_castps256_ps128(v)), count(_mm256_extractf128_ps(v, 1)));
          return _mm256_or_si256(_mm256_sub_epi32(_mm256_setzero_si256(), neg), e2m1_sign(v));
        };
        c0 = codes(v0);
        c1 = codes(v1);
      }
      _mm_storel_epi64(reinterpret_cast<__m128i*>(ob + 1), pack_nibbles16(c0, c1));
    }
  }
}

}  // namespace LOWP_DETAIL_BLOCKQ_NS
}  // namespace lowp::simd::avx2_block_quantize

#undef LOWP_DETAIL_BLOCKQ_NS
