#pragma once

// SSE2 integer GEMM micro-kernel (lowp/kernels/gemm/int8.hpp) for the sse2 and
// sse4_1 ISAs: the AVX2 kernel's 4 x 24 tile at half the width, 4 x 12 int32
// in 12 xmm accumulators over panels of 16-bit depth pairs. Per depth pair:
// three loads of B, four broadcasts of an A pair, twelve PMADDWD (exact pair
// sums, see kernels/gemm/int8.hpp) and twelve PADDD (wrapping); 12 + 3 + 1 = all 16
// xmm registers.

#if !defined(__SSE2__)
#error "lowp/kernels/gemm/int8_sse2.hpp needs -msse2"
#endif

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>


#include "lowp/kernels/gemm/int8_kernel.hpp"

// The avx2 and avx512bw translation units both compile this file: a
// namespace per ISA keeps their copies apart (docs/isa.md).
#if defined(__AVX512BW__)
#define LOWP_DETAIL_IGEMM_SSE2_NS in_avx512bw
#elif defined(__AVX2__)
#define LOWP_DETAIL_IGEMM_SSE2_NS in_avx2
#elif defined(__SSE4_1__)
#define LOWP_DETAIL_IGEMM_SSE2_NS in_sse4_1
#else
#define LOWP_DETAIL_IGEMM_SSE2_NS in_sse2
#endif

namespace lowp::simd::sse2_igemm {
inline namespace LOWP_DETAIL_IGEMM_SSE2_NS {

inline constexpr std::size_t MR = 4, NR = 12, NV = NR / 4;
struct tag {};

inline __m128i broadcast_pair(const std::int16_t* p) {
  std::int32_t v;
  std::memcpy(&v, p, sizeof v);
  return _mm_set1_epi32(v);
}

// alpha * acc + beta * old (wrapping: VPMULLD keeps the low 32 bits).
// Low 32 bits of x * s per lane (PMULLD is SSE4.1; SSE2 has PMULUDQ on the
// even lanes only).
inline __m128i mullo(__m128i x, std::uint32_t s) {
  const __m128i m = _mm_set1_epi32(std::int32_t(s));
  const __m128i even = _mm_mul_epu32(x, m);
  const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(x, 32), m);
  return _mm_unpacklo_epi32(_mm_shuffle_epi32(even, 0x08), _mm_shuffle_epi32(odd, 0x08));
}

inline __m128i update(__m128i acc, const std::int32_t* c, const kernels::igemm_block& blk) {
  if (blk.alpha != 1) acc = mullo(acc, blk.alpha);
  if (blk.read_c) {
    __m128i old = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c));
    if (blk.beta != 1) old = mullo(old, blk.beta);
    acc = _mm_add_epi32(acc, old);
  }
  return acc;
}

inline void store(const __m128i (&acc)[MR][NV], std::int32_t* c, std::size_t m, std::size_t n,
                  const kernels::igemm_block& blk) {
  if (m == MR && n == NR && blk.c_cs == 1) {
    for (std::size_t r = 0; r < MR; ++r) {
      std::int32_t* row = c + r * blk.c_rs;
      for (std::size_t v = 0; v < NV; ++v)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(row + 4 * v), update(acc[r][v], row + 4 * v, blk));
    }
    return;
  }
  alignas(16) std::uint32_t t[MR * NR];
  for (std::size_t r = 0; r < MR; ++r)
    for (std::size_t v = 0; v < NV; ++v) _mm_store_si128(reinterpret_cast<__m128i*>(t + r * NR + 4 * v), acc[r][v]);
  kernels::detail::igemm_store_tile<tag>(t, NR, m, n, blk, c);
}

// One tile, m x n (m <= MR, n <= NR) valid entries at c, with the
// multiply-accumulate step OP(acc, a, b); named accumulators keep all twelve
// in registers.
#define LOWP_DETAIL_IGEMM_128_ROW(OP, R) \
  x = broadcast_pair(a + 2 * R);         \
  c##R##0 = OP(c##R##0, x, b0);          \
  c##R##1 = OP(c##R##1, x, b1);          \
  c##R##2 = OP(c##R##2, x, b2);
#define LOWP_DETAIL_IGEMM_128_TILE(OP)                                                                            \
  __m128i c00 = _mm_setzero_si128(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00,         \
          c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;                                                  \
  for (std::size_t p = 0; p < kp; ++p, a += 2 * MR, b += 2 * NR) {                                                \
    const __m128i b0 = _mm_load_si128(reinterpret_cast<const __m128i*>(b));                                    \
    const __m128i b1 = _mm_load_si128(reinterpret_cast<const __m128i*>(b + 8));                               \
    const __m128i b2 = _mm_load_si128(reinterpret_cast<const __m128i*>(b + 16));                               \
    __m128i x;                                                                                                    \
    LOWP_DETAIL_IGEMM_128_ROW(OP, 0)                                                                              \
    LOWP_DETAIL_IGEMM_128_ROW(OP, 1) LOWP_DETAIL_IGEMM_128_ROW(OP, 2) LOWP_DETAIL_IGEMM_128_ROW(OP, 3)            \
  }                                                                                                               \
  const __m128i acc[MR][NV] = {{c00, c01, c02}, {c10, c11, c12}, {c20, c21, c22}, {c30, c31, c32}};               \
  store(acc, c, m, n, blk);

inline __m128i madd_add(__m128i acc, __m128i x, __m128i y) { return _mm_add_epi32(acc, _mm_madd_epi16(x, y)); }

inline void tile(std::size_t kp, const std::int16_t* a, const std::int16_t* b, std::int32_t* c, std::size_t m,
                 std::size_t n, const kernels::igemm_block& blk) {
  LOWP_DETAIL_IGEMM_128_TILE(madd_add)
}

#undef LOWP_DETAIL_IGEMM_128_TILE
#undef LOWP_DETAIL_IGEMM_128_ROW

// Columns panel by panel, rows inside: one B micro-panel stays in L1 while the
// A panels of the block stream from L2 (Goto & van de Geijn 2008, §4.2).
inline void block(const kernels::igemm_block& blk) {
  for (std::size_t j = 0; j < blk.nc; j += NR) {
    const std::int16_t* const b = blk.b + (j / NR) * blk.kp * NR * 2;
    const std::size_t n = blk.nc - j < NR ? blk.nc - j : NR;
    for (std::size_t i = 0; i < blk.mc; i += MR) {
      const std::int16_t* const a = blk.a + (i / MR) * blk.kp * MR * 2;
      std::int32_t* const c = blk.c + i * blk.c_rs + j * blk.c_cs;
      const std::size_t m = blk.mc - i < MR ? blk.mc - i : MR;
      tile(blk.kp, a, b, c, m, n, blk);
    }
  }
}


}  // namespace LOWP_DETAIL_IGEMM_SSE2_NS
}  // namespace lowp::simd::sse2_igemm
