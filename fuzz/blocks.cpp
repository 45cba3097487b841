// libFuzzer target: the raw block readers and writers of every block format on
// every ISA this CPU runs, against the scalar reference.
//
// Input: byte 0 picks the format (of lowp::block_formats), byte 1 the row
// length (1 to 4 whole blocks, or with --pad a partial last block), the rest
// is a raw tensor of that format: as many whole rows as it holds. Every ISA's
// dequantize_blocks must give the reference's bits, or throw lowp::error
// exactly when the reference does. The same bytes, read as float32 values,
// are then quantized on every ISA and must give the reference's bytes.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <tuple>
#include <vector>

#include "lowp/block/formats.hpp"
#include "lowp/error.hpp"
#include "lowp/isa.hpp"
#include "lowp/kernels/block.hpp"
#include "lowp/reference/block.hpp"

namespace {

template <class F>
std::optional<std::vector<std::uint32_t>> attempt(F&& f) {
  try {
    return f();
  } catch (const lowp::error&) {
    return std::nullopt;
  }
}

std::vector<std::uint32_t> bits_of(const std::vector<float>& y) {
  std::vector<std::uint32_t> b(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) b[i] = std::bit_cast<std::uint32_t>(y[i]);
  return b;
}

template <class BF>
void check_format(std::uint8_t shape, std::span<const std::uint8_t> raw) {
  constexpr std::size_t B = BF::block_size;
  const lowp::padding pad = (shape & 0x80) ? lowp::padding::zero : lowp::padding::none;
  const std::size_t cols = (shape & 0x80) ? std::size_t(1) + (shape & 0x7f) % (4 * B) : B * (1 + shape % 4);
  const std::size_t per_row = lowp::reference::row_bytes<BF>(cols, pad);
  if (raw.size() < BF::tensor_header_bytes) return;
  const std::size_t rows = (raw.size() - BF::tensor_header_bytes) / per_row;
  raw = raw.first(BF::tensor_header_bytes + rows * per_row);

  const auto decode_reference = [&] {
    std::vector<float> y(rows * cols);
    lowp::reference::dequantize<BF>(raw, rows, cols, y, pad);
    return bits_of(y);
  };
  const auto expected = attempt(decode_reference);
  for (lowp::isa which : lowp::available_isas()) {
    const auto got = attempt([&] {
      std::vector<float> y(rows * cols);
      lowp::dequantize_blocks<BF>(raw, rows, cols, y, pad, which);
      return bits_of(y);
    });
    if (got != expected) std::abort();
  }

  // The same bytes as float32 values, quantized (the tensor's own tensor scale).
  std::vector<float> x((raw.size() / 4) / cols * cols);
  if (!x.empty()) std::memcpy(x.data(), raw.data(), 4 * x.size());
  const std::size_t xrows = x.size() / cols;
  const auto encode = [&](std::optional<lowp::isa> which) {
    return attempt([&] {
      std::vector<std::uint8_t> out(lowp::reference::raw_bytes<BF>(xrows, cols, pad));
      lowp::quantize_options opt;
      opt.pad = pad;
      if (which) lowp::quantize_blocks<BF>(x, xrows, cols, out, opt, *which);
      else lowp::reference::quantize<BF>(x, xrows, cols, out, opt);
      return std::vector<std::uint32_t>(out.begin(), out.end());
    });
  };
  const auto expected_bytes = encode(std::nullopt);
  for (lowp::isa which : lowp::available_isas())
    if (encode(which) != expected_bytes) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  constexpr std::size_t count = std::tuple_size_v<lowp::block_formats>;
  const std::size_t pick = data[0] % count;
  std::size_t i = 0;
  lowp::for_each_format<lowp::block_formats>([&]<class BF>(lowp::type_tag<BF>) {
    if (i++ == pick) check_format<BF>(data[1], std::span<const std::uint8_t>(data + 2, size - 2));
  });
  return 0;
}
