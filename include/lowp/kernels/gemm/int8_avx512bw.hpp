#pragma once

// AVX-512BW integer GEMM micro-kernel (lowp/kernels/gemm/int8.hpp): a 12 x 32
// tile of int32 in 24 zmm accumulators over panels of 16-bit depth pairs. Per
// depth pair: two loads of B (32 columns x 2 depths), twelve broadcasts of an
// A pair, 24 VPMADDWD (exact pair sums, see kernels/gemm/int8.hpp) and 24 VPADDD
// (wrapping); 24 + 2 + 1 of the 32 zmm registers.
//
// Where the CPU has AVX512_VNNI (CPUID.(EAX=07H, ECX=0):ECX[bit 11], Intel SDM
// vol. 2, VPDPWSSD), the same tile runs with VPDPWSSD, which is VPMADDWD and
// VPADDD in one instruction with the same wrapping int32 result (no
// saturation in the non-S form): bit-identical, half the micro-ops; and
// uint8 x int8 runs on byte quad panels with VPDPBUSD, 64 products per
// instruction.

#if !defined(__AVX512F__) || !defined(__AVX512BW__)
#error "lowp/kernels/gemm/int8_avx512bw.hpp needs -mavx512f -mavx512bw"
#endif

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__GNUC__) || defined(__clang__)
#include <cpuid.h>
#endif

#include "lowp/kernels/gemm/int8_avx2.hpp"
#include "lowp/kernels/gemm/int8_kernel.hpp"

namespace lowp::simd::avx512bw_igemm {

inline constexpr std::size_t MR = 12, NR = 32;
struct tag {};

inline bool has_vnni() {
#if defined(__GNUC__) || defined(__clang__)
  static const bool yes = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return ((c >> 11) & 1U) != 0;
  }();
  return yes;
#else
  return false;
#endif
}

inline __m512i broadcast_pair(const std::int16_t* p) {
  std::int32_t v;
  std::memcpy(&v, p, sizeof v);
  return _mm512_set1_epi32(v);
}

// alpha * acc + beta * old (wrapping: VPMULLD keeps the low 32 bits).
inline __m512i update(__m512i acc, const std::int32_t* c, const kernels::igemm_block& blk) {
  if (blk.alpha != 1) acc = _mm512_mullo_epi32(acc, _mm512_set1_epi32(std::int32_t(blk.alpha)));
  if (blk.read_c) {
    __m512i old = _mm512_loadu_si512(c);
    if (blk.beta != 1) old = _mm512_mullo_epi32(old, _mm512_set1_epi32(std::int32_t(blk.beta)));
    acc = _mm512_add_epi32(acc, old);
  }
  return acc;
}

inline void store(const __m512i (&acc)[MR][2], std::int32_t* c, std::size_t m, std::size_t n,
                  const kernels::igemm_block& blk) {
  if (m == MR && n == NR && blk.c_cs == 1) {
    for (std::size_t r = 0; r < MR; ++r) {
      std::int32_t* row = c + r * blk.c_rs;
      _mm512_storeu_si512(row, update(acc[r][0], row, blk));
      _mm512_storeu_si512(row + 16, update(acc[r][1], row + 16, blk));
    }
    return;
  }
  alignas(64) std::uint32_t t[MR * NR];
  for (std::size_t r = 0; r < MR; ++r) {
    _mm512_store_si512(t + r * NR, acc[r][0]);
    _mm512_store_si512(t + r * NR + 16, acc[r][1]);
  }
  kernels::detail::igemm_store_tile<tag>(t, NR, m, n, blk, c);
}

// The tile body for one multiply-accumulate step OP(acc, a, b), written out
// with named accumulators so that all 24 stay in registers.
#define LOWP_DETAIL_IGEMM_512_ROW(OP, R)              \
  x = broadcast_pair(a + 2 * R);                      \
  c##R##_0 = OP(c##R##_0, x, b0);                     \
  c##R##_1 = OP(c##R##_1, x, b1);
#define LOWP_DETAIL_IGEMM_512_TILE(OP)                                                                         \
  __m512i c0_0 = _mm512_setzero_si512(), c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0,     \
          c3_0 = c0_0, c3_1 = c0_0, c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0, c6_0 = c0_0,           \
          c6_1 = c0_0, c7_0 = c0_0, c7_1 = c0_0, c8_0 = c0_0, c8_1 = c0_0, c9_0 = c0_0, c9_1 = c0_0,           \
          c10_0 = c0_0, c10_1 = c0_0, c11_0 = c0_0, c11_1 = c0_0;                                             \
  avx2_igemm::prefetch_c(c, m, n, blk);                                                                        \
  for (std::size_t p = 0; p < kp; ++p, a += 2 * MR, b += 2 * NR) {                                             \
    const __m512i b0 = _mm512_load_si512(b);                                                                   \
    const __m512i b1 = _mm512_load_si512(b + 32);                                                              \
    __m512i x;                                                                                                 \
    LOWP_DETAIL_IGEMM_512_ROW(OP, 0) LOWP_DETAIL_IGEMM_512_ROW(OP, 1) LOWP_DETAIL_IGEMM_512_ROW(OP, 2)                     \
    LOWP_DETAIL_IGEMM_512_ROW(OP, 3) LOWP_DETAIL_IGEMM_512_ROW(OP, 4) LOWP_DETAIL_IGEMM_512_ROW(OP, 5)                     \
    LOWP_DETAIL_IGEMM_512_ROW(OP, 6) LOWP_DETAIL_IGEMM_512_ROW(OP, 7) LOWP_DETAIL_IGEMM_512_ROW(OP, 8)                     \
    LOWP_DETAIL_IGEMM_512_ROW(OP, 9) LOWP_DETAIL_IGEMM_512_ROW(OP, 10) LOWP_DETAIL_IGEMM_512_ROW(OP, 11)                   \
  }                                                                                                            \
  const __m512i acc[MR][2] = {{c0_0, c0_1}, {c1_0, c1_1}, {c2_0, c2_1},   {c3_0, c3_1},   {c4_0, c4_1},       \
                              {c5_0, c5_1}, {c6_0, c6_1}, {c7_0, c7_1},   {c8_0, c8_1},   {c9_0, c9_1},       \
                              {c10_0, c10_1}, {c11_0, c11_1}};                                                 \
  store(acc, c, m, n, blk);

inline __m512i madd_add(__m512i acc, __m512i x, __m512i y) { return _mm512_add_epi32(acc, _mm512_madd_epi16(x, y)); }

inline void tile(std::size_t kp, const std::int16_t* a, const std::int16_t* b, std::int32_t* c, std::size_t m,
                 std::size_t n, const kernels::igemm_block& blk) {
  LOWP_DETAIL_IGEMM_512_TILE(madd_add)
}

#if defined(__GNUC__) || defined(__clang__)
#define LOWP_DETAIL_IGEMM_VNNI 1
__attribute__((target("avx512vnni"))) inline __m512i dpwssd(__m512i acc, __m512i x, __m512i y) {
  return _mm512_dpwssd_epi32(acc, x, y);
}
__attribute__((target("avx512vnni"))) inline void tile_vnni(std::size_t kp, const std::int16_t* a,
                                                            const std::int16_t* b, std::int32_t* c, std::size_t m,
                                                            std::size_t n, const kernels::igemm_block& blk) {
  LOWP_DETAIL_IGEMM_512_TILE(dpwssd)
}
// uint8 x int8 depth quads (igemm_block::quads): VPDPBUSD, four exact
// unsigned x signed byte products added to each int32 lane, wrapping (see
// kernels/gemm/int8_avx2.hpp).
__attribute__((target("avx512vnni"))) inline __m512i dpbusd(__m512i acc, __m512i x, __m512i y) {
  return _mm512_dpbusd_epi32(acc, x, y);
}
__attribute__((target("avx512vnni"))) inline void tile_quads(std::size_t kp, const std::int16_t* a,
                                                             const std::int16_t* b, std::int32_t* c, std::size_t m,
                                                             std::size_t n, const kernels::igemm_block& blk) {
  LOWP_DETAIL_IGEMM_512_TILE(dpbusd)
}
#else
#define LOWP_DETAIL_IGEMM_VNNI 0
#endif

#undef LOWP_DETAIL_IGEMM_512_TILE
#undef LOWP_DETAIL_IGEMM_512_ROW

// Columns panel by panel, rows inside: one B micro-panel stays in L1 while the
// A panels of the block stream from L2 (Goto & van de Geijn 2008, §4.2).
template <bool Vnni>
void block_with(const kernels::igemm_block& blk) {
  for (std::size_t j = 0; j < blk.nc; j += NR) {
    const std::int16_t* const b = blk.b + (j / NR) * blk.kp * NR * 2;
    const std::size_t n = blk.nc - j < NR ? blk.nc - j : NR;
    for (std::size_t i = 0; i < blk.mc; i += MR) {
      const std::int16_t* const a = blk.a + (i / MR) * blk.kp * MR * 2;
      std::int32_t* const c = blk.c + i * blk.c_rs + j * blk.c_cs;
      const std::size_t m = blk.mc - i < MR ? blk.mc - i : MR;
#if LOWP_DETAIL_IGEMM_VNNI
      if constexpr (Vnni) {
        if (blk.quads) tile_quads(blk.kp, a, b, c, m, n, blk);
        else tile_vnni(blk.kp, a, b, c, m, n, blk);
        continue;
      }
#endif
      tile(blk.kp, a, b, c, m, n, blk);
    }
  }
}

inline void block(const kernels::igemm_block& blk) {
  if ((blk.vnni || blk.quads) && has_vnni()) block_with<true>(blk);
  else block_with<false>(blk);
}

// Whether block() takes uint8 x int8 quad panels on this CPU.
inline bool quads() { return LOWP_DETAIL_IGEMM_VNNI && has_vnni(); }

}  // namespace lowp::simd::avx512bw_igemm
