#pragma once

// AVX2 (+F16C) block dequantization kernels (lowp/kernels/block.hpp). Included
// only by translation units compiled with -mavx2 -mf16c (the avx2 and
// avx512bw instantiation sources); every function decodes whole blocks of the
// canonical raw layout (docs/blocks.md) and is bit-identical to
// reference::dequantize_block: each element is one IEEE float32 product (two
// for NVFP4) of exactly the operands the reference multiplies, so the only
// freedom SIMD has, the order of independent lanes, cannot change a bit.
// Blocks whose scale or codes the fast path does not model exactly (ggml
// float16 scales that are Inf/NaN, MXFP8 NaN codes) go to the reference.

#if !defined(__AVX2__) || !defined(__F16C__)
#error "lowp/kernels/block/avx2.hpp needs -mavx2 -mf16c"
#endif

#include <immintrin.h>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>

#include "lowp/block/formats.hpp"
#include "lowp/simd/api.hpp"
#include "lowp/kernels/block/common.hpp"

// The avx2 and avx512bw translation units both compile this file: a
// namespace per ISA keeps their copies apart, so the linker never hands an
// AVX-512 copy to the avx2 path (docs/isa.md). Nothing here calls the
// reference directly; blocks it does not model go to the scalar
// instantiation, compiled in the scalar translation unit.
#if defined(__AVX512BW__)
#define LOWP_DETAIL_BLOCK_NS in_avx512bw
#else
#define LOWP_DETAIL_BLOCK_NS in_avx2
#endif

namespace lowp::simd::avx2_block {
inline namespace LOWP_DETAIL_BLOCK_NS {

// The xsimd architecture of this translation unit: the shared scalar steps
// (kernels/block/common.hpp) are templates on it, one copy per ISA.
#if defined(__AVX512BW__)
using arch = simd::arch_t<isa::avx512bw>;
#else
using arch = simd::arch_t<isa::avx2>;
#endif

template <class BF>
void scalar_block(const std::uint8_t* in, float* out) {
  block_common::scalar_decode<arch, BF>(in, out, 1.0f);
}
inline float e8m0_scale(std::uint32_t e) { return block_common::e8m0_scale<arch>(e); }
inline float e8m0_half(std::uint32_t e) { return block_common::e8m0_half<arch>(e); }

// The values of E2M1 codes 0..7 (float4_e2m1fn), times `mul` (1 or 2), as a
// permutevar8x32 table (the tests check every code against the reference).
inline __m256 e2m1_magnitudes(float mul) {
  const __m256 t = _mm256_setr_ps(0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f);
  return _mm256_mul_ps(t, _mm256_set1_ps(mul));
}

// Eight E2M1 codes (int32 lanes, 0..15) to floats: magnitude from the table,
// sign from bit 3 (so code 8 is -0, as the reference decodes it).
inline __m256 e2m1_decode(__m256 table, __m256i code) {
  const __m256 mag = _mm256_permutevar8x32_ps(table, code);
  const __m256i sign = _mm256_and_si256(_mm256_slli_epi32(code, 28), _mm256_set1_epi32(int(0x80000000U)));
  return _mm256_or_ps(mag, _mm256_castsi256_ps(sign));
}

// Nibbles of 16 bytes: lo = low nibbles, hi = high nibbles.
inline void split_nibbles(__m128i x, __m128i& lo, __m128i& hi) {
  const __m128i m = _mm_set1_epi8(0x0F);
  lo = _mm_and_si128(x, m);
  hi = _mm_and_si128(_mm_srli_epi16(x, 4), m);
}

inline __m256i widen_u8(__m128i x) { return _mm256_cvtepu8_epi32(x); }

// ---- ggml_q4_0: y = float(q - 8) * d, d = float16 -> float ------------------------
template <class BF>
void q4_0(const std::uint8_t* in, float* out, std::size_t blocks) {
  const __m256i eight = _mm256_set1_epi32(8);
  for (std::size_t b = 0; b < blocks; ++b, in += BF::bytes_per_block, out += 32) {
    const std::uint16_t h = std::uint16_t(in[0] | (in[1] << 8));
    if ((h & 0x7C00U) == 0x7C00U) {
      scalar_block<BF>(in, out);
      continue;
    }
    const __m256 d = _mm256_set1_ps(_cvtsh_ss(h));
    __m128i lo, hi;
    split_nibbles(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 2)), lo, hi);
    const __m128i parts[4] = {lo, _mm_srli_si128(lo, 8), hi, _mm_srli_si128(hi, 8)};
    for (int k = 0; k < 4; ++k) {
      const __m256 v = _mm256_cvtepi32_ps(_mm256_sub_epi32(widen_u8(parts[k]), eight));
      _mm256_storeu_ps(out + 8 * k, _mm256_mul_ps(v, d));
    }
  }
}

// ---- ggml_q8_0: y = float(int8) * d ---------------------------------------------------
template <class BF>
void q8_0(const std::uint8_t* in, float* out, std::size_t blocks) {
  for (std::size_t b = 0; b < blocks; ++b, in += BF::bytes_per_block, out += 32) {
    const std::uint16_t h = std::uint16_t(in[0] | (in[1] << 8));
    if ((h & 0x7C00U) == 0x7C00U) {
      scalar_block<BF>(in, out);
      continue;
    }
    const __m256 d = _mm256_set1_ps(_cvtsh_ss(h));
    const __m128i q0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 2));
    const __m128i q1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 18));
    const __m128i parts[4] = {q0, _mm_srli_si128(q0, 8), q1, _mm_srli_si128(q1, 8)};
    for (int k = 0; k < 4; ++k)
      _mm256_storeu_ps(out + 8 * k, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(parts[k])), d));
  }
}

// ---- ggml_mxfp4: y = kvalue(code) * 2^(e - 128), kvalue = 2 * E2M1; ggml nibble order ----
template <class BF>
void ggml_mxfp4_blocks(const std::uint8_t* in, float* out, std::size_t blocks) {
  const __m256 table = e2m1_magnitudes(2.0f);
  for (std::size_t b = 0; b < blocks; ++b, in += BF::bytes_per_block, out += 32) {
    const __m256 d = _mm256_set1_ps(e8m0_half(in[0]));
    __m128i lo, hi;
    split_nibbles(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 1)), lo, hi);
    const __m128i parts[4] = {lo, _mm_srli_si128(lo, 8), hi, _mm_srli_si128(hi, 8)};
    for (int k = 0; k < 4; ++k)
      _mm256_storeu_ps(out + 8 * k, _mm256_mul_ps(e2m1_decode(table, widen_u8(parts[k])), d));
  }
}

// ---- OCP mxfp4: y = E2M1(code) * 2^(e - 127), NaN scale 0xFF; LSB-first nibbles ----
template <class BF>
void mxfp4_blocks(const std::uint8_t* in, float* out, std::size_t blocks) {
  const __m256 table = e2m1_magnitudes(1.0f);
  const __m256 nan = _mm256_set1_ps(std::numeric_limits<float>::quiet_NaN());
  for (std::size_t b = 0; b < blocks; ++b, in += BF::bytes_per_block, out += 32) {
    if (in[0] == 0xFF) {
      for (int k = 0; k < 4; ++k) _mm256_storeu_ps(out + 8 * k, nan);
      continue;
    }
    const __m256 x = _mm256_set1_ps(e8m0_scale(in[0]));
    __m128i lo, hi;
    split_nibbles(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 1)), lo, hi);
    const __m128i first = _mm_unpacklo_epi8(lo, hi);   // elements 0..15
    const __m128i second = _mm_unpackhi_epi8(lo, hi);  // elements 16..31
    const __m128i parts[4] = {first, _mm_srli_si128(first, 8), second, _mm_srli_si128(second, 8)};
    for (int k = 0; k < 4; ++k)
      _mm256_storeu_ps(out + 8 * k, _mm256_mul_ps(e2m1_decode(table, widen_u8(parts[k])), x));
  }
}

// ---- OCP mxfp8_e4m3: y = E4M3(code) * 2^(e - 127) ------------------------------------
// E4M3 code bits c & 0x7F placed at float bits 20..26 read as a float times
// 2^120 is the magnitude exactly (subnormal codes included); the sign is bit 7.
template <class BF>
void mxfp8_e4m3_blocks(const std::uint8_t* in, float* out, std::size_t blocks) {
  const __m256 nan = _mm256_set1_ps(std::numeric_limits<float>::quiet_NaN());
  const __m256 bias = _mm256_set1_ps(std::bit_cast<float>(std::uint32_t(127 + 120) << 23));
  const __m256i mag_mask = _mm256_set1_epi32(0x7F);
  const __m256i sign_mask = _mm256_set1_epi32(int(0x80000000U));
  const __m256i seven_f = _mm256_set1_epi8(0x7F);
  for (std::size_t b = 0; b < blocks; ++b, in += BF::bytes_per_block, out += 32) {
    if (in[0] == 0xFF) {
      for (int k = 0; k < 4; ++k) _mm256_storeu_ps(out + 8 * k, nan);
      continue;
    }
    const __m256i all = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 1));
    if (_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(all, seven_f), seven_f)) != 0) {
      scalar_block<BF>(in, out);
      continue;
    }
    const __m256 x = _mm256_set1_ps(e8m0_scale(in[0]));
    const __m128i q0 = _mm256_castsi256_si128(all);
    const __m128i q1 = _mm256_extracti128_si256(all, 1);
    const __m128i parts[4] = {q0, _mm_srli_si128(q0, 8), q1, _mm_srli_si128(q1, 8)};
    for (int k = 0; k < 4; ++k) {
      const __m256i c = widen_u8(parts[k]);
      const __m256 mag = _mm256_mul_ps(_mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(c, mag_mask), 20)), bias);
      const __m256 v = _mm256_or_ps(mag, _mm256_castsi256_ps(_mm256_and_si256(_mm256_slli_epi32(c, 24), sign_mask)));
      _mm256_storeu_ps(out + 8 * k, _mm256_mul_ps(v, x));
    }
  }
}

// ---- nvfp4: y = (E2M1(code) * UE4M3(s)) * tensor_scale; NaN scale code -> NaN ---------
template <class BF>
void nvfp4_blocks(const std::uint8_t* in, float* out, std::size_t blocks, float tensor_scale) {
  const block_common::ue4m3_scale_table& scales = block_common::nvfp4_scales<arch, BF>();
  const __m256 table = e2m1_magnitudes(1.0f);
  const __m256 nan = _mm256_set1_ps(std::numeric_limits<float>::quiet_NaN());
  const __m256 ts = _mm256_set1_ps(tensor_scale);
  for (std::size_t b = 0; b < blocks; ++b, in += BF::bytes_per_block, out += 16) {
    if (scales.nan[in[0]]) {
      _mm256_storeu_ps(out, nan);
      _mm256_storeu_ps(out + 8, nan);
      continue;
    }
    const __m256 s = _mm256_set1_ps(scales.value[in[0]]);
    __m128i lo, hi;
    std::uint64_t packed;
    std::memcpy(&packed, in + 1, 8);
    split_nibbles(_mm_cvtsi64_si128(std::int64_t(packed)), lo, hi);
    const __m128i codes = _mm_unpacklo_epi8(lo, hi);  // elements 0..15
    const __m128i parts[2] = {codes, _mm_srli_si128(codes, 8)};
    for (int k = 0; k < 2; ++k) {
      const __m256 scaled = _mm256_mul_ps(e2m1_decode(table, widen_u8(parts[k])), s);
      _mm256_storeu_ps(out + 8 * k, _mm256_mul_ps(scaled, ts));
    }
  }
}

}  // namespace LOWP_DETAIL_BLOCK_NS
}  // namespace lowp::simd::avx2_block

#undef LOWP_DETAIL_BLOCK_NS
