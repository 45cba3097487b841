#pragma once

// block_tensor<BF>: an owning rows x cols tensor in BF's canonical raw layout
// (reference/block.hpp), with views of rows and blocks.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "lowp/block/block_format.hpp"
#include "lowp/container/packed_span.hpp"
#include "lowp/error.hpp"
#include "lowp/reference/block.hpp"

namespace lowp {

// One block: its scale fields and its packed elements.
template <class BF>
class block_view {
 public:
  using format = BF;
  using element_type = typename BF::element_type;
  using scale_type = typename BF::scale_type;

  block_view(std::span<const std::uint8_t, BF::bytes_per_block> bytes, float tensor_scale)
      : bytes_(bytes), tensor_scale_(tensor_scale) {}

  std::span<const std::uint8_t, BF::bytes_per_block> bytes() const { return bytes_; }
  std::span<const std::uint8_t, BF::scale_bytes> scale_bytes() const { return bytes_.template first<BF::scale_bytes>(); }
  std::span<const std::uint8_t, BF::element_bytes> element_bytes() const {
    return bytes_.template last<BF::element_bytes>();
  }

  // Scale field i (ggml_q4_1: 0 is d, 1 is m).
  scale_type scale(std::size_t i = 0) const {
    if (i >= BF::scale_count)
      detail::fail("scale: index " + std::to_string(i) + " out of range for " + BF::name + "'s " +
                   std::to_string(BF::scale_count) + " scale field(s)");
    constexpr std::size_t w = std::size_t(bit_width_v<scale_type>) / 8;
    std::uint32_t code = 0;
    for (std::size_t k = 0; k < w; ++k) code |= std::uint32_t(bytes_[i * w + k]) << (8 * k);
    return scale_type::from_bits(typename scale_type::storage_type(code));
  }

  // The packed elements in storage order.
  packed_span<const element_type> codes() const { return {bytes_.data() + BF::scale_bytes, BF::block_size}; }

  // Element j of the block, in element order (ggml's 4-bit blocks interleave).
  element_type element(std::size_t j) const {
    if (j >= BF::block_size)
      detail::fail("element: index " + std::to_string(j) + " out of range for a block of " +
                   std::to_string(BF::block_size));
    return codes()[BF::storage_index(j)];
  }

  void dequantize(std::span<float, BF::block_size> out) const {
    reference::dequantize_block<BF>(bytes_, out, tensor_scale_);
  }

  // The dequantized value of element j.
  float value(std::size_t j) const {
    if (j >= BF::block_size)
      detail::fail("value: index " + std::to_string(j) + " out of range for a block of " +
                   std::to_string(BF::block_size));
    std::array<float, BF::block_size> all{};
    dequantize(all);
    return all[j];
  }

 private:
  std::span<const std::uint8_t, BF::bytes_per_block> bytes_;
  float tensor_scale_;
};

// One row: blocks_per_row blocks of bytes_per_block bytes.
template <class BF>
class block_row_view {
 public:
  using format = BF;

  block_row_view(std::span<const std::uint8_t> bytes, std::size_t cols, padding pad, float tensor_scale)
      : bytes_(bytes), cols_(cols), pad_(pad), tensor_scale_(tensor_scale) {}

  std::span<const std::uint8_t> bytes() const { return bytes_; }
  std::size_t cols() const { return cols_; }
  std::size_t blocks() const { return bytes_.size() / BF::bytes_per_block; }

  block_view<BF> block(std::size_t b) const {
    if (b >= blocks())
      detail::fail("block: index " + std::to_string(b) + " out of range for a row of " + std::to_string(blocks()) +
                   " blocks");
    return {std::span<const std::uint8_t, BF::bytes_per_block>(bytes_.data() + b * BF::bytes_per_block,
                                                                BF::bytes_per_block),
            tensor_scale_};
  }

  void dequantize(std::span<float> out) const { reference::dequantize_row<BF>(bytes_, out, pad_, tensor_scale_); }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t cols_;
  padding pad_;
  float tensor_scale_;
};

template <class BF>
class block_tensor {
 public:
  using format = BF;

  block_tensor() : block_tensor(0, 0) {}

  // rows x cols zeros (all-zero bytes: zero scales, zero elements; NVFP4's
  // tensor scale is 1).
  block_tensor(std::size_t rows, std::size_t cols, padding pad = padding::none)
      : rows_(rows), cols_(cols), pad_(pad), raw_(reference::raw_bytes<BF>(rows, cols, pad)) {
    if constexpr (BF::scale_rule::tensor_scale)
      reference::detail::store_le32(raw_.data(), std::bit_cast<std::uint32_t>(1.0f));
  }

  // Quantizes a row-major rows x cols tensor.
  block_tensor(std::span<const float> x, std::size_t rows, std::size_t cols, const quantize_options& opt = {})
      : rows_(rows), cols_(cols), pad_(opt.pad), raw_(reference::raw_bytes<BF>(rows, cols, opt.pad)) {
    reference::quantize<BF>(x, rows, cols, raw_, opt);
  }

  // Takes ownership of bytes already in BF's raw layout; their size must match.
  static block_tensor from_raw(std::vector<std::uint8_t> raw, std::size_t rows, std::size_t cols,
                               padding pad = padding::none) {
    const std::size_t expected = reference::raw_bytes<BF>(rows, cols, pad);
    if (raw.size() != expected)
      detail::fail("raw: " + std::to_string(raw.size()) + " bytes, but a " + std::to_string(rows) + " x " +
                   std::to_string(cols) + " " + BF::name + " tensor takes " + std::to_string(expected));
    block_tensor t(0, 0, pad);
    t.rows_ = rows;
    t.cols_ = cols;
    t.pad_ = pad;
    t.raw_ = std::move(raw);
    return t;
  }

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  padding pad() const { return pad_; }
  std::size_t blocks_per_row() const { return reference::blocks_per_row<BF>(cols_, pad_); }
  std::size_t row_bytes() const { return reference::row_bytes<BF>(cols_, pad_); }
  std::size_t size_bytes() const { return raw_.size(); }

  // The whole raw layout, header included.
  std::span<const std::uint8_t> raw() const { return raw_; }
  std::span<std::uint8_t> raw() { return raw_; }

  // NVFP4's per-tensor scale; 1 for formats without one.
  float tensor_scale() const { return reference::stored_tensor_scale<BF>(raw_); }

  block_row_view<BF> row(std::size_t r) const {
    if (r >= rows_)
      detail::fail("row: index " + std::to_string(r) + " out of range for a tensor of " + std::to_string(rows_) +
                   " rows");
    const std::size_t per_row = row_bytes();
    return {std::span<const std::uint8_t>(raw_).subspan(BF::tensor_header_bytes + r * per_row, per_row), cols_, pad_,
            tensor_scale()};
  }

  void dequantize(std::span<float> out) const { reference::dequantize<BF>(raw_, rows_, cols_, out, pad_); }
  std::vector<float> dequantize() const { return reference::dequantize<BF>(raw_, rows_, cols_, pad_); }

 private:
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  padding pad_ = padding::none;
  std::vector<std::uint8_t> raw_;
};

}  // namespace lowp
