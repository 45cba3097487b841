#include "tensor_codec.hpp"

#include "lowp/isa.hpp"
#include "lowp/kernels/block.hpp"
#include "lowp/kernels/convert.hpp"

#include <limits>
#include <string>

#include "lowp/block/formats.hpp"
#include "lowp/container/packed_span.hpp"
#include "lowp/core/bit_width.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/format/formats.hpp"

namespace lowp::tool {

namespace {

template <class T>
format_desc scalar_desc() {
  format_desc f;
  f.name = T::name;
  f.bits = bit_width_v<T>;
  f.is_float = is_minifloat_v<T>;
  f.is_signed = std::numeric_limits<T>::is_signed;
  f.max = double(std::numeric_limits<T>::max());
  return f;
}

template <class BF>
format_desc block_desc() {
  format_desc f;
  f.name = BF::name;
  f.is_block = true;
  f.bits = bit_width_v<typename BF::element_type>;
  f.block_size = BF::block_size;
  f.bytes_per_block = BF::bytes_per_block;
  f.header_bytes = BF::tensor_header_bytes;
  f.ggml = is_ggml_rule_v<typename BF::scale_rule>;
  return f;
}

std::size_t element_count(std::size_t rows, std::size_t cols) {
  if (cols != 0 && rows > std::numeric_limits<std::size_t>::max() / cols)
    lowp::detail::fail("rows: " + std::to_string(rows) + " x " + std::to_string(cols) + " overflows size_t");
  return rows * cols;
}

// ---- the conversions ----------------------------------------------------------
// One function per direction and family; `isa` is an available --isa name
// (cli.hpp). Scalar formats run the SIMD kernels of lowp/kernels/convert.hpp
// on that ISA (bit-identical to the scalar reference on every ISA); block
// formats run the scalar reference until their kernels exist.

template <class T>
void quantize_scalar(std::span<const float> x, std::span<std::uint8_t> out, const quantize_settings& s,
                     std::string_view isa) {
  lowp::quantize<T>(x, packed_span<T>(out.data(), x.size()), s.round, s.on_overflow, s.seed, 0,
                    lowp::require_isa(isa));
}

template <class T>
void dequantize_scalar(std::span<const std::uint8_t> raw, std::span<float> y, std::string_view isa) {
  lowp::dequantize<T>(packed_span<const T>(raw.data(), y.size()), y, lowp::require_isa(isa));
}

template <class BF>
void quantize_blocks(std::span<const float> x, std::size_t rows, std::size_t cols, std::span<std::uint8_t> out,
                     const quantize_settings& s, std::string_view isa) {
  quantize_options opt;
  opt.round = s.round;
  opt.on_overflow = s.on_overflow;
  opt.seed = s.seed;
  opt.pad = s.pad;
  lowp::quantize_blocks<BF>(x, rows, cols, out, opt, lowp::require_isa(isa));
}

template <class BF>
void dequantize_blocks(std::span<const std::uint8_t> raw, std::size_t rows, std::size_t cols, std::span<float> y,
                       padding pad, std::string_view isa) {
  lowp::dequantize_blocks<BF>(raw, rows, cols, y, pad, lowp::require_isa(isa));
}

// Calls scalar(type_tag<T>) or block(type_tag<BF>) for the format of f.
template <class Scalar, class Block>
void dispatch(const format_desc& f, Scalar&& scalar, Block&& block) {
  const bool found =
      f.is_block ? visit_format<block_formats>(f.name, block) : visit_format<scalar_formats>(f.name, scalar);
  if (!found) lowp::detail::fail("format: unknown format '" + f.name + "'");
}

}  // namespace

std::optional<format_desc> find_format(std::string_view name) {
  std::optional<format_desc> f;
  visit_format<scalar_formats>(name, [&]<class T>(type_tag<T>) { f = scalar_desc<T>(); });
  if (!f) visit_format<block_formats>(name, [&]<class BF>(type_tag<BF>) { f = block_desc<BF>(); });
  return f;
}

const std::vector<format_desc>& block_format_descs() {
  static const std::vector<format_desc> descs = [] {
    std::vector<format_desc> v;
    for_each_format<block_formats>([&]<class BF>(type_tag<BF>) { v.push_back(block_desc<BF>()); });
    return v;
  }();
  return descs;
}

std::size_t raw_size(const format_desc& f, std::size_t rows, std::size_t cols, padding pad) {
  const std::size_t n = element_count(rows, cols);
  if (f.is_block) {
    std::size_t bytes = 0;
    visit_format<block_formats>(f.name, [&]<class BF>(type_tag<BF>) { bytes = reference::raw_bytes<BF>(rows, cols, pad); });
    return bytes;
  }
  const std::size_t w = std::size_t(f.bits);
  if (n > std::numeric_limits<std::size_t>::max() / w)
    lowp::detail::fail("rows: " + std::to_string(n) + " values overflow the size of a raw " + f.name + " buffer");
  return (n * w + 7) / 8;
}

std::vector<std::uint8_t> quantize_tensor(const format_desc& f, std::span<const float> x, std::size_t rows,
                                          std::size_t cols, const quantize_settings& s) {
  if (x.size() != element_count(rows, cols))
    lowp::detail::fail("x: " + std::to_string(x.size()) + " values, but rows x cols = " + std::to_string(rows) +
                       " x " + std::to_string(cols));
  std::vector<std::uint8_t> out(raw_size(f, rows, cols, s.pad));
  dispatch(
      f, [&]<class T>(type_tag<T>) { quantize_scalar<T>(x, out, s, s.isa); },
      [&]<class BF>(type_tag<BF>) { quantize_blocks<BF>(x, rows, cols, out, s, s.isa); });
  return out;
}

std::vector<float> dequantize_tensor(const format_desc& f, std::span<const std::uint8_t> raw, std::size_t rows,
                                     std::size_t cols, padding pad, std::string_view isa) {
  const std::size_t expected = raw_size(f, rows, cols, pad);
  if (raw.size() != expected)
    lowp::detail::fail("raw: " + std::to_string(raw.size()) + " bytes, but a " + std::to_string(rows) + " x " +
                       std::to_string(cols) + " " + f.name + " tensor takes " + std::to_string(expected));
  std::vector<float> y(element_count(rows, cols));
  dispatch(
      f, [&]<class T>(type_tag<T>) { dequantize_scalar<T>(raw, y, isa); },
      [&]<class BF>(type_tag<BF>) { dequantize_blocks<BF>(raw, rows, cols, y, pad, isa); });
  return y;
}

}  // namespace lowp::tool
