#pragma once

// Row-interleaved 4-bit block weights: the stored rows of a
// block_matrix_view<BF> regrouped 8 at a time so that one sequential stream
// holds 8 rows' blocks side by side, the "repacked" weight layouts that
// inference engines build once when a model is loaded (llama.cpp's
// block_q4_0x8 in ggml-cpu/repack.cpp; ik_llama.cpp's *_r8 types, whose name
// "<format>_r8" lowp's benchmarks use). A GEMV over it reads one stream per
// 8 output rows and needs no horizontal reduction: each 32-bit lane of a
// 256-bit register holds 4 bytes of one row.
//
// Layout, for N x K weights with k = K rounded up to whole blocks of B
// values (the stored row length) and groups = ceil(N / 8): group g holds
// rows 8g .. 8g + 7 (rows past N are zero bytes) as k / B group blocks of
// 8 * BF::bytes_per_block bytes each. Group block b of group g:
//   bytes [0, 8 * scale_bytes)   the scale bytes of block b of row 8g + r,
//                                 r = 0 .. 7, as stored (float16 little
//                                 endian, or one E8M0 byte)
//   then, for each 32-value sub-block s of the block (B / 32 of them) and
//   each step t = 0 .. 3, 32 bytes: byte 4r + i (r = 0 .. 7, i = 0 .. 3)
//   holds in its low nibble the code of value 32s + 8t + i of the block
//   in row 8g + r, and in its high nibble the code of value 32s + 8t + 4 + i.
// Codes are the format's own 4-bit codes (values in natural order: ggml's
// split-nibble storage order is undone when packing). The bytes total
// groups * (k / B) * 8 * BF::bytes_per_block, the plain size rounded up to
// a multiple of 8 rows.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lowp/block/block_format.hpp"
#include "lowp/block/block_matrix_view.hpp"
#include "lowp/error.hpp"
#include "lowp/core/bit_width.hpp"

namespace lowp {

// Block formats the layout holds: 4-bit elements, one scale per block of a
// multiple of 32 values, no tensor scale.
template <class BF>
concept row_interleavable = is_block_format_v<BF> && bit_width_v<typename BF::element_type> == 4 &&
                            BF::block_size % 32 == 0 && BF::scale_count == 1 && BF::tensor_header_bytes == 0;

template <class BF>
  requires row_interleavable<BF>
class row_interleaved {
 public:
  using format = BF;
  static constexpr std::size_t rows_per_group = 8;
  static constexpr std::size_t group_block_bytes = rows_per_group * BF::bytes_per_block;
  static constexpr std::size_t scale_area_bytes = rows_per_group * BF::scale_bytes;

  row_interleaved() = default;

  // Packs the stored N x K weights w (not a transposed view).
  explicit row_interleaved(const block_matrix_view<BF>& w) {
    if (w.is_transposed())
      lowp::detail::fail("row_interleaved: w is a transposed view; interleave the stored N x K weights");
    rows_ = w.stored_rows();
    cols_ = w.stored_cols();
    blocks_ = w.row_bytes() / BF::bytes_per_block;
    bytes_.assign(groups() * group_bytes(), 0);
    for (std::size_t r = 0; r < rows_; ++r) {
      const std::uint8_t* row = w.data() + r * w.row_bytes();
      for (std::size_t b = 0; b < blocks_; ++b) {
        const std::uint8_t* block = row + b * BF::bytes_per_block;
        std::uint8_t* scale = scale_bytes(r, b);
        for (std::size_t i = 0; i < BF::scale_bytes; ++i) scale[i] = block[i];
        for (std::size_t j = 0; j < BF::block_size; ++j) {
          const std::size_t p = BF::storage_index(j);
          const unsigned code = (block[BF::scale_bytes + p / 2] >> (4 * (p % 2))) & 0x0Fu;
          const std::size_t at = element_byte(r, b, j);
          bytes_[at] = std::uint8_t(bytes_[at] | (code << (4 * nibble(j))));
        }
      }
    }
  }

  std::size_t rows() const { return rows_; }         // N
  std::size_t cols() const { return cols_; }         // K
  std::size_t blocks_per_row() const { return blocks_; }
  std::size_t stored_cols() const { return blocks_ * BF::block_size; }  // K rounded up to whole blocks
  std::size_t groups() const { return (rows_ + rows_per_group - 1) / rows_per_group; }
  std::size_t group_bytes() const { return blocks_ * group_block_bytes; }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::size_t size_bytes() const { return bytes_.size(); }

  // The scale bytes of block b of row r.
  const std::uint8_t* scale_bytes(std::size_t r, std::size_t b) const {
    return bytes_.data() + group_block(r, b) + (r % rows_per_group) * BF::scale_bytes;
  }
  // The 4-bit code of value j (0 <= j < stored_cols()) of row r.
  unsigned code(std::size_t r, std::size_t j) const {
    return (bytes_[element_byte(r, j / BF::block_size, j % BF::block_size)] >> (4 * nibble(j))) & 0x0Fu;
  }

 private:
  std::size_t group_block(std::size_t r, std::size_t b) const {
    return (r / rows_per_group) * group_bytes() + b * group_block_bytes;
  }
  // Byte holding value j of block b of row r, and which nibble (0 low, 1 high).
  std::size_t element_byte(std::size_t r, std::size_t b, std::size_t j) const {
    const std::size_t s = j / 32, t = (j % 32) / 8, i = j % 4;
    return group_block(r, b) + scale_area_bytes + 128 * s + 32 * t + 4 * (r % rows_per_group) + i;
  }
  static std::size_t nibble(std::size_t j) { return (j % 8) / 4; }
  std::uint8_t* scale_bytes(std::size_t r, std::size_t b) {
    return bytes_.data() + group_block(r, b) + (r % rows_per_group) * BF::scale_bytes;
  }

  std::vector<std::uint8_t> bytes_;
  std::size_t rows_ = 0, cols_ = 0, blocks_ = 0;
};

// Packs w into the row-interleaved layout (row_interleaved<BF>(w)).
template <class BF>
  requires row_interleavable<BF>
row_interleaved<BF> interleave_rows(const block_matrix_view<BF>& w) {
  return row_interleaved<BF>(w);
}

}  // namespace lowp
