#pragma once

// GEMM and GEMV over matrix views of composed formats.
//   gemm:  C <- alpha * A * B + beta * C     (A: M x K, B: K x N, C: M x N)
//   gemv:  y <- alpha * A * x + beta * y     (A: N x K weights, x: K, y: N)
// Operands are matrix_view<T> (T: float, int8_t, uint8_t or any scalar
// format, packed when narrower than a byte) or block_matrix_view<BF> (any
// block format, e.g. 4-bit weights stored N x K and viewed transposed).
// Integer x integer accumulates exactly into int32 C (wrapping modulo 2^32);
// every other combination accumulates in float32 into float C. Narrow
// operands are decoded while panels are packed: no dequantized copy of a
// whole operand is made. When beta is 0, C is not read.
//
// Structure (Goto & van de Geijn, "Anatomy of high-performance matrix
// multiplication", TOMS 2008): B is packed in KC x NC blocks of NR-column
// panels, A in MC x KC blocks of MR-row panels, and a register-blocked
// micro-kernel updates an MR x NR tile of C.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "lowp/block/block_matrix_view.hpp"
#include "lowp/container/matrix_view.hpp"
#include "lowp/format/element.hpp"
#include "lowp/datapath/datapath.hpp"
#include "lowp/error.hpp"
#include "lowp/isa.hpp"
#include "lowp/kernels/gemm/common.hpp"
#include "lowp/kernels/gemm/options.hpp"
#include "lowp/kernels/gemm/float.hpp"
#include "lowp/kernels/gemm/int8.hpp"
#include "lowp/dispatch/dispatch.hpp"
#include "lowp/threads.hpp"

namespace lowp {

namespace detail {

// Packs rows [i0, i0 + mc) x columns [p0, p0 + kc) of `a` into MR-row
// panels: dst[(q * kc + k) * MR + r] = a(i0 + q * MR + r, p0 + k), zero-padded.
template <std::size_t MR, class Acc, class V>
void pack_row_panels(const V& a, std::size_t i0, std::size_t mc, std::size_t p0, std::size_t kc, Acc* dst) {
  const std::size_t panels = (mc + MR - 1) / MR;
  std::fill(dst, dst + panels * kc * MR, Acc(0));
  if constexpr (is_block_matrix_view_v<V>) {
    if (!a.is_transposed()) {  // logical rows are stored rows: decode whole blocks
      std::vector<float> row(kc);
      for (std::size_t i = 0; i < mc; ++i) {
        a.decode_stored(i0 + i, p0, kc, row.data());
        for (std::size_t k = 0; k < kc; ++k) dst[((i / MR) * kc + k) * MR + i % MR] = Acc(row[k]);
      }
      return;
    }
    for (std::size_t i = 0; i < mc; ++i)
      for (std::size_t k = 0; k < kc; ++k) dst[((i / MR) * kc + k) * MR + i % MR] = Acc(a(i0 + i, p0 + k));
  } else {
    using T = operand_element_t<V>;
    for (std::size_t i = 0; i < mc; ++i)
      for (std::size_t k = 0; k < kc; ++k) dst[((i / MR) * kc + k) * MR + i % MR] = load_element<Acc>(T(a(i0 + i, p0 + k)));
  }
}

// The transpose of pack_row_panels: NR-column panels of b,
// dst[(q * kc + k) * NR + s] = b(p0 + k, j0 + q * NR + s).
template <std::size_t NR, class Acc, class V>
void pack_col_panels(const V& b, std::size_t p0, std::size_t kc, std::size_t j0, std::size_t nc, Acc* dst) {
  pack_row_panels<NR>(b.transposed(), j0, nc, p0, kc, dst);
}

// Portable blocked engine; the per-ISA micro-kernels plug in at micro_tile.
template <class Acc, class VA, class VB, class TC>
struct blocked_gemm {
  static constexpr std::size_t MR = 4, NR = 8, MC = 64, NC = 1024;
  static constexpr std::size_t granule = std::lcm(k_granule<VA>(), k_granule<VB>());
  static constexpr std::size_t KC = granule >= 256 ? granule : (256 / granule) * granule;

  static void micro_tile(std::size_t kc, const Acc* ap, const Acc* bp, Acc* tile) {
    for (std::size_t t = 0; t < MR * NR; ++t) tile[t] = 0;
    for (std::size_t k = 0; k < kc; ++k)
      for (std::size_t r = 0; r < MR; ++r)
        for (std::size_t s = 0; s < NR; ++s) tile[r * NR + s] += ap[k * MR + r] * bp[k * NR + s];
  }

  static void run(TC alpha, const VA& a, const VB& b, TC beta, matrix_view<TC> c) {
    const std::size_t M = c.rows(), N = c.cols(), K = a.cols();
    if (M == 0 || N == 0) return;
    std::vector<Acc> bpack, apack;
    Acc tile[MR * NR];
    for (std::size_t j0 = 0; j0 < N; j0 += NC) {
      const std::size_t nc = std::min(NC, N - j0);
      const std::size_t npanels = (nc + NR - 1) / NR;
      for (std::size_t p0 = 0; p0 == 0 || p0 < K; p0 += KC) {
        const std::size_t kc = std::min(KC, K - p0);
        bpack.resize(npanels * kc * NR);
        pack_col_panels<NR>(b, p0, kc, j0, nc, bpack.data());
        const bool first = p0 == 0;
        for (std::size_t i0 = 0; i0 < M; i0 += MC) {
          const std::size_t mc = std::min(MC, M - i0);
          const std::size_t mpanels = (mc + MR - 1) / MR;
          apack.resize(mpanels * kc * MR);
          pack_row_panels<MR>(a, i0, mc, p0, kc, apack.data());
          for (std::size_t qi = 0; qi < mpanels; ++qi)
            for (std::size_t qj = 0; qj < npanels; ++qj) {
              micro_tile(kc, apack.data() + qi * kc * MR, bpack.data() + qj * kc * NR, tile);
              for (std::size_t r = 0; r < MR && qi * MR + r < mc; ++r)
                for (std::size_t s = 0; s < NR && qj * NR + s < nc; ++s) {
                  TC& out = c(i0 + qi * MR + r, j0 + qj * NR + s);
                  out = update(out, tile[r * NR + s], alpha, first ? beta : TC(1), first && beta == TC(0));
                }
            }
        }
      }
    }
  }

  static TC update(TC old, Acc sum, TC alpha, TC beta, bool ignore_old) {
    if constexpr (std::is_integral_v<TC>) {
      std::uint32_t r = std::uint32_t(sum) * std::uint32_t(alpha);
      if (!ignore_old) r += std::uint32_t(old) * std::uint32_t(beta);
      return TC(r);
    } else {
      return ignore_old ? alpha * sum : alpha * sum + beta * old;
    }
  }
};

// One thread's share of gemm (arguments already checked).
template <class VA, class VB, class TC>
void gemm_range(TC alpha, const VA& a, const VB& b, TC beta, matrix_view<TC> c, isa which,
                const gemm_options& options) {
  if constexpr (std::is_integral_v<TC>) {
    if (kernels::detail::try_integer_gemm(alpha, a, b, beta, c, which, options)) return;
  } else {
    if (kernels::detail::try_float_gemm(alpha, a, b, beta, c, which)) return;
  }
  // Integer accumulation in uint32: two's complement wrap-around without
  // signed overflow.
  using Acc = std::conditional_t<std::is_integral_v<TC>, std::uint32_t, float>;
  blocked_gemm<Acc, VA, VB, TC>::run(alpha, a, b, beta, c);
}

// Logical rows [r0, r0 + n) of an operand, where they can be cut out without
// splitting a block: any matrix_view (packed ones at multiples of 8 rows, a
// byte boundary), a block_matrix_view whose logical rows are its stored rows.
template <class V>
bool rows_divisible(const V& v) {
  if constexpr (is_block_matrix_view_v<V>) return !v.is_transposed();
  else return true;
}
template <class V>
V row_range(const V& v, std::size_t r0, std::size_t n) {
  if constexpr (is_block_matrix_view_v<V>) return v.stored_block(r0, n);
  else return v.block(r0, 0, n, v.cols());
}

// Rows or columns of C per thread range: a multiple of every micro-tile
// (MR, NR of 4, 6, 8, 12, 16, 24, 32) and of 8.
inline constexpr std::size_t gemm_thread_granule = 96;

}  // namespace detail

// C <- alpha * A * B + beta * C on ISA `which` (default: the best this CPU
// runs; lowp::error if `which` cannot run here), with the engine variant of
// `options` (kernels/gemm/options.hpp; every variant gives the same results). The per-ISA fast paths
// (kernels/gemm/float.hpp, kernels/gemm/int8.hpp) take the combinations they
// implement; every other one runs the portable blocked engine above. With
// lowp::num_threads() > 1 (lowp/threads.hpp), C is computed in ranges of
// rows (of columns when N > M, or when A's rows cannot be cut) by that many
// threads, bit-identical to one thread.
template <datapath_type Datapath = datapath::fast, class VA, class VB, class TC>
void gemm(TC alpha, const VA& a, const VB& b, TC beta, matrix_view<TC> c, isa which = best_isa(),
          const gemm_options& options = {}) {
  static_assert(is_operand_v<VA>, "gemm: A must be a matrix_view of a supported element type or a block_matrix_view");
  static_assert(is_operand_v<VB>, "gemm: B must be a matrix_view of a supported element type or a block_matrix_view");
  static_assert(std::is_same_v<TC, gemm_output_t<VA, VB>>,
                "gemm: C must be int32_t for integer x integer operands and float otherwise");
  static_assert(std::is_same_v<Datapath, datapath::fast>, "gemm: datapath not supported yet");
  detail::check_gemm_args("gemm", a, b, c);
  which = require_isa(which);
  const std::size_t M = c.rows(), N = c.cols(), K = a.cols();
  const int threads = num_threads();
  constexpr std::size_t G = detail::gemm_thread_granule;
  const bool big = double(M) * double(N) * double(K) >= double(1 << 21);
  const bool by_rows = detail::rows_divisible(a) && M >= 2 * G && (M >= N || !detail::rows_divisible(b.transposed()));
  const bool by_cols = !by_rows && detail::rows_divisible(b.transposed()) && N >= 2 * G;
  if (threads > 1 && big && by_rows) {
    detail::parallel_ranges(M, G, threads, [&](std::size_t i0, std::size_t i1) {
      detail::gemm_range(alpha, detail::row_range(a, i0, i1 - i0), b, beta, c.block(i0, 0, i1 - i0, N), which,
                         options);
    });
  } else if (threads > 1 && big && by_cols) {
    detail::parallel_ranges(N, G, threads, [&](std::size_t j0, std::size_t j1) {
      detail::gemm_range(alpha, a, detail::row_range(b.transposed(), j0, j1 - j0).transposed(), beta,
                         c.block(0, j0, M, j1 - j0), which, options);
    });
  } else {
    detail::gemm_range(alpha, a, b, beta, c, which, options);
  }
}

}  // namespace lowp

