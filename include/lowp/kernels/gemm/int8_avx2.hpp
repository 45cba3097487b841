#pragma once

// AVX2 integer GEMM micro-kernel (lowp/kernels/gemm/int8.hpp): a 4 x 24 tile
// of int32 in 12 ymm accumulators over panels of 16-bit depth pairs. Per depth
// pair: three loads of B (24 columns x 2 depths), four broadcasts of an A
// pair, twelve VPMADDWD (exact pair sums, see kernels/gemm/int8.hpp) and twelve VPADDD
// (wrapping). 12 accumulators + 3 B vectors + 1 broadcast = all 16 ymm
// registers; against BLIS's 6 x 16 shape (Van Zee & van de Geijn, "BLIS: A
// framework for rapidly instantiating BLAS functionality", TOMS 2015) it
// issues four broadcasts per twelve multiplies instead of six.
//
// Where the CPU has AVX-VNNI, the same tile runs with VEX VPDPWSSD, and
// uint8 x int8 runs on byte quads with VPDPBUSD (below).

#if !defined(__AVX2__)
#error "lowp/kernels/gemm/int8_avx2.hpp needs -mavx2"
#endif

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__GNUC__) || defined(__clang__)
#include <cpuid.h>
#endif

#include "lowp/kernels/gemm/int8_kernel.hpp"

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

template <std::size_t Nv>
inline void store(const __m256i (&acc)[MR][Nv], std::int32_t* c, std::size_t m, std::size_t n,
                  const kernels::igemm_block& blk) {
  constexpr std::size_t Nr = 8 * Nv;
  if (m == MR && n == Nr && blk.c_cs == 1) {
    for (std::size_t r = 0; r < MR; ++r) {
      std::int32_t* row = c + r * blk.c_rs;
      for (std::size_t v = 0; v < Nv; ++v)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(row + 8 * v), update(acc[r][v], row + 8 * v, blk));
    }
    return;
  }
  alignas(32) std::uint32_t t[MR * Nr];
  for (std::size_t r = 0; r < MR; ++r)
    for (std::size_t v = 0; v < Nv; ++v) _mm256_store_si256(reinterpret_cast<__m256i*>(t + r * Nr + 8 * v), acc[r][v]);
  kernels::detail::igemm_store_tile<tag>(t, Nr, m, n, blk, c);
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

// Winograd's form (kernels/gemm/int8.hpp), a 4 x 16 tile: per two depth pairs, four
// loads of B (pairs p and p + 1 of 16 columns), eight broadcasts of A, sixteen
// VPADDW, eight VPMADDWD and eight VPADDD for 256 products, against 16
// VPMADDWD and 16 VPADDD in the direct tile. The accumulators start at
// -(a_corr[row] + b_corr[column]). 8 accumulators + 4 B vectors + 2
// broadcasts + 2 sums = 16 ymm registers; GCC 12 spills some of them from the
// intrinsics form, so where the compiler takes GNU assembler statements the
// step is written as one, with B, the broadcasts and the sums in ymm8 ..
// ymm15 and the accumulators wherever the compiler puts them. Each step also
// prefetches B eight steps and A four steps ahead, because with KC = 2048
// the B micro-panel (64 KiB) streams from L2 (docs/benchmarks.md, "Constants
// of the GEMM engines").
inline constexpr std::size_t WINOGRAD_NR = 16;

#if defined(__GNUC__) || defined(__clang__)
#define LOWP_DETAIL_IGEMM_WINO_ROW(R, C0, C1)      \
  "vpbroadcastd " #R "*4(%[a]), %%ymm12\n\t"      \
  "vpbroadcastd 16+" #R "*4(%[a]), %%ymm13\n\t"   \
  "vpaddw %%ymm10, %%ymm12, %%ymm14\n\t"          \
  "vpaddw %%ymm8, %%ymm13, %%ymm15\n\t"           \
  "vpmaddwd %%ymm15, %%ymm14, %%ymm14\n\t"        \
  "vpaddd %%ymm14, %[" #C0 "], %[" #C0 "]\n\t"    \
  "vpaddw %%ymm11, %%ymm12, %%ymm12\n\t"          \
  "vpaddw %%ymm9, %%ymm13, %%ymm13\n\t"           \
  "vpmaddwd %%ymm13, %%ymm12, %%ymm12\n\t"        \
  "vpaddd %%ymm12, %[" #C1 "], %[" #C1 "]\n\t"
#endif

inline void tile_winograd(std::size_t kp, const std::int16_t* a, const std::int16_t* b, std::int32_t* c,
                          std::size_t m, std::size_t n, const kernels::igemm_block& blk, const std::uint32_t* ca,
                          const std::uint32_t* cb) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i cb0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(cb));
  const __m256i cb1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(cb + 8));
  const __m256i nb0 = _mm256_sub_epi32(zero, cb0), nb1 = _mm256_sub_epi32(zero, cb1);
  __m256i c00 = _mm256_sub_epi32(nb0, _mm256_set1_epi32(std::int32_t(ca[0])));
  __m256i c01 = _mm256_sub_epi32(nb1, _mm256_set1_epi32(std::int32_t(ca[0])));
  __m256i c10 = _mm256_sub_epi32(nb0, _mm256_set1_epi32(std::int32_t(ca[1])));
  __m256i c11 = _mm256_sub_epi32(nb1, _mm256_set1_epi32(std::int32_t(ca[1])));
  __m256i c20 = _mm256_sub_epi32(nb0, _mm256_set1_epi32(std::int32_t(ca[2])));
  __m256i c21 = _mm256_sub_epi32(nb1, _mm256_set1_epi32(std::int32_t(ca[2])));
  __m256i c30 = _mm256_sub_epi32(nb0, _mm256_set1_epi32(std::int32_t(ca[3])));
  __m256i c31 = _mm256_sub_epi32(nb1, _mm256_set1_epi32(std::int32_t(ca[3])));
  prefetch_c(c, m, n, blk);
  for (std::size_t p = 0; p < kp; p += 2, a += 4 * MR, b += 4 * WINOGRAD_NR) {
#if defined(__GNUC__) || defined(__clang__)
    __asm__("prefetcht0 1024(%[b])\n\t"
            "prefetcht0 1088(%[b])\n\t"
            "prefetcht0 128(%[a])\n\t"
            "vmovdqa (%[b]), %%ymm8\n\t"
            "vmovdqa 32(%[b]), %%ymm9\n\t"
            "vmovdqa 64(%[b]), %%ymm10\n\t"
            "vmovdqa 96(%[b]), %%ymm11\n\t"  //
            LOWP_DETAIL_IGEMM_WINO_ROW(0, c00, c01) LOWP_DETAIL_IGEMM_WINO_ROW(1, c10, c11)
                LOWP_DETAIL_IGEMM_WINO_ROW(2, c20, c21) LOWP_DETAIL_IGEMM_WINO_ROW(3, c30, c31)
            : [c00] "+x"(c00), [c01] "+x"(c01), [c10] "+x"(c10), [c11] "+x"(c11), [c20] "+x"(c20),
              [c21] "+x"(c21), [c30] "+x"(c30), [c31] "+x"(c31)
            : [a] "r"(a), [b] "r"(b), "m"(*reinterpret_cast<const std::int16_t(*)[4 * MR]>(a)),
              "m"(*reinterpret_cast<const std::int16_t(*)[4 * WINOGRAD_NR]>(b))
            : "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
#else
    const __m256i y0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(b));
    const __m256i y1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(b + 16));
    const __m256i x0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(b + 32));
    const __m256i x1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(b + 48));
    const auto row = [&](std::size_t r, __m256i& d0, __m256i& d1) {
      const __m256i xa = broadcast_pair(a + 2 * r), ya = broadcast_pair(a + 2 * MR + 2 * r);
      d0 = _mm256_add_epi32(d0, _mm256_madd_epi16(_mm256_add_epi16(xa, x0), _mm256_add_epi16(ya, y0)));
      d1 = _mm256_add_epi32(d1, _mm256_madd_epi16(_mm256_add_epi16(xa, x1), _mm256_add_epi16(ya, y1)));
    };
    row(0, c00, c01);
    row(1, c10, c11);
    row(2, c20, c21);
    row(3, c30, c31);
#endif
  }
  const __m256i acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  store(acc, c, m, n, blk);
}
#if defined(__GNUC__) || defined(__clang__)
#undef LOWP_DETAIL_IGEMM_WINO_ROW
#endif

// Whether Winograd's form is the faster one on this CPU. It trades eight
// VPMADDWD for eight VPADDW per 256 products and adds eight broadcasts of A,
// which Intel cores since Haswell and Zen 4/5 do in the load unit. On Zen 1
// to Zen 3 a VPBROADCASTD from memory also takes a floating-point pipe
// (LLVM's znver2/znver3 scheduling models; AMD family 17h and 19h models
// 00h-0Fh, 20h-5Fh), so those CPUs (and older AMD cores) keep the direct
// tile (docs/benchmarks.md, "Constants of the GEMM engines").
inline bool winograd_preferred() {
  static const bool yes = [] {
#if defined(__GNUC__) || defined(__clang__)
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return true;
    const bool amd = b == 0x68747541U && d == 0x69746e65U && c == 0x444d4163U;  // "AuthenticAMD"
    const bool hygon = b == 0x6f677948U && d == 0x6e65476eU && c == 0x656e6975U;  // "HygonGenuine"
    if (!amd && !hygon) return true;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return true;
    unsigned family = (a >> 8) & 0xFU, model = (a >> 4) & 0xFU;
    if (family == 0xFU) {
      family += (a >> 20) & 0xFFU;
      model |= ((a >> 16) & 0xFU) << 4;
    }
    if (family < 0x19U) return false;  // Zen 1, Zen 2, Hygon Dhyana and older
    if (family == 0x19U) {              // Zen 3 or Zen 4
      const bool zen4 = (model >= 0x10U && model <= 0x1FU) || (model >= 0x60U && model <= 0x7FU) ||
                        (model >= 0xA0U && model <= 0xAFU);
      return zen4;
    }
    return true;
#else
    return true;
#endif
  }();
  return yes;
}

// Columns panel by panel, rows inside: one B micro-panel stays in L1 (in
// L2 for Winograd's KC) while the A panels of the block stream from L2
// (Goto & van de Geijn 2008, §4.2). f(a, b, c, m, n, i, j) per Nr-column tile.
template <std::size_t Nr, class F>
void each_tile(const kernels::igemm_block& blk, F&& f) {
  for (std::size_t j = 0; j < blk.nc; j += Nr) {
    const std::int16_t* const b = blk.b + (j / Nr) * blk.kp * Nr * 2;
    const std::size_t n = blk.nc - j < Nr ? blk.nc - j : Nr;
    for (std::size_t i = 0; i < blk.mc; i += MR) {
      const std::int16_t* const a = blk.a + (i / MR) * blk.kp * MR * 2;
      std::int32_t* const c = blk.c + i * blk.c_rs + j * blk.c_cs;
      f(a, b, c, blk.mc - i < MR ? blk.mc - i : MR, n, i, j);
    }
  }
}

inline void block_winograd(const kernels::igemm_block& blk) {
  each_tile<WINOGRAD_NR>(blk, [&](const std::int16_t* a, const std::int16_t* b, std::int32_t* c, std::size_t m,
                                  std::size_t n, std::size_t i, std::size_t j) {
    tile_winograd(blk.kp, a, b, c, m, n, blk, blk.a_corr + i, blk.b_corr + j);
  });
}

// Winograd's row and column terms (int8_gemm_kernel::pair_products) of
// panels of mr = 4 rows (A) or a multiple of 8 (B): in panel order, pairs 2s
// and 2s + 1 of the mr rows are two consecutive runs of mr 32-bit lanes, so
// VPMADDWD of the two runs gives each row's term for step s. Returns false
// (nothing written) for other mr.
inline bool pair_products(const std::int16_t* panels, std::size_t count, std::size_t mr, std::size_t kp,
                          std::uint32_t* out) {
  if (mr == MR) {
    for (std::size_t q = 0; q < count; ++q, panels += kp * MR * 2, out += MR) {
      __m128i s0 = _mm_setzero_si128(), s1 = s0;
      std::size_t s = 0;
      for (; s + 4 <= kp; s += 4) {
        const auto* const x = reinterpret_cast<const __m128i*>(panels + s * MR * 2);
        s0 = _mm_add_epi32(s0, _mm_madd_epi16(_mm_loadu_si128(x), _mm_loadu_si128(x + 1)));
        s1 = _mm_add_epi32(s1, _mm_madd_epi16(_mm_loadu_si128(x + 2), _mm_loadu_si128(x + 3)));
      }
      if (s < kp) {
        const auto* const x = reinterpret_cast<const __m128i*>(panels + s * MR * 2);
        s0 = _mm_add_epi32(s0, _mm_madd_epi16(_mm_loadu_si128(x), _mm_loadu_si128(x + 1)));
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_add_epi32(s0, s1));
    }
    return true;
  }
  if (mr % 8 != 0) return false;
  for (std::size_t q = 0; q < count; ++q, panels += kp * mr * 2, out += mr)
    for (std::size_t r = 0; r < mr; r += 8) {
      __m256i sum = _mm256_setzero_si256();
      for (std::size_t s = 0; s < kp; s += 2) {
        const auto* const x = reinterpret_cast<const __m256i*>(panels + s * mr * 2 + 2 * r);
        const auto* const y = reinterpret_cast<const __m256i*>(panels + (s + 1) * mr * 2 + 2 * r);
        sum = _mm256_add_epi32(sum, _mm256_madd_epi16(_mm256_loadu_si256(x), _mm256_loadu_si256(y)));
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + r), sum);
    }
  return true;
}

template <bool Vnni>
void block_with(const kernels::igemm_block& blk) {
  each_tile<NR>(blk, [&](const std::int16_t* a, const std::int16_t* b, std::int32_t* c, std::size_t m,
                         std::size_t n, std::size_t, std::size_t) {
#if LOWP_DETAIL_IGEMM_AVXVNNI
    if constexpr (Vnni) {
      if (blk.quads) tile_quads(blk.kp, a, b, c, m, n, blk);
      else tile_vnni(blk.kp, a, b, c, m, n, blk);
      return;
    }
#endif
    tile(blk.kp, a, b, c, m, n, blk);
  });
}

inline void block(const kernels::igemm_block& blk) {
  if (blk.winograd) block_winograd(blk);
  else if ((blk.vnni || blk.quads) && has_avx_vnni()) block_with<true>(blk);
  else block_with<false>(blk);
}

// Whether block() takes uint8 x int8 quad panels on this CPU.
inline bool quads() { return has_avx_vnni(); }

// Panel packing of 8-bit operands (the layout of kernels/gemm/int8.hpp), for the two
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
    // Two depths of 16 (then 8) rows, of job.panels panels side by side in
    // the source, per step.
    const __m128i zero = _mm_setzero_si128();
    for (std::size_t k = 0; k < kc; k += 2) {
      const byte* const s0 = base + k * job.cs;
      const byte* const s1 = k + 1 < kc ? s0 + job.cs : nullptr;
      std::int16_t* const o = out + (k / 2) * mr * 2;
      for (std::size_t q = 0, c0 = 0; q < job.panels; ++q, c0 += mr) {
        std::int16_t* const oq = o + q * job.panel_stride;
        std::size_t c = 0;
        for (; c + 16 <= mr; c += 16) {
          const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s0 + c0 + c));
          const __m128i hi = s1 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(s1 + c0 + c)) : zero;
          _mm256_storeu_si256(reinterpret_cast<__m256i*>(oq + 2 * c), widen16<Signed>(_mm_unpacklo_epi8(lo, hi)));
          _mm256_storeu_si256(reinterpret_cast<__m256i*>(oq + 2 * c + 16), widen16<Signed>(_mm_unpackhi_epi8(lo, hi)));
        }
        if (c < mr) {
          const __m128i lo = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s0 + c0 + c));
          const __m128i hi = s1 ? _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s1 + c0 + c)) : zero;
          _mm256_storeu_si256(reinterpret_cast<__m256i*>(oq + 2 * c), widen16<Signed>(_mm_unpacklo_epi8(lo, hi)));
        }
      }
    }
    return true;
  }
  return false;
}

// Quad panels: bytes as they are, four depths of one row per 32-bit lane.
// Depths contiguous: a 4 x 4 transpose of 32-bit quads per four rows and 16
// depths; rows contiguous: two byte and one word interleave per four depths
// of 16 (or 8) rows, up to job.panels panels per sweep over the depths.
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
    // Four depths of 16 (then 8) rows, of job.panels panels side by side in
    // the source, per step; depths past kc read as zeros.
    const __m128i zero = _mm_setzero_si128();
    for (std::size_t k = 0; k < kc; k += 4) {
      const std::uint8_t* src[4];
      for (std::size_t t = 0; t < 4; ++t) src[t] = k + t < kc ? base + (k + t) * job.cs : nullptr;
      const auto load = [&](std::size_t t, std::size_t c, auto loader) { return src[t] ? loader(src[t] + c) : zero; };
      const auto load16 = [](const std::uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
      const auto load8 = [](const std::uint8_t* p) { return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)); };
      std::uint8_t* const o = out + (k / 4) * mr * 4;
      for (std::size_t q = 0, c0 = 0; q < job.panels; ++q, c0 += mr) {
        std::uint8_t* const oq = o + q * job.panel_stride * 2;
        std::size_t c = 0;
        for (; c + 16 <= mr; c += 16) {
          const __m128i d0 = load(0, c0 + c, load16), d1 = load(1, c0 + c, load16);
          const __m128i d2 = load(2, c0 + c, load16), d3 = load(3, c0 + c, load16);
          const __m128i lo01 = _mm_unpacklo_epi8(d0, d1), lo23 = _mm_unpacklo_epi8(d2, d3);
          const __m128i hi01 = _mm_unpackhi_epi8(d0, d1), hi23 = _mm_unpackhi_epi8(d2, d3);
          _mm_storeu_si128(reinterpret_cast<__m128i*>(oq + 4 * c), _mm_unpacklo_epi16(lo01, lo23));
          _mm_storeu_si128(reinterpret_cast<__m128i*>(oq + 4 * c + 16), _mm_unpackhi_epi16(lo01, lo23));
          _mm_storeu_si128(reinterpret_cast<__m128i*>(oq + 4 * c + 32), _mm_unpacklo_epi16(hi01, hi23));
          _mm_storeu_si128(reinterpret_cast<__m128i*>(oq + 4 * c + 48), _mm_unpackhi_epi16(hi01, hi23));
        }
        if (c < mr) {
          const __m128i u01 = _mm_unpacklo_epi8(load(0, c0 + c, load8), load(1, c0 + c, load8));
          const __m128i u23 = _mm_unpacklo_epi8(load(2, c0 + c, load8), load(3, c0 + c, load8));
          _mm_storeu_si128(reinterpret_cast<__m128i*>(oq + 4 * c), _mm_unpacklo_epi16(u01, u23));
          _mm_storeu_si128(reinterpret_cast<__m128i*>(oq + 4 * c + 16), _mm_unpackhi_epi16(u01, u23));
        }
      }
    }
    return true;
  }
  return false;
}

inline bool pack(const kernels::igemm_pack_job& job) {
  if (job.panels > 1 && (job.rs != 1 || job.cs == 1 || job.mr % 8 != 0)) return false;
  if (job.quads) return pack_quads(job);
  return job.is_signed ? pack_bytes<true>(job) : pack_bytes<false>(job);
}

}  // namespace LOWP_DETAIL_IGEMM_AVX2_NS
}  // namespace lowp::simd::avx2_igemm
