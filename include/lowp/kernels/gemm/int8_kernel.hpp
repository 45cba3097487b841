#pragma once

// Per-ISA fast path of lowp::gemm for integer x integer operands into int32:
// A and B are matrix_view<T> with T any integer element (int8_t, uint8_t,
// lowp::intn, packed or not), any strides. C = alpha * A * B + beta * C,
// exact modulo 2^32, as reference::gemm; C is not read when beta is 0.
//
// Structure (Goto & van de Geijn, "Anatomy of high-performance matrix
// multiplication", TOMS 2008): B is packed in KC x NC blocks of NR-column
// panels, A in MC x KC blocks of MR-row panels, and a register-blocked
// micro-kernel per ISA updates an MR x NR tile of C. With few rows of A the
// driver keeps all of A packed per depth block instead and takes B in narrow
// column blocks that stay in L2 (integer_gemm, gemm_options::resident_a_rows).
//
// Packed format: 16-bit integers, consecutive depths (k, k + 1) side by side.
//   A panel: a[((p * MR) + r) * 2 + t] = A(row r, depth 2p + t)
//   B panel: b[((p * NR) + s) * 2 + t] = B(depth 2p + t, column s)
// so one 32-bit lane of A (a depth pair of one row), broadcast, times a vector
// of B depth pairs gives MR x NR pair sums with VPMADDWD (x86) / SMLAL-style
// widening. Why 16 bits and not VPMADDUBSW on bytes: VPMADDUBSW multiplies
// unsigned by signed bytes and adds pairs with *signed saturation* to int16
// (Intel SDM vol. 2, PMADDUBSW), and 255 * 127 * 2 = 64770 > 32767, so u8 x s8
// pair sums saturate silently. VPMADDWD multiplies signed words and adds the
// pair into int32 without saturation; the only overflowing input is
// 0x8000 * 0x8000 * 2 (Intel SDM vol. 2, PMADDWD). Every element here lies in
// [-128, 255], so each pair sum is at most 2 * 255 * 128 = 65280 in magnitude:
// exact. The int32 sums then wrap modulo 2^32 exactly as reference::gemm
// specifies, and alpha/beta are applied with wrapping 32-bit multiplies.
// The same pair format holds signed and unsigned operands of every width, so
// one kernel serves uint8 x int8, int8 x int8, uint8 x uint8 and intn. On
// Zen-class cores VPMADDUBSW + VPMADDWD(ones) and two widened VPMADDWD both
// issue two multiply micro-ops per 32 products (Agner Fog, instruction
// tables, Zen 3/4): widening costs memory for the panels, not multiplier
// throughput.
//
// Where the CPU has AVX-VNNI or AVX512-VNNI, uint8 x int8 (the u8s8s32 case
// of inference) is packed as bytes instead, four consecutive depths per
// 32-bit lane:
//   A panel: a[((p * MR) + r) * 4 + t] = A(row r, depth 4p + t)   (uint8)
//   B panel: b[((p * NR) + s) * 4 + t] = B(depth 4p + t, column s) (int8)
// and VPDPBUSD adds the four exact products of each lane into int32 with no
// intermediate saturation (Intel SDM vol. 2, VPDPBUSD; the S form saturates,
// this one wraps): the same sums, the same wrapping, twice the products per
// instruction of VPDPWSSD on pairs and half the panel bytes. The quad panels
// have the pair panels' strides in bytes, so the tiles walk both.
//
// Without VNNI, AVX2 may instead take Winograd's inner product (S. Winograd,
// "A new algorithm for inner product", IEEE Trans. Computers C-17(7), 1968)
// on the same pair panels, two pairs (p, p + 1) = depths (k0, k1), (k2, k3)
// at a time, pairing k0 with k2 and k1 with k3:
//   a0 b0 + a1 b1 + a2 b2 + a3 b3 = (a0 + b2)(a2 + b0) + (a1 + b3)(a3 + b1)
//                                   - (a0 a2 + a1 a3) - (b0 b2 + b1 b3).
// The first two terms are one VPMADDWD of (A pair p + B pair p + 1) and
// (A pair p + 1 + B pair p); the last two depend on the row of A alone and
// the column of B alone (int8_gemm_kernel::pair_products, once per packed
// block) and start the tile's accumulators. Half the multiplies, one 16-bit add more
// per product pair: every element lies in [-128, 255], so each sum lies in
// [-256, 510] (no 16-bit wrap) and each VPMADDWD lane in +-520200 (exact);
// the identity holds modulo 2^32, so the wrapping int32 result is the same
// as the direct sum's. Its panels have an even number of pairs (a zero pair
// pads an odd count). igemm_block::winograd says which form a block takes.
//
// Zero-padded panels make tails of any shape run the full micro-kernel; only
// the valid part of a tile is written back. An odd K gets a zero partner.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

#include "lowp/format/element.hpp"
#include "lowp/isa.hpp"
#include "lowp/kernels/gemm/common.hpp"
#include "lowp/kernels/gemm/options.hpp"
#include "lowp/simd/api.hpp"
#include "lowp/dispatch/dispatch.hpp"

namespace lowp::kernels {

// One MC x NC block of C against packed panels of depth 2 * kp.
struct igemm_block {
  std::size_t mc = 0, nc = 0, kp = 0;  // rows and columns of C, pairs of depths
  const std::int16_t* a = nullptr;     // ceil(mc / MR) A panels of kp * MR * 2
  const std::int16_t* b = nullptr;     // ceil(nc / NR) B panels of kp * NR * 2
  std::int32_t* c = nullptr;           // C(0, 0) of the block
  std::size_t c_rs = 0, c_cs = 0;      // C strides in elements
  std::uint32_t alpha = 1, beta = 0;   // C <- alpha * sum + beta * C (mod 2^32)
  bool read_c = false;                 // false: C <- alpha * sum, C not read
  bool vnni = true;                    // use VPDPWSSD where the CPU has it
  bool quads = false;                  // a, b hold uint8 x int8 depth quads (below), kp quads
  // Winograd's form (above): kp even, and C <- alpha * (sum - a_corr[i] -
  // b_corr[j]) + beta * C with a_corr, b_corr the pair products of the block's
  // rows of A and columns of B (int8_gemm_kernel::pair_products).
  bool winograd = false;
  const std::uint32_t* a_corr = nullptr;  // mc rows (panels padded with zeros)
  const std::uint32_t* b_corr = nullptr;  // nc columns (panels padded with zeros)
};

// One panel of an 8-bit operand to pack (igemm_pack): rows x kc elements at
// src with strides rs, cs (in elements), into the panel layout above with mr
// rows, zero partner for an odd kc. With panels > 1 (rows contiguous, whole
// panels only): that many panels of mr rows each, the next one mr rows
// further in src and panel_stride 16-bit values further in dst, packed in
// one sweep over the depths, so that each line of a row-major B is read once
// instead of once per panel.
struct igemm_pack_job {
  const void* src = nullptr;
  std::size_t rs = 0, cs = 0;
  bool is_signed = false;
  bool quads = false;  // byte quad panels (uint8 x int8 on VNNI) instead of 16-bit pairs
  std::size_t mr = 0, rows = 0, kc = 0;
  std::int16_t* dst = nullptr;
  std::size_t panels = 1, panel_stride = 0;
};

// Register tile (MR x NR) and cache blocks (MC rows, KC depths, NC columns)
// per ISA. KC: a B micro-panel (KC x NR 16-bit) stays in L1 while A
// micro-panels stream from L2; MC x KC of A fits L2; KC x NC of B fits the
// last-level cache.
struct igemm_shape {
  std::size_t mr, nr, mc, kc, nc;
};
constexpr igemm_shape igemm_shape_of(isa i) {
  switch (i) {
    case isa::avx512bw: return {12, 32, 96, 512, 4096};
    case isa::avx2: return {4, 24, 96, 512, 4080};
    case isa::sse2:
    case isa::sse4_1: return {4, 12, 96, 512, 4080};
    default: return {4, 8, 64, 256, 2048};
  }
}
// The shape of the Winograd tiles, where an ISA has them. avx2: 4 x 16, the
// widest tile whose accumulators, B vectors and sums fit 16 ymm registers.
// Its step reads 128 bytes of B per 256 products (half the direct tile's
// rate), few enough to stream the B micro-panel from L2, so KC is 2048
// depths: C is read back once per 2048 depths instead of per 512, and MC = 48
// keeps the A block (192 KiB) in L2. NC = 1024 keeps the packed B block at
// 4 MiB, as the other tiles' are (docs/benchmarks.md, "Constants of the
// GEMM engines").
constexpr igemm_shape igemm_winograd_shape_of(isa i) {
  if (i == isa::avx2) return {4, 16, 48, 2048, 1024};
  return igemm_shape_of(i);
}

// The integer GEMM micro-kernels of one architecture (Arch =
// simd::arch_t<isa>), instantiated per ISA: block() computes one igemm_block
// with the tile shape igemm_shape_of(isa of Arch). pack() packs one panel of
// an 8-bit operand and returns true, or returns false (nothing written) for
// layouts it has no vector code for.
struct int8_gemm_kernel {
  template <class Arch>
  static void block(Arch, const igemm_block& blk);
  template <class Arch>
  static bool pack(Arch, const igemm_pack_job& job);
  // Whether block() takes uint8 x int8 quad panels on this CPU.
  template <class Arch>
  static bool quads(Arch);
  // Whether block() has Winograd tiles, and whether it should take them
  // given whether VNNI may be used (the automatic choice).
  template <class Arch>
  static bool winograd(Arch, bool vnni_allowed, winograd_form choice);
  // Winograd's row (or column) terms of `count` packed panels of mr rows and
  // kp (even) pairs: out[q * mr + r] = sum over steps s of pair 2s . pair
  // 2s + 1 of row r of panel q, modulo 2^32 (detail::igemm_pair_products).
  template <class Arch>
  static void pair_products(Arch, const std::int16_t* panels, std::size_t count, std::size_t mr, std::size_t kp,
                            std::uint32_t* out);
};

namespace detail {

// Portable micro-kernel (ISAs without a hand-written one): same packed
// format, same pair sums, same wrapping, so bit-identical results. Arch only
// keeps each ISA's copy apart.
template <class Arch, std::size_t MR, std::size_t NR>
void igemm_tile_portable(std::size_t kp, const std::int16_t* a, const std::int16_t* b, std::uint32_t* tile) {
  std::uint32_t acc[MR * NR] = {};
  for (std::size_t p = 0; p < kp; ++p, a += 2 * MR, b += 2 * NR)
    for (std::size_t r = 0; r < MR; ++r) {
      const std::int32_t a0 = a[2 * r], a1 = a[2 * r + 1];
      for (std::size_t s = 0; s < NR; ++s)
        acc[r * NR + s] += std::uint32_t(a0 * std::int32_t(b[2 * s]) + a1 * std::int32_t(b[2 * s + 1]));
    }
  std::copy(acc, acc + MR * NR, tile);
}

// C(i, j) <- alpha * tile + beta * C(i, j) for the valid m x n part of a tile.
// Tag: a type of the calling ISA's translation unit, so that copies compiled
// with different flags never merge.
template <class Tag>
void igemm_store_tile(const std::uint32_t* tile, std::size_t ld, std::size_t m, std::size_t n,
                             const igemm_block& blk, std::int32_t* c) {
  for (std::size_t r = 0; r < m; ++r)
    for (std::size_t s = 0; s < n; ++s) {
      std::int32_t& out = c[r * blk.c_rs + s * blk.c_cs];
      std::uint32_t v = tile[r * ld + s] * blk.alpha;
      if (blk.read_c) v += std::uint32_t(out) * blk.beta;
      out = std::int32_t(v);
    }
}

template <class Arch, std::size_t MR, std::size_t NR>
void igemm_block_portable(const igemm_block& blk) {
  std::uint32_t tile[MR * NR];
  for (std::size_t j = 0; j < blk.nc; j += NR)
    for (std::size_t i = 0; i < blk.mc; i += MR) {
      igemm_tile_portable<Arch, MR, NR>(blk.kp, blk.a + (i / MR) * blk.kp * MR * 2, blk.b + (j / NR) * blk.kp * NR * 2,
                                        tile);
      igemm_store_tile<Arch>(tile, NR, std::min(MR, blk.mc - i), std::min(NR, blk.nc - j), blk,
                       blk.c + i * blk.c_rs + j * blk.c_cs);
    }
}

// Winograd's terms of packed panels, scalar (int8_gemm_kernel::pair_products).
inline void igemm_pair_products(const std::int16_t* panels, std::size_t count, std::size_t mr, std::size_t kp,
                                std::uint32_t* out) {
  for (std::size_t q = 0; q < count; ++q, panels += kp * mr * 2, out += mr) {
    std::fill(out, out + mr, 0U);
    for (std::size_t s = 0; s < kp; s += 2) {
      const std::int16_t* const x = panels + s * mr * 2;
      const std::int16_t* const y = x + mr * 2;
      for (std::size_t r = 0; r < mr; ++r)
        out[r] += std::uint32_t(std::int32_t(x[2 * r]) * y[2 * r] + std::int32_t(x[2 * r + 1]) * y[2 * r + 1]);
    }
  }
}

}  // namespace detail

}  // namespace lowp::kernels

// ---- explicit instantiations -------------------------------------------------

#define LOWP_DETAIL_INT8_GEMM_INSTANCES(PREFIX, ARCH)                                                              \
  PREFIX template void ::lowp::kernels::int8_gemm_kernel::block<ARCH>(ARCH, const ::lowp::kernels::igemm_block&); \
  PREFIX template bool ::lowp::kernels::int8_gemm_kernel::pack<ARCH>(ARCH, const ::lowp::kernels::igemm_pack_job&); \
  PREFIX template bool ::lowp::kernels::int8_gemm_kernel::quads<ARCH>(ARCH);                                   \
  PREFIX template bool ::lowp::kernels::int8_gemm_kernel::winograd<ARCH>(ARCH, bool,                           \
                                                                         ::lowp::winograd_form); \
  PREFIX template void ::lowp::kernels::int8_gemm_kernel::pair_products<ARCH>(                                 \
      ARCH, const std::int16_t*, std::size_t, std::size_t, std::size_t, std::uint32_t*);
#define LOWP_DETAIL_INT8_GEMM_DEFINE(ARCH) LOWP_DETAIL_INT8_GEMM_INSTANCES(, ARCH)

#if LOWP_EXTERN_ISA_SCALAR
LOWP_DETAIL_INT8_GEMM_INSTANCES(extern, ::lowp::simd::scalar)
#endif
#if LOWP_EXTERN_ISA_SSE2
LOWP_DETAIL_INT8_GEMM_INSTANCES(extern, ::lowp::simd::arch_t<::lowp::isa::sse2>)
#endif
#if LOWP_EXTERN_ISA_SSE4_1
LOWP_DETAIL_INT8_GEMM_INSTANCES(extern, ::lowp::simd::arch_t<::lowp::isa::sse4_1>)
#endif
#if LOWP_EXTERN_ISA_AVX2
LOWP_DETAIL_INT8_GEMM_INSTANCES(extern, ::lowp::simd::arch_t<::lowp::isa::avx2>)
#endif
#if LOWP_EXTERN_ISA_AVX512BW
LOWP_DETAIL_INT8_GEMM_INSTANCES(extern, ::lowp::simd::arch_t<::lowp::isa::avx512bw>)
#endif
#if LOWP_EXTERN_ISA_NEON64
LOWP_DETAIL_INT8_GEMM_INSTANCES(extern, ::lowp::simd::arch_t<::lowp::isa::neon64>)
#endif
