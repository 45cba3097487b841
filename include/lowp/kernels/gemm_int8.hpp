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
// column blocks that stay in L2 (integer_gemm, igemm_resident_a_rows).
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

#include "lowp/core/element.hpp"
#include "lowp/isa.hpp"
#include "lowp/kernels/detail/gemm_common.hpp"
#include "lowp/simd/api.hpp"
#include "lowp/simd/dispatch.hpp"

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
// keeps the A block (192 KiB) in L2. At 2048^3 on Zen 5, medians of 14
// processes: KC 2048 191, KC 1024 186, KC 512 188 GOP/s (the direct tile
// 178). NC = 1024 keeps the packed B block at 4 MiB, as the other tiles'
// are; with NC = 2048 (8 MiB) it gave 174-177 against 183-186 GOP/s at
// 2048^3 and 159 against 174 at 3000 x 3000 x 1500 (pinned to one core,
// alternating processes), for one more packing of A per 1024 columns.
constexpr igemm_shape igemm_winograd_shape_of(isa i) {
  if (i == isa::avx2) return {4, 16, 48, 2048, 1024};
  return igemm_shape_of(i);
}

// Whether the integer GEMM takes Winograd's form where an ISA has it:
// automatic (where the CPU has no VNNI and the form is faster on it; see
// avx2_igemm.hpp), always or never (tests cover both forms on any CPU).
enum class igemm_winograd_choice { automatic, always, never };

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
  static bool winograd(Arch, bool vnni_allowed, igemm_winograd_choice choice);
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
                                                                         ::lowp::kernels::igemm_winograd_choice); \
  PREFIX template void ::lowp::kernels::int8_gemm_kernel::pair_products<ARCH>(                                 \
      ARCH, const std::int16_t*, std::size_t, std::size_t, std::size_t, std::uint32_t*);
#define LOWP_DETAIL_INT8_GEMM_DEFINE(ARCH) LOWP_DETAIL_INT8_GEMM_INSTANCES(, ARCH)

#if defined(LOWP_ISA_SCALAR) && LOWP_ISA_SCALAR
LOWP_DETAIL_INT8_GEMM_INSTANCES(extern, ::lowp::simd::scalar)
#endif
#if LOWP_ISA_SSE2
LOWP_DETAIL_INT8_GEMM_INSTANCES(extern, ::lowp::simd::arch_t<::lowp::isa::sse2>)
#endif
#if LOWP_ISA_SSE4_1
LOWP_DETAIL_INT8_GEMM_INSTANCES(extern, ::lowp::simd::arch_t<::lowp::isa::sse4_1>)
#endif
#if LOWP_ISA_AVX2
LOWP_DETAIL_INT8_GEMM_INSTANCES(extern, ::lowp::simd::arch_t<::lowp::isa::avx2>)
#endif
#if LOWP_ISA_AVX512BW
LOWP_DETAIL_INT8_GEMM_INSTANCES(extern, ::lowp::simd::arch_t<::lowp::isa::avx512bw>)
#endif
#if LOWP_ISA_NEON64
LOWP_DETAIL_INT8_GEMM_INSTANCES(extern, ::lowp::simd::arch_t<::lowp::isa::neon64>)
#endif

#if defined(__SSE2__) && (defined(__x86_64__) || defined(_M_X64) || defined(__i386__))
#include "lowp/simd/arch/sse2_igemm.hpp"
#define LOWP_DETAIL_IGEMM_SSE2 1
#else
#define LOWP_DETAIL_IGEMM_SSE2 0
#endif
#if defined(__AVX2__)
#include "lowp/simd/arch/avx2_igemm.hpp"
#define LOWP_DETAIL_IGEMM_AVX2 1
#else
#define LOWP_DETAIL_IGEMM_AVX2 0
#endif
#if defined(__AVX512F__) && defined(__AVX512BW__)
#include "lowp/simd/arch/avx512bw_igemm.hpp"
#define LOWP_DETAIL_IGEMM_AVX512BW 1
#else
#define LOWP_DETAIL_IGEMM_AVX512BW 0
#endif

namespace lowp::kernels {

template <class Arch>
void int8_gemm_kernel::block(Arch, const igemm_block& blk) {
#if LOWP_DETAIL_IGEMM_AVX512BW
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx512bw>>) {
    constexpr igemm_shape s = igemm_shape_of(isa::avx512bw);
    static_assert(s.mr == simd::avx512bw_igemm::MR && s.nr == simd::avx512bw_igemm::NR);
    simd::avx512bw_igemm::block(blk);
    return;
  }
#endif
#if LOWP_DETAIL_IGEMM_AVX2
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx2>>) {
    constexpr igemm_shape s = igemm_shape_of(isa::avx2);
    static_assert(s.mr == simd::avx2_igemm::MR && s.nr == simd::avx2_igemm::NR);
    simd::avx2_igemm::block(blk);
    return;
  }
#endif
#if LOWP_DETAIL_IGEMM_SSE2
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::sse2>> || std::is_same_v<Arch, simd::arch_t<isa::sse4_1>>) {
    constexpr igemm_shape s = igemm_shape_of(isa::sse2);
    static_assert(s.mr == simd::sse2_igemm::MR && s.nr == simd::sse2_igemm::NR);
    simd::sse2_igemm::block(blk);
    return;
  }
#endif
  // Every other ISA (scalar, neon64): the portable kernel, with the shape of isa::scalar.
  constexpr bool x86_simd = std::is_same_v<Arch, simd::arch_t<isa::sse2>> ||
                            std::is_same_v<Arch, simd::arch_t<isa::sse4_1>> ||
                            std::is_same_v<Arch, simd::arch_t<isa::avx2>> ||
                            std::is_same_v<Arch, simd::arch_t<isa::avx512bw>>;
  constexpr bool handled =
      (LOWP_DETAIL_IGEMM_AVX512BW && std::is_same_v<Arch, simd::arch_t<isa::avx512bw>>) ||
      (LOWP_DETAIL_IGEMM_AVX2 && std::is_same_v<Arch, simd::arch_t<isa::avx2>>) ||
      (LOWP_DETAIL_IGEMM_SSE2 && (std::is_same_v<Arch, simd::arch_t<isa::sse2>> ||
                                  std::is_same_v<Arch, simd::arch_t<isa::sse4_1>>));
  if constexpr (handled) {
  } else if constexpr (!x86_simd) {
    constexpr igemm_shape s = igemm_shape_of(isa::scalar);
    detail::igemm_block_portable<Arch, s.mr, s.nr>(blk);
  } else {
    // Reached only when an x86 ISA is instantiated without its flags.
    static_assert(!x86_simd, "int8_gemm_kernel: instantiate each ISA in a translation unit with its flags");
  }
}

template <class Arch>
bool int8_gemm_kernel::pack(Arch, const igemm_pack_job& job) {
#if LOWP_DETAIL_IGEMM_AVX2 || LOWP_DETAIL_IGEMM_AVX512BW
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx2>> || std::is_same_v<Arch, simd::arch_t<isa::avx512bw>>)
    return simd::avx2_igemm::pack(job);
#endif
  (void)job;
  return false;
}

template <class Arch>
bool int8_gemm_kernel::quads(Arch) {
#if LOWP_DETAIL_IGEMM_AVX512BW
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx512bw>>) return simd::avx512bw_igemm::quads();
#endif
#if LOWP_DETAIL_IGEMM_AVX2
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx2>>) return simd::avx2_igemm::quads();
#endif
  return false;
}

template <class Arch>
bool int8_gemm_kernel::winograd(Arch, bool vnni_allowed, igemm_winograd_choice choice) {
#if LOWP_DETAIL_IGEMM_AVX2
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx2>>) {
    if (vnni_allowed && simd::avx2_igemm::has_avx_vnni()) return false;
    return choice == igemm_winograd_choice::always ||
           (choice == igemm_winograd_choice::automatic && simd::avx2_igemm::winograd_preferred());
  }
#endif
  (void)vnni_allowed;
  (void)choice;
  return false;
}

template <class Arch>
void int8_gemm_kernel::pair_products(Arch, const std::int16_t* panels, std::size_t count, std::size_t mr,
                                     std::size_t kp, std::uint32_t* out) {
#if LOWP_DETAIL_IGEMM_AVX2
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx2>>) {
    if (simd::avx2_igemm::pair_products(panels, count, mr, kp, out)) return;
  }
#endif
  detail::igemm_pair_products(panels, count, mr, kp, out);
}

namespace detail {

inline bool igemm_pack_on(isa which, [[maybe_unused]] const igemm_pack_job& job) {
  switch (which) {
#if LOWP_ISA_AVX2
    case isa::avx2: return int8_gemm_kernel::pack<simd::arch_t<isa::avx2>>({}, job);
#endif
#if LOWP_ISA_AVX512BW
    case isa::avx512bw: return int8_gemm_kernel::pack<simd::arch_t<isa::avx512bw>>({}, job);
#endif
    default: return false;
  }
}

inline bool igemm_quads_on(isa which) {
  switch (which) {
#if LOWP_ISA_AVX2
    case isa::avx2: return int8_gemm_kernel::quads<simd::arch_t<isa::avx2>>({});
#endif
#if LOWP_ISA_AVX512BW
    case isa::avx512bw: return int8_gemm_kernel::quads<simd::arch_t<isa::avx512bw>>({});
#endif
    default: return false;
  }
}

inline bool igemm_winograd_on(isa which, [[maybe_unused]] bool vnni_allowed,
                              [[maybe_unused]] igemm_winograd_choice choice) {
  switch (which) {
#if LOWP_ISA_AVX2
    case isa::avx2: return int8_gemm_kernel::winograd<simd::arch_t<isa::avx2>>({}, vnni_allowed, choice);
#endif
    default: return false;
  }
}

// Winograd's terms of packed panels on `which` (the ISAs with Winograd tiles).
inline void igemm_pair_products_on(isa which, const std::int16_t* panels, std::size_t count, std::size_t mr,
                                   std::size_t kp, std::uint32_t* out) {
  switch (which) {
#if LOWP_ISA_AVX2
    case isa::avx2: return int8_gemm_kernel::pair_products<simd::arch_t<isa::avx2>>({}, panels, count, mr, kp, out);
#endif
    default: return igemm_pair_products(panels, count, mr, kp, out);
  }
}

inline void igemm_block_on(isa which, const igemm_block& blk) {
  switch (which) {
#if LOWP_ISA_SSE2
    case isa::sse2: return int8_gemm_kernel::block<simd::arch_t<isa::sse2>>({}, blk);
#endif
#if LOWP_ISA_SSE4_1
    case isa::sse4_1: return int8_gemm_kernel::block<simd::arch_t<isa::sse4_1>>({}, blk);
#endif
#if LOWP_ISA_AVX2
    case isa::avx2: return int8_gemm_kernel::block<simd::arch_t<isa::avx2>>({}, blk);
#endif
#if LOWP_ISA_AVX512BW
    case isa::avx512bw: return int8_gemm_kernel::block<simd::arch_t<isa::avx512bw>>({}, blk);
#endif
#if LOWP_ISA_NEON64
    case isa::neon64: return int8_gemm_kernel::block<simd::arch_t<isa::neon64>>({}, blk);
#endif
    default: return int8_gemm_kernel::block<simd::scalar>({}, blk);
  }
}

// Whether the avx512bw kernel may use AVX512_VNNI where the CPU has it
// (results are identical either way; tests turn it off to cover both).
inline bool& igemm_allow_vnni() {
  static bool allow = true;
  return allow;
}

// Whether the avx2 kernel takes Winograd's form (results are identical
// either way; tests force each form).
inline igemm_winograd_choice& igemm_winograd() {
  static igemm_winograd_choice choice = igemm_winograd_choice::automatic;
  return choice;
}

// The few-rows order of integer_gemm (below): up to how many rows of A it
// keeps packed, and the bytes of packed B per column block. Measured on Zen 5
// (uint8 x int8, N = K = 4096, one process alternating both orders), in
// Winograd's form: M = 8 45 -> 64, M = 32 100 -> 127, M = 128 155 -> 170,
// M = 512 178 -> 188, M = 1024 182 -> 190 GOP/s; the direct and VNNI tiles
// gain 2-14% up to M = 1024 and lose 2-3% at M = 2048 (2048^3), as does
// Winograd's. Tests set the rows to 0 to run the blocked order on every
// shape.
inline std::size_t& igemm_resident_a_rows() {
  static std::size_t rows = 1024;
  return rows;
}
inline constexpr std::size_t igemm_resident_b_bytes = std::size_t(256) << 10;

// A buffer of n int16 on a 64-byte boundary (one cache line, one zmm).
struct igemm_buffer {
  struct free_aligned {
    void operator()(std::int16_t* p) const { ::operator delete(p, std::align_val_t(64)); }
  };
  std::unique_ptr<std::int16_t, free_aligned> data;
  std::size_t size = 0;
  std::int16_t* reserve(std::size_t n) {
    if (n > size) {
      data.reset(static_cast<std::int16_t*>(::operator new(n * sizeof(std::int16_t), std::align_val_t(64))));
      size = n;
    }
    return data.get();
  }
};

// The packing buffers of this thread (0: A, 1: B), kept from call to call:
// a B block is up to NC x KC 16-bit values (4 MiB), all of A in the few-rows
// order up to 1024 x KC (4 MiB in Winograd's form), and allocating them per
// call made every call page-fault its way through fresh memory.
inline igemm_buffer& igemm_thread_buffer(int which) {
  thread_local igemm_buffer buffers[2];
  return buffers[which];
}

// Winograd's row and column terms of this thread (0: A rows, 1: B columns).
inline std::vector<std::uint32_t>& igemm_thread_corrections(int which) {
  thread_local std::vector<std::uint32_t> corr[2];
  return corr[which];
}

// How many whole panels of mr rows, from panel q of an operand of mc rows,
// one packing job takes (igemm_pack_job::panels): rows contiguous (a
// row-major B seen transposed), up to 8 panels per sweep over the depths;
// otherwise 1.
inline std::size_t igemm_pack_group(std::size_t rs, std::size_t cs, std::size_t kc, std::size_t mr,
                                    std::size_t mc, std::size_t q) {
  constexpr std::size_t max_group = 8;
  const std::size_t whole = (mc - q * mr) / mr;
  return kc > 0 && rs == 1 && cs != 1 && whole > 1 ? std::min(whole, max_group) : 1;
}

// Packs rows [i0, i0 + mc) x depths [p0, p0 + kc) of `a` into MR-row panels of
// depth pairs (the layout at the top of this file), zero-padded to whole
// panels and an even depth; with even_pairs, to an even number of pairs
// (Winograd's panels). B is packed as its transpose (columns as rows).
template <class T>
void igemm_pack(matrix_view<const T> a, std::size_t mr, std::size_t i0, std::size_t mc, std::size_t p0,
                std::size_t kc, std::int16_t* dst, isa which, bool even_pairs = false) {
  const std::size_t kp_data = (kc + 1) / 2;
  const std::size_t kp = even_pairs ? (kp_data + 1) / 2 * 2 : kp_data;
  const std::size_t panels = (mc + mr - 1) / mr;
  for (std::size_t q = 0, group = 1; q < panels; q += group) {
    group = 1;
    std::int16_t* const out = dst + q * kp * mr * 2;
    const std::size_t rows = std::min(mr, mc - q * mr);
    const std::size_t r0 = i0 + q * mr;
    if (kp != kp_data) std::fill(out + kp_data * mr * 2, out + kp * mr * 2, std::int16_t(0));
    if constexpr (std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::uint8_t>) {
      const T* const base = a.data() + a.offset(r0, p0);
      const std::size_t rs = a.row_stride(), cs = a.col_stride();
      if (const std::size_t g = igemm_pack_group(rs, cs, kc, mr, mc, q); g > 1) {
        for (std::size_t t = 1; t < g && kp != kp_data; ++t)
          std::fill(out + t * kp * mr * 2 + kp_data * mr * 2, out + (t + 1) * kp * mr * 2, std::int16_t(0));
        igemm_pack_job job{base, rs, cs, std::is_signed_v<T>, false, mr, mr, kc, out, g, kp * mr * 2};
        if (igemm_pack_on(which, job)) {
          group = g;
          continue;
        }
      }
      if (kc > 0 && igemm_pack_on(which, {base, rs, cs, std::is_signed_v<T>, false, mr, rows, kc, out})) continue;
      if (rows < mr || kc % 2 != 0) std::fill(out, out + kp * mr * 2, std::int16_t(0));
      if (cs == 1) {  // depths contiguous: one row at a time
        for (std::size_t r = 0; r < rows; ++r) {
          const T* src = base + r * rs;
          std::int16_t* o = out + 2 * r;
          for (std::size_t k = 0; k + 1 < kc; k += 2, o += 2 * mr) {
            o[0] = src[k];
            o[1] = src[k + 1];
          }
          if (kc % 2 != 0) o[0] = src[kc - 1];
        }
      } else if (rs == 1 && rows == mr) {  // rows contiguous: one depth at a time
        for (std::size_t k = 0; k < kc; ++k) {
          const T* src = base + k * cs;
          std::int16_t* o = out + (k / 2) * mr * 2 + (k % 2);
          for (std::size_t r = 0; r < mr; ++r) o[2 * r] = src[r];
        }
      } else {
        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t k = 0; k < kc; ++k) out[((k / 2) * mr + r) * 2 + k % 2] = base[r * rs + k * cs];
      }
    } else {
      if (rows < mr || kc % 2 != 0) std::fill(out, out + kp * mr * 2, std::int16_t(0));
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t k = 0; k < kc; ++k)
          out[((k / 2) * mr + r) * 2 + k % 2] = std::int16_t(element_integer(T(a(r0 + r, p0 + k))));
    }
  }
}

// The same for byte quad panels (uint8 or int8 bytes as they are, zero
// depths past kc).
template <class T>
void igemm_pack_quads(matrix_view<const T> a, std::size_t mr, std::size_t i0, std::size_t mc, std::size_t p0,
                      std::size_t kc, std::uint8_t* dst, isa which) {
  static_assert(sizeof(T) == 1);
  const std::size_t kq = (kc + 3) / 4;
  const std::size_t panels = (mc + mr - 1) / mr;
  for (std::size_t q = 0, group = 1; q < panels; q += group) {
    group = 1;
    std::uint8_t* const out = dst + q * kq * mr * 4;
    const std::size_t rows = std::min(mr, mc - q * mr);
    const std::size_t r0 = i0 + q * mr;
    const T* const base = a.data() + a.offset(r0, p0);
    const std::size_t rs = a.row_stride(), cs = a.col_stride();
    auto* const out16 = reinterpret_cast<std::int16_t*>(out);
    if (const std::size_t g = igemm_pack_group(rs, cs, kc, mr, mc, q); g > 1) {
      if (igemm_pack_on(which, {base, rs, cs, std::is_signed_v<T>, true, mr, mr, kc, out16, g, kq * mr * 2})) {
        group = g;
        continue;
      }
    }
    igemm_pack_job job{base, rs, cs, std::is_signed_v<T>, true, mr, rows, kc, out16};
    if (kc > 0 && igemm_pack_on(which, job)) continue;
    std::fill(out, out + kq * mr * 4, std::uint8_t(0));
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t k = 0; k < kc; ++k)
        out[((k / 4) * mr + r) * 4 + k % 4] = static_cast<std::uint8_t>(base[r * rs + k * cs]);
  }
}

template <class VA, class VB>
inline constexpr bool has_integer_gemm = false;
template <class TA, class TB>
inline constexpr bool has_integer_gemm<matrix_view<TA>, matrix_view<TB>> =
    is_integer_gemm_v<std::remove_const_t<TA>, std::remove_const_t<TB>>;

// The blocked driver: packs panels (any operand layout and element type) and
// hands MC x NC blocks to the micro-kernels of `which`.
template <class TA, class TB>
void integer_gemm(std::int32_t alpha, matrix_view<const TA> a, matrix_view<const TB> b, std::int32_t beta,
                  matrix_view<std::int32_t> c, isa which) {
  const std::size_t M = c.rows(), N = c.cols(), K = a.cols();
  if (M == 0 || N == 0) return;
  // uint8 x int8 on VNNI: byte quads, twice the depths in the same panel bytes.
  constexpr bool u8s8 = std::is_same_v<TA, std::uint8_t> && std::is_same_v<TB, std::int8_t>;
  const bool quads = u8s8 && igemm_allow_vnni() && igemm_quads_on(which);
  const bool wino = !quads && igemm_winograd_on(which, igemm_allow_vnni(), igemm_winograd());
  const igemm_shape sh = wino ? igemm_winograd_shape_of(which) : igemm_shape_of(which);
  // Few rows (up to igemm_resident_a_rows()): A is packed once per depth
  // block and kept (at most 4 MiB of panels), and B goes by in column blocks
  // of igemm_resident_b_bytes, which stay in L2 between their packing and
  // their use. With few rows, packing B (K x N values for 2 M N K
  // operations) is much of the work, and a packed B block of NC columns
  // would go out to memory and back. Otherwise the blocked order: B in
  // blocks of NC columns, A in blocks of MC rows.
  const std::size_t m_pad = (M + sh.mr - 1) / sh.mr * sh.mr;
  const bool a_resident = m_pad <= igemm_resident_a_rows();
  const std::size_t nc_narrow = std::max<std::size_t>(1, igemm_resident_b_bytes / (sh.kc * 2) / sh.nr) * sh.nr;
  const std::size_t KC = quads ? 2 * sh.kc : sh.kc;
  const std::size_t MC = std::min(sh.mc, m_pad);
  const std::size_t NC = std::min(a_resident ? nc_narrow : sh.nc, (N + sh.nr - 1) / sh.nr * sh.nr);
  const std::size_t a_rows = a_resident ? m_pad : MC;  // rows of A packed at a time
  std::int16_t* const ap = igemm_thread_buffer(0).reserve(a_rows * (sh.kc + 4));
  std::int16_t* const bp = igemm_thread_buffer(1).reserve(NC * (sh.kc + 4));
  std::uint32_t* a_corr = nullptr;
  std::uint32_t* b_corr = nullptr;
  if (wino) {
    std::vector<std::uint32_t>& ca = igemm_thread_corrections(0);
    std::vector<std::uint32_t>& cb = igemm_thread_corrections(1);
    if (ca.size() < a_rows) ca.resize(a_rows);
    if (cb.size() < NC) cb.resize(NC);
    a_corr = ca.data();
    b_corr = cb.data();
  }
  const matrix_view<const TB> bt = b.transposed();
  igemm_block blk;
  blk.b = bp;
  blk.c_rs = c.row_stride();
  blk.c_cs = c.col_stride();
  blk.alpha = std::uint32_t(alpha);
  blk.vnni = igemm_allow_vnni();
  blk.quads = quads;
  blk.winograd = wino;
  blk.b_corr = b_corr;
  // Packs rows [i0, i0 + rows) of an operand (A, or B seen transposed) at
  // depths [p0, p0 + kc) into panels of mr rows at dst (kp pairs or quads),
  // with Winograd's row terms into corr.
  const auto pack_operand = [&](auto v, std::size_t mr, std::size_t i0, std::size_t rows, std::size_t p0,
                                std::size_t kc, std::size_t kp, std::int16_t* dst, std::uint32_t* corr) {
    using T = typename decltype(v)::value_type;
    if constexpr (u8s8) {
      if (quads) {
        igemm_pack_quads<T>(v, mr, i0, rows, p0, kc, reinterpret_cast<std::uint8_t*>(dst), which);
        return;
      }
    }
    igemm_pack<T>(v, mr, i0, rows, p0, kc, dst, which, wino);
    if (wino) igemm_pair_products_on(which, dst, (rows + mr - 1) / mr, mr, kp, corr);
  };
  const auto pack_a = [&](std::size_t i0, std::size_t mc, std::size_t p0, std::size_t kc, std::size_t kp) {
    pack_operand(a, sh.mr, i0, mc, p0, kc, kp, ap, a_corr);
  };
  for (std::size_t p0 = 0; p0 == 0 || p0 < K; p0 += KC) {
    const std::size_t kc = std::min(KC, K - p0);
    const std::size_t kp = quads ? (kc + 3) / 4 : wino ? (kc + 3) / 4 * 2 : (kc + 1) / 2;
    const bool first = p0 == 0;
    if (a_resident) pack_a(0, M, p0, kc, kp);
    for (std::size_t j0 = 0; j0 < N; j0 += NC) {
      const std::size_t nc = std::min(NC, N - j0);
      pack_operand(bt, sh.nr, j0, nc, p0, kc, kp, bp, b_corr);
      for (std::size_t i0 = 0; i0 < M; i0 += MC) {
        const std::size_t mc = std::min(MC, M - i0);
        if (!a_resident) pack_a(i0, mc, p0, kc, kp);
        // A panels of rows i0.. (the quad panels have the pair panels' strides in bytes).
        const std::size_t a_off = a_resident ? i0 / sh.mr * kp * sh.mr * 2 : 0;
        blk.a = ap + a_off;
        blk.a_corr = a_corr ? a_corr + (a_resident ? i0 : 0) : nullptr;
        blk.mc = mc;
        blk.nc = nc;
        blk.kp = kp;
        blk.c = c.data() + c.offset(i0, j0);
        // Later depth blocks add to C: alpha * (s1 + s2) = alpha * s1 + alpha * s2 (mod 2^32).
        blk.beta = first ? std::uint32_t(beta) : 1U;
        blk.read_c = !first || beta != 0;
        igemm_block_on(which, blk);
      }
    }
  }
}

// Runs the fast path for this combination on `which` and returns true, or
// returns false when there is none (lowp::gemm then runs its blocked engine).
template <class VA, class VB, class TC>
bool try_integer_gemm(TC alpha, const VA& a, const VB& b, TC beta, matrix_view<TC> c, isa which) {
  if constexpr (has_integer_gemm<VA, VB> && std::is_same_v<TC, std::int32_t>) {
    using TA = std::remove_const_t<operand_element_t<VA>>;
    using TB = std::remove_const_t<operand_element_t<VB>>;
    integer_gemm<TA, TB>(alpha, matrix_view<const TA>(a), matrix_view<const TB>(b), beta, c, which);
    return true;
  } else {
    return false;
  }
}

}  // namespace detail

}  // namespace lowp::kernels
