#pragma once

// The float32 fast path of lowp::gemm: every combination whose C is float
// (float32 x float32, any scalar or block format x float32 weight-only,
// float8 x float8, block x block), on every ISA but isa::scalar.
//
// Goto & van de Geijn, "Anatomy of high-performance matrix multiplication"
// (TOMS 2008), in the loop order of BLIS (Van Zee & van de Geijn, TOMS 2015):
//
//   for j0 in N by NC:                 B block  KC x NC   (L3)
//     for p0 in K by KC:               pack B^T rows j0.. into NR-column panels
//       for i0 in M by MC:             A block  MC x KC   (L2), MR-row panels
//         for each NR panel of B:      B micro-panel KC x NR (L1)
//           for each MR panel of A:    micro-kernel: MR x NR tile of C in registers
//
// Narrow operands are decoded while their panels are packed, a run of K
// values of one row at a time, by the per-ISA conversion and block dequantize
// kernels (kernels/convert.hpp, kernels/block.hpp): weights stay in their
// format in memory and no dequantized copy of a whole operand is made. The
// micro-kernel (sgemm_kernel::macro) is the per-ISA code: MR x (2 * lanes)
// accumulators of xsimd batches updated by one FMA per lane group and k.
// Summation order is that of datapath::fast: within a KC block k ascending in
// the accumulator, KC blocks added to C in ascending order.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <type_traits>
#include <utility>
#include <vector>

#include "lowp/block/block_matrix_view.hpp"
#include "lowp/container/matrix_view.hpp"
#include "lowp/core/concepts.hpp"
#include "lowp/isa.hpp"
#include "lowp/kernels/block.hpp"
#include "lowp/kernels/convert.hpp"
#include "lowp/kernels/gemm/common.hpp"
#include "lowp/simd/api.hpp"
#include "lowp/dispatch/dispatch.hpp"
#include "lowp/simd/inline.hpp"

namespace lowp::kernels {

// Register tile of the float32 micro-kernel for a vector of `lanes` floats:
// MR rows x NR = 2 * lanes columns, MR * 2 accumulators plus two B vectors and
// one broadcast A value held in registers (16 registers for 128/256-bit
// vectors: 12 + 3; 32 for AVX-512: 16 + 3).
struct sgemm_tile {
  std::size_t mr, nr;
};
constexpr sgemm_tile sgemm_tile_for_lanes(std::size_t lanes) { return {lanes == 16 ? std::size_t{8} : std::size_t{6}, 2 * lanes}; }

constexpr std::size_t float_lanes(isa i) {
  switch (i) {
    case isa::avx512bw: return 16;
    case isa::avx2: return 8;
    case isa::sse2:
    case isa::sse4_1:
    case isa::neon64: return 4;
    case isa::scalar: return 1;
  }
  return 1;
}

// The per-ISA part: a macro-kernel over packed panels.
struct sgemm_kernel {
  // For i < mc, j < nc:
  //   C(i, j) <- alpha * sum_k A(i, k) B(k, j) + beta * C(i, j)
  // with A in MR-row panels ap[(q * kc + k) * MR + r] and B in NR-column panels
  // bp[(q * kc + k) * NR + s] (zero-padded), C(i, j) = c[i * rs + j * cs].
  // C is not read when read_c is false.
  template <class Arch>
  static void macro(Arch, std::size_t mc, std::size_t nc, std::size_t kc, const float* ap, const float* bp,
                    float alpha, float beta, bool read_c, float* c, std::ptrdiff_t rs, std::ptrdiff_t cs);
};

}  // namespace lowp::kernels

// ---- per-ISA code ------------------------------------------------------------

#define LOWP_DETAIL_SGEMM_INSTANCE(PREFIX, ARCH)                                                            \
  PREFIX template void ::lowp::kernels::sgemm_kernel::macro<ARCH>(ARCH, std::size_t, std::size_t, std::size_t, \
                                                                   const float*, const float*, float, float, bool, \
                                                                   float*, std::ptrdiff_t, std::ptrdiff_t);
#define LOWP_DETAIL_FLOAT_GEMM_DEFINE(ARCH) LOWP_DETAIL_SGEMM_INSTANCE(, ARCH)

#if LOWP_EXTERN_ISA_SSE2
LOWP_DETAIL_SGEMM_INSTANCE(extern, ::lowp::simd::arch_t<::lowp::isa::sse2>)
#endif
#if LOWP_EXTERN_ISA_SSE4_1
LOWP_DETAIL_SGEMM_INSTANCE(extern, ::lowp::simd::arch_t<::lowp::isa::sse4_1>)
#endif
#if LOWP_EXTERN_ISA_AVX2
LOWP_DETAIL_SGEMM_INSTANCE(extern, ::lowp::simd::arch_t<::lowp::isa::avx2>)
#endif
#if LOWP_EXTERN_ISA_AVX512BW
LOWP_DETAIL_SGEMM_INSTANCE(extern, ::lowp::simd::arch_t<::lowp::isa::avx512bw>)
#endif
#if LOWP_EXTERN_ISA_NEON64
LOWP_DETAIL_SGEMM_INSTANCE(extern, ::lowp::simd::arch_t<::lowp::isa::neon64>)
#endif
#if LOWP_EXTERN_ISA_SCALAR
LOWP_DETAIL_SGEMM_INSTANCE(extern, ::lowp::simd::scalar)
#endif

namespace lowp::kernels {

namespace detail {

// acc[r][v] += a[r] * b[v] for k in [0, kc): MR x NV vectors of W lanes.
template <class Arch, std::size_t MR, std::size_t NV>
inline void sgemm_micro(std::size_t kc, const float* ap, const float* bp, simd::f32<Arch> (&acc)[MR][NV]) {
  using B = simd::f32<Arch>;
  constexpr std::size_t W = B::size;
#pragma GCC unroll 16
  for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) acc[r][v] = B(0.0f);
  for (std::size_t k = 0; k < kc; ++k) {
    B b[NV];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) b[v] = B::load_unaligned(bp + k * NV * W + v * W);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r) {
      const B a(ap[k * MR + r]);
#pragma GCC unroll 4
      for (std::size_t v = 0; v < NV; ++v) acc[r][v] = xsimd::fma(a, b[v], acc[r][v]);
    }
  }
}

}  // namespace detail

template <class Arch>
void sgemm_kernel::macro(Arch, std::size_t mc, std::size_t nc, std::size_t kc, const float* ap, const float* bp,
                         float alpha, float beta, bool read_c, float* c, std::ptrdiff_t rs, std::ptrdiff_t cs) {
  if constexpr (std::is_same_v<Arch, simd::scalar>) {
    // isa::scalar runs lowp::gemm's portable engine; nothing calls this.
    (void)mc, (void)nc, (void)kc, (void)ap, (void)bp, (void)alpha, (void)beta, (void)read_c, (void)c, (void)rs,
        (void)cs;
  } else {
    using B = simd::f32<Arch>;
    constexpr std::size_t W = B::size;
    constexpr sgemm_tile tile = sgemm_tile_for_lanes(W);
    constexpr std::size_t MR = tile.mr, NR = tile.nr, NV = NR / W;
    const B va(alpha), vb(beta);
    alignas(64) float spill[MR * NR];
    for (std::size_t j = 0; j < nc; j += NR) {
      const float* const bq = bp + (j / NR) * kc * NR;
      const std::size_t nr = std::min(NR, nc - j);
      for (std::size_t i = 0; i < mc; i += MR) {
        B acc[MR][NV];
        float* const c0 = c + std::ptrdiff_t(i) * rs + std::ptrdiff_t(j) * cs;
        for (std::size_t r = 0; r < std::min(MR, mc - i); ++r)
          __builtin_prefetch(c0 + std::ptrdiff_t(r) * rs, 1);
        detail::sgemm_micro<Arch, MR, NV>(kc, ap + (i / MR) * kc * MR, bq, acc);
        const std::size_t mr = std::min(MR, mc - i);
        if (mr == MR && nr == NR && cs == 1) {
#pragma GCC unroll 16
          for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 4
            for (std::size_t v = 0; v < NV; ++v) {
              float* const p = c0 + std::ptrdiff_t(r) * rs + std::ptrdiff_t(v * W);
              B out = va * acc[r][v];
              if (read_c) out = xsimd::fma(vb, B::load_unaligned(p), out);
              out.store_unaligned(p);
            }
        } else {
          for (std::size_t r = 0; r < MR; ++r)
            for (std::size_t v = 0; v < NV; ++v) acc[r][v].store_aligned(spill + r * NR + v * W);
          for (std::size_t r = 0; r < mr; ++r)
            for (std::size_t s = 0; s < nr; ++s) {
              float& out = c0[std::ptrdiff_t(r) * rs + std::ptrdiff_t(s) * cs];
              const float sum = alpha * spill[r * NR + s];
              out = read_c ? beta * out + sum : sum;
            }
        }
      }
    }
  }
}

namespace detail {

template <class Arch>
void sgemm_macro_on(std::size_t mc, std::size_t nc, std::size_t kc, const float* ap, const float* bp, float alpha,
                    float beta, bool read_c, float* c, std::ptrdiff_t rs, std::ptrdiff_t cs) {
  sgemm_kernel::macro<Arch>(Arch{}, mc, nc, kc, ap, bp, alpha, beta, read_c, c, rs, cs);
}

using sgemm_macro_fn = void (*)(std::size_t, std::size_t, std::size_t, const float*, const float*, float, float,
                                bool, float*, std::ptrdiff_t, std::ptrdiff_t);

inline sgemm_macro_fn sgemm_macro_for(isa which) {
  switch (which) {
#if LOWP_ISA_SSE2
    case isa::sse2: return &sgemm_macro_on<simd::arch_t<isa::sse2>>;
#endif
#if LOWP_ISA_SSE4_1
    case isa::sse4_1: return &sgemm_macro_on<simd::arch_t<isa::sse4_1>>;
#endif
#if LOWP_ISA_AVX2
    case isa::avx2: return &sgemm_macro_on<simd::arch_t<isa::avx2>>;
#endif
#if LOWP_ISA_AVX512BW
    case isa::avx512bw: return &sgemm_macro_on<simd::arch_t<isa::avx512bw>>;
#endif
#if LOWP_ISA_NEON64
    case isa::neon64: return &sgemm_macro_on<simd::arch_t<isa::neon64>>;
#endif
    default: return nullptr;
  }
}

// Decodes values [p0, p0 + kc) of logical row i of operand x into out (kc
// floats), with the ISA's conversion or block kernels where the values lie
// contiguously in storage, element by element otherwise.
template <class V>
void decode_run(const V& x, std::size_t i, std::size_t p0, std::size_t kc, float* out, isa which) {
  if (kc == 0) return;  // K = 0: nothing to read (x may have no column p0)
  if constexpr (is_block_matrix_view_v<V>) {
    using BF = typename V::format;
    constexpr std::size_t B = BF::block_size;
    if (!x.is_transposed() && p0 % B == 0) {
      const std::size_t whole = std::min(kc, x.cols() - p0) / B;
      decode_blocks_on<BF>(which, x.data() + i * x.row_bytes() + (p0 / B) * BF::bytes_per_block, out, whole,
                           x.tensor_scale());
      if (whole * B < kc) x.decode_stored(i, p0 + whole * B, kc - whole * B, out + whole * B);
      return;
    }
    for (std::size_t k = 0; k < kc; ++k) out[k] = x(i, p0 + k);
  } else {
    using T = operand_element_t<V>;
    if constexpr (std::is_same_v<T, float>) {
      if (x.col_stride() == 1) {
        std::memcpy(out, &x(i, p0), kc * sizeof(float));
        return;
      }
    } else if constexpr (scalar_format<T>) {
      if (x.col_stride() == 1) {
        const std::size_t first = x.offset(i, p0);
        if constexpr (lowp::detail::is_packed_v<T>) {
          const std::size_t bit = first * std::size_t(bit_width_v<T>);
          if (bit % 8 == 0) return decode_on<T>(which, x.data() + bit / 8, out, kc);
        } else {
          return decode_on<T>(which, reinterpret_cast<const std::uint8_t*>(x.data() + first), out, kc);
        }
      }
    }
    for (std::size_t k = 0; k < kc; ++k) out[k] = lowp::detail::load_element<float>(T(x(i, p0 + k)));
  }
}

// The stored bytes that decode_run(x, i, p0, kc, ...) reads through a
// conversion or block kernel: {first byte, length}, or {nullptr, 0} where it
// reads element by element.
template <class V>
std::pair<const std::uint8_t*, std::size_t> run_bytes(const V& x, std::size_t i, std::size_t p0, std::size_t kc) {
  if (kc == 0) return {nullptr, 0};
  if constexpr (is_block_matrix_view_v<V>) {
    using BF = typename V::format;
    constexpr std::size_t B = BF::block_size;
    if (x.is_transposed() || p0 % B != 0) return {nullptr, 0};
    return {x.data() + i * x.row_bytes() + (p0 / B) * BF::bytes_per_block, (kc + B - 1) / B * BF::bytes_per_block};
  } else {
    using T = operand_element_t<V>;
    if constexpr (scalar_format<T> && !std::is_same_v<T, float>) {
      if (x.col_stride() != 1) return {nullptr, 0};
      const std::size_t first = x.offset(i, p0);
      if constexpr (lowp::detail::is_packed_v<T>) {
        const std::size_t bit = first * std::size_t(bit_width_v<T>);
        return {x.data() + bit / 8, (kc * std::size_t(bit_width_v<T>) + 7) / 8};
      } else {
        return {reinterpret_cast<const std::uint8_t*>(x.data() + first), kc * sizeof(T)};
      }
    } else {
      return {nullptr, 0};
    }
  }
}

// Software prefetch of the bytes of a later run. The runs of consecutive rows
// of a weight matrix stored N x K lie a whole row of storage apart (often a
// page or more), where the hardware's stream prefetchers do not follow, and
// decoding would otherwise wait on memory at the start of each run. Forced
// inline: GCC finds an out-of-line function that only prefetches free of side
// effects and drops the calls to it.
template <class V>
LOWP_SIMD_INLINE void prefetch_run(const V& x, std::size_t i, std::size_t p0, std::size_t kc) {
  const auto [p, n] = run_bytes(x, i, p0, kc);
  const std::size_t lines = (n + 63) / 64;
  for (std::size_t l = 0; l < lines; ++l) __builtin_prefetch(p + 64 * l, 0, 3);
  if (n != 0) __builtin_prefetch(p + n - 1, 0, 3);
}

template <class V>
LOWP_SIMD_INLINE void prefetch_runs(const V& x, std::size_t i0, std::size_t rows, std::size_t p0, std::size_t kc) {
  for (std::size_t r = 0; r < rows; ++r) prefetch_run(x, i0 + r, p0, kc);
}

// Whether pack_panels copies x's values (float32 with rows contiguous)
// rather than decoding runs of them.
template <class V>
bool copies_panels(const V& x) {
  if constexpr (std::is_same_v<V, matrix_view<const float>> || std::is_same_v<V, matrix_view<float>>)
    return x.row_stride() == 1;
  else
    return false;
}

// Packs logical rows [i0, i0 + rows) x columns [p0, p0 + kc) of x into
// R-row panels dst[(q * kc + k) * R + r], zero-padded to whole panels. When
// copying, also prefetches rows [i0 + rows, i0 + rows + next) at the same
// columns (the next column block of the few-rows order in try_float_gemm).
template <class V>
void pack_panels(const V& x, std::size_t R, std::size_t i0, std::size_t rows, std::size_t p0, std::size_t kc,
                 float* dst, std::vector<float>& run, isa which, std::size_t next = 0) {
  if constexpr (std::is_same_v<V, matrix_view<const float>> || std::is_same_v<V, matrix_view<float>>) {
    if (x.row_stride() == 1) {  // a panel's R values at one k lie side by side
      // k outermost: one contiguous stretch of storage read per k.
      // Whole panels of the tile widths copy a constant size, which compilers
      // expand in place: a call to memcpy per 32-128 bytes took a quarter of
      // a 32 x 4096 x 4096 GEMM.
      const auto copy = [&](float* panel, const float* src, std::size_t count) {
        switch (count) {
          case 8: std::memcpy(panel, src, 8 * sizeof(float)); break;
          case 16: std::memcpy(panel, src, 16 * sizeof(float)); break;
          case 32: std::memcpy(panel, src, 32 * sizeof(float)); break;
          default: std::memcpy(panel, src, count * sizeof(float)); break;
        }
      };
      for (std::size_t k = 0; k < kc; ++k) {
        if (next > 0) {
          const char* const ahead = reinterpret_cast<const char*>(&x(i0 + rows, p0 + k));
          for (std::size_t off = 0; off < next * sizeof(float); off += 64) __builtin_prefetch(ahead + off, 0, 3);
          __builtin_prefetch(ahead + next * sizeof(float) - 1, 0, 3);
        }
        for (std::size_t q = 0; q * R < rows; ++q) {
          const std::size_t r_count = std::min(R, rows - q * R);
          float* const panel = dst + q * kc * R + k * R;
          copy(panel, &x(i0 + q * R, p0 + k), r_count);
          if (r_count < R) std::fill(panel + r_count, panel + R, 0.0f);
        }
      }
      return;
    }
  }
  run.resize(R * kc);
  constexpr std::size_t prefetch_rows = 8;
  for (std::size_t q = 0; q * R < rows; ++q) {
    const std::size_t r_count = std::min(R, rows - q * R);
    for (std::size_t r = 0; r < r_count; ++r) {
      if (q * R + r + prefetch_rows < rows) prefetch_run(x, i0 + q * R + r + prefetch_rows, p0, kc);
      decode_run(x, i0 + q * R + r, p0, kc, run.data() + r * kc, which);
    }
    std::fill(run.begin() + std::ptrdiff_t(r_count * kc), run.end(), 0.0f);
    float* const panel = dst + q * kc * R;
    for (std::size_t k = 0; k < kc; ++k)
      for (std::size_t r = 0; r < R; ++r) panel[k * R + r] = run[r * kc + k];
  }
}

// Bytes of packed B per column block in the few-rows order (try_float_gemm):
// 80 columns of 384 depths on AVX2, a block that stays in L2 between its
// packing and its use (docs/benchmarks.md, "Constants of the GEMM engines").
inline constexpr std::size_t float_resident_b_bytes = std::size_t(128) << 10;

// The packing buffers of this thread, kept from call to call: a B block is
// up to NC x KC floats (6 MiB on AVX2), and a fresh vector per call
// zero-filled and page-faulted its way through it every time.
struct float_gemm_buffers {
  std::vector<float> a, b, run;
};
inline float_gemm_buffers& float_gemm_thread_buffers() {
  thread_local float_gemm_buffers buffers;
  return buffers;
}

template <class VA, class VB>
bool try_float_gemm(float alpha, const VA& a, const VB& b, float beta, matrix_view<float> c, isa which) {
  const sgemm_macro_fn macro = sgemm_macro_for(which);
  if (macro == nullptr) return false;
  const std::size_t M = c.rows(), N = c.cols(), K = a.cols();
  if (M == 0 || N == 0) return true;
  const sgemm_tile tile = sgemm_tile_for_lanes(float_lanes(which));
  const std::size_t MR = tile.mr, NR = tile.nr;
  // Blocking for 32-48 KiB L1, >= 512 KiB L2: a KC x NR B micro-panel takes
  // 24-48 KiB, an MC x KC A block about 220-300 KiB, NC x KC of B 6-12 MiB.
  constexpr std::size_t granule = std::lcm(lowp::detail::k_granule<VA>(), lowp::detail::k_granule<VB>());
  constexpr std::size_t KC = granule >= 384 ? granule : (384 / granule) * granule;
  const std::size_t MC = MR * (144 / MR), NC = NR * (4096 / NR);
  float_gemm_buffers& buf = float_gemm_thread_buffers();
  std::vector<float>&bpack = buf.b, &apack = buf.a, &run = buf.run;
  const auto bt = b.transposed();
  // A B operand that is decoded while packed is packed one NR panel at a time,
  // each just before the first A block uses it (hot in L1 then), with the
  // stored rows of the next panel prefetched while the micro-kernels run.
  const bool by_panel = !copies_panels(bt);
  // Few rows (one A block) with a float32 B that is copied: A is packed once
  // per depth block and B goes by in column blocks of float_resident_b_bytes,
  // which stay in L2 between their packing and their use, while the packing
  // of one block prefetches the stored rows of the next (a block reads a
  // short stretch of each of KC rows, more streams than the hardware
  // prefetchers follow). In the blocked order a packed B block of NC columns
  // (6 MiB) goes out to memory and back, and with few rows packing B is much
  // of the work: 44% of 32 x 4096 x 4096 (as in the integer GEMM's few-rows
  // order, kernels/gemm/int8.hpp). Same summation order: each C tile still
  // takes the KC blocks in ascending order.
  if (!by_panel && M <= MC) {
    const std::size_t nc_narrow = NR * std::max<std::size_t>(1, float_resident_b_bytes / (KC * sizeof(float)) / NR);
    for (std::size_t p0 = 0; p0 == 0 || p0 < K; p0 += KC) {
      const std::size_t kc = std::min(KC, K - p0);
      const bool first = p0 == 0;
      apack.resize((M + MR - 1) / MR * MR * kc);
      pack_panels(a, MR, 0, M, p0, kc, apack.data(), run, which);
      for (std::size_t j0 = 0; j0 < N; j0 += nc_narrow) {
        const std::size_t nc = std::min(nc_narrow, N - j0);
        bpack.resize((nc + NR - 1) / NR * NR * kc);
        pack_panels(bt, NR, j0, nc, p0, kc, bpack.data(), run, which, std::min(nc_narrow, N - j0 - nc));
        macro(M, nc, kc, apack.data(), bpack.data(), alpha, first ? beta : 1.0f, !first || beta != 0.0f, &c(0, j0),
              std::ptrdiff_t(c.row_stride()), std::ptrdiff_t(c.col_stride()));
      }
    }
    return true;
  }
  for (std::size_t j0 = 0; j0 < N; j0 += NC) {
    const std::size_t nc = std::min(NC, N - j0);
    for (std::size_t p0 = 0; p0 == 0 || p0 < K; p0 += KC) {
      const std::size_t kc = std::min(KC, K - p0);
      bpack.resize((nc + NR - 1) / NR * NR * kc);
      if (!by_panel) pack_panels(bt, NR, j0, nc, p0, kc, bpack.data(), run, which);
      else prefetch_runs(bt, j0, std::min(NR, nc), p0, kc);
      const bool first = p0 == 0;
      const float beta_k = first ? beta : 1.0f;
      const bool read_c = !first || beta != 0.0f;
      for (std::size_t i0 = 0; i0 < M; i0 += MC) {
        const std::size_t mc = std::min(MC, M - i0);
        apack.resize((mc + MR - 1) / MR * MR * kc);
        pack_panels(a, MR, i0, mc, p0, kc, apack.data(), run, which);
        if (!by_panel) {
          macro(mc, nc, kc, apack.data(), bpack.data(), alpha, beta_k, read_c, &c(i0, j0),
                std::ptrdiff_t(c.row_stride()), std::ptrdiff_t(c.col_stride()));
          continue;
        }
        for (std::size_t j = 0; j < nc; j += NR) {
          const std::size_t nr = std::min(NR, nc - j);
          float* const panel = bpack.data() + j * kc;
          if (i0 == 0) {
            pack_panels(bt, NR, j0 + j, nr, p0, kc, panel, run, which);
            if (j + NR < nc) prefetch_runs(bt, j0 + j + NR, std::min(NR, nc - j - NR), p0, kc);
          }
          macro(mc, nr, kc, apack.data(), panel, alpha, beta_k, read_c, &c(i0, j0 + j),
                std::ptrdiff_t(c.row_stride()), std::ptrdiff_t(c.col_stride()));
        }
      }
    }
  }
  return true;
}

}  // namespace detail

}  // namespace lowp::kernels
