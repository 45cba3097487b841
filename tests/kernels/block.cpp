// lowp::dequantize_blocks on every ISA this CPU runs, compared bit for bit
// with reference::dequantize (reference/block.hpp): random raw bytes (every
// scale and element code, NaN scales and codes, Inf/NaN/subnormal float16
// scales), quantized tensors, edge blocks, several blocks per row, padding,
// misaligned input and output, the errors, and ggml's conformance vectors.

#include <cstdint>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include <lowp/block/formats.hpp>
#include <lowp/format/convert.hpp>
#include <lowp/format/formats.hpp>
#include <lowp/kernels/block.hpp>
#include <lowp/reference/block.hpp>

#include "../block/block_test_data.hpp"
#include "convert_support.hpp"

#ifndef LOWP_CONFORMANCE_DIR
#error "LOWP_CONFORMANCE_DIR must name the directory of the conformance vectors"
#endif

namespace {

namespace ref = lowp::reference;

using kernel_formats = std::tuple<lowp::ggml_q4_0, lowp::ggml_q8_0, lowp::ggml_mxfp4, lowp::mxfp4, lowp::mxfp4_noclip,
                                  lowp::mxfp8_e4m3, lowp::mxfp8_e4m3_noclip, lowp::nvfp4>;
// Formats without a SIMD kernel still go through dequantize_blocks (reference inside).
using other_formats = std::tuple<lowp::ggml_q4_1, lowp::mxfp8_e5m2, lowp::mxfp6_e3m2, lowp::mxint8>;

// Edge values of each format's scale (stored little-endian at the block start).
template <class BF>
std::vector<std::uint32_t> edge_scales() {
  if constexpr (lowp::is_ggml_rule_v<typename BF::scale_rule> && BF::scale_bytes == 2)
    // float16: 0, -0, least subnormal, largest subnormal, 1, -1, max, Inf, -Inf, NaNs
    return {0x0000, 0x8000, 0x0001, 0x03FF, 0x3C00, 0xBC00, 0x7BFF, 0xFBFF, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFE01};
  else if constexpr (BF::scale_bytes == 1 && std::is_same_v<typename BF::scale_type, lowp::float8_e8m0fnu>)
    return {0x00, 0x01, 0x02, 0x7F, 0x80, 0xFE, 0xFF};
  else
    return {0x00, 0x01, 0x07, 0x08, 0x38, 0x7E, 0x7F, 0x80, 0xFE, 0xFF};  // UE4M3 (bit 7 unused)
}

template <class BF>
void set_scale(std::uint8_t* block, std::uint32_t s) {
  for (std::size_t i = 0; i < BF::scale_bytes; ++i) block[i] = std::uint8_t(s >> (8 * i));
}

// Empty when dequantize_blocks on `which` writes exactly the reference's bits
// into out[offset, offset + rows * cols) and nothing else.
template <class BF>
std::string mismatch(lowp::isa which, std::span<const std::uint8_t> raw, std::size_t rows, std::size_t cols,
                     lowp::padding pad, std::size_t out_offset) {
  const std::size_t n = rows * cols;
  std::vector<float> expect(out_offset + n + 9, -7.25f), got = expect;
  // A damaged buffer (NVFP4's tensor scale NaN, infinite, zero or negative)
  // must be refused by both, with the same message.
  std::string expect_error, got_error;
  try {
    ref::dequantize<BF>(raw, rows, cols, std::span<float>(expect.data() + out_offset, n), pad);
  } catch (const lowp::error& e) {
    expect_error = e.what();
  }
  try {
    lowp::dequantize_blocks<BF>(raw, rows, cols, std::span<float>(got.data() + out_offset, n), pad, which);
  } catch (const lowp::error& e) {
    got_error = e.what();
  }
  if (expect_error != got_error)
    return std::string(BF::name) + " isa " + std::string(lowp::name(which)) + ": reference error '" + expect_error +
           "', kernel error '" + got_error + "'";
  for (std::size_t i = 0; i < expect.size(); ++i)
    if (lowp_test::to_bits(expect[i]) != lowp_test::to_bits(got[i]))
      return std::string(BF::name) + " isa " + std::string(lowp::name(which)) + " " + std::to_string(rows) + "x" +
             std::to_string(cols) + " offset " + std::to_string(out_offset) + ": float " +
             std::to_string(std::ptrdiff_t(i) - std::ptrdiff_t(out_offset)) + " expected " +
             lowp_test::hex(lowp_test::to_bits(expect[i])) + " got " + lowp_test::hex(lowp_test::to_bits(got[i]));
  return {};
}

struct shape {
  std::size_t rows, cols;
  lowp::padding pad;
};

template <class BF>
std::vector<shape> shapes() {
  constexpr std::size_t B = BF::block_size;
  return {{1, B, lowp::padding::none},      {3, 5 * B, lowp::padding::none}, {7, 64 * B, lowp::padding::none},
          {4, 7 * B + 5, lowp::padding::zero}, {5, 3, lowp::padding::zero},     {2, B, lowp::padding::zero},
          {0, B, lowp::padding::none},      {6, 0, lowp::padding::none}};
}

// Random raw bytes: every byte uniform, then edge scales planted in a third of the blocks.
template <class BF>
std::vector<std::uint8_t> random_raw(std::size_t rows, std::size_t cols, lowp::padding pad, std::uint64_t seed,
                                     std::size_t in_offset, float tensor_scale) {
  const std::size_t bytes = ref::raw_bytes<BF>(rows, cols, pad);
  std::vector<std::uint8_t> buf(in_offset + bytes);
  std::mt19937_64 rng(seed);
  for (auto& b : buf) b = std::uint8_t(rng());
  std::uint8_t* raw = buf.data() + in_offset;
  if constexpr (BF::tensor_header_bytes == 4) std::memcpy(raw, &tensor_scale, 4);
  const auto edges = edge_scales<BF>();
  const std::size_t blocks = (bytes - BF::tensor_header_bytes) / BF::bytes_per_block;
  for (std::size_t b = 0; b < blocks; ++b) {
    std::uint8_t* block = raw + BF::tensor_header_bytes + b * BF::bytes_per_block;
    if (b % 3 == 0) set_scale<BF>(block, edges[(b / 3) % edges.size()]);
    if (b % 7 == 1) std::memset(block + BF::scale_bytes, 0, BF::element_bytes);  // zero elements
  }
  return buf;
}

template <class BF>
void check_all_isas(std::uint64_t seed) {
  lowp_test::warn_untested_isas();
  const std::vector<float> tensor_scales =
      BF::tensor_header_bytes == 4
          ? std::vector<float>{1.0f, 0.013671875f, 3.0e-39f, 1.0e30f, 0.0f, std::numeric_limits<float>::infinity(),
                               std::numeric_limits<float>::quiet_NaN()}
          : std::vector<float>{1.0f};
  for (lowp::isa which : lowp_test::tested_isas()) {
    for (const shape& s : shapes<BF>()) {
      for (std::size_t k = 0; k < tensor_scales.size(); ++k) {
        for (std::size_t in_offset : {0, 1}) {
          const auto buf = random_raw<BF>(s.rows, s.cols, s.pad, seed + 31 * k + in_offset, in_offset, tensor_scales[k]);
          const std::span<const std::uint8_t> raw(buf.data() + in_offset, buf.size() - in_offset);
          for (std::size_t out_offset : {0, 1, 3}) CHECK(mismatch<BF>(which, raw, s.rows, s.cols, s.pad, out_offset) == "");
          if (!(tensor_scales[k] > 0.0f) || std::isinf(tensor_scales[k])) {
            std::vector<float> y(s.rows * s.cols);
            CHECK_THROWS_WITH(lowp::dequantize_blocks<BF>(raw, s.rows, s.cols, y, s.pad, which),
                              Catch::Contains("tensor scale"));
          }
        }
      }
      // A quantized tensor (realistic scales and codes).
      const auto x = lowp_block_test::varied_tensor(s.rows, s.cols, seed);
      lowp::quantize_options opt;
      opt.pad = s.pad;
      const auto raw = ref::quantize<BF>(x, s.rows, s.cols, opt);
      CHECK(mismatch<BF>(which, raw, s.rows, s.cols, s.pad, 0) == "");
    }
  }
}

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("dequantize_blocks matches reference::dequantize bit for bit on every ISA",
                        "[kernels][block_kernels]", kernel_formats) {
  check_all_isas<TestType>(0x5eed0 + TestType::bytes_per_block);
}

TEMPLATE_LIST_TEST_CASE("dequantize_blocks of formats without a kernel is the reference", "[kernels][block_kernels]",
                        other_formats) {
  check_all_isas<TestType>(77);
}

TEMPLATE_LIST_TEST_CASE("dequantize_blocks: every scale code with every element code", "[kernels][block_kernels]",
                        kernel_formats) {
  using BF = TestType;
  // One block per (scale, element pattern); element bytes cycle through every byte value.
  const std::size_t scales = BF::scale_bytes == 2 ? 65536 : 256;
  const std::size_t per_scale = BF::scale_bytes == 2 ? 1 : 256 / BF::element_bytes + 1;
  const std::size_t blocks = scales * per_scale;
  std::vector<std::uint8_t> raw(BF::tensor_header_bytes + blocks * BF::bytes_per_block);
  if constexpr (BF::tensor_header_bytes == 4) {
    const float ts = 0.75f;
    std::memcpy(raw.data(), &ts, 4);
  }
  std::size_t byte = 0;
  for (std::size_t b = 0; b < blocks; ++b) {
    std::uint8_t* block = raw.data() + BF::tensor_header_bytes + b * BF::bytes_per_block;
    set_scale<BF>(block, std::uint32_t(b / per_scale));
    for (std::size_t i = 0; i < BF::element_bytes; ++i) block[BF::scale_bytes + i] = std::uint8_t(byte++);
  }
  for (lowp::isa which : lowp_test::tested_isas())
    CHECK(mismatch<BF>(which, raw, 1, blocks * BF::block_size, lowp::padding::none, 1) == "");
}

// MXFP8 NaN element codes at every position of a block, and ggml float16
// scales that are Inf or NaN, each between ordinary blocks: the SIMD kernels
// hand those blocks alone to the reference.
TEMPLATE_LIST_TEST_CASE("dequantize_blocks: special codes at every position", "[kernels][block_kernels]",
                        kernel_formats) {
  using BF = TestType;
  constexpr std::size_t B = BF::block_size;
  std::mt19937_64 rng(0xb10c + B);
  std::vector<std::uint8_t> raw(BF::tensor_header_bytes);
  if constexpr (BF::tensor_header_bytes == 4) {
    const float ts = 1.5f;
    std::memcpy(raw.data(), &ts, 4);
  }
  const auto ordinary = [&](std::uint8_t* block) {
    if constexpr (BF::scale_bytes == 2) set_scale<BF>(block, 0x3555);
    else set_scale<BF>(block, 0x75);
    for (std::size_t i = 0; i < BF::element_bytes; ++i) {
      std::uint8_t v = std::uint8_t(rng());
      if constexpr (std::is_same_v<typename BF::element_type, lowp::float8_e4m3fn>)
        if ((v & 0x7F) == 0x7F) v = 0x12;
      block[BF::scale_bytes + i] = v;
    }
  };
  const auto add = [&](auto special) {
    const std::size_t at = raw.size();
    raw.resize(at + 2 * BF::bytes_per_block);
    ordinary(raw.data() + at);
    special(raw.data() + at);
    ordinary(raw.data() + at + BF::bytes_per_block);
  };
  for (std::size_t p = 0; p < BF::element_bytes; ++p) {
    add([&](std::uint8_t* b) { b[BF::scale_bytes + p] = 0x7F; });
    add([&](std::uint8_t* b) { b[BF::scale_bytes + p] = 0xFF; });
  }
  if constexpr (BF::scale_bytes == 2)
    for (std::uint32_t s : {0x7C00U, 0xFC00U, 0x7E00U, 0x7C01U, 0xFE01U, 0x0001U, 0x8001U})
      add([&](std::uint8_t* b) { set_scale<BF>(b, s); });
  const std::size_t blocks = (raw.size() - BF::tensor_header_bytes) / BF::bytes_per_block;
  for (lowp::isa which : lowp_test::tested_isas()) {
    CHECK(mismatch<BF>(which, raw, 1, blocks * B, lowp::padding::none, 0) == "");
    CHECK(mismatch<BF>(which, raw, blocks / 2, 2 * B, lowp::padding::none, 1) == "");
  }
}

TEMPLATE_LIST_TEST_CASE("dequantize_blocks reports the reference's errors", "[kernels][block_kernels]",
                        kernel_formats) {
  using BF = TestType;
  constexpr std::size_t B = BF::block_size;
  std::vector<std::uint8_t> raw(ref::raw_bytes<BF>(2, 2 * B));
  std::vector<float> out(4 * B);
  const auto both = [&](std::span<const std::uint8_t> r, std::size_t rows, std::size_t cols, std::span<float> y,
                        lowp::padding pad) {
    const std::string expect = error_of([&] { ref::dequantize<BF>(r, rows, cols, y, pad); });
    const std::string got = error_of([&] { lowp::dequantize_blocks<BF>(r, rows, cols, y, pad); });
    CHECK(expect != "(no error)");
    CHECK(got == expect);
  };
  both(std::span(raw).first(raw.size() - 1), 2, 2 * B, out, lowp::padding::none);
  both(raw, 2, 2 * B, std::span(out).first(4 * B - 1), lowp::padding::none);
  both(raw, 2, 2 * B - 1, std::span(out).first(4 * B - 2), lowp::padding::none);
  both(raw, std::size_t(1) << 40, std::size_t(1) << 40, out, lowp::padding::none);
}

TEST_CASE("dequantize_blocks of ggml's conformance blocks equals ggml's output on every ISA",
          "[kernels][block_kernels]") {
  const std::string dir = std::string(LOWP_CONFORMANCE_DIR) + "/ggml/";
  const std::size_t rows = 64, cols = 256;
  const auto check = [&]<class BF>(const std::string& stem, lowp::type_tag<BF>) {
    const auto blocks = lowp_block_test::read_bytes(dir + stem + ".blocks");
    const auto dequant = lowp_block_test::read_f32(dir + stem + ".dequant_f32.bin");
    REQUIRE(blocks.size() == ref::raw_bytes<BF>(rows, cols));
    REQUIRE(dequant.size() == rows * cols);
    for (lowp::isa which : lowp_test::tested_isas()) {
      INFO(stem << " isa " << lowp::name(which));
      std::vector<float> y(rows * cols);
      lowp::dequantize_blocks<BF>(blocks, rows, cols, y, lowp::padding::none, which);
      std::size_t bit_mismatches = 0;
      for (std::size_t i = 0; i < y.size(); ++i)
        bit_mismatches += lowp_block_test::bits(y[i]) != lowp_block_test::bits(dequant[i]);
      CHECK(bit_mismatches == 0);
    }
  };
  check("q4_0", lowp::type_tag<lowp::ggml_q4_0>{});
  check("mxfp4", lowp::type_tag<lowp::ggml_mxfp4>{});
  check("q8_0", lowp::type_tag<lowp::ggml_q8_0>{});
}

TEST_CASE("dequantize_blocks refuses an ISA this program cannot run", "[kernels][block_kernels]") {
  for (lowp::isa i : lowp::all_isas) {
    if (lowp::isa_available(i)) continue;
    std::vector<std::uint8_t> raw(ref::raw_bytes<lowp::mxfp4>(1, 32));
    std::vector<float> y(32);
    CHECK_THROWS_WITH(lowp::dequantize_blocks<lowp::mxfp4>(raw, 1, 32, y, lowp::padding::none, i),
                      Catch::Contains(std::string(lowp::name(i))));
  }
}
