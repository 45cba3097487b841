#pragma once

// A matrix operand stored in a block format: `rows` stored rows of `cols`
// values, blocks along each stored row (DESIGN §5). Viewed transposed, it is
// the K x N "B" operand of a GEMM whose weights are stored N x K, as models
// store them. Kernels decode whole blocks while packing panels.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "lowp/block/block_tensor.hpp"
#include "lowp/error.hpp"
#include "lowp/reference/block.hpp"

namespace lowp {

template <class BF>
class block_matrix_view {
 public:
  using format = BF;

  block_matrix_view() = default;
  // Rows of the canonical raw layout, starting after any tensor header.
  block_matrix_view(const std::uint8_t* rows_data, std::size_t rows, std::size_t cols, padding pad,
                    float tensor_scale = 1.0f)
      : data_(rows_data), stored_rows_(rows), stored_cols_(cols), pad_(pad),
        row_bytes_(reference::row_bytes<BF>(cols, pad)), tensor_scale_(tensor_scale) {}
  explicit block_matrix_view(const block_tensor<BF>& t)
      : block_matrix_view(t.raw().data() + BF::tensor_header_bytes, t.rows(), t.cols(), t.pad(), t.tensor_scale()) {}

  // Logical shape.
  std::size_t rows() const { return transposed_ ? stored_cols_ : stored_rows_; }
  std::size_t cols() const { return transposed_ ? stored_rows_ : stored_cols_; }
  bool empty() const { return stored_rows_ == 0 || stored_cols_ == 0; }
  bool is_transposed() const { return transposed_; }
  block_matrix_view transposed() const {
    block_matrix_view v = *this;
    v.transposed_ = !transposed_;
    return v;
  }

  // Stored rows [r0, r0 + n) as a view of their own (same orientation).
  block_matrix_view stored_block(std::size_t r0, std::size_t n) const {
    if (r0 > stored_rows_ || n > stored_rows_ - r0)
      detail::fail("block_matrix_view: stored rows [" + std::to_string(r0) + ", " + std::to_string(r0 + n) +
                   ") out of range (" + std::to_string(stored_rows_) + " rows)");
    block_matrix_view v = *this;
    v.data_ = data_ + r0 * row_bytes_;
    v.stored_rows_ = n;
    return v;
  }

  std::size_t stored_rows() const { return stored_rows_; }
  std::size_t stored_cols() const { return stored_cols_; }
  std::size_t row_bytes() const { return row_bytes_; }
  const std::uint8_t* data() const { return data_; }
  std::size_t extent_bytes() const { return stored_rows_ * row_bytes_; }
  float tensor_scale() const { return tensor_scale_; }

  // Decodes values [k0, k0 + count) of stored row r into out; k0 must be a
  // multiple of the block size.
  void decode_stored(std::size_t r, std::size_t k0, std::size_t count, float* out) const {
    constexpr std::size_t B = BF::block_size;
    float block[B];
    for (std::size_t k = 0; k < count;) {
      const std::size_t b = (k0 + k) / B;
      const std::uint8_t* p = data_ + r * row_bytes_ + b * BF::bytes_per_block;
      reference::dequantize_block<BF>(std::span<const std::uint8_t, BF::bytes_per_block>(p, BF::bytes_per_block),
                                      std::span<float, B>(block, B), tensor_scale_);
      const std::size_t offset = (k0 + k) % B;
      for (std::size_t t = offset; t < B && k < count; ++t, ++k) out[k] = block[t];
    }
  }

  // One value of the logical matrix (slow: decodes its block).
  float operator()(std::size_t i, std::size_t j) const {
    if (i >= rows() || j >= cols()) detail::fail("block_matrix_view: index out of range");
    const std::size_t r = transposed_ ? j : i, k = transposed_ ? i : j;
    const std::size_t k0 = k - k % BF::block_size;
    float block[BF::block_size];
    decode_stored(r, k0, BF::block_size, block);
    return block[k - k0];
  }

 private:
  const std::uint8_t* data_ = nullptr;
  std::size_t stored_rows_ = 0, stored_cols_ = 0;
  padding pad_ = padding::none;
  std::size_t row_bytes_ = 0;
  float tensor_scale_ = 1.0f;
  bool transposed_ = false;
};

template <class T>
inline constexpr bool is_block_matrix_view_v = false;
template <class BF>
inline constexpr bool is_block_matrix_view_v<block_matrix_view<BF>> = true;

}  // namespace lowp
