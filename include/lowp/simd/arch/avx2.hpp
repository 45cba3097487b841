#pragma once

// AVX2 overloads (compiled with FMA and F16C: lowp's avx2 is
// xsimd::fma3<xsimd::avx2>). 256-bit shuffles mostly act per 128-bit lane, so
// a 4x4 transpose per lane leaves 4-element groups in the order 0,2,4,6,1,3,5,7;
// groups_to_memory_order fixes that with one vpermd.

#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

#include "lowp/simd/inline.hpp"

#include "lowp/simd/arch/sse4_1.hpp"

#if XSIMD_WITH_AVX2
#include <immintrin.h>

namespace lowp::simd::kernel {

template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> mul(batch<std::uint32_t, A> const& a, batch<std::uint32_t, A> const& b,
                            requires_arch<xsimd::avx2>) {
  return _mm256_mullo_epi32(a, b);
}

template <class A>
LOWP_SIMD_INLINE void transpose_4x4_per_128(batch<std::uint32_t, A> (&v)[4], requires_arch<xsimd::avx2>) {
  const __m256i t0 = _mm256_unpacklo_epi32(v[0], v[1]);
  const __m256i t1 = _mm256_unpacklo_epi32(v[2], v[3]);
  const __m256i t2 = _mm256_unpackhi_epi32(v[0], v[1]);
  const __m256i t3 = _mm256_unpackhi_epi32(v[2], v[3]);
  v[0] = _mm256_unpacklo_epi64(t0, t1);
  v[1] = _mm256_unpackhi_epi64(t0, t1);
  v[2] = _mm256_unpacklo_epi64(t2, t3);
  v[3] = _mm256_unpackhi_epi64(t2, t3);
}

template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> groups_to_memory_order(batch<std::uint32_t, A> const& v, requires_arch<xsimd::avx2>) {
  return _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> groups_from_memory_order(batch<std::uint32_t, A> const& v, requires_arch<xsimd::avx2>) {
  return _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7));
}

template <class A>
LOWP_SIMD_INLINE void store_narrow_u8(std::uint8_t* p, batch<std::uint32_t, A> const (&v)[4], requires_arch<xsimd::avx2>) {
  const __m256i ab = _mm256_packs_epi32(v[0], v[1]);  // a0 b0 | a1 b1 (16-bit)
  const __m256i cd = _mm256_packs_epi32(v[2], v[3]);
  const __m256i x = _mm256_packus_epi16(ab, cd);      // a0 b0 c0 d0 | a1 b1 c1 d1 (4 bytes each)
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p),
                      _mm256_permutevar8x32_epi32(x, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
}
template <class A>
LOWP_SIMD_INLINE void store_narrow_u8(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::avx2>) {
  __m256i x = _mm256_packs_epi32(v, v);
  x = _mm256_packus_epi16(x, x);
  const __m128i lo = _mm256_castsi256_si128(x);
  const __m128i hi = _mm256_extracti128_si256(x, 1);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_unpacklo_epi32(lo, hi));
}

template <class A>
LOWP_SIMD_INLINE void store_narrow_u16(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::avx2>) {
  const __m256i x = _mm256_permute4x64_epi64(_mm256_packus_epi32(v, v), _MM_SHUFFLE(3, 1, 2, 0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm256_castsi256_si128(x));
}

template <class A>
LOWP_SIMD_INLINE void load_widen_u8(std::uint8_t const* p, batch<std::uint32_t, A> (&v)[4], requires_arch<xsimd::avx2>) {
  for (int k = 0; k < 4; ++k)
    v[k] = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + 8 * k)));
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_widen_u8(std::uint8_t const* p, requires_arch<xsimd::avx2>) {
  return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_widen_u16(std::uint8_t const* p, requires_arch<xsimd::avx2>) {
  return _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// 32 nibbles (16 bytes), as in the SSE4.1 version; the in-lane unpacks take
// 4-code groups in the order 0,2,4,6 | 1,3,5,7, so the input's 2-byte groups
// are permuted into that order first.
template <class A>
LOWP_SIMD_INLINE void lut_nibbles_hi16(std::uint8_t const* p, std::uint8_t const* hi, std::uint8_t const* mid,
                                       batch<std::uint32_t, A> (&v)[4], requires_arch<xsimd::avx2>) {
  __m128i in = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  in = _mm_shuffle_epi8(in, _mm_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15));
  const __m256i x = _mm256_cvtepu8_epi16(in);
  const __m256i c = _mm256_and_si256(_mm256_or_si256(x, _mm256_slli_epi16(x, 4)), _mm256_set1_epi16(0x0f0f));
  const __m256i th =
      _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(hi))), c);
  const __m256i tm =
      _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(mid))), c);
  const __m256i w0 = _mm256_unpacklo_epi8(tm, th);
  const __m256i w1 = _mm256_unpackhi_epi8(tm, th);
  const __m256i zero = _mm256_setzero_si256();
  v[0] = _mm256_unpacklo_epi16(zero, w0);
  v[1] = _mm256_unpackhi_epi16(zero, w0);
  v[2] = _mm256_unpacklo_epi16(zero, w1);
  v[3] = _mm256_unpackhi_epi16(zero, w1);
}

template <class A>
LOWP_SIMD_INLINE void store_u24(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::avx2>) {
  const __m256i pick = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,  //
                                        0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
  __m256i x = _mm256_shuffle_epi8(v, pick);
  x = _mm256_permutevar8x32_epi32(x, _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm256_castsi256_si128(x));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p + 16), _mm256_extracti128_si256(x, 1));
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_u24(std::uint8_t const* p, requires_arch<xsimd::avx2>) {
  const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));      // bytes 0..15
  const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 8));  // bytes 8..23
  const __m256i x = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
  const __m256i spread = _mm256_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1,  //
                                          4, 5, 6, -1, 7, 8, 9, -1, 10, 11, 12, -1, 13, 14, 15, -1);
  return _mm256_shuffle_epi8(x, spread);
}

template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> trunc_to_u32(batch<float, A> const& v, requires_arch<xsimd::avx2>) {
  // As for SSE2: cvtt(v) ^ cvtt(v - 2^32) ^ 2^31.
  const __m256i low = _mm256_cvttps_epi32(v);
  const __m256i wrapped = _mm256_cvttps_epi32(_mm256_sub_ps(v, _mm256_set1_ps(4294967296.0f)));
  return _mm256_xor_si256(_mm256_xor_si256(low, wrapped), _mm256_set1_epi32(std::int32_t(0x80000000U)));
}

template <class A>
LOWP_SIMD_INLINE batch<float, A> load_f16(std::uint8_t const* p, requires_arch<xsimd::avx2>) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
template <int Mode, class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> cvt_f32_to_f16(batch<float, A> const& x, requires_arch<xsimd::avx2>) {
  const __m256 v = x;
  return _mm256_cvtepu16_epi32(_mm256_cvtps_ph(v, Mode));
}

}  // namespace lowp::simd::kernel

#endif
