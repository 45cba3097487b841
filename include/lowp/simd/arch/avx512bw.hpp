#pragma once

// AVX-512 (F, CD, DQ, BW, VL) overloads. As with AVX2, shuffles act per
// 128-bit lane; after a per-lane 4x4 transpose the 16 lanes hold 4-element
// groups in the order of a 4x4 transpose, which one vpermd undoes.

#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

#include "lowp/simd/inline.hpp"

#include "lowp/simd/arch/avx2.hpp"

#if XSIMD_WITH_AVX512BW
#include <immintrin.h>

namespace lowp::simd::kernel {

template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> mul(batch<std::uint32_t, A> const& a, batch<std::uint32_t, A> const& b,
                            requires_arch<xsimd::avx512bw>) {
  return _mm512_mullo_epi32(a, b);
}

template <class A>
LOWP_SIMD_INLINE void transpose_4x4_per_128(batch<std::uint32_t, A> (&v)[4], requires_arch<xsimd::avx512bw>) {
  const __m512i t0 = _mm512_unpacklo_epi32(v[0], v[1]);
  const __m512i t1 = _mm512_unpacklo_epi32(v[2], v[3]);
  const __m512i t2 = _mm512_unpackhi_epi32(v[0], v[1]);
  const __m512i t3 = _mm512_unpackhi_epi32(v[2], v[3]);
  v[0] = _mm512_unpacklo_epi64(t0, t1);
  v[1] = _mm512_unpackhi_epi64(t0, t1);
  v[2] = _mm512_unpacklo_epi64(t2, t3);
  v[3] = _mm512_unpackhi_epi64(t2, t3);
}

template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> groups_to_memory_order(batch<std::uint32_t, A> const& v, requires_arch<xsimd::avx512bw>) {
  const __m512i idx = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  return _mm512_permutexvar_epi32(idx, v);
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> groups_from_memory_order(batch<std::uint32_t, A> const& v,
                                                 requires_arch<xsimd::avx512bw>) {
  return groups_to_memory_order(v, xsimd::avx512bw{});  // a 4x4 transpose is its own inverse
}

template <class A>
LOWP_SIMD_INLINE void store_narrow_u8(std::uint8_t* p, batch<std::uint32_t, A> const (&v)[4], requires_arch<xsimd::avx512bw>) {
  for (int k = 0; k < 4; ++k)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p + 16 * k), _mm512_cvtepi32_epi8(v[k]));
}
template <class A>
LOWP_SIMD_INLINE void store_narrow_u8(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::avx512bw>) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm512_cvtepi32_epi8(v));
}
template <class A>
LOWP_SIMD_INLINE void store_narrow_u16(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::avx512bw>) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtepi32_epi16(v));
}

template <class A>
LOWP_SIMD_INLINE void load_widen_u8(std::uint8_t const* p, batch<std::uint32_t, A> (&v)[4], requires_arch<xsimd::avx512bw>) {
  for (int k = 0; k < 4; ++k)
    v[k] = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k)));
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_widen_u8(std::uint8_t const* p, requires_arch<xsimd::avx512bw>) {
  return _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_widen_u16(std::uint8_t const* p, requires_arch<xsimd::avx512bw>) {
  return _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}

template <class A>
LOWP_SIMD_INLINE void store_u24(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::avx512bw>) {
  const __m512i pick = _mm512_broadcast_i32x4(
      _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1));
  const __m512i x = _mm512_shuffle_epi8(v, pick);
  const __m512i compact = _mm512_setr_epi32(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15, 15, 15, 15);
  _mm512_mask_storeu_epi8(p, (__mmask64{1} << 48) - 1U, _mm512_permutexvar_epi32(compact, x));
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_u24(std::uint8_t const* p, requires_arch<xsimd::avx512bw>) {
  const __m512i x = _mm512_maskz_loadu_epi8((__mmask64{1} << 48) - 1U, p);
  const __m512i expand = _mm512_setr_epi32(0, 1, 2, 0, 3, 4, 5, 0, 6, 7, 8, 0, 9, 10, 11, 0);
  const __m512i spread = _mm512_broadcast_i32x4(
      _mm_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1));
  return _mm512_shuffle_epi8(_mm512_permutexvar_epi32(expand, x), spread);
}

template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> trunc_to_u32(batch<float, A> const& v, requires_arch<xsimd::avx512bw>) {
  return _mm512_cvttps_epu32(v);
}

template <class A>
LOWP_SIMD_INLINE batch<std::int32_t, A> select(xsimd::batch_bool<std::int32_t, A> const& cond, batch<std::int32_t, A> const& a,
                              batch<std::int32_t, A> const& b, requires_arch<xsimd::avx512bw>) {
  return _mm512_mask_blend_epi32(cond, b, a);
}

template <class A>
LOWP_SIMD_INLINE batch<float, A> load_f16(std::uint8_t const* p, requires_arch<xsimd::avx512bw>) {
  return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
template <int Mode, class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> cvt_f32_to_f16(batch<float, A> const& x, requires_arch<xsimd::avx512bw>) {
  const __m512 v = x;
  return _mm512_cvtepu16_epi32(_mm512_cvtps_ph(v, Mode));
}

}  // namespace lowp::simd::kernel

#endif
