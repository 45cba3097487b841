#pragma once

// AVX2 integer GEMM micro-kernel (lowp/kernels/gemm_int8.hpp): a 4 x 24 tile
// of int32 in 12 ymm accumulators over panels of 16-bit depth pairs. Per depth
// pair: three loads of B (24 columns x 2 depths), four broadcasts of an A
// pair, twelve VPMADDWD (exact pair sums, see gemm_int8.hpp) and twelve VPADDD
// (wrapping). 12 accumulators + 3 B vectors + 1 broadcast = all 16 ymm
// registers; against BLIS's 6 x 16 shape (Van Zee & van de Geijn, "BLIS: A
// framework for rapidly instantiating BLAS functionality", TOMS 2015) it
// issues four broadcasts per twelve multiplies instead of six.
//
// Where the CPU has AVX-VNNI, the same tile runs with VEX VPDPWSSD (below).

#if !defined(__AVX2__)
#error "lowp/simd/arch/avx2_igemm.hpp needs -mavx2"
#endif

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__GNUC__) || defined(__clang__)
#include <cpuid.h>
#endif

#include "lowp/kernels/gemm_int8.hpp"

// The avx2 and avx512bw translation units both compile this file: a
// namespace per ISA keeps their copies apart (docs/isa.md).
#if defined(__AVX512BW__)
#define LOWP_DETAIL_IGEMM_AVX2_NS in_avx512bw
#else
#define LOWP_DETAIL_IGEMM_AVX2_NS in_avx2
#endif

namespace lowp::simd::avx2_igemm {
inline namespace LOWP_DETAIL_IGEMM_AVX2_NS {

inline constexpr std::size_t MR = 4, NR = 24, NV = NR / 8;
struct tag {};

inline __m256i broadcast_pair(const std::int16_t* p) {
  std::int32_t v;
  std::memcpy(&v, p, sizeof v);
  return _mm256_set1_epi32(v);
}

// alpha * acc + beta * old (wrapping: VPMULLD keeps the low 32 bits).
inline __m256i update(__m256i acc, const std::int32_t* c, const kernels::igemm_block& blk) {
  if (blk.alpha != 1) acc = _mm256_mullo_epi32(acc, _mm256_set1_epi32(std::int32_t(blk.alpha)));
  if (blk.read_c) {
    __m256i old = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c));
    if (blk.beta != 1) old = _mm256_mullo_epi32(old, _mm256_set1_epi32(std::int32_t(blk.beta)));
    acc = _mm256_add_epi32(acc, old);
  }
  return acc;
}

inline void store(const __m256i (&acc)[MR][NV], std::int32_t* c, std::size_t m, std::size_t n,
                  const kernels::igemm_block& blk) {
  if (m == MR && n == NR && blk.c_cs == 1) {
    for (std::size_t r = 0; r < MR; ++r) {
      std::int32_t* row = c + r * blk.c_rs;
      for (std::size_t v = 0; v < NV; ++v)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(row + 8 * v), update(acc[r][v], row + 8 * v, blk));
    }
    return;
  }
  alignas(32) std::uint32_t t[MR * NR];
  for (std::size_t r = 0; r < MR; ++r)
    for (std::size_t v = 0; v < NV; ++v) _mm256_store_si256(reinterpret_cast<__m256i*>(t + r * NR + 8 * v), acc[r][v]);
  kernels::detail::igemm_store_tile<tag>(t, NR, m, n, blk, c);
}

// One tile, m x n (m <= MR, n <= NR) valid entries at c, with the
// multiply-accumulate step OP(acc, a, b); named accumulators keep all twelve
// in registers.
#define LOWP_DETAIL_IGEMM_256_ROW(OP, R) \
  x = broadcast_pair(a + 2 * R);         \
  c##R##0 = OP(c##R##0, x, b0);          \
  c##R##1 = OP(c##R##1, x, b1);          \
  c##R##2 = OP(c##R##2, x, b2);
#define LOWP_DETAIL_IGEMM_256_TILE(OP)                                                                            \
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00,         \
          c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;                                                  \
  for (std::size_t p = 0; p < kp; ++p, a += 2 * MR, b += 2 * NR) {                                                \
    const __m256i b0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(b));                                    \
    const __m256i b1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(b + 16));                               \
    const __m256i b2 = _mm256_load_si256(reinterpret_cast<const __m256i*>(b + 32));                               \
    __m256i x;                                                                                                    \
    LOWP_DETAIL_IGEMM_256_ROW(OP, 0)                                                                              \
    LOWP_DETAIL_IGEMM_256_ROW(OP, 1) LOWP_DETAIL_IGEMM_256_ROW(OP, 2) LOWP_DETAIL_IGEMM_256_ROW(OP, 3)            \
  }                                                                                                               \
  const __m256i acc[MR][NV] = {{c00, c01, c02}, {c10, c11, c12}, {c20, c21, c22}, {c30, c31, c32}};               \
  store(acc, c, m, n, blk);

inline __m256i madd_add(__m256i acc, __m256i x, __m256i y) { return _mm256_add_epi32(acc, _mm256_madd_epi16(x, y)); }

inline void tile(std::size_t kp, const std::int16_t* a, const std::int16_t* b, std::int32_t* c, std::size_t m,
                 std::size_t n, const kernels::igemm_block& blk) {
  LOWP_DETAIL_IGEMM_256_TILE(madd_add)
}

// AVX-VNNI (VEX-encoded VPDPWSSD, CPUID.(EAX=07H, ECX=1):EAX[bit 4], Intel SDM
// vol. 2): VPMADDWD and VPADDD fused, same wrapping int32 result.
#if (defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11) || (defined(__clang__) && __clang_major__ >= 12)
#define LOWP_DETAIL_IGEMM_AVXVNNI 1
inline bool has_avx_vnni() {
  static const bool yes = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(7, 1, &a, &b, &c, &d)) return false;
    return ((a >> 4) & 1U) != 0;
  }();
  return yes;
}
__attribute__((target("avxvnni"))) inline __m256i dpwssd(__m256i acc, __m256i x, __m256i y) {
  return _mm256_dpwssd_avx_epi32(acc, x, y);
}
__attribute__((target("avxvnni"))) inline void tile_vnni(std::size_t kp, const std::int16_t* a, const std::int16_t* b,
                                                         std::int32_t* c, std::size_t m, std::size_t n,
                                                         const kernels::igemm_block& blk) {
  LOWP_DETAIL_IGEMM_256_TILE(dpwssd)
}
#else
#define LOWP_DETAIL_IGEMM_AVXVNNI 0
inline bool has_avx_vnni() { return false; }
#endif
#undef LOWP_DETAIL_IGEMM_256_TILE
#undef LOWP_DETAIL_IGEMM_256_ROW

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
#if LOWP_DETAIL_IGEMM_AVXVNNI
      if constexpr (Vnni) {
        tile_vnni(blk.kp, a, b, c, m, n, blk);
        continue;
      }
#endif
      tile(blk.kp, a, b, c, m, n, blk);
    }
  }
}

inline void block(const kernels::igemm_block& blk) {
  if (blk.vnni && has_avx_vnni()) block_with<true>(blk);
  else block_with<false>(blk);
}

}  // namespace LOWP_DETAIL_IGEMM_AVX2_NS
}  // namespace lowp::simd::avx2_igemm
