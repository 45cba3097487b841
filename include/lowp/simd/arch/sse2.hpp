#pragma once

// SSE2 overloads of lowp's SIMD operations (the x86-64 baseline). Every other
// x86 ISA either specializes an operation or falls back to these.

#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

#include "lowp/simd/inline.hpp"

#if XSIMD_WITH_SSE2
#include <emmintrin.h>

namespace lowp::simd::kernel {

using xsimd::batch;
using xsimd::kernel::requires_arch;

// Low 32 bits of each product (_mm_mullo_epi32 is SSE4.1).
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> mul(batch<std::uint32_t, A> const& a, batch<std::uint32_t, A> const& b,
                            requires_arch<xsimd::sse2>) {
  const __m128i even = _mm_mul_epu32(a, b);
  const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), _mm_srli_epi64(b, 32));
  return _mm_unpacklo_epi32(_mm_shuffle_epi32(even, _MM_SHUFFLE(0, 0, 2, 0)),
                            _mm_shuffle_epi32(odd, _MM_SHUFFLE(0, 0, 2, 0)));
}

// 4x4 transpose of 32-bit elements within each 128-bit lane.
template <class A>
LOWP_SIMD_INLINE void transpose_4x4_per_128(batch<std::uint32_t, A> (&v)[4], requires_arch<xsimd::sse2>) {
  const __m128i t0 = _mm_unpacklo_epi32(v[0], v[1]);
  const __m128i t1 = _mm_unpacklo_epi32(v[2], v[3]);
  const __m128i t2 = _mm_unpackhi_epi32(v[0], v[1]);
  const __m128i t3 = _mm_unpackhi_epi32(v[2], v[3]);
  v[0] = _mm_unpacklo_epi64(t0, t1);
  v[1] = _mm_unpackhi_epi64(t0, t1);
  v[2] = _mm_unpacklo_epi64(t2, t3);
  v[3] = _mm_unpackhi_epi64(t2, t3);
}

// After transpose_4x4_per_128 of four consecutive vectors, which 4-element
// group each lane holds; these put lanes in memory order and back.
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> groups_to_memory_order(batch<std::uint32_t, A> const& v, requires_arch<xsimd::sse2>) {
  return v;
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> groups_from_memory_order(batch<std::uint32_t, A> const& v, requires_arch<xsimd::sse2>) {
  return v;
}

// Lanes (each < 256) to 4 * size bytes.
template <class A>
LOWP_SIMD_INLINE void store_narrow_u8(std::uint8_t* p, batch<std::uint32_t, A> const (&v)[4], requires_arch<xsimd::sse2>) {
  const __m128i ab = _mm_packs_epi32(v[0], v[1]);
  const __m128i cd = _mm_packs_epi32(v[2], v[3]);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm_packus_epi16(ab, cd));
}
template <class A>
LOWP_SIMD_INLINE void store_narrow_u8(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::sse2>) {
  __m128i x = _mm_packs_epi32(v, v);
  x = _mm_packus_epi16(x, x);
  const int w = _mm_cvtsi128_si32(x);
  std::memcpy(p, &w, 4);
}

// Lanes (each < 65536) to size 16-bit values.
template <class A>
LOWP_SIMD_INLINE void store_narrow_u16(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::sse2>) {
  __m128i x = _mm_srai_epi32(_mm_slli_epi32(v, 16), 16);  // packs saturates; make it truncate
  x = _mm_packs_epi32(x, x);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), x);
}

template <class A>
LOWP_SIMD_INLINE void load_widen_u8(std::uint8_t const* p, batch<std::uint32_t, A> (&v)[4], requires_arch<xsimd::sse2>) {
  const __m128i zero = _mm_setzero_si128();
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i lo = _mm_unpacklo_epi8(x, zero);
  const __m128i hi = _mm_unpackhi_epi8(x, zero);
  v[0] = _mm_unpacklo_epi16(lo, zero);
  v[1] = _mm_unpackhi_epi16(lo, zero);
  v[2] = _mm_unpacklo_epi16(hi, zero);
  v[3] = _mm_unpackhi_epi16(hi, zero);
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_widen_u8(std::uint8_t const* p, requires_arch<xsimd::sse2>) {
  int w;
  std::memcpy(&w, p, 4);
  const __m128i zero = _mm_setzero_si128();
  return _mm_unpacklo_epi16(_mm_unpacklo_epi8(_mm_cvtsi32_si128(w), zero), zero);
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_widen_u16(std::uint8_t const* p, requires_arch<xsimd::sse2>) {
  const __m128i x = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  return _mm_unpacklo_epi16(x, _mm_setzero_si128());
}

// The low 3 bytes of each lane, stored contiguously (3 * size bytes), and back.
template <class A>
LOWP_SIMD_INLINE void store_u24(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::sse2>) {
  alignas(16) std::uint32_t t[4];
  _mm_store_si128(reinterpret_cast<__m128i*>(t), v);
  for (int k = 0; k < 4; ++k) {
    p[3 * k] = std::uint8_t(t[k]);
    p[3 * k + 1] = std::uint8_t(t[k] >> 8);
    p[3 * k + 2] = std::uint8_t(t[k] >> 16);
  }
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_u24(std::uint8_t const* p, requires_arch<xsimd::sse2>) {
  int t[4];
  for (int k = 0; k < 4; ++k)
    t[k] = int(p[3 * k]) | (int(p[3 * k + 1]) << 8) | (int(p[3 * k + 2]) << 16);
  return _mm_setr_epi32(t[0], t[1], t[2], t[3]);
}

// Truncating float32 -> uint32 for 0 <= v < 2^32. Below 2^31 cvtt(v) is the
// result and v - 2^32 rounds to at most -2^31, which cvtt turns into 2^31 (its
// out-of-range value); from 2^31 up cvtt(v) gives 2^31 and v - 2^32 is exact
// (v is a multiple of 256), so cvtt(v - 2^32) is the result modulo 2^32.
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> trunc_to_u32(batch<float, A> const& v, requires_arch<xsimd::sse2>) {
  const __m128i low = _mm_cvttps_epi32(v);
  const __m128i wrapped = _mm_cvttps_epi32(_mm_sub_ps(v, _mm_set1_ps(4294967296.0f)));
  return _mm_xor_si128(_mm_xor_si128(low, wrapped), _mm_set1_epi32(std::int32_t(0x80000000U)));
}

}  // namespace lowp::simd::kernel

#endif
