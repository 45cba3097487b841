#pragma once

// GEMV: y <- alpha * A * x + beta * y, A an N x K operand view (weights
// stored N x K, as models store them), x K values, y N values. beta = 0 does
// not read y.
//
//   gemv(alpha, a, x, x_size, beta, y, y_size, isa = best_isa())
//       any operand view A (matrix_view<T>, block_matrix_view<BF>) times
//       x of T or float. Fast paths (AVX2 and AVX-512BW): float32 x float32
//       (row-major A) and 4-bit block weights x float32 ("weight-only":
//       decode + FMA); everything else runs lowp::gemm.
//   gemv(alpha, a, x, x_size, beta, y, y_size, gemv_options, isa = best_isa())
//       the same with options: options.quantize_x quantizes x to int8 first
//       (per block of 32 or per row, reference/gemv.hpp) and runs the
//       integer W4A8 path ("dynamic activation quantization").
//   gemv(alpha, w, x_q8, beta, y, y_size, isa = best_isa())
//       int8 activations with one float16 scale per 32 values: x_q8 is a
//       1 x K block_matrix_view<ggml_q8_0> (ggml's activation blocks).
//   gemv(alpha, w, int8_vector{values, size, scale}, beta, y, y_size, isa = best_isa())
//       int8 activations with one float scale for the whole vector.
//   gemv(alpha, wi, x_q8 | int8_vector | (x, x_size, ..., gemv_options), ...)
//       the same three activation forms on row_interleaved<BF> weights
//       (lowp/block/row_interleaved.hpp, packed once by interleave_rows):
//       one sequential weight stream per 8 rows, float accumulation in the
//       fixed order of reference::gemv_w4a8 for that layout, so every ISA
//       returns the same bits.
//
// The integer W4A8 path (W: block_matrix_view of ggml_q4_0, int4_g128,
// mxfp4, mxfp4_noclip or ggml_mxfp4, not transposed) computes each 32-value
// sub-block sum S_b exactly in int32 and accumulates (d_w * s_x) * S_b in
// float32 in an unspecified order (datapath::fast); reference/gemv.hpp
// defines the sums and evaluates the same expression in double. Other weight
// formats with int8 activations run the generic engine on the decoded values.
//
// Per-ISA kernels: AVX2 (also used by the avx512bw translation unit,
// 256-bit code) in lowp/kernels/gemv/avx2.hpp; every other ISA runs the
// scalar instantiation (same sums, float accumulation in block order) or,
// for combinations without a fast path, lowp::gemm with x as a K x 1 matrix.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "lowp/reference/convert.hpp"
#include "lowp/block/block_matrix_view.hpp"
#include "lowp/block/formats.hpp"
#include "lowp/block/row_interleaved.hpp"
#include "lowp/datapath/datapath.hpp"
#include "lowp/error.hpp"
#include "lowp/isa.hpp"
#include "lowp/kernels/gemm/gemm.hpp"
#include "lowp/reference/gemv.hpp"
#include "lowp/simd/api.hpp"
#include "lowp/dispatch/dispatch.hpp"
#include "lowp/threads.hpp"

namespace lowp {

// How gemv turns float activations into int8 ones before a W4A8 product.
enum class activation_quantization : std::uint8_t {
  none,       // float activations (weight-only path: weights decoded to float)
  per_block,  // one float16 scale per 32 values, ggml's q8_0 rule
  per_row,    // one float32 scale for the whole vector (amax / 127)
};

struct gemv_options {
  activation_quantization quantize_x = activation_quantization::none;
};

// int8 activations with one scale for the whole vector: x_j = values[j] * scale.
struct int8_vector {
  const std::int8_t* values = nullptr;
  std::size_t size = 0;
  float scale = 1.0f;
};

namespace kernels {

// Activations prepared for the integer kernels of one weight format BF
// (kernels::detail::prepare_w4a8). k is the weights' row length rounded up to
// whole blocks (values past the logical K are 0). Within each sub-block of 32
// values, q holds first the values that meet the low nibbles of the weight
// block's 16 element bytes (byte order), then those that meet the high
// nibbles; scale[b] is sub-block b's scale; offset_sums[i] is
// offset * (q[4i] + ... + q[4i + 3]), with offset the bias that makes the
// weight's integer values non-negative (8 for ggml_q4_0 and int4_g128, 12
// for the MXFP4 formats).
struct w4a8_operand {
  const std::int8_t* q = nullptr;
  const float* scale = nullptr;
  const std::int32_t* offset_sums = nullptr;
  std::size_t k = 0;
};

// Activations for the row-interleaved kernels (row_interleaved<BF>): q in
// natural order (k values, k = the weights' stored_cols(), 0 past K), scale[b]
// the scale of values 32b .. 32b + 31 and offset_sums[b] = offset * (their
// sum), offset as in w4a8_operand.
struct w4a8_interleaved_operand {
  const std::int8_t* q = nullptr;
  const float* scale = nullptr;
  const std::int32_t* offset_sums = nullptr;
  std::size_t k = 0;
};

// The per-ISA GEMV kernels (Arch = simd::arch_t<isa>), instantiated per ISA
// like block_kernel. Each computes y[r] <- alpha * dot_r + beta * y[r] for
// r < n (beta = 0: y not read).
struct gemv_kernel {
  // W4A8: stored weight rows of row_bytes bytes at w, activations x.
  template <class Arch, class BF>
  static void w4a8(Arch, const std::uint8_t* w, std::size_t row_bytes, std::size_t n, const w4a8_operand& x,
                   float alpha, float beta, float* y);
  // W4A8 on row_interleaved<BF> weights: n rows in groups of 8, group_bytes
  // bytes per group, in reference::gemv_w4a8's order (bit-identical on every ISA).
  template <class Arch, class BF>
  static void w4a8_interleaved(Arch, const std::uint8_t* w, std::size_t group_bytes, std::size_t n,
                               const w4a8_interleaved_operand& x, float alpha, float beta, float* y);
  // Weight-only: the same weights times float activations xf (k values,
  // in w4a8_operand's nibble order).
  template <class Arch, class BF>
  static void w4f32(Arch, const std::uint8_t* w, std::size_t row_bytes, std::size_t n, const float* xf,
                    std::size_t k, float alpha, float beta, float* y);
  // float32: n rows of k values at a (row stride lda) times x.
  template <class Arch>
  static void f32(Arch, const float* a, std::size_t lda, std::size_t n, std::size_t k, const float* x, float alpha,
                  float beta, float* y);
};

namespace detail {

template <class BF>
constexpr std::int32_t w4a8_offset = std::is_same_v<BF, ggml_q4_0> || std::is_same_v<BF, int4_g128> ? 8 : 12;

// Position, in w4a8_operand's order, of value j of a sub-block of 32.
template <class BF>
constexpr std::size_t nibble_order(std::size_t j) {
  const std::size_t p = BF::storage_index(j % BF::block_size) % 32;  // storage nibble within the 16 bytes
  return (p % 2) * 16 + p / 2;
}

// Activations in w4a8_operand's layout, owning their storage.
struct w4a8_prepared {
  std::vector<std::int8_t> q;
  std::vector<float> scale;
  std::vector<std::int32_t> offset_sums;
  w4a8_operand operand() const { return {q.data(), scale.data(), offset_sums.data(), q.size()}; }
};

// q (k values in natural order, k a multiple of 32) and its scales into BF's layout.
template <class BF>
w4a8_prepared prepare_w4a8(const std::int8_t* q, const float* scale, std::size_t k) {
  w4a8_prepared p;
  p.q.resize(k);
  p.scale.assign(scale, scale + k / 32);
  p.offset_sums.resize(k / 4);
  for (std::size_t j = 0; j < k; ++j) p.q[j - j % 32 + nibble_order<BF>(j)] = q[j];
  for (std::size_t i = 0; i < k / 4; ++i)
    p.offset_sums[i] = w4a8_offset<BF> * (std::int32_t(p.q[4 * i]) + p.q[4 * i + 1] + p.q[4 * i + 2] + p.q[4 * i + 3]);
  return p;
}

// Row length of stored weight rows in values (K rounded up to whole blocks).
template <class BF>
std::size_t padded_k(const block_matrix_view<BF>& w) {
  return w.row_bytes() / BF::bytes_per_block * BF::block_size;
}

// Threads for the GEMV kernels (lowp/threads.hpp): rows [0, n) in ranges
// starting at multiples of gemv_thread_granule rows, f(r0, r1) per range.
// Every kernel computes each row on its own, in groups of 4 or 8 rows
// counted from the start of its range, so ranges that start on a multiple of
// 16 group every row as one thread does: bit-identical results. Under
// gemv_thread_bytes of weights (a few microseconds of memory traffic, about
// the cost of starting a thread) the calling thread does it all.
inline constexpr std::size_t gemv_thread_granule = 16;
inline constexpr std::size_t gemv_thread_bytes = std::size_t(1) << 22;

// Whether `which` has the float32 and weight-only GEMV kernels (avx2 code,
// built into this program).
inline bool gemv_float_kernels_on([[maybe_unused]] isa which) {
  bool on = false;
#if LOWP_ISA_AVX2
  on = on || which == isa::avx2;
#endif
#if LOWP_ISA_AVX512BW
  on = on || which == isa::avx512bw;
#endif
  return on;
}

template <class F>
void gemv_rows(std::size_t n, std::size_t weight_bytes, F&& f) {
  const int threads = weight_bytes >= gemv_thread_bytes ? num_threads() : 1;
  lowp::detail::parallel_ranges(n, gemv_thread_granule, threads, std::forward<F>(f));
}

template <class BF>
void gemv_w4a8_on(isa which, const block_matrix_view<BF>& w, const w4a8_operand& x, float alpha, float beta,
                  float* y) {
  const std::size_t rb = w.row_bytes();
  gemv_rows(w.stored_rows(), w.stored_rows() * rb, [&](std::size_t r0, std::size_t r1) {
    const std::uint8_t* const wr = w.data() + r0 * rb;
    const std::size_t n = r1 - r0;
    switch (which) {
#if LOWP_ISA_AVX2
      case isa::avx2: return gemv_kernel::w4a8<simd::arch_t<isa::avx2>, BF>({}, wr, rb, n, x, alpha, beta, y + r0);
#endif
#if LOWP_ISA_AVX512BW
      case isa::avx512bw:
        return gemv_kernel::w4a8<simd::arch_t<isa::avx512bw>, BF>({}, wr, rb, n, x, alpha, beta, y + r0);
#endif
      default: return gemv_kernel::w4a8<simd::scalar, BF>({}, wr, rb, n, x, alpha, beta, y + r0);
    }
  });
}

// Integer W4A8 on q (natural order, padded_k(w) values) with per-32 scales.
template <class BF>
void run_w4a8(isa which, const block_matrix_view<BF>& w, const std::int8_t* q, const float* scale, float alpha,
              float beta, float* y) {
  const w4a8_prepared p = prepare_w4a8<BF>(q, scale, padded_k(w));
  gemv_w4a8_on<BF>(which, w, p.operand(), alpha, beta, y);
}

// Integer W4A8 on row-interleaved weights, q as for run_w4a8 (w.stored_cols() values).
template <class BF>
void run_w4a8_interleaved(isa which, const row_interleaved<BF>& w, const std::int8_t* q, const float* scale,
                          float alpha, float beta, float* y) {
  const std::size_t k = w.stored_cols();
  std::vector<std::int32_t> offset_sums(k / 32);
  for (std::size_t b = 0; b < k / 32; ++b) {
    std::int32_t s = 0;
    for (std::size_t j = 32 * b; j < 32 * b + 32; ++j) s += q[j];
    offset_sums[b] = w4a8_offset<BF> * s;
  }
  const w4a8_interleaved_operand x{q, scale, offset_sums.data(), k};
  const std::size_t gb = w.group_bytes(), groups = (w.rows() + 7) / 8;
  static_assert(gemv_thread_granule % 8 == 0, "thread ranges start on whole groups of 8 rows");
  gemv_rows(w.rows(), groups * gb, [&](std::size_t r0, std::size_t r1) {
    const std::uint8_t* const wr = w.data() + (r0 / 8) * gb;
    const std::size_t n = r1 - r0;
    switch (which) {
#if LOWP_ISA_AVX2
      case isa::avx2:
        return gemv_kernel::w4a8_interleaved<simd::arch_t<isa::avx2>, BF>({}, wr, gb, n, x, alpha, beta, y + r0);
#endif
#if LOWP_ISA_AVX512BW
      case isa::avx512bw:
        return gemv_kernel::w4a8_interleaved<simd::arch_t<isa::avx512bw>, BF>({}, wr, gb, n, x, alpha, beta, y + r0);
#endif
      default: return gemv_kernel::w4a8_interleaved<simd::scalar, BF>({}, wr, gb, n, x, alpha, beta, y + r0);
    }
  });
}

// int8 activations (k values, natural order, 0 past the logical K) and one
// scale per 32 of them.
struct int8_activation_buffer {
  std::vector<std::int8_t> q;
  std::vector<float> scale;
};

// x quantized by `how` (per_block or per_row) into k >= x_size values.
inline int8_activation_buffer quantize_activations(const float* x, std::size_t x_size, std::size_t k,
                                                   activation_quantization how) {
  int8_activation_buffer a{std::vector<std::int8_t>(k, 0), std::vector<float>(k / 32, 0.0f)};
  if (how == activation_quantization::per_block) {
    reference::quantize_activations_per_block(std::span<const float>(x, x_size), a.q.data(), a.scale.data());
  } else if (how == activation_quantization::per_row) {
    const float d = reference::quantize_activations_per_row(std::span<const float>(x, x_size), a.q.data());
    std::fill(a.scale.begin(), a.scale.end(), d);
  } else {
    lowp::detail::fail("options.quantize_x: unknown activation_quantization");
  }
  return a;
}

// The ggml_q8_0 blocks of x_q8 (cols values) as k >= cols values.
inline int8_activation_buffer unpack_q8(const block_matrix_view<ggml_q8_0>& x_q8, std::size_t k) {
  int8_activation_buffer a{std::vector<std::int8_t>(k, 0), std::vector<float>(k / 32, 0.0f)};
  const std::size_t blocks = x_q8.row_bytes() / ggml_q8_0::bytes_per_block;
  for (std::size_t b = 0; b < blocks && b < k / 32; ++b) {
    const std::uint8_t* blk = x_q8.data() + b * ggml_q8_0::bytes_per_block;
    a.scale[b] = reference::decode<float16::desc>(reference::detail::load_le16(blk));
    for (std::size_t j = 0; j < 32 && b * 32 + j < x_q8.cols(); ++j) a.q[b * 32 + j] = std::int8_t(blk[2 + j]);
  }
  return a;
}

inline int8_activation_buffer unpack_int8_vector(const int8_vector& x, std::size_t k) {
  int8_activation_buffer a{std::vector<std::int8_t>(k, 0), std::vector<float>(k / 32, x.scale)};
  std::copy(x.values, x.values + x.size, a.q.begin());
  return a;
}

inline void check_x_q8(const block_matrix_view<ggml_q8_0>& x_q8, std::size_t k) {
  if (x_q8.rows() != 1 || x_q8.cols() != k)
    lowp::detail::fail("gemv: x_q8 is " + std::to_string(x_q8.rows()) + "x" + std::to_string(x_q8.cols()) +
                       " but must be 1x" + std::to_string(k) + " (one row of A's " + std::to_string(k) +
                       " columns)");
}

// Runs the fast path for this combination on `which` and returns true, or
// returns false when there is none (the caller then runs the generic engine).
template <class VA, class TX, class TY>
bool try_gemv([[maybe_unused]] TY alpha, const VA& a, const TX* x, [[maybe_unused]] TY beta,
              [[maybe_unused]] TY* y, isa which) {
  if constexpr (std::is_same_v<VA, matrix_view<const float>> || std::is_same_v<VA, matrix_view<float>>) {
    if constexpr (std::is_same_v<TX, float> && std::is_same_v<TY, float>) {
      if (!a.is_row_major() || a.rows() == 0) return false;
      if (!gemv_float_kernels_on(which)) return false;
      const std::size_t rs = a.row_stride();
      gemv_rows(a.rows(), a.rows() * a.cols() * sizeof(float), [&](std::size_t r0, [[maybe_unused]] std::size_t r1) {
        [[maybe_unused]] const float* const ar = a.data() + r0 * rs;
        switch (which) {
#if LOWP_ISA_AVX2
          case isa::avx2:
            return gemv_kernel::f32<simd::arch_t<isa::avx2>>({}, ar, rs, r1 - r0, a.cols(), x, alpha, beta, y + r0);
#endif
#if LOWP_ISA_AVX512BW
          case isa::avx512bw:
            return gemv_kernel::f32<simd::arch_t<isa::avx512bw>>({}, ar, rs, r1 - r0, a.cols(), x, alpha, beta,
                                                                 y + r0);
#endif
          default: return;
        }
      });
      return true;
    }
    return false;
  } else if constexpr (is_block_matrix_view_v<VA>) {
    using BF = typename VA::format;
    if constexpr (reference::w4a8_weights_v<BF> && std::is_same_v<TX, float> && std::is_same_v<TY, float>) {
      if (a.is_transposed() || a.rows() == 0) return false;
      if (!gemv_float_kernels_on(which)) return false;  // no weight-only kernel elsewhere
      const std::size_t k = padded_k(a);
      std::vector<float> xf(k, 0.0f);
      for (std::size_t j = 0; j < a.cols(); ++j) xf[j - j % 32 + nibble_order<BF>(j)] = x[j];
      const std::size_t rb = a.row_bytes();
      gemv_rows(a.rows(), a.rows() * rb, [&](std::size_t r0, [[maybe_unused]] std::size_t r1) {
        [[maybe_unused]] const std::uint8_t* const wr = a.data() + r0 * rb;
        switch (which) {
#if LOWP_ISA_AVX2
          case isa::avx2:
            return gemv_kernel::w4f32<simd::arch_t<isa::avx2>, BF>({}, wr, rb, r1 - r0, xf.data(), k, alpha, beta,
                                                                   y + r0);
#endif
#if LOWP_ISA_AVX512BW
          case isa::avx512bw:
            return gemv_kernel::w4f32<simd::arch_t<isa::avx512bw>, BF>({}, wr, rb, r1 - r0, xf.data(), k, alpha, beta,
                                                                       y + r0);
#endif
          default: return;
        }
      });
      return true;
    }
    return false;
  } else {
    return false;
  }
}

inline void check_gemv_sizes(std::size_t k, std::size_t n, std::size_t x_size, std::size_t y_size) {
  if (x_size != k)
    lowp::detail::fail("gemv: x has " + std::to_string(x_size) + " elements but A has " + std::to_string(k) +
                       " columns");
  if (y_size != n)
    lowp::detail::fail("gemv: y has " + std::to_string(y_size) + " elements but A has " + std::to_string(n) +
                       " rows");
}

}  // namespace detail

}  // namespace kernels

// y <- alpha * A * x + beta * y: A is N x K, x has K elements, y has N.
template <datapath_type Datapath = datapath::fast, class VA, class TX, class TY>
void gemv(TY alpha, const VA& a, const TX* x, std::size_t x_size, TY beta, TY* y, std::size_t y_size,
          isa which = best_isa()) {
  kernels::detail::check_gemv_sizes(a.cols(), a.rows(), x_size, y_size);
  which = require_isa(which);
  if constexpr (std::is_same_v<Datapath, datapath::fast>)
    if (kernels::detail::try_gemv(alpha, a, x, beta, y, which)) return;
  gemm<Datapath>(alpha, a, matrix_view<const TX>(x, x_size, 1), beta, matrix_view<TY>(y, y_size, 1), which);
}

// The same with options: options.quantize_x != none quantizes x to int8
// (reference::quantize_activations_per_block / _per_row) and multiplies the
// block weights by it on the integer W4A8 path; weight formats without one
// multiply by the dequantized int8 activations instead.
template <class BF>
void gemv(float alpha, const block_matrix_view<BF>& a, const float* x, std::size_t x_size, float beta, float* y,
          std::size_t y_size, const gemv_options& options, isa which = best_isa()) {
  if (options.quantize_x == activation_quantization::none) return gemv(alpha, a, x, x_size, beta, y, y_size, which);
  kernels::detail::check_gemv_sizes(a.cols(), a.rows(), x_size, y_size);
  which = require_isa(which);
  const bool integer = reference::w4a8_weights_v<BF> && !a.is_transposed();
  const std::size_t k = integer ? kernels::detail::padded_k(a) : (x_size + 31) / 32 * 32;
  const kernels::detail::int8_activation_buffer xq =
      kernels::detail::quantize_activations(x, x_size, k, options.quantize_x);
  if constexpr (reference::w4a8_weights_v<BF>) {
    if (integer) return kernels::detail::run_w4a8<BF>(which, a, xq.q.data(), xq.scale.data(), alpha, beta, y);
  }
  std::vector<float> xd(x_size);
  for (std::size_t j = 0; j < x_size; ++j) xd[j] = float(xq.q[j]) * xq.scale[j / 32];
  gemm(alpha, a, matrix_view<const float>(xd.data(), x_size, 1), beta, matrix_view<float>(y, y_size, 1), which);
}

// int8 activations in ggml_q8_0 blocks: x_q8 is 1 x K (K = A's columns).
template <class BF>
void gemv(float alpha, const block_matrix_view<BF>& a, const block_matrix_view<ggml_q8_0>& x_q8, float beta, float* y,
          std::size_t y_size, isa which = best_isa()) {
  kernels::detail::check_x_q8(x_q8, a.cols());
  kernels::detail::check_gemv_sizes(a.cols(), a.rows(), x_q8.cols(), y_size);
  which = require_isa(which);
  if constexpr (reference::w4a8_weights_v<BF>) {
    if (!a.is_transposed()) {
      const kernels::detail::int8_activation_buffer xq =
          kernels::detail::unpack_q8(x_q8, kernels::detail::padded_k(a));
      return kernels::detail::run_w4a8<BF>(which, a, xq.q.data(), xq.scale.data(), alpha, beta, y);
    }
  }
  gemm(alpha, a, x_q8.transposed(), beta, matrix_view<float>(y, y_size, 1), which);
}

// int8 activations with one scale for the whole vector.
template <class BF>
void gemv(float alpha, const block_matrix_view<BF>& a, const int8_vector& x, float beta, float* y, std::size_t y_size,
          isa which = best_isa()) {
  kernels::detail::check_gemv_sizes(a.cols(), a.rows(), x.size, y_size);
  which = require_isa(which);
  if constexpr (reference::w4a8_weights_v<BF>) {
    if (!a.is_transposed()) {
      const kernels::detail::int8_activation_buffer xq =
          kernels::detail::unpack_int8_vector(x, kernels::detail::padded_k(a));
      return kernels::detail::run_w4a8<BF>(which, a, xq.q.data(), xq.scale.data(), alpha, beta, y);
    }
  }
  std::vector<float> xd(x.size);
  for (std::size_t j = 0; j < x.size; ++j) xd[j] = float(x.values[j]) * x.scale;
  gemm(alpha, a, matrix_view<const float>(xd.data(), x.size, 1), beta, matrix_view<float>(y, y_size, 1), which);
}

// Row-interleaved weights (lowp/block/row_interleaved.hpp, built once by
// interleave_rows) times int8 activations: the integer W4A8 sums
// accumulated in reference::gemv_w4a8's order, bit-identical on every ISA.
// x_q8: 1 x K ggml_q8_0 blocks.
template <class BF>
  requires reference::w4a8_weights_v<BF>
void gemv(float alpha, const row_interleaved<BF>& a, const block_matrix_view<ggml_q8_0>& x_q8, float beta, float* y,
          std::size_t y_size, isa which = best_isa()) {
  kernels::detail::check_x_q8(x_q8, a.cols());
  kernels::detail::check_gemv_sizes(a.cols(), a.rows(), x_q8.cols(), y_size);
  which = require_isa(which);
  const kernels::detail::int8_activation_buffer xq = kernels::detail::unpack_q8(x_q8, a.stored_cols());
  kernels::detail::run_w4a8_interleaved<BF>(which, a, xq.q.data(), xq.scale.data(), alpha, beta, y);
}

// The same with one scale for the whole vector.
template <class BF>
  requires reference::w4a8_weights_v<BF>
void gemv(float alpha, const row_interleaved<BF>& a, const int8_vector& x, float beta, float* y, std::size_t y_size,
          isa which = best_isa()) {
  kernels::detail::check_gemv_sizes(a.cols(), a.rows(), x.size, y_size);
  which = require_isa(which);
  const kernels::detail::int8_activation_buffer xq = kernels::detail::unpack_int8_vector(x, a.stored_cols());
  kernels::detail::run_w4a8_interleaved<BF>(which, a, xq.q.data(), xq.scale.data(), alpha, beta, y);
}

// The same with float x quantized first (options.quantize_x: per_block or
// per_row; the layout has no weight-only path, so none is an error).
template <class BF>
  requires reference::w4a8_weights_v<BF>
void gemv(float alpha, const row_interleaved<BF>& a, const float* x, std::size_t x_size, float beta, float* y,
          std::size_t y_size, const gemv_options& options, isa which = best_isa()) {
  kernels::detail::check_gemv_sizes(a.cols(), a.rows(), x_size, y_size);
  if (options.quantize_x == activation_quantization::none)
    lowp::detail::fail("gemv: options.quantize_x is none, but row_interleaved weights need int8 activations "
                       "(per_block or per_row)");
  which = require_isa(which);
  const kernels::detail::int8_activation_buffer xq =
      kernels::detail::quantize_activations(x, x_size, a.stored_cols(), options.quantize_x);
  kernels::detail::run_w4a8_interleaved<BF>(which, a, xq.q.data(), xq.scale.data(), alpha, beta, y);
}

}  // namespace lowp

// ---- per-ISA kernels -------------------------------------------------------------

#define LOWP_GEMV_W4A8_FORMATS(X, ARG) \
  X(ARG, ggml_q4_0) X(ARG, int4_g128) X(ARG, mxfp4) X(ARG, mxfp4_noclip) X(ARG, ggml_mxfp4)

#define LOWP_DETAIL_GEMV_W4_INSTANCES(PREFIX, ARCH, F)                                                            \
  PREFIX template void ::lowp::kernels::gemv_kernel::w4a8<ARCH, ::lowp::F>(                                      \
      ARCH, const std::uint8_t*, std::size_t, std::size_t, const ::lowp::kernels::w4a8_operand&, float, float, float*); \
  PREFIX template void ::lowp::kernels::gemv_kernel::w4f32<ARCH, ::lowp::F>(                                     \
      ARCH, const std::uint8_t*, std::size_t, std::size_t, const float*, std::size_t, float, float, float*);       \
  PREFIX template void ::lowp::kernels::gemv_kernel::w4a8_interleaved<ARCH, ::lowp::F>(                          \
      ARCH, const std::uint8_t*, std::size_t, std::size_t, const ::lowp::kernels::w4a8_interleaved_operand&, float, \
      float, float*);
#define LOWP_DETAIL_GEMV_W4_EXTERN(ARCH, F) LOWP_DETAIL_GEMV_W4_INSTANCES(extern, ARCH, F)
#define LOWP_DETAIL_GEMV_W4_DEFINE(ARCH, F) LOWP_DETAIL_GEMV_W4_INSTANCES(, ARCH, F)
#define LOWP_DETAIL_GEMV_INSTANCES(PREFIX, ARCH)                                                          \
  PREFIX template void ::lowp::kernels::gemv_kernel::f32<ARCH>(ARCH, const float*, std::size_t, std::size_t, \
                                                               std::size_t, const float*, float, float, float*);
#define LOWP_DETAIL_GEMV_EXTERN(ARCH) \
  LOWP_GEMV_W4A8_FORMATS(LOWP_DETAIL_GEMV_W4_EXTERN, ARCH) LOWP_DETAIL_GEMV_INSTANCES(extern, ARCH)
// Explicit instantiations of this file's per-ISA kernels (instantiate.hpp).
#define LOWP_DETAIL_GEMV_DEFINE(ARCH) \
  LOWP_GEMV_W4A8_FORMATS(LOWP_DETAIL_GEMV_W4_DEFINE, ARCH) LOWP_DETAIL_GEMV_INSTANCES(, ARCH)

#if LOWP_EXTERN_ISA_SCALAR
LOWP_DETAIL_GEMV_EXTERN(::lowp::simd::scalar)
#endif
#if LOWP_EXTERN_ISA_SSE2
LOWP_DETAIL_GEMV_EXTERN(::lowp::simd::arch_t<::lowp::isa::sse2>)
#endif
#if LOWP_EXTERN_ISA_SSE4_1
LOWP_DETAIL_GEMV_EXTERN(::lowp::simd::arch_t<::lowp::isa::sse4_1>)
#endif
#if LOWP_EXTERN_ISA_AVX2
LOWP_DETAIL_GEMV_EXTERN(::lowp::simd::arch_t<::lowp::isa::avx2>)
#endif
#if LOWP_EXTERN_ISA_AVX512BW
LOWP_DETAIL_GEMV_EXTERN(::lowp::simd::arch_t<::lowp::isa::avx512bw>)
#endif
#if LOWP_EXTERN_ISA_NEON64
LOWP_DETAIL_GEMV_EXTERN(::lowp::simd::arch_t<::lowp::isa::neon64>)
#endif

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include "lowp/kernels/gemv/avx2.hpp"
#define LOWP_DETAIL_GEMV_AVX2 1
#else
#define LOWP_DETAIL_GEMV_AVX2 0
#endif

namespace lowp::kernels {

namespace detail {

// The integer value of a weight nibble (reference::w4_integer).
template <class BF>
std::int32_t nibble_value(unsigned c) {
  if constexpr (std::is_same_v<BF, ggml_q4_0>) return std::int32_t(c) - 8;
  else if constexpr (std::is_same_v<BF, int4_g128>) return c >= 8 ? std::int32_t(c) - 16 : std::int32_t(c);
  else return std::int32_t(2.0f * reference::decode<float4_e2m1fn::desc>(c));
}

// The portable kernels (the scalar instantiation): exact int32 sub-block
// sums, accumulated in float in block order.
template <class BF>
void w4a8_portable(const std::uint8_t* w, std::size_t row_bytes, std::size_t n, const w4a8_operand& x, float alpha,
                   float beta, float* y) {
  constexpr std::size_t B = BF::block_size;
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint8_t* row = w + r * row_bytes;
    float acc = 0.0f;
    for (std::size_t b = 0; b < x.k / 32; ++b) {
      const std::uint8_t* block = row + (b * 32 / B) * BF::bytes_per_block;
      const std::uint8_t* bytes = block + BF::scale_bytes + (b * 32 % B) / 2;
      std::int32_t s = 0;
      for (std::size_t i = 0; i < 16; ++i) {  // byte i: low nibble, then high nibble
        s += nibble_value<BF>(bytes[i] & 0x0Fu) * x.q[b * 32 + i];
        s += nibble_value<BF>(bytes[i] >> 4) * x.q[b * 32 + 16 + i];
      }
      acc += (reference::w4_scale<BF>(block) * x.scale[b]) * float(s);
    }
    const float v = alpha * acc;
    y[r] = beta == 0.0f ? v : v + beta * y[r];
  }
}

// The portable weight-only kernel (ISAs without vector code for it):
// y[r] = alpha * sum over 32-value groups of scale * (nibble values . xf) +
// beta * y[r], xf in the stored nibble order as gemv_kernel::w4f32 takes it.
// datapath::fast, like the vector kernel: float sums in block order.
template <class BF>
void w4f32_portable(const std::uint8_t* w, std::size_t row_bytes, std::size_t n, const float* xf, std::size_t k,
                    float alpha, float beta, float* y) {
  constexpr std::size_t B = BF::block_size;
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint8_t* row = w + r * row_bytes;
    float acc = 0.0f;
    for (std::size_t b = 0; b < k / 32; ++b) {
      const std::uint8_t* block = row + (b * 32 / B) * BF::bytes_per_block;
      const std::uint8_t* bytes = block + BF::scale_bytes + (b * 32 % B) / 2;
      float s = 0.0f;
      for (std::size_t i = 0; i < 16; ++i) {  // byte i: low nibble, then high nibble
        s += float(nibble_value<BF>(bytes[i] & 0x0Fu)) * xf[b * 32 + i];
        s += float(nibble_value<BF>(bytes[i] >> 4)) * xf[b * 32 + 16 + i];
      }
      acc += reference::w4_scale<BF>(block) * s;
    }
    const float v = alpha * acc;
    y[r] = beta == 0.0f ? v : v + beta * y[r];
  }
}

// The portable float32 kernel: y[r] = alpha * (a[r] . x) + beta * y[r].
inline void f32_portable(const float* a, std::size_t lda, std::size_t n, std::size_t k, const float* x, float alpha,
                         float beta, float* y) {
  for (std::size_t r = 0; r < n; ++r) {
    float acc = 0.0f;
    for (std::size_t j = 0; j < k; ++j) acc += a[r * lda + j] * x[j];
    const float v = alpha * acc;
    y[r] = beta == 0.0f ? v : v + beta * y[r];
  }
}

// The row-interleaved kernel's scalar form: the same float steps in the same
// order (reference::gemv_w4a8 for row_interleaved), row by row.
template <class BF>
void w4a8_interleaved_portable(const std::uint8_t* w, std::size_t group_bytes, std::size_t n,
                               const w4a8_interleaved_operand& x, float alpha, float beta, float* y) {
  constexpr std::size_t B = BF::block_size, GBB = 8 * BF::bytes_per_block, SA = 8 * BF::scale_bytes;
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint8_t* group = w + (r / 8) * group_bytes;
    const std::size_t lane = r % 8;
    float acc = 0.0f;
    for (std::size_t b = 0; b < x.k / 32; ++b) {
      const std::uint8_t* blk = group + (b * 32 / B) * GBB;
      const std::uint8_t* e = blk + SA + 128 * (b % (B / 32)) + 4 * lane;
      std::int32_t s = 0;
      for (std::size_t t = 0; t < 4; ++t)
        for (std::size_t i = 0; i < 4; ++i) {
          const unsigned byte = e[32 * t + i];
          s += nibble_value<BF>(byte & 0x0Fu) * x.q[32 * b + 8 * t + i];
          s += nibble_value<BF>(byte >> 4) * x.q[32 * b + 8 * t + 4 + i];
        }
      acc = std::fma(float(s), reference::w4_scale<BF>(blk + lane * BF::scale_bytes) * x.scale[b], acc);
    }
    const float v = alpha * acc;
    y[r] = beta == 0.0f ? v : std::fma(beta, y[r], v);
  }
}

}  // namespace detail

template <class Arch, class BF>
void gemv_kernel::w4a8_interleaved(Arch, const std::uint8_t* w, std::size_t group_bytes, std::size_t n,
                                   const w4a8_interleaved_operand& x, float alpha, float beta, float* y) {
  if constexpr (std::is_same_v<Arch, simd::scalar> || !LOWP_DETAIL_GEMV_AVX2) {
    detail::w4a8_interleaved_portable<BF>(w, group_bytes, n, x, alpha, beta, y);
  } else {
#if LOWP_DETAIL_GEMV_AVX2
    simd::avx2_gemv::w4a8_interleaved<BF>(w, group_bytes, n, x.q, x.scale, x.offset_sums, x.k, alpha, beta, y);
#endif
  }
}

template <class Arch, class BF>
void gemv_kernel::w4a8(Arch, const std::uint8_t* w, std::size_t row_bytes, std::size_t n, const w4a8_operand& x,
                       float alpha, float beta, float* y) {
  if constexpr (std::is_same_v<Arch, simd::scalar>) {
    detail::w4a8_portable<BF>(w, row_bytes, n, x, alpha, beta, y);
  } else {
#if LOWP_DETAIL_GEMV_AVX2
    simd::avx2_gemv::w4a8<BF>(w, row_bytes, n, x.q, x.scale, x.offset_sums, x.k, alpha, beta, y);
#else
    gemv_kernel::w4a8<simd::scalar, BF>(simd::scalar{}, w, row_bytes, n, x, alpha, beta, y);
#endif
  }
}

template <class Arch, class BF>
void gemv_kernel::w4f32(Arch, const std::uint8_t* w, std::size_t row_bytes, std::size_t n, const float* xf,
                        std::size_t k, float alpha, float beta, float* y) {
  if constexpr (std::is_same_v<Arch, simd::scalar> || !LOWP_DETAIL_GEMV_AVX2) {
    detail::w4f32_portable<BF>(w, row_bytes, n, xf, k, alpha, beta, y);
  } else {
#if LOWP_DETAIL_GEMV_AVX2
    simd::avx2_gemv::w4f32<BF>(w, row_bytes, n, xf, k, alpha, beta, y);
#endif
  }
}

template <class Arch>
void gemv_kernel::f32(Arch, const float* a, std::size_t lda, std::size_t n, std::size_t k, const float* x, float alpha,
                      float beta, float* y) {
  if constexpr (std::is_same_v<Arch, simd::scalar> || !LOWP_DETAIL_GEMV_AVX2) {
    detail::f32_portable(a, lda, n, k, x, alpha, beta, y);
  } else {
#if LOWP_DETAIL_GEMV_AVX2
    simd::avx2_gemv::f32(a, lda, n, k, x, alpha, beta, y);
#endif
  }
}

}  // namespace lowp::kernels
