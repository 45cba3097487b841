#pragma once

// The tensor conversions of `lowp quantize`, `dequantize`, `error` and
// `report`: float32 values <-> the canonical raw layout of a format, for every
// scalar format (a packed stream, element 0 in the low bits of byte 0; DESIGN
// §4) and every block format (row-major rows x cols, blocked along rows;
// DESIGN §5). quantize_tensor and dequantize_tensor are the only places where
// the tool converts tensors, and the only places that act on --isa.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lowp/core/policy.hpp"
#include "lowp/reference/block.hpp"

namespace lowp::tool {

// A format of lowp::scalar_formats or lowp::block_formats, by name.
struct format_desc {
  std::string name;
  bool is_block = false;
  // scalar formats
  int bits = 0;           // bit_width_v
  bool is_float = false;  // minifloat (else integer)
  bool is_signed = true;
  double max = 0;         // largest finite value
  // block formats
  std::size_t block_size = 1;
  std::size_t bytes_per_block = 0;
  std::size_t header_bytes = 0;  // bytes before the first row (NVFP4's float32 tensor scale)
  bool ggml = false;             // quantizes as ggml does: only nearest_even + saturate
};

// The format called `name`, scalar or block; none when there is no such format.
std::optional<format_desc> find_format(std::string_view name);
// Every block format, in the order of lowp::block_formats.
const std::vector<format_desc>& block_format_descs();

struct quantize_settings {
  rounding round = rounding::nearest_even;
  overflow on_overflow = overflow::saturate;
  std::uint64_t seed = 0;          // stochastic rounding; element index = row * cols + col
  padding pad = padding::none;     // block formats only
  std::string_view isa = "scalar";  // an available --isa name
};

// Bytes of the raw layout of rows x cols values: packed_bytes(rows * cols) for
// a scalar format, reference::raw_bytes for a block format (a lowp::error
// when cols is not a multiple of the block size and pad is none).
std::size_t raw_size(const format_desc& f, std::size_t rows, std::size_t cols, padding pad);

// x (rows * cols values, row-major) -> the raw layout of f. Scalar formats
// encode each value as is (no scaling) with s.round and s.on_overflow.
std::vector<std::uint8_t> quantize_tensor(const format_desc& f, std::span<const float> x, std::size_t rows,
                                          std::size_t cols, const quantize_settings& s);

// The raw layout of f (raw_size(f, rows, cols, pad) bytes) -> rows * cols values.
std::vector<float> dequantize_tensor(const format_desc& f, std::span<const std::uint8_t> raw, std::size_t rows,
                                     std::size_t cols, padding pad, std::string_view isa);

}  // namespace lowp::tool
