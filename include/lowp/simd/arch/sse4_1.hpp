#pragma once

// SSE4.1 (with SSSE3) overloads; what is not here falls back to arch/sse2.hpp.

#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

#include "lowp/simd/inline.hpp"

#include "lowp/simd/arch/sse2.hpp"

#if XSIMD_WITH_SSE4_1
#include <smmintrin.h>
#include <tmmintrin.h>

namespace lowp::simd::kernel {

template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> mul(batch<std::uint32_t, A> const& a, batch<std::uint32_t, A> const& b,
                            requires_arch<xsimd::sse4_1>) {
  return _mm_mullo_epi32(a, b);
}

template <class A>
LOWP_SIMD_INLINE void store_narrow_u16(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::sse4_1>) {
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_packus_epi32(v, v));
}

template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_widen_u8(std::uint8_t const* p, requires_arch<xsimd::sse4_1>) {
  int w;
  std::memcpy(&w, p, 4);
  return _mm_cvtepu8_epi32(_mm_cvtsi32_si128(w));
}
template <class A>
LOWP_SIMD_INLINE void load_widen_u8(std::uint8_t const* p, batch<std::uint32_t, A> (&v)[4], requires_arch<xsimd::sse4_1>) {
  load_widen_u8(p, v, xsimd::sse2{});
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_widen_u16(std::uint8_t const* p, requires_arch<xsimd::sse4_1>) {
  return _mm_cvtepu16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

// 16 nibbles (8 bytes): each byte widened to 16 bits holds its two codes as
// bytes (low nibble first), pshufb looks both tables up, and unpacking with
// zero puts the two table bytes at the top of each 32-bit lane.
template <class A>
LOWP_SIMD_INLINE void lut_nibbles_hi16(std::uint8_t const* p, std::uint8_t const* hi, std::uint8_t const* mid,
                                       batch<std::uint32_t, A> (&v)[4], requires_arch<xsimd::sse4_1>) {
  const __m128i x = _mm_cvtepu8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
  const __m128i c = _mm_and_si128(_mm_or_si128(x, _mm_slli_epi16(x, 4)), _mm_set1_epi16(0x0f0f));
  const __m128i th = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(hi)), c);
  const __m128i tm = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(mid)), c);
  const __m128i w0 = _mm_unpacklo_epi8(tm, th);
  const __m128i w1 = _mm_unpackhi_epi8(tm, th);
  const __m128i zero = _mm_setzero_si128();
  v[0] = _mm_unpacklo_epi16(zero, w0);
  v[1] = _mm_unpackhi_epi16(zero, w0);
  v[2] = _mm_unpacklo_epi16(zero, w1);
  v[3] = _mm_unpackhi_epi16(zero, w1);
}

template <class A>
LOWP_SIMD_INLINE void store_u24(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::sse4_1>) {
  const __m128i pick = _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
  const __m128i x = _mm_shuffle_epi8(v, pick);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), x);
  const int w = _mm_cvtsi128_si32(_mm_srli_si128(x, 8));
  std::memcpy(p + 8, &w, 4);
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_u24(std::uint8_t const* p, requires_arch<xsimd::sse4_1>) {
  int w;
  std::memcpy(&w, p + 8, 4);
  const __m128i x =
      _mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)), _mm_cvtsi32_si128(w));
  const __m128i spread = _mm_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
  return _mm_shuffle_epi8(x, spread);
}

}  // namespace lowp::simd::kernel

#endif
