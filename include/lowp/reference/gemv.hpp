#pragma once

// Scalar reference of the integer W4A8 GEMV (lowp/kernels/gemv.hpp): 4-bit
// block weights times int8 activations with one float scale per 32 values.
//
// Weights: a block format whose elements are small integers times a block
// scale (w4a8_weights<BF>):
//   ggml_q4_0   value (c - 8) * d,            d the float16 scale
//   int4_g128   value c * d (c two's complement), d the float16 scale (one per 128)
//   mxfp4, mxfp4_noclip, ggml_mxfp4
//               value (2 * E2M1(c)) * 2^(e - 128) (an integer in [-12, 12]
//               times half the E8M0 scale, ggml's kvalues_mxfp4 convention);
//               OCP's e = 0xFF is NaN, ggml's is 2^127
// Activations: x_j = q_j * s[j / 32] with q_j any int8 (-128 included).
//
// Row r of y, with S_b = sum over the 32 values j of sub-block b of
// w_int(r, j) * q_j (exact in int32: |S_b| <= 32 * 12 * 128):
//   y_r = alpha * sum_b (d_w(r, b) * s_b) * S_b + beta * y_r
// The reference evaluates this in double, b ascending: every term is exact
// (11 + 11 + 17 significant bits), so the only roundings are those of the
// double sum and the final rounding to float. beta = 0 does not read y.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "lowp/reference/convert.hpp"
#include "lowp/block/block_matrix_view.hpp"
#include "lowp/block/formats.hpp"
#include "lowp/block/row_interleaved.hpp"
#include "lowp/reference/block.hpp"

namespace lowp::reference {

// Weight formats of the integer W4A8 path.
template <class BF>
inline constexpr bool w4a8_weights_v = std::is_same_v<BF, ggml_q4_0> || std::is_same_v<BF, int4_g128> ||
                                       std::is_same_v<BF, mxfp4> || std::is_same_v<BF, mxfp4_noclip> ||
                                       std::is_same_v<BF, ggml_mxfp4>;

// Values per activation scale.
inline constexpr std::size_t w4a8_group = 32;

// The integer value of a 4-bit weight code c.
template <class BF>
  requires w4a8_weights_v<BF>
int w4_code_integer(unsigned c) {
  if constexpr (std::is_same_v<BF, ggml_q4_0>) return int(c) - 8;
  else if constexpr (std::is_same_v<BF, int4_g128>) return c >= 8 ? int(c) - 16 : int(c);
  else return int(2.0f * decode<float4_e2m1fn::desc>(c));  // 0, ±1, ±2, ±3, ±4, ±6, ±8, ±12
}

// The integer value of element j of a weight block.
template <class BF>
  requires w4a8_weights_v<BF>
int w4_integer(const std::uint8_t* block, std::size_t j) {
  const std::size_t p = BF::storage_index(j);
  const std::uint8_t byte = block[BF::scale_bytes + p / 2];
  return w4_code_integer<BF>((p % 2 == 0 ? byte : byte >> 4) & 0x0Fu);
}

// The scale of a weight block (value = w4_integer * w4_scale).
template <class BF>
  requires w4a8_weights_v<BF>
float w4_scale(const std::uint8_t* block) {
  if constexpr (std::is_same_v<BF, ggml_q4_0> || std::is_same_v<BF, int4_g128>) {
    return decode<float16::desc>(detail::load_le16(block));
  } else {
    if (block[0] == 0xFF && !std::is_same_v<BF, ggml_mxfp4>) return std::numeric_limits<float>::quiet_NaN();
    return std::ldexp(1.0f, int(block[0]) - 128);
  }
}

// int8 activations with one scale per w4a8_group values: x_j = q[j] * scale[j / 32].
struct int8_activations {
  const std::int8_t* q = nullptr;
  const float* scale = nullptr;
  std::size_t size = 0;  // a multiple of w4a8_group
};

// sums[b] = S_b of stored weight row `row` (row_bytes<BF>(k) bytes) against q,
// for the k / 32 sub-blocks b (k a multiple of BF::block_size).
template <class BF>
void w4a8_block_sums(const std::uint8_t* row, std::size_t k, const std::int8_t* q, std::int32_t* sums) {
  for (std::size_t b = 0; b < k / w4a8_group; ++b) {
    const std::size_t j0 = b * w4a8_group;
    const std::uint8_t* block = row + (j0 / BF::block_size) * BF::bytes_per_block;
    std::int32_t s = 0;
    for (std::size_t j = j0; j < j0 + w4a8_group; ++j)
      s += w4_integer<BF>(block, j % BF::block_size) * std::int32_t(q[j]);
    sums[b] = s;
  }
}

// y <- alpha * W x + beta * y for the stored (not transposed) N x K weights w
// and activations x of w.row_bytes() / BF::bytes_per_block * BF::block_size
// values (K rounded up to whole weight blocks; the values past K must be 0).
template <class BF>
void gemv_w4a8(float alpha, const block_matrix_view<BF>& w, const int8_activations& x, float beta, float* y) {
  const std::size_t k = w.row_bytes() / BF::bytes_per_block * BF::block_size;
  if (x.size != k)
    lowp::detail::fail("x: " + std::to_string(x.size) + " activations, but the weight rows hold " +
                       std::to_string(k) + " values");
  std::vector<std::int32_t> sums(k / w4a8_group);
  for (std::size_t r = 0; r < w.stored_rows(); ++r) {
    const std::uint8_t* row = w.data() + r * w.row_bytes();
    w4a8_block_sums<BF>(row, k, x.q, sums.data());
    double acc = 0.0;
    for (std::size_t b = 0; b < sums.size(); ++b) {
      const double d = double(w4_scale<BF>(row + (b * w4a8_group / BF::block_size) * BF::bytes_per_block));
      acc += d * double(x.scale[b]) * double(sums[b]);
    }
    const double v = double(alpha) * acc;
    y[r] = float(beta == 0.0f ? v : v + double(beta) * double(y[r]));
  }
}

// Row-interleaved weights (lowp/block/row_interleaved.hpp): the same sums
// S_b, accumulated in float32 in one fixed order that every ISA reproduces
// bit for bit (a lane of the SIMD kernels is one row, so no reduction
// reorders it). For each row r, with d_w(r, b) the scale of the weight block
// holding sub-block b:
//   acc = 0;  for b = 0, 1, ...: acc = fma(float(S_b), float32(d_w(r, b) * s_b), acc)
//   y_r = alpha * acc                      (beta = 0: y not read)
//   y_r = fma(beta, y_r, alpha * acc)      (otherwise)
// float(S_b) is exact (|S_b| < 2^24) and fma rounds once (IEEE 754-2019
// §5.4.1), so each of the m = K / 32 terms carries the rounding of its scale
// product and those of at most m sums: with alpha and beta, within
// gamma(m + 3) of the exact value (Higham, "Accuracy and Stability of
// Numerical Algorithms", 2nd ed., §3.1).
// x: w.stored_cols() activations (the values past K must be 0).
template <class BF>
  requires w4a8_weights_v<BF>
void gemv_w4a8(float alpha, const row_interleaved<BF>& w, const int8_activations& x, float beta, float* y) {
  const std::size_t k = w.stored_cols();
  if (x.size != k)
    lowp::detail::fail("x: " + std::to_string(x.size) + " activations, but the weight rows hold " +
                       std::to_string(k) + " values");
  for (std::size_t r = 0; r < w.rows(); ++r) {
    float acc = 0.0f;
    for (std::size_t b = 0; b < k / w4a8_group; ++b) {
      std::int32_t s = 0;
      for (std::size_t j = b * w4a8_group; j < (b + 1) * w4a8_group; ++j)
        s += w4_code_integer<BF>(w.code(r, j)) * std::int32_t(x.q[j]);
      const float d = w4_scale<BF>(w.scale_bytes(r, b * w4a8_group / BF::block_size));
      acc = std::fma(float(s), d * x.scale[b], acc);
    }
    const float v = alpha * acc;
    y[r] = beta == 0.0f ? v : std::fma(beta, y[r], v);
  }
}

// ---- activation quantization ---------------------------------------------------

// Per block: exactly ggml's quantize_row_q8_0_ref (reference::quantize_block
// <ggml_q8_0>), d = fp16(amax / 127), q = round(x / d) half away from zero;
// scale[b] is d as float. k values of x; the last block is zero-padded.
inline void quantize_activations_per_block(std::span<const float> x, std::int8_t* q, float* scale) {
  const std::size_t blocks = (x.size() + w4a8_group - 1) / w4a8_group;
  std::vector<std::uint8_t> raw(blocks * ggml_q8_0::bytes_per_block);
  quantize_options opt;
  opt.pad = padding::zero;
  quantize_row<ggml_q8_0>(x, raw, opt);
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::uint8_t* blk = raw.data() + b * ggml_q8_0::bytes_per_block;
    scale[b] = decode<float16::desc>(detail::load_le16(blk));
    for (std::size_t j = 0; j < w4a8_group; ++j) q[b * w4a8_group + j] = std::int8_t(blk[2 + j]);
  }
}

// Per row: one float32 scale d = amax / 127 for the whole vector (no float16
// rounding), q = round(x * (1 / d)) half away from zero, as ggml's q8_0
// rule computes it; d = 0 (all zeros) gives q = 0. Returns d.
inline float quantize_activations_per_row(std::span<const float> x, std::int8_t* q) {
  float amax = 0.0f;
  for (float v : x) {
    const float a = std::fabs(v);
    amax = amax > a ? amax : a;
  }
  const float d = amax / 127.0f;
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  for (std::size_t j = 0; j < x.size(); ++j) q[j] = std::int8_t(detail::ggml_int8(std::round(x[j] * id)));
  return d;
}

}  // namespace lowp::reference
