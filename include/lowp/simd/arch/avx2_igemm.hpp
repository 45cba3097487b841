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
// Where the CPU has AVX-VNNI, the same tile runs with VEX VPDPWSSD, and
// uint8 x int8 runs on byte quads with VPDPBUSD (below).

#if !defined(__AVX2__)
#error "lowp/simd/arch/avx2_igemm.hpp needs -mavx2"
#endif

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

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

// The tile's rows of C are requested at the start of its depth loop, which
// runs long enough (kp pairs, ~6 cycles each) to hide a miss to memory: C is
// read back and written once per depth block, and the walk down a panel of C
// in steps of MR rows is not a pattern hardware prefetchers follow.
inline void prefetch_c(const std::int32_t* c, std::size_t m, std::size_t n, const kernels::igemm_block& blk) {
  if (blk.c_cs != 1) return;
  for (std::size_t r = 0; r < m; ++r) {
    const char* row = reinterpret_cast<const char*>(c + r * blk.c_rs);
    for (std::size_t off = 0; off < 4 * n; off += 64) _mm_prefetch(row + off, _MM_HINT_T0);
    _mm_prefetch(row + 4 * n - 1, _MM_HINT_T0);
  }
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
  prefetch_c(c, m, n, blk);                                                                                       \
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
// uint8 x int8 depth quads (igemm_block::quads): VEX VPDPBUSD multiplies
// unsigned by signed bytes and adds each group of four products to the int32
// lane with no intermediate rounding or saturation (the non-S form wraps), so
// it is exact where VPMADDUBSW is not. The quad panels have the pair panels'
// byte strides (4 bytes per row or column per step), so the same tile body
// walks them.
__attribute__((target("avxvnni"))) inline __m256i dpbusd(__m256i acc, __m256i x, __m256i y) {
  return _mm256_dpbusd_avx_epi32(acc, x, y);
}
__attribute__((target("avxvnni"))) inline void tile_quads(std::size_t kp, const std::int16_t* a,
                                                          const std::int16_t* b, std::int32_t* c, std::size_t m,
                                                          std::size_t n, const kernels::igemm_block& blk) {
  LOWP_DETAIL_IGEMM_256_TILE(dpbusd)
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
  if ((blk.vnni || blk.quads) && has_avx_vnni()) block_with<true>(blk);
  else block_with<false>(blk);
}

// Whether block() takes uint8 x int8 quad panels on this CPU.
inline bool quads() { return has_avx_vnni(); }

// Panel packing of 8-bit operands (the layout of gemm_int8.hpp), for the two
// layouts GEMM operands come in; anything else returns false and the caller
// packs element by element.
//   Depths contiguous (cs == 1; row-major A, column-major B): four rows x eight
//   depths at a time, each row widened to four 32-bit depth pairs, then a
//   4 x 4 transpose of pairs (PUNPCK{L,H}DQ, PUNPCK{L,H}QDQ) gives one
//   16-byte store per depth pair.
//   Rows contiguous (rs == 1; the transposed view of a row-major B): two
//   depths of eight rows interleaved byte by byte (PUNPCKLBW) and widened
//   give eight rows' pairs, one 32-byte store.
template <bool Signed>
inline __m128i widen8(__m128i x) {
  if constexpr (Signed) return _mm_cvtepi8_epi16(x);
  else return _mm_cvtepu8_epi16(x);
}
template <bool Signed>
inline __m256i widen16(__m128i x) {
  if constexpr (Signed) return _mm256_cvtepi8_epi16(x);
  else return _mm256_cvtepu8_epi16(x);
}

// A 4 x 4 transpose of 32-bit lanes (depth pairs or quads) of four rows x0 .. x3
// (PUNPCK{L,H}DQ, PUNPCK{L,H}QDQ): row j of the result, lane r = lane j of
// x_r, is stored `stride` bytes after row j - 1.
inline void store_transposed(void* dst, std::size_t stride, __m128i x0, __m128i x1, __m128i x2, __m128i x3) {
  auto* const o = static_cast<char*>(dst);
  const __m128i t0 = _mm_unpacklo_epi32(x0, x1), t1 = _mm_unpacklo_epi32(x2, x3);
  const __m128i t2 = _mm_unpackhi_epi32(x0, x1), t3 = _mm_unpackhi_epi32(x2, x3);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm_unpacklo_epi64(t0, t1));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(o + stride), _mm_unpackhi_epi64(t0, t1));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(o + 2 * stride), _mm_unpacklo_epi64(t2, t3));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(o + 3 * stride), _mm_unpackhi_epi64(t2, t3));
}

template <bool Signed>
bool pack_bytes(const kernels::igemm_pack_job& job) {
  using byte = std::conditional_t<Signed, std::int8_t, std::uint8_t>;
  const auto* const base = static_cast<const byte*>(job.src);
  const std::size_t mr = job.mr, kc = job.kc;
  std::int16_t* const out = job.dst;
  if (job.rows != mr) return false;
  if (job.cs == 1 && mr % 4 == 0) {
    for (std::size_t r0 = 0; r0 < mr; r0 += 4) {
      const byte* const s0 = base + r0 * job.rs;
      const byte* const s1 = s0 + job.rs;
      const byte* const s2 = s1 + job.rs;
      const byte* const s3 = s2 + job.rs;
      std::size_t k = 0;
      for (; k + 8 <= kc; k += 8) {
        const __m128i x0 = widen8<Signed>(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(s0 + k)));
        const __m128i x1 = widen8<Signed>(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(s1 + k)));
        const __m128i x2 = widen8<Signed>(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(s2 + k)));
        const __m128i x3 = widen8<Signed>(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(s3 + k)));
        store_transposed(out + ((k / 2) * mr + r0) * 2, 4 * mr, x0, x1, x2, x3);
      }
      for (std::size_t r = 0; r < 4; ++r) {
        const byte* const src = base + (r0 + r) * job.rs;
        for (std::size_t q = k; q < kc; ++q) out[((q / 2) * mr + r0 + r) * 2 + q % 2] = src[q];
        if (kc % 2 != 0) out[((kc / 2) * mr + r0 + r) * 2 + 1] = 0;
      }
    }
    return true;
  }
  if (job.rs == 1 && mr % 8 == 0) {
    const __m128i zero = _mm_setzero_si128();
    for (std::size_t k = 0; k < kc; k += 2) {
      const byte* const s0 = base + k * job.cs;
      std::int16_t* const o = out + (k / 2) * mr * 2;
      for (std::size_t c = 0; c < mr; c += 8) {
        const __m128i lo = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s0 + c));
        const __m128i hi =
            k + 1 < kc ? _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s0 + job.cs + c)) : zero;
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 2 * c), widen16<Signed>(_mm_unpacklo_epi8(lo, hi)));
      }
    }
    return true;
  }
  return false;
}

// Quad panels: bytes as they are, four depths of one row per 32-bit lane.
// Depths contiguous: a 4 x 4 transpose of 32-bit quads per four rows and 16
// depths; rows contiguous: two byte and one word interleave per four depths
// of eight rows.
inline bool pack_quads(const kernels::igemm_pack_job& job) {
  const auto* const base = static_cast<const std::uint8_t*>(job.src);
  const std::size_t mr = job.mr, kc = job.kc;
  auto* const out = reinterpret_cast<std::uint8_t*>(job.dst);
  if (job.rows != mr) return false;
  if (job.cs == 1 && mr % 4 == 0) {
    for (std::size_t r0 = 0; r0 < mr; r0 += 4) {
      const std::uint8_t* const s0 = base + r0 * job.rs;
      std::size_t k = 0;
      for (; k + 16 <= kc; k += 16) {
        const __m128i x0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s0 + k));
        const __m128i x1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s0 + job.rs + k));
        const __m128i x2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s0 + 2 * job.rs + k));
        const __m128i x3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s0 + 3 * job.rs + k));
        store_transposed(out + ((k / 4) * mr + r0) * 4, 4 * mr, x0, x1, x2, x3);
      }
      const std::size_t kq = (kc + 3) / 4 * 4;
      for (std::size_t r = 0; r < 4; ++r)
        for (std::size_t q = k; q < kq; ++q)
          out[((q / 4) * mr + r0 + r) * 4 + q % 4] = q < kc ? s0[r * job.rs + q] : std::uint8_t(0);
    }
    return true;
  }
  if (job.rs == 1 && mr % 8 == 0) {
    const __m128i zero = _mm_setzero_si128();
    for (std::size_t k = 0; k < kc; k += 4) {
      std::uint8_t* const o = out + (k / 4) * mr * 4;
      for (std::size_t c = 0; c < mr; c += 8) {
        __m128i d[4];
        for (std::size_t t = 0; t < 4; ++t)
          d[t] = k + t < kc ? _mm_loadl_epi64(reinterpret_cast<const __m128i*>(base + (k + t) * job.cs + c)) : zero;
        const __m128i u01 = _mm_unpacklo_epi8(d[0], d[1]), u23 = _mm_unpacklo_epi8(d[2], d[3]);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o + 4 * c), _mm_unpacklo_epi16(u01, u23));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o + 4 * c + 16), _mm_unpackhi_epi16(u01, u23));
      }
    }
    return true;
  }
  return false;
}

inline bool pack(const kernels::igemm_pack_job& job) {
  if (job.quads) return pack_quads(job);
  return job.is_signed ? pack_bytes<true>(job) : pack_bytes<false>(job);
}

}  // namespace LOWP_DETAIL_IGEMM_AVX2_NS
}  // namespace lowp::simd::avx2_igemm
